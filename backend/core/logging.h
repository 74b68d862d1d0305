#pragma once
// Logging setup. Everything logs through spdlog's default logger; setupLogging() gives it a console sink and a
// rotating file sink (5 files of 5 MB) in logDir. Call once from main() before any other thread starts.

#include <string>

namespace moescope {

struct LogOptions {
    std::string logDir; // empty: no file sink
    bool console = true;
    bool verbose = false; // debug level instead of info
};

void setupLogging(const LogOptions& options);

// The default per-user log folder when no GUI framework supplies one: $XDG_STATE_HOME/moescope/logs, else
// ~/.local/state/moescope/logs.
std::string defaultLogDir();

} // namespace moescope

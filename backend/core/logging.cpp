#include "core/logging.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace moescope {

void setupLogging(const LogOptions& options)
{
    std::vector<spdlog::sink_ptr> sinks;
    if (options.console) {
        auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        console->set_level(options.verbose ? spdlog::level::debug : spdlog::level::warn);
        sinks.push_back(console);
    }
    if (!options.logDir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(options.logDir, ec);
        if (!ec) {
            try {
                auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                    (std::filesystem::path(options.logDir) / "moescope.log").string(), 5 * 1024 * 1024, 5);
                file->set_level(spdlog::level::debug);
                sinks.push_back(file);
            } catch (const spdlog::spdlog_ex&) {
                // A read-only or full disk must not stop the program; console logging still works.
            }
        }
    }
    auto logger = std::make_shared<spdlog::logger>("moescope", sinks.begin(), sinks.end());
    logger->set_level(options.verbose ? spdlog::level::debug : spdlog::level::info);
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] [%t] %v");
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
}

std::string defaultLogDir()
{
    if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
        return (std::filesystem::path(state) / "moescope" / "logs").string();
    if (const char* home = std::getenv("HOME"); home && *home)
        return (std::filesystem::path(home) / ".local" / "state" / "moescope" / "logs").string();
    return {};
}

} // namespace moescope

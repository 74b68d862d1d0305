// moescope-cli: the MoEScope backend from the command line (no Qt). Errors: one line on stderr, non-zero exit.

#include "commands.h"

#include "core/error.h"
#include "core/logging.h"

#include <spdlog/spdlog.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace {

using moescope::cli::Command;

constexpr std::array kCommands = {
    Command { "version", "version                               versions and compute devices as JSON",
        moescope::cli::runVersion },
    Command { "make-sample-report",
        "make-sample-report --out FILE.pdf [--seed S] [--truth FILE.json] [--uncompressed]\n"
        "                                        write the sample 10-K PDF and its ground truth (default truth file:\n"
        "                                        FILE.truth.json beside the PDF); prints a JSON summary",
        moescope::cli::runMakeSampleReport },
};

void printUsage(std::FILE* out)
{
    std::fprintf(out, "usage: moescope-cli COMMAND [options]\n\ncommands:\n");
    for (const auto& c : kCommands)
        std::fprintf(out, "  %.*s\n", static_cast<int>(c.usage.size()), c.usage.data());
    std::fprintf(out, "\nglobal options: --verbose (debug logging to stderr)\n");
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        printUsage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    std::vector<std::string> tokens(argv + 2, argv + argc);
    bool verbose = false;
    std::erase_if(tokens, [&](const std::string& t) { return t == "--verbose" && (verbose = true); });
    moescope::setupLogging({ .logDir = moescope::defaultLogDir(), .console = true, .verbose = verbose });

    const std::string_view name = argv[1];
    for (const auto& c : kCommands) {
        if (c.name != name)
            continue;
        try {
            moescope::cli::Args args(std::move(tokens));
            return c.run(args);
        } catch (const moescope::CancelledError&) {
            std::fprintf(stderr, "moescope-cli: cancelled\n");
            return 130;
        } catch (const moescope::Error& e) {
            spdlog::debug("{} failed: {}", name, e.what());
            std::fprintf(stderr, "moescope-cli %s: error: %s\n", argv[1], e.what());
            return 1;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "moescope-cli %s: internal error: %s\n", argv[1], e.what());
            return 3;
        }
    }
    std::fprintf(stderr, "moescope-cli: unknown command '%s' (see moescope-cli --help)\n", argv[1]);
    return 2;
}

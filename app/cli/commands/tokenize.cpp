// moescope-cli tokenize: text -> token ids with a checkpoint's tokenizer (and a throughput benchmark).

#include <cstdint>
#include "commands.h"

#include "core/error.h"
#include "io/compressedfile.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>

namespace moescope::cli {

namespace {
constexpr std::size_t kMaxTextBytes = std::size_t(1) << 30;

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of the process: unlike wall time, not inflated when other programs share the cores.
double processCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
} // namespace

int runTokenize(Args& args)
{
    const std::string tokenizerPath = args.required("--tokenizer");
    const std::string textFile = args.required("--text-file");
    const bool addSpecial = args.flag("--add-special");
    const bool bench = args.flag("--bench");
    const bool withOffsets = args.flag("--offsets");
    const auto repeat = args.intValue("--repeat", 3);
    args.finish();
    if (repeat < 1 || repeat > 1000)
        throw InvalidArgumentError("--repeat must be between 1 and 1000");

    const auto loadStart = std::chrono::steady_clock::now();
    const Tokenizer tokenizer = Tokenizer::fromFile(tokenizerPath);
    const double loadSeconds = secondsSince(loadStart);
    const std::string text = readMaybeCompressedFile(textFile, kMaxTextBytes);

    if (bench) {
        // The first call runs with a cold word cache, like a fresh HF tokenizer; later calls show the warm speed.
        std::vector<double> times;
        double cpu = 0;
        std::size_t tokens = 0;
        for (std::int64_t r = 0; r < repeat; ++r) {
            const auto start = std::chrono::steady_clock::now();
            const double cpuStart = processCpuSeconds();
            tokens = tokenizer.encode(text, addSpecial).size();
            times.push_back(secondsSince(start));
            if (r == 0)
                cpu = processCpuSeconds() - cpuStart;
        }
        const double cold = times.front();
        const double warm = *std::min_element(times.begin(), times.end());
        const double mb = static_cast<double>(text.size()) / 1e6;
        nlohmann::json out;
        out["bytes"] = text.size();
        out["tokens"] = tokens;
        out["load_seconds"] = loadSeconds;
        out["seconds"] = cold;
        out["cpu_seconds"] = cpu;
        out["mb_per_s"] = mb / cold;
        out["tokens_per_s"] = static_cast<double>(tokens) / cold;
        out["warm_seconds"] = warm;
        out["warm_mb_per_s"] = mb / warm;
        std::cout << out.dump() << "\n";
        return 0;
    }

    nlohmann::json out;
    if (withOffsets) {
        const TokenEncoding e = tokenizer.encodeWithOffsets(text, addSpecial);
        out["ids"] = e.ids;
        nlohmann::json offsets = nlohmann::json::array();
        for (const auto& o : e.offsets)
            offsets.push_back({ o.begin, o.end });
        out["offsets"] = std::move(offsets);
    } else {
        out["ids"] = tokenizer.encode(text, addSpecial);
    }
    std::cout << out.dump() << "\n";
    return 0;
}

} // namespace moescope::cli

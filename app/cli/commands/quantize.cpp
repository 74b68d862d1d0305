#include "commands.h"

#include "core/error.h"
#include "eval/memorytracker.h"
#include "models/registry.h"
#include "quant/calibration.h"
#include "quant/checkpointquantizer.h"
#include "textinput.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace moescope::cli {

int runQuantize(Args& args)
{
    const std::string dir = args.required("--model");
    const auto schemeArg = args.required("--scheme");
    const std::string out = args.required("--out");
    CheckpointQuantizeOptions options;
    options.device = args.value("--device", "cpu");
    const auto shardGb = args.doubleValue("--shard-gb", 4.0);
    if (!(shardGb > 0))
        throw InvalidArgumentError("--shard-gb must be positive");
    options.shardBytes = static_cast<std::uint64_t>(shardGb * (1ull << 30));
    const auto window = args.intValue("--window", 512);
    const auto maxCalib = args.intValue("--calib-tokens", 2048);
    const auto calibration = readTokenInput(args, dir, "--calib-text-file", "--calib-ids-file");
    args.finish();

    options.policy = QuantPolicy::fromSpec(schemeArg);
    const auto spec = readModelSpec(dir);
    if (options.policy.needsCalibration()) {
        if (!calibration)
            throw InvalidArgumentError(
                "scheme '" + schemeArg + "' needs --calib-text-file for activation-aware scaling or GPTQ");
        auto ids = *calibration;
        if (maxCalib > 0 && static_cast<std::int64_t>(ids.size()) > maxCalib)
            ids.resize(static_cast<std::size_t>(maxCalib));
        options.stats = collectActivationStats(
            dir, spec, { .device = options.device }, ids, window, {}, {}, options.policy.errorCompensation);
    }
    int lastPercent = -1;
    // Tensors allocated while quantizing, on the quantizing device and the CPU (not the source's memory mapping nor
    // the shard being written, which are not tensors): the working memory the quantizer needs beside the source.
    MemoryTracker tracker;
    const auto report = quantizeCheckpoint(dir, spec, out, options, {}, [&](std::int64_t done, std::int64_t total) {
        const int percent = static_cast<int>(100 * done / std::max<std::int64_t>(total, 1));
        if (percent / 10 != lastPercent / 10)
            std::fprintf(stderr, "quantize: %d%%\n", percent);
        lastPercent = percent;
    });
    const nlohmann::json j = { { "out", out }, { "scheme", report.label },
        { "policy", options.policy.toJson() }, { "matrices_quantized", report.matricesQuantized },
        { "tensors_copied", report.tensorsCopied }, { "tensors_dropped", report.tensorsDropped },
        { "source_bytes", report.sourceBytes }, { "output_bytes", report.outputBytes },
        { "parameters", report.parameters }, { "shards", report.shards }, { "seconds", report.seconds },
        { "peak_tensor_bytes", tracker.peak() } };
    std::cout << j.dump(2) << "\n";
    return 0;
}

} // namespace moescope::cli

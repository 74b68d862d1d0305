#include "commands.h"

#include "core/error.h"
#include "eval/benchmark.h"
#include "io/configreader.h"
#include "models/modelloader.h"
#include "models/registry.h"
#include "nn/transformer.h"
#include "quant/quantizingweights.h"
#include "runtime/devices.h"
#include "runtime/randomweights.h"
#include "runtime/tensorerrors.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>

namespace moescope::cli {

int runBench(Args& args)
{
    const auto configPath = args.option("--config");
    const bool random = args.flag("--random-weights");
    const auto modelDir = args.option("--model");
    BenchmarkOptions options;
    options.promptTokens = args.intValue("--prompt", options.promptTokens);
    options.generateTokens = args.intValue("--gen", options.generateTokens);
    options.prefillChunk = args.intValue("--prefill-chunk", options.prefillChunk);
    options.prefillRuns = args.intValue("--prefill-runs", options.prefillRuns);
    options.bandwidthBytesPerSecond = args.doubleValue("--bandwidth", options.bandwidthBytesPerSecond);
    const auto graphs = args.value("--cuda-graphs", "on");
    options.profilePath = args.value("--profile", "");
    options.checkSteps = args.intValue("--check-steps", 0);
    options.captureRouting = args.flag("--capture-routing");
    const auto batch = args.intValue("--batch", 1);
    const auto device = resolveDevice(args.value("--device", "auto"));
    const auto dtype = args.value("--dtype", device == "cpu" ? "f32" : "bf16");
    const bool json = args.flag("--json");
    args.finish();
    if (graphs != "on" && graphs != "off")
        throw InvalidArgumentError("bench: --cuda-graphs takes on or off, not " + graphs);
    options.cudaGraphs = graphs == "on";
    if (batch < 1)
        throw InvalidArgumentError("bench: --batch takes a positive number of sequences, not " + std::to_string(batch));
    options.batch = batch;
    // bf16 / f32, or a weight-only scheme (int8, int4-g128, ...) or policy (mixed:POLICY.json) quantized on load over
    // bf16 compute.
    const bool quantized = dtype != "bf16" && dtype != "f32";
    std::optional<QuantPolicy> policy; // parsed before building: names the scheme or the policy's problem
    if (quantized) {
        policy = QuantPolicy::fromSpec(dtype);
        policy->rangeSearch = false; // min/max ranges: the speed does not depend on the range search, loading does
    }
    const auto computeDtype = quantized ? std::string(device == "cpu" ? "f32" : "bf16") : dtype;
    if (random == static_cast<bool>(modelDir) || (random && !configPath))
        throw InvalidArgumentError("bench: give --config FILE --random-weights, or --model DIR");

    const auto start = std::chrono::steady_clock::now();
    std::unique_ptr<Transformer> ownModel;
    std::unique_ptr<Engine> engine;
    Transformer* model = nullptr;
    std::string name;
    guardTensorErrors("building the benchmark model", [&] {
        if (random) {
            const auto spec = modelSpecFromConfig(ConfigReader::fromFile(*configPath));
            RandomWeights weights(at::Device(device), computeDtype == "bf16" ? at::kBFloat16 : at::kFloat);
            weights.setTiedHead(spec.tieWordEmbeddings);
            if (policy) {
                QuantizingWeights quantizing(weights, *policy, spec.naming);
                ownModel = std::make_unique<Transformer>(spec, quantizing);
            } else {
                ownModel = std::make_unique<Transformer>(spec, weights);
            }
            model = ownModel.get();
            name = *configPath;
        } else {
            engine = loadModel(*modelDir, { .device = device, .dtype = computeDtype, .prefillChunk = options.prefillChunk,
                .quantization = quantized ? dtype : std::string() });
            model = &engine->transformer();
            name = *modelDir;
        }
    });
    const double buildSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (quantized) {
        const auto params = countParameters(model->spec());
        options.weightBytesPerParameter = static_cast<double>(model->weightBytes()) / static_cast<double>(params.total);
    }
    BenchmarkResult r;
    guardTensorErrors("benchmarking", [&] { r = runBenchmark(*model, options); });

    const auto params = countParameters(model->spec());
    nlohmann::json out = { { "model", name }, { "family", model->spec().family }, { "device", device },
        { "dtype", dtype }, { "batch", batch }, { "prompt", options.promptTokens }, { "gen", options.generateTokens },
        { "params_total", params.total }, { "params_active", params.active }, { "build_seconds", buildSeconds },
        { "prefill_tok_s", r.prefillTokensPerSecond }, { "prefill_ms", r.prefillMs },
        { "decode_tok_s", r.decodeTokensPerSecond },
        { "ms_per_token_median", r.msPerTokenMedian }, { "ms_per_token_p90", r.msPerTokenP90 },
        { "weight_bytes", r.weightBytes }, { "active_bytes_per_token", r.activeBytesPerToken },
        { "bandwidth_floor_ms", r.bandwidthFloorMs }, { "floor_fraction", r.floorFraction },
        { "device_memory_used", r.deviceMemoryUsed }, { "prefill_peak_transient_bytes", r.prefillPeakTransientBytes },
        { "kv_cache_bytes", r.cacheBytes }, { "cuda_graphs", r.cudaGraphs },
        { "capture_routing", options.captureRouting }, { "routing_events", r.routingEvents } };
    if (!options.profilePath.empty())
        out["profile"] = options.profilePath;
    if (r.check.steps > 0)
        out["step_check"] = { { "steps", r.check.steps }, { "max_rel_diff", r.check.maxRelativeDifference },
            { "same_top1", r.check.sameTop1 }, { "non_finite_fast", r.check.nonFiniteFast },
            { "non_finite_eager", r.check.nonFiniteEager } };
    if (r.batched.batch > 1)
        out["batched"] = { { "batch", r.batched.batch }, { "ms_per_step_median", r.batched.msPerStepMedian },
            { "decode_tok_s", r.batched.decodeTokensPerSecond }, { "speedup_vs_batch1", r.batched.speedup },
            { "overall_tok_s", r.batched.overallTokensPerSecond }, { "cuda_graphs", r.batched.cudaGraphs } };
    if (json)
        std::cout << out.dump() << "\n";
    else
        std::printf("%s (%s, %s): prefill %.0f tok/s, decode %.1f tok/s (%.2f ms median, %.2f ms p90), floor %.3f ms "
                    "(%.1f%% of it), weights %.2f GB%s\n",
            model->spec().family.c_str(), device.c_str(), dtype.c_str(), r.prefillTokensPerSecond,
            r.decodeTokensPerSecond, r.msPerTokenMedian, r.msPerTokenP90, r.bandwidthFloorMs,
            100 * r.floorFraction, r.weightBytes / 1e9, r.cudaGraphs ? ", decode steps as CUDA graphs" : "");
    if (!json && r.batched.batch > 1)
        std::printf("batch %lld: %.2f ms per step, decode %.1f tok/s (%.2fx batch 1), %.1f tok/s with prefills\n",
            static_cast<long long>(r.batched.batch), r.batched.msPerStepMedian, r.batched.decodeTokensPerSecond,
            r.batched.speedup, r.batched.overallTokensPerSecond);
    return 0;
}

} // namespace moescope::cli

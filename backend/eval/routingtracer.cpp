#include "eval/routingtracer.h"

#include "core/error.h"
#include "eval/routingrecorder.h"
#include "runtime/engine.h"
#include "store/sessionstore.h"

#include <filesystem>

namespace moescope {

RoutingTrace makeRoutingTrace(const Engine& engine, const TokenEncoding& tokens, const RoutingRunOptions& options)
{
    const ModelSummary& m = engine.summary();
    if (m.moeLayers.empty() || m.experts <= 0 || m.expertsPerToken <= 0)
        throw UnsupportedError("model " + m.path + " has no MoE layers: there is no routing to trace");
    if (!tokens.offsets.empty() && tokens.offsets.size() != tokens.ids.size())
        throw InvalidArgumentError("routing trace: " + std::to_string(tokens.offsets.size()) + " offsets for "
            + std::to_string(tokens.ids.size()) + " token ids");
    const bool sigmoid = engine.spec().moe.router.scoring == RouterScoring::Sigmoid;
    RoutingTrace trace(m.moeLayers, m.expertsPerToken, m.experts, tokens.ids, tokens.offsets, options.routerEntropy);
    RoutingTraceInfo& info = trace.info();
    info.modelPath = m.path;
    info.modelName = std::filesystem::path(m.path).filename().string();
    if (info.modelName.empty())
        info.modelName = std::filesystem::path(m.path).parent_path().filename().string();
    info.modelType = m.modelType;
    info.device = m.device;
    info.dtype = m.computeDtype;
    info.quantization = m.quantization;
    info.window = options.window;
    info.stride = options.stride > 0 ? options.stride : std::max<std::int64_t>(1, options.window / 2);
    info.source = options.source;
    info.createdAt = utcNow();
    info.routerEntropyKind = !options.routerEntropy ? RouterEntropyKind::None
        : sigmoid                                   ? RouterEntropyKind::NormalizedSigmoid
                                                    : RouterEntropyKind::Softmax;
    return trace;
}

RoutingRun recordRouting(Engine& engine, const TokenEncoding& tokens, const RoutingRunOptions& options,
    std::vector<RoutingSegment> sections, std::vector<RoutingSegment> pages, std::stop_token stop,
    const ProgressCallback& progress, const RoutingSnapshotCallback& snapshot)
{
    RoutingTrace shaped = makeRoutingTrace(engine, tokens, options);
    const PerplexityOptions windows { shaped.info().window, shaped.info().stride };
    RoutingRecorder recorder(std::move(shaped), std::move(sections), std::move(pages));
    RoutingRun run;
    try {
        if (tokens.ids.size() == 1) { // nothing to score, but a lone token is still routed
            throwIfStopRequested(stop);
            engine.logits(tokens.ids, &recorder, stop);
        } else if (!tokens.ids.empty()) {
            run.scores = scoreSequence(
                engine, tokens.ids, windows, &recorder, stop, [&](std::int64_t done, std::int64_t total) {
                    if (snapshot)
                        snapshot(recorder.aggregates());
                    if (progress)
                        progress(done, total);
                });
        }
    } catch (const CancelledError&) {
        run.cancelled = true;
    }
    auto [trace, aggregates] = std::move(recorder).finish();
    run.trace = std::move(trace);
    run.aggregates = std::move(aggregates);
    return run;
}

} // namespace moescope

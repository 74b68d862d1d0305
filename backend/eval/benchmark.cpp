#include "eval/benchmark.h"

#include "core/error.h"
#include "eval/memorytracker.h"
#include "nn/transformer.h"
#include "runtime/batchgenerator.h"
#include "runtime/devices.h"
#include "runtime/forwardobserver.h"
#include "runtime/profilesession.h"
#include "runtime/stepdecoder.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

namespace moescope {

namespace {
    // Keeps every routing choice it is handed, as a routing trace would.
    class RoutingSink final : public ForwardObserver {
    public:
        bool wantsRouting(int) const override { return true; }
        void onRouting(const RoutingEvent& e) override
        {
            ++events;
            const auto n = static_cast<std::size_t>(e.tokens * e.k);
            ids.insert(ids.end(), e.expertIds, e.expertIds + n);
            weights.insert(weights.end(), e.weights, e.weights + n);
        }
        std::int64_t events = 0;
        std::vector<std::int32_t> ids;
        std::vector<float> weights;
    };

    using Clock = std::chrono::steady_clock;
    double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

    // Prefills ids in chunks into cache; returns the last position's hidden state [1, hidden].
    at::Tensor prefillLast(Transformer& model, const at::Tensor& ids, KvCache& cache, std::int64_t chunk)
    {
        at::Tensor hidden;
        for (std::int64_t b = 0; b < ids.size(0); b += chunk)
            hidden = model.forwardHidden(ids.narrow(0, b, std::min(chunk, ids.size(0) - b)), &cache);
        return hidden.narrow(0, hidden.size(0) - 1, 1);
    }

    // prefillLast's greedy next token (reading it synchronises the device).
    std::int64_t prefill(Transformer& model, const at::Tensor& ids, KvCache& cache, std::int64_t chunk)
    {
        return model.logits(prefillLast(model, ids, cache, chunk)).argmax(-1).item<std::int64_t>();
    }

    // Teacher-forced: both paths see the eager path's greedy tokens after the same prompt.
    BenchmarkResult::StepCheck checkSteps(Transformer& model, const at::Tensor& prompt, std::int64_t steps)
    {
        BenchmarkResult::StepCheck check;
        auto eagerCache = model.makeCache();
        auto stepCache = model.makeCache();
        const auto length = prompt.size(0) + steps;
        eagerCache.reserve(length);
        stepCache.reserve(length);
        auto next = prefill(model, prompt, eagerCache, prompt.size(0));
        prefill(model, prompt, stepCache, prompt.size(0));
        StepDecoder decoder(model, stepCache, length, true);
        for (std::int64_t i = 0; i < steps; ++i) {
            const auto expected = model.logits(model.forwardHidden(at::full({ 1 }, next, prompt.options()), &eagerCache));
            const auto got = decoder.step(next);
            check.nonFiniteFast += at::isfinite(got).all().item<bool>() ? 0 : 1;
            check.nonFiniteEager += at::isfinite(expected).all().item<bool>() ? 0 : 1;
            const auto rel = ((got - expected).abs().max() / expected.abs().max()).item<double>();
            check.maxRelativeDifference = std::max(check.maxRelativeDifference, std::isfinite(rel) ? rel : 1e30);
            next = expected.argmax(-1).item<std::int64_t>();
            check.sameTop1 += got.argmax(-1).item<std::int64_t>() == next ? 1 : 0;
        }
        check.steps = steps;
        return check;
    }

    // `batch` greedy sequences of random prompts (promptTokens each) generated together, generateTokens each.
    BenchmarkResult::Batched runBatched(Transformer& model, const BenchmarkOptions& o, double batchOneTokensPerSecond)
    {
        const auto device = model.options().device();
        std::vector<GenerationRequest> requests(static_cast<std::size_t>(o.batch));
        for (auto& r : requests) {
            const auto ids = at::randint(3, model.spec().vocabSize, { o.promptTokens }, at::TensorOptions(at::kLong));
            r.prompt.assign(ids.data_ptr<std::int64_t>(), ids.data_ptr<std::int64_t>() + ids.numel());
            r.options.maxNewTokens = static_cast<int>(o.generateTokens);
        }
        BatchGenerator generator(model, o.batch, o.cudaGraphs);
        const auto prefill = [&](std::span<const std::int32_t> prompt, KvCache& cache) {
            const auto ids = at::tensor(std::vector<std::int64_t>(prompt.begin(), prompt.end()), at::kLong).to(device);
            return prefillLast(model, ids, cache, o.prefillChunk);
        };
        const auto t0 = Clock::now();
        const auto results = generator.run(requests, prefill, {});
        const double totalMs = msSince(t0);
        BenchmarkResult::Batched b;
        b.batch = o.batch;
        b.cudaGraphs = generator.replaying();
        auto stepMs = generator.stepMilliseconds();
        if (stepMs.empty())
            return b;
        std::sort(stepMs.begin(), stepMs.end());
        b.msPerStepMedian = stepMs[stepMs.size() / 2];
        b.decodeTokensPerSecond = static_cast<double>(o.batch) / (b.msPerStepMedian / 1e3);
        b.speedup = batchOneTokensPerSecond > 0 ? b.decodeTokensPerSecond / batchOneTokensPerSecond : 0;
        std::size_t tokens = 0;
        for (const auto& r : results)
            tokens += r.tokens.size();
        b.overallTokensPerSecond = static_cast<double>(tokens) / (totalMs / 1e3);
        if (!o.profilePath.empty()) { // kProfiledSteps batched steps at the full prompt length into PATH.batched.json
            constexpr int kProfiledSteps = 8;
            for (auto& r : requests)
                r.options.maxNewTokens = kProfiledSteps + 2;
            // Recording starts once every sequence has its prefill's token and the first step's (which records the
            // step's graph), so the trace holds replayed steps only.
            std::unique_ptr<ProfileSession> profile;
            std::size_t tokensSoFar = 0;
            const auto startAfterFirstStep = [&](std::size_t, std::int32_t) {
                if (++tokensSoFar == 2 * requests.size())
                    profile = std::make_unique<ProfileSession>(o.profilePath + ".batched.json");
            };
            generator.run(requests, prefill, {}, startAfterFirstStep);
            if (profile)
                profile->finish();
        }
        return b;
    }
} // namespace

BenchmarkResult runBenchmark(Transformer& model, const BenchmarkOptions& o)
{
    if (o.promptTokens < 1 || o.generateTokens < 1)
        throw InvalidArgumentError("benchmark needs at least one prompt and one generated token");
    if (o.prefillRuns < 1)
        throw InvalidArgumentError("benchmark needs at least one timed prefill (--prefill-runs)");
    c10::InferenceMode inference;
    const auto& spec = model.spec();
    const auto device = model.options().device();
    const auto ids = at::randint(3, spec.vocabSize, { o.promptTokens }, at::TensorOptions(at::kLong)).to(device);

    BenchmarkResult r;
    constexpr std::int64_t kProfiledSteps = 8;
    const auto maxLength = o.promptTokens + o.generateTokens + kProfiledSteps;
    // Warm-up at the measured shapes (a prefill of the whole prompt: kernel and cuDNN plan selection for its sizes,
    // allocator growth, lazy initialisation; then a few eager steps), so the timed prefills measure steady speed.
    {
        auto cache = model.makeCache();
        cache.reserve(maxLength);
        auto next = prefill(model, ids, cache, o.prefillChunk);
        for (int i = 0; i < 8; ++i)
            next = model.logits(model.forwardHidden(at::full({ 1 }, next, ids.options()), &cache)).argmax(-1).item<std::int64_t>();
    }
    // Prefill: the median of prefillRuns runs into fresh caches; the last run's cache is the one decode continues.
    KvCache cache = model.makeCache();
    std::int64_t next = 0;
    for (std::int64_t run = 0; run < o.prefillRuns; ++run) {
        cache = model.makeCache();
        cache.reserve(maxLength);
        const MemoryTracker transient; // opened after the cache's reservation: counts the prefill's own tensors
        const auto t0 = Clock::now();
        next = prefill(model, ids, cache, o.prefillChunk);
        r.prefillMs.push_back(msSince(t0));
        r.prefillPeakTransientBytes = std::max(r.prefillPeakTransientBytes, transient.peak() - cache.bytes());
    }
    r.cacheBytes = cache.bytes();
    auto prefillSorted = r.prefillMs;
    std::sort(prefillSorted.begin(), prefillSorted.end());
    r.prefillTokensPerSecond = o.promptTokens / (prefillSorted[prefillSorted.size() / 2] / 1e3);

    // Decode: replays of recorded steps (recorded before the clock runs), or the eager forward pass.
    RoutingSink sink;
    ForwardObserver* observer = o.captureRouting ? &sink : nullptr;
    std::unique_ptr<StepDecoder> decoder;
    if (o.cudaGraphs && StepDecoder::graphsAvailable(device)) {
        decoder = std::make_unique<StepDecoder>(model, cache, maxLength, true, observer, /*greedy=*/true);
        decoder->prepare();
        r.cudaGraphs = decoder->replaying();
    }
    auto decodeStep = [&](std::int64_t token) {
        if (decoder && decoder->choosesGreedily())
            return decoder->stepGreedy(token); // chosen on the device; synchronises
        if (decoder)
            return decoder->step(token).argmax(-1).item<std::int64_t>(); // synchronises
        const auto hidden = model.forwardHidden(at::full({ 1 }, token, ids.options()), &cache, observer); // [1, H]
        return model.logits(hidden).argmax(-1).item<std::int64_t>();
    };
    for (std::int64_t i = 0; i < o.generateTokens; ++i) {
        const auto t = Clock::now();
        next = decodeStep(next);
        r.decodeMs.push_back(msSince(t));
    }
    r.routingEvents = sink.events;
    // The check runs on the prompt's first 512 tokens; the profile on the whole (warm) prompt.
    const auto shortPrompt = ids.narrow(0, 0, std::min<std::int64_t>(512, o.promptTokens));
    if (o.checkSteps > 0)
        r.check = checkSteps(model, shortPrompt, o.checkSteps);
    if (!o.profilePath.empty()) {
        ProfileSession prefillProfile(o.profilePath + ".prefill.json");
        auto again = model.makeCache();
        prefill(model, ids, again, o.prefillChunk);
        prefillProfile.finish();
        ProfileSession decodeProfile(o.profilePath + ".decode.json");
        for (std::int64_t i = 0; i < kProfiledSteps; ++i)
            next = decodeStep(next);
        decodeProfile.finish();
    }
    auto sorted = r.decodeMs;
    std::sort(sorted.begin(), sorted.end());
    r.msPerTokenMedian = sorted[sorted.size() / 2];
    r.msPerTokenP90 = sorted[std::min(sorted.size() - 1, sorted.size() * 9 / 10)];
    double total = 0;
    for (double ms : r.decodeMs)
        total += ms;
    r.decodeTokensPerSecond = static_cast<double>(r.decodeMs.size()) / (total / 1e3);
    if (o.batch > 1)
        r.batched = runBatched(model, o, r.decodeTokensPerSecond);

    r.weightBytes = model.weightBytes();
    const auto params = countParameters(spec);
    const double bytesPerParam = o.weightBytesPerParameter > 0
        ? o.weightBytesPerParameter
        : static_cast<double>(c10::elementSize(model.options().dtype().toScalarType()));
    r.activeBytesPerToken = static_cast<std::int64_t>(static_cast<double>(params.active) * bytesPerParam);
    r.bandwidthFloorMs = static_cast<double>(r.activeBytesPerToken) / o.bandwidthBytesPerSecond * 1e3;
    r.floorFraction = r.bandwidthFloorMs / r.msPerTokenMedian;
    const auto info = queryDevice(device.is_cuda() ? "cuda:" + std::to_string(device.index() < 0 ? 0 : device.index())
                                                   : "cpu");
    r.deviceMemoryUsed = info.totalMemory - info.freeMemory;
    return r;
}

} // namespace moescope

#include "eval/benchmark.h"

#include "core/error.h"
#include "nn/transformer.h"
#include "runtime/devices.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>

namespace moescope {

namespace {
    using Clock = std::chrono::steady_clock;
    double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

    // Prefills ids in chunks into cache; returns the argmax of the last position (which synchronises the device).
    std::int64_t prefill(Transformer& model, const at::Tensor& ids, KvCache& cache, std::int64_t chunk)
    {
        at::Tensor hidden;
        for (std::int64_t b = 0; b < ids.size(0); b += chunk)
            hidden = model.forwardHidden(ids.narrow(0, b, std::min(chunk, ids.size(0) - b)), &cache);
        return model.logits(hidden.narrow(0, hidden.size(0) - 1, 1)).argmax(-1).item<std::int64_t>();
    }
} // namespace

BenchmarkResult runBenchmark(Transformer& model, const BenchmarkOptions& o)
{
    if (o.promptTokens < 1 || o.generateTokens < 1)
        throw InvalidArgumentError("benchmark needs at least one prompt and one generated token");
    c10::InferenceMode inference;
    const auto& spec = model.spec();
    const auto device = model.options().device();
    const auto ids = at::randint(3, spec.vocabSize, { o.promptTokens }, at::TensorOptions(at::kLong)).to(device);

    // Warm-up: kernel selection, allocator growth, lazy initialisation.
    {
        auto cache = model.makeCache();
        auto next = prefill(model, ids.narrow(0, 0, std::min<std::int64_t>(256, o.promptTokens)), cache, o.prefillChunk);
        for (int i = 0; i < 8; ++i)
            next = model.logits(model.forwardHidden(at::full({ 1 }, next, ids.options()), &cache)).argmax(-1).item<std::int64_t>();
    }

    BenchmarkResult r;
    auto cache = model.makeCache();
    cache.reserve(o.promptTokens + o.generateTokens);
    auto t0 = Clock::now();
    auto next = prefill(model, ids, cache, o.prefillChunk);
    const double prefillMs = msSince(t0);
    r.prefillTokensPerSecond = o.promptTokens / (prefillMs / 1e3);

    for (std::int64_t i = 0; i < o.generateTokens; ++i) {
        const auto t = Clock::now();
        const auto hidden = model.forwardHidden(at::full({ 1 }, next, ids.options()), &cache); // [1, H]
        next = model.logits(hidden).argmax(-1).item<std::int64_t>(); // synchronises
        r.decodeMs.push_back(msSince(t));
    }
    auto sorted = r.decodeMs;
    std::sort(sorted.begin(), sorted.end());
    r.msPerTokenMedian = sorted[sorted.size() / 2];
    r.msPerTokenP90 = sorted[std::min(sorted.size() - 1, sorted.size() * 9 / 10)];
    double total = 0;
    for (double ms : r.decodeMs)
        total += ms;
    r.decodeTokensPerSecond = static_cast<double>(r.decodeMs.size()) / (total / 1e3);

    r.weightBytes = model.weightBytes();
    const auto params = countParameters(spec);
    const double bytesPerParam = static_cast<double>(c10::elementSize(model.options().dtype().toScalarType()));
    r.activeBytesPerToken = static_cast<std::int64_t>(static_cast<double>(params.active) * bytesPerParam);
    r.bandwidthFloorMs = static_cast<double>(r.activeBytesPerToken) / o.bandwidthBytesPerSecond * 1e3;
    r.floorFraction = r.bandwidthFloorMs / r.msPerTokenMedian;
    const auto info = queryDevice(device.is_cuda() ? "cuda:" + std::to_string(device.index() < 0 ? 0 : device.index())
                                                   : "cpu");
    r.deviceMemoryUsed = info.totalMemory - info.freeMemory;
    return r;
}

} // namespace moescope

#pragma once
// The speed benchmark: prefill and batch-1 decode of a model, with warm-up, per-token decode times (median, p90),
// weight bytes, device memory, and the achieved fraction of the memory-bandwidth floor for decode (bytes of active
// weights a token must read / time / bandwidth); optionally batched generation of several sequences at once and its
// throughput against batch 1.

#include "nn/modelspec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace moescope {

class Transformer;

struct BenchmarkOptions {
    std::int64_t promptTokens = 2048;
    std::int64_t generateTokens = 128;
    std::int64_t prefillChunk = 2048;
    std::int64_t prefillRuns = 3; // timed prefills of the whole prompt after a warm-up one; the median is reported
    double bandwidthBytesPerSecond = 4.28e12; // H200 device-to-device copy, measured
    std::uint64_t seed = 0;
    bool cudaGraphs = true; // decode steps as CUDA graph replays where available (StepDecoder)
    // Bytes per parameter for the bandwidth floor; 0: the compute dtype's (set it for quantized weights).
    double weightBytesPerParameter = 0;
    bool captureRouting = false; // decode with a routing observer that keeps every step's choices (as a trace does)
    std::int64_t checkSteps = 0; // > 0: after the timed run, compare this many recorded steps with eager ones
    std::int64_t batch = 1; // > 1: also generate `batch` sequences (random prompts of promptTokens) together
    std::string profilePath; // non-empty: after the timed run, profile a prefill of the prompt and 8 decode steps into
                             // PATH.prefill.json and PATH.decode.json (Chrome traces); with batch > 1 also 8
                             // batched steps (replays, after full-length prefills) into PATH.batched.json
};

struct BenchmarkResult {
    double prefillTokensPerSecond = 0; // prompt tokens / the median timed prefill
    std::vector<double> prefillMs; // each timed prefill of the whole prompt
    double decodeTokensPerSecond = 0;
    double msPerTokenMedian = 0;
    double msPerTokenP90 = 0;
    std::int64_t weightBytes = 0;
    std::int64_t activeBytesPerToken = 0; // active parameters x bytes per parameter
    double bandwidthFloorMs = 0; // activeBytesPerToken / bandwidth
    double floorFraction = 0; // bandwidthFloorMs / msPerTokenMedian
    std::uint64_t deviceMemoryUsed = 0; // device memory in use at the end (whole process), bytes
    // Tensors a timed prefill held at its peak beyond the weights and the reserved cache (activations, attention
    // workspaces; what the caching allocator must find on top of the model), bytes; the largest of the timed runs.
    std::int64_t prefillPeakTransientBytes = 0;
    std::int64_t cacheBytes = 0; // the KV cache after the prompt, bytes
    std::vector<double> decodeMs;
    bool cudaGraphs = false; // whether decode steps replayed CUDA graphs
    std::int64_t routingEvents = 0; // captureRouting: layer events received during the timed decode
    // checkSteps > 0: the fast decode path (StepDecoder) against the eager forward pass on the same tokens.
    struct StepCheck {
        std::int64_t steps = 0;
        double maxRelativeDifference = 0; // max |a - b| / max |b| over each step's logits, worst step
        std::int64_t sameTop1 = 0; // steps whose argmax agrees
        std::int64_t nonFiniteFast = 0; // steps whose logits hold NaN or Inf: fast path
        std::int64_t nonFiniteEager = 0; // and eager path
    } check;
    // batch > 1: batched generation (BatchGenerator) of `batch` sequences, generateTokens each.
    struct Batched {
        std::int64_t batch = 0;
        double msPerStepMedian = 0; // one step: the next token of every sequence
        double decodeTokensPerSecond = 0; // batch / median step time
        double speedup = 0; // decodeTokensPerSecond / batch-1 decodeTokensPerSecond
        double overallTokensPerSecond = 0; // all generated tokens / (prefills + steps), recording included
        bool cudaGraphs = false;
    } batched;
};

BenchmarkResult runBenchmark(Transformer& model, const BenchmarkOptions& options);

} // namespace moescope

#pragma once
// The speed benchmark (issue "speed on the GPU"): prefill and batch-1 decode of a model, with warm-up, per-token
// decode times (median, p90), weight bytes, device memory, and the achieved fraction of the memory-bandwidth floor
// for decode (bytes of active weights a token must read / time / bandwidth).

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
    double bandwidthBytesPerSecond = 4.28e12; // H200 device-to-device copy, measured
    std::uint64_t seed = 0;
};

struct BenchmarkResult {
    double prefillTokensPerSecond = 0;
    double decodeTokensPerSecond = 0;
    double msPerTokenMedian = 0;
    double msPerTokenP90 = 0;
    std::int64_t weightBytes = 0;
    std::int64_t activeBytesPerToken = 0; // active parameters x bytes per parameter
    double bandwidthFloorMs = 0; // activeBytesPerToken / bandwidth
    double floorFraction = 0; // bandwidthFloorMs / msPerTokenMedian
    std::uint64_t deviceMemoryUsed = 0; // device memory in use at the end (whole process), bytes
    std::vector<double> decodeMs;
};

BenchmarkResult runBenchmark(Transformer& model, const BenchmarkOptions& options);

} // namespace moescope

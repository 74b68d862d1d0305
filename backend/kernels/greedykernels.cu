// The greedy choice of a decode step, made on the device at the end of the step so that the next step's input is
// there without a round trip through the host (kernels/decodekernels.h: launchGreedyNext).

#include "kernels/chainedlaunch.cuh"
#include "kernels/decodekernels.h"

#include <cmath>
#include <cstdint>

namespace moescope::kernels {

using namespace device;

namespace {
// Slices of the logits, each a block's: one memory round trip a thread for vocabularies up to ~600k entries.
constexpr int kGreedyBlocks = 64;
constexpr int kGreedyThreads = 256;
constexpr int kGreedyBatch = 16;

// The best (value, index) so far; index n (past the end) stands for none. at::argmax's order: NaN above everything,
// then the larger value, and on equal values (or two NaNs) the lower index. A total order, so any tree of
// comparisons picks the same entry.
struct Best {
    float value = -INFINITY;
    std::int64_t index = 0;

    __device__ __forceinline__ void offer(float v, std::int64_t i, std::int64_t n)
    {
        if (i >= n)
            return;
        bool first = index >= n;
        if (!first) {
            const bool vNan = isnan(v), bestNan = isnan(value);
            first = vNan || bestNan ? vNan && (!bestNan || i < index) : v > value || (v == value && i < index);
        }
        if (first)
            value = v, index = i;
    }

    __device__ __forceinline__ void reduceOverWarp(std::int64_t n)
    {
        for (int offset = 16; offset > 0; offset /= 2) {
            const float v = __shfl_down_sync(0xffffffffu, value, offset);
            const std::int64_t i = __shfl_down_sync(0xffffffffu, index, offset);
            offer(v, i, n);
        }
    }
};

// The best of a block's threads, in thread 0.
__device__ __forceinline__ Best reduceOverBlock(Best best, std::int64_t n)
{
    __shared__ float values[32];
    __shared__ std::int64_t indices[32];
    best.reduceOverWarp(n);
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    if (lane == 0)
        values[warp] = best.value, indices[warp] = best.index;
    __syncthreads();
    if (warp == 0) {
        best = Best { -INFINITY, n };
        if (lane < static_cast<int>(blockDim.x / 32))
            best.offer(values[lane], indices[lane], n);
        best.reduceOverWarp(n);
    }
    return best;
}

// Block b: the best of its slice of logits [n] into (values, indices)[b] (index n: an empty slice).
__global__ void __launch_bounds__(kGreedyThreads) greedySliceKernel(
    const float* __restrict__ logits, std::int64_t n, float* __restrict__ values, std::int64_t* __restrict__ indices)
{
    awaitPreviousKernel();
    const std::int64_t slice = (n + gridDim.x - 1) / gridDim.x;
    const std::int64_t begin = blockIdx.x * slice, end = min(n, begin + slice);
    Best best { -INFINITY, n };
    for (std::int64_t first = begin + threadIdx.x; first < end; first += kGreedyBatch * blockDim.x) {
        float v[kGreedyBatch]; // loaded at once, then compared in index order
#pragma unroll
        for (int j = 0; j < kGreedyBatch; ++j) {
            const std::int64_t i = first + static_cast<std::int64_t>(j) * blockDim.x;
            v[j] = i < end ? logits[i] : 0.f;
        }
#pragma unroll
        for (int j = 0; j < kGreedyBatch; ++j) {
            const std::int64_t i = first + static_cast<std::int64_t>(j) * blockDim.x;
            best.offer(v[j], i < end ? i : n, n);
        }
    }
    best = reduceOverBlock(best, n);
    if (threadIdx.x == 0)
        values[blockIdx.x] = best.value, indices[blockIdx.x] = best.index;
}

// The best of the slices' bests; step [2] = (token, position) -> (that index, position + 1).
__global__ void greedyPickKernel(const float* __restrict__ values, const std::int64_t* __restrict__ indices,
    int slices, std::int64_t n, std::int64_t* __restrict__ step)
{
    awaitPreviousKernel();
    Best best { -INFINITY, n };
    if (static_cast<int>(threadIdx.x) < slices)
        best.offer(values[threadIdx.x], indices[threadIdx.x], n);
    best = reduceOverBlock(best, n);
    if (threadIdx.x == 0) {
        step[0] = best.index;
        step[1] += 1;
    }
}
} // namespace

int greedyNextScratchSlices() { return kGreedyBlocks; }

void launchGreedyNext(const float* logits, std::int64_t n, float* scratchValues, std::int64_t* scratchIndices,
    std::int64_t* step, cudaStream_t stream)
{
    launchChained(
        greedySliceKernel, kGreedyBlocks, kGreedyThreads, 0, stream, logits, n, scratchValues, scratchIndices);
    launchChained(greedyPickKernel, 1, kGreedyBlocks, 0, stream, static_cast<const float*>(scratchValues),
        static_cast<const std::int64_t*>(scratchIndices), kGreedyBlocks, n, step);
}

} // namespace moescope::kernels

// The greedy choice of a decode step, made on the device at the end of the step so that the next step's input is
// there without a round trip through the host (kernels/decodekernels.h: launchGreedyNext): on Hopper in one launch of
// a cluster of blocks, else in two kernels.

#include "kernels/chainedlaunch.cuh"
#include "kernels/decodekernels.h"

#include <cmath>
#include <cooperative_groups.h>
#include <cstdint>
#include <cuda_bf16.h>

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

__device__ __forceinline__ float logitValue(float v) { return v; }
__device__ __forceinline__ float logitValue(__nv_bfloat16 v) { return __bfloat162float(v); }

// The best of block b's slice of logits [n] (of gridDim.x slices) in thread 0 (index n: an empty slice).
template <typename Logit> __device__ __forceinline__ Best bestOfSlice(const Logit* __restrict__ logits, std::int64_t n)
{
    const std::int64_t slice = (n + gridDim.x - 1) / gridDim.x;
    const std::int64_t begin = blockIdx.x * slice, end = min(n, begin + slice);
    Best best { -INFINITY, n };
    for (std::int64_t first = begin + threadIdx.x; first < end; first += kGreedyBatch * blockDim.x) {
        float v[kGreedyBatch]; // loaded at once, then compared in index order
#pragma unroll
        for (int j = 0; j < kGreedyBatch; ++j) {
            const std::int64_t i = first + static_cast<std::int64_t>(j) * blockDim.x;
            v[j] = i < end ? logitValue(logits[i]) : 0.f;
        }
#pragma unroll
        for (int j = 0; j < kGreedyBatch; ++j) {
            const std::int64_t i = first + static_cast<std::int64_t>(j) * blockDim.x;
            best.offer(v[j], i < end ? i : n, n);
        }
    }
    return reduceOverBlock(best, n);
}

// step [2] = (token, position) -> (the chosen index, position + 1).
__device__ __forceinline__ void writeChoice(const Best& best, std::int64_t* __restrict__ step)
{
    step[0] = best.index;
    step[1] += 1;
}

// Block b: the best of its slice of logits [n] into (values, indices)[b].
template <typename Logit>
__global__ void __launch_bounds__(kGreedyThreads) greedySliceKernel(
    const Logit* __restrict__ logits, std::int64_t n, float* __restrict__ values, std::int64_t* __restrict__ indices)
{
    awaitPreviousKernel();
    const Best best = bestOfSlice(logits, n);
    if (threadIdx.x == 0)
        values[blockIdx.x] = best.value, indices[blockIdx.x] = best.index;
}

// Hopper: a cluster of blocks, each the best of its slice, then the first block the best of their bests, read from
// their shared memory (no second kernel).
constexpr int kGreedyClusterBlocks = 16; // Hopper's largest (non-portable) cluster
constexpr int kGreedyClusterThreads = 1024;
template <typename Logit>
__global__ void __launch_bounds__(kGreedyClusterThreads) greedyClusterKernel(
    const Logit* __restrict__ logits, std::int64_t n, std::int64_t* __restrict__ step)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    namespace cg = cooperative_groups;
    const cg::cluster_group cluster = cg::this_cluster();
    __shared__ float bestValue;
    __shared__ std::int64_t bestIndex;
    awaitPreviousKernel();
    const Best mine = bestOfSlice(logits, n);
    if (threadIdx.x == 0)
        bestValue = mine.value, bestIndex = mine.index;
    cluster.sync(); // every block's best in its shared memory
    Best best { -INFINITY, n };
    if (blockIdx.x == 0 && threadIdx.x < gridDim.x)
        best.offer(*cluster.map_shared_rank(&bestValue, threadIdx.x), *cluster.map_shared_rank(&bestIndex, threadIdx.x),
            n);
    cluster.sync(); // read: the other blocks may end
    if (blockIdx.x != 0 || threadIdx.x >= 32)
        return;
    best.reduceOverWarp(n);
    if (threadIdx.x == 0)
        writeChoice(best, step);
#endif
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
    if (threadIdx.x == 0)
        writeChoice(best, step);
}

template <typename Logit>
void launchGreedy(const Logit* logits, std::int64_t n, float* scratchValues, std::int64_t* scratchIndices,
    std::int64_t* step, cudaStream_t stream)
{
    if (kernelsForHopper())
        return launchChainedCluster<greedyClusterKernel<Logit>>(
            kGreedyClusterBlocks, kGreedyClusterThreads, 0, stream, logits, n, step);
    launchChained(greedySliceKernel<Logit>, kGreedyBlocks, kGreedyThreads, 0, stream, logits, n, scratchValues,
        scratchIndices);
    launchChained(greedyPickKernel, 1, kGreedyBlocks, 0, stream, static_cast<const float*>(scratchValues),
        static_cast<const std::int64_t*>(scratchIndices), kGreedyBlocks, n, step);
}
} // namespace

int greedyNextScratchSlices() { return kGreedyBlocks; }

void launchGreedyNext(const float* logits, std::int64_t n, float* scratchValues, std::int64_t* scratchIndices,
    std::int64_t* step, cudaStream_t stream)
{
    launchGreedy(logits, n, scratchValues, scratchIndices, step, stream);
}

void launchGreedyNext(const __nv_bfloat16* logits, std::int64_t n, float* scratchValues,
    std::int64_t* scratchIndices, std::int64_t* step, cudaStream_t stream)
{
    launchGreedy(logits, n, scratchValues, scratchIndices, step, stream);
}

} // namespace moescope::kernels

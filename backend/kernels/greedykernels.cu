// The greedy choice of a decode step, made on the device at the end of the step so that the next step's input is
// there without a round trip through the host (kernels/decodekernels.h: launchGreedyNext).

#include "kernels/chainedlaunch.cuh"
#include "kernels/decodekernels.h"

#include <cmath>
#include <cstdint>

namespace moescope::kernels {

using namespace device;

namespace {
constexpr int kGreedyThreads = 1024;

// Whether (a, ia) comes before (b, ib) in at::argmax's order: NaN above everything, then the larger value, and on
// equal values (or two NaNs) the lower index.
__device__ __forceinline__ bool ranksFirst(float a, std::int64_t ia, float b, std::int64_t ib)
{
    const bool aNan = isnan(a), bNan = isnan(b);
    if (aNan || bNan)
        return aNan && (!bNan || ia < ib);
    return a > b || (a == b && ia < ib);
}

// One block (a vocabulary's logits, 0.2-0.6 MB, come from L2): each thread walks a strided share of them, then the
// warps' and the block's best by shuffles and shared memory. step [2] = (token, position): the token becomes the argmax, the position advances by one.
__global__ void __launch_bounds__(kGreedyThreads) greedyNextKernel(
    const float* __restrict__ logits, std::int64_t n, std::int64_t* __restrict__ step)
{
    __shared__ float warpBest[kGreedyThreads / 32];
    __shared__ std::int64_t warpBestIndex[kGreedyThreads / 32];
    awaitPreviousKernel();
    float best = -INFINITY;
    std::int64_t bestIndex = n; // past the end: loses to every real entry
    // kBatch loads in flight at once, then compared in index order (a thread's ties keep its lower index).
    constexpr int kBatch = 16;
    for (std::int64_t first = threadIdx.x; first < n; first += kBatch * blockDim.x) {
        float v[kBatch];
#pragma unroll
        for (int j = 0; j < kBatch; ++j) {
            const std::int64_t i = first + static_cast<std::int64_t>(j) * blockDim.x;
            v[j] = i < n ? logits[i] : 0.f;
        }
#pragma unroll
        for (int j = 0; j < kBatch; ++j) {
            const std::int64_t i = first + static_cast<std::int64_t>(j) * blockDim.x;
            if (i < n && (bestIndex == n || ranksFirst(v[j], i, best, bestIndex)))
                best = v[j], bestIndex = i;
        }
    }
    for (int offset = 16; offset > 0; offset /= 2) {
        const float other = __shfl_down_sync(0xffffffffu, best, offset);
        const std::int64_t otherIndex = __shfl_down_sync(0xffffffffu, bestIndex, offset);
        if (otherIndex < n && (bestIndex == n || ranksFirst(other, otherIndex, best, bestIndex)))
            best = other, bestIndex = otherIndex;
    }
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    if (lane == 0)
        warpBest[warp] = best, warpBestIndex[warp] = bestIndex;
    __syncthreads();
    if (threadIdx.x != 0)
        return;
    for (int w = 1; w < static_cast<int>(blockDim.x / 32); ++w)
        if (warpBestIndex[w] < n && (bestIndex == n || ranksFirst(warpBest[w], warpBestIndex[w], best, bestIndex)))
            best = warpBest[w], bestIndex = warpBestIndex[w];
    step[0] = bestIndex;
    step[1] += 1;
}
} // namespace

void launchGreedyNext(const float* logits, std::int64_t n, std::int64_t* step, cudaStream_t stream)
{
    launchChained(greedyNextKernel, 1, kGreedyThreads, 0, stream, logits, n, step);
}

} // namespace moescope::kernels

#pragma once
// A token's expert selection from its router logits by one block, shared by the router's selection kernel and the
// routed experts' first kernel when that one selects (kernels/decodekernels.h: ExpertSelection). Any block size
// gives the same results: the largest logit is a maximum, the softmax's sum is added by warp 0 in a fixed order
// (lane l adds experts l, l + 32, ...; then warpSum) and each expert's place is a count.

#include "kernels/decodekernels.h"
#include "kernels/devicemath.cuh"

#include <cstdint>

namespace moescope::kernels::device {

struct SelectionScratch { // shared memory of one block
    float score[kMaxRouterExperts];
    unsigned long long key[kMaxRouterExperts];
    float warpLargest[32];
    float total;
    float chosenScore[kMaxTopK];
    int chosenId[kMaxTopK];
};

// Every thread of the block calls it. Scores (softmax or sigmoid of logits [E]) to scores [E] when not null; the k
// experts of the highest scores (+ bias when not null: the choice, not the weight) in descending order, ties to the
// lower id (as a sorted topk), in s.chosenId / s.chosenScore, visible to the whole block on return.
__device__ inline void selectExperts(const float* __restrict__ logits, int experts, int k, bool sigmoid,
    const float* __restrict__ bias, float* __restrict__ scores, SelectionScratch& s)
{
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    float largestOfThread = -INFINITY;
    for (int e = threadIdx.x; e < experts; e += blockDim.x) {
        s.score[e] = logits[e];
        largestOfThread = fmaxf(largestOfThread, s.score[e]);
    }
    const float largestOfWarp = warpMax(largestOfThread);
    if (lane == 0)
        s.warpLargest[warp] = largestOfWarp;
    __syncthreads();
    float largest = -INFINITY; // a maximum: the same in any order
    for (int w = 0; w < static_cast<int>(blockDim.x / 32); ++w)
        largest = fmaxf(largest, s.warpLargest[w]);
    for (int e = threadIdx.x; e < experts; e += blockDim.x)
        s.score[e] = sigmoid ? 1.f / (1.f + expf(-s.score[e])) : expf(s.score[e] - largest);
    __syncthreads();
    if (warp == 0) {
        float sum = 0.f;
        for (int q = lane; q < experts; q += 32)
            sum += s.score[q];
        sum = warpSum(sum);
        if (lane == 0)
            s.total = sum;
    }
    __syncthreads();
    for (int e = threadIdx.x; e < experts; e += blockDim.x) {
        const float own = sigmoid ? s.score[e] : s.score[e] / s.total;
        s.score[e] = own;
        if (scores)
            scores[e] = own;
        const float choice = bias ? own + bias[e] : own;
        // The choice's bits made order-preserving as an unsigned integer, then the inverted id: ties to the lower id.
        const unsigned u = __float_as_uint(choice);
        const unsigned ordered = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
        s.key[e] = (static_cast<unsigned long long>(ordered) << 32) | (0xffffffffu - static_cast<unsigned>(e));
    }
    __syncthreads();
    for (int e = threadIdx.x; e < experts; e += blockDim.x) {
        const unsigned long long mine = s.key[e];
        int above[4] = { 0, 0, 0, 0 }; // four counts: independent additions
        int j = 0;
        for (; j + 4 <= experts; j += 4)
#pragma unroll
            for (int t = 0; t < 4; ++t)
                above[t] += s.key[j + t] > mine ? 1 : 0;
        for (; j < experts; ++j)
            above[0] += s.key[j] > mine ? 1 : 0;
        const int place = above[0] + above[1] + above[2] + above[3];
        if (place < k) {
            s.chosenScore[place] = s.score[e];
            s.chosenId[place] = e;
        }
    }
    __syncthreads();
}

// Warp 0 of a block that ran selectExperts: the chosen ids [k] and their scores as weights [k], normalised to sum 1
// if asked (+ 1e-20) and scaled.
__device__ inline void writeSelection(const SelectionScratch& s, int k, bool normalize, float scaling,
    std::int64_t* __restrict__ ids, float* __restrict__ weights)
{
    const int lane = threadIdx.x % 32;
    const float myWeight = lane < k ? s.chosenScore[lane] : 0.f;
    const float sum = warpSum(myWeight);
    if (lane < k) {
        float w = normalize ? myWeight / (sum + 1e-20f) : myWeight;
        if (scaling != 1.f)
            w *= scaling;
        ids[lane] = s.chosenId[lane];
        weights[lane] = w;
    }
}

} // namespace moescope::kernels::device

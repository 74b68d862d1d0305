#pragma once
// The combination of a step's routed-expert slots (launchCombineSlots' values), as a kernel of its own or done by the
// down projection's kernel itself: the last block of a row group to finish combines that group's rows. Internal to
// the kernels; only included by .cu files.

#include "kernels/devicemath.cuh"

#include <cstdint>

namespace moescope::kernels::device {

// V consecutive values of bf16 row data as floats (V = 8: one 16-byte load), read from L2 (other blocks of the
// same kernel may have written them), and back.
template <int V>
__device__ __forceinline__ void loadFloats(const bf16* __restrict__ p, float (&v)[V])
{
    if constexpr (V == 8) {
        unpack8(__ldcg(reinterpret_cast<const uint4*>(p)), v);
    } else {
#pragma unroll
        for (int j = 0; j < V; ++j)
            v[j] = __bfloat162float(__ldcg(p + j));
    }
}
template <int V>
__device__ __forceinline__ void storeBf16(const float (&v)[V], bf16* __restrict__ p)
{
    if constexpr (V == 8) {
        *reinterpret_cast<uint4*>(p) = pack8(v);
    } else {
#pragma unroll
        for (int j = 0; j < V; ++j)
            p[j] = __float2bfloat16(v[j]);
    }
}

// out[token, col .. col + V) from the token's slot outputs y [S, H] (bf16, as each expert's output is), scaled by
// their routing weights and added in ascending expert id with the eager path's roundings (bf16 scaled value, bf16
// after each addition). Slot s's output is row s of y, or row rowOfSlot[s] when that is not null. The slots' rows
// and weights are found first, so that the k loads of y are in flight together.
template <int V>
__device__ __forceinline__ void combineSlotValues(const bf16* __restrict__ y, const std::int64_t* __restrict__ ids,
    SlotWeights weights, std::int64_t token, std::int64_t col, int k, std::int64_t hidden,
    const std::int64_t* __restrict__ rowOfSlot, bf16* __restrict__ out)
{
    int order[kMaxTopK];
    slotsByExpert(ids, token, k, order);
    const bf16* rows[kMaxTopK];
    float weight[kMaxTopK];
#pragma unroll
    for (int n = 0; n < kMaxTopK; ++n) {
        if (n >= k)
            break;
        const std::int64_t slot = token * k + order[n];
        weight[n] = weights.bf16 ? __bfloat162float(static_cast<const bf16*>(weights.data)[slot])
                                 : static_cast<const float*>(weights.data)[slot];
        rows[n] = y + (rowOfSlot ? rowOfSlot[slot] : slot) * hidden + col;
    }
    float acc[V];
#pragma unroll
    for (int n = 0; n < kMaxTopK; ++n) {
        if (n >= k)
            break;
        float v[V];
        loadFloats<V>(rows[n], v);
#pragma unroll
        for (int j = 0; j < V; ++j) {
            const float value = roundBf16(v[j] * weight[n]);
            acc[j] = n == 0 ? value : roundBf16(acc[j] + value);
        }
    }
    storeBf16<V>(acc, out + token * hidden + col);
}

// What a down-projection kernel over a grid (row groups, S slots) needs to combine the slots itself.
struct SlotCombine {
    const std::int64_t* ids = nullptr; // [S]
    SlotWeights weights;
    std::int64_t tokens = 0;
    int k = 0;
    unsigned* finishedSlots = nullptr; // [row groups], zero between launches; null: a combination kernel follows
    bf16* out = nullptr; // [T, H]
};

// Called by every thread of every block once the block's rows [blockIdx.x * rowsPerGroup, + rowsPerGroup) of its
// slot's y are written: the row group's last block to finish combines those rows for every token (the usual
// last-block pattern: writes fenced before counting, the last one sees every other block's rows).
__device__ __forceinline__ void combineRowGroupWhenLast(
    const bf16* __restrict__ y, const SlotCombine& c, std::int64_t hidden, std::int64_t rowsPerGroup)
{
    if (!c.finishedSlots)
        return;
    __threadfence();
    __syncthreads();
    __shared__ bool last;
    if (threadIdx.x == 0)
        last = atomicAdd(c.finishedSlots + blockIdx.x, 1u) == gridDim.y - 1;
    __syncthreads();
    if (!last)
        return;
    __threadfence();
    const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * rowsPerGroup;
    const std::int64_t rows = min(rowsPerGroup, hidden - first);
    for (std::int64_t i = threadIdx.x; i < c.tokens * rows; i += blockDim.x)
        combineSlotValues<1>(y, c.ids, c.weights, i / rows, first + i % rows, c.k, hidden, nullptr, c.out);
    if (threadIdx.x == 0)
        c.finishedSlots[blockIdx.x] = 0; // for the next launch: the next kernel starts once this block has finished
}

} // namespace moescope::kernels::device

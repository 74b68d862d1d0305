#pragma once
// The tensor-core INT4 decode kernels (kernels/int4mmakernels.cu) that launchQuantMoeDecode and
// launchQuantGemvTargets (kernels/quantdecodekernels.cu) hand INT4 matrices to when their layout allows. Internal to
// the kernels; only included by .cu files.

#include "kernels/decodekernels.h"

#include <cstdint>

namespace moescope::kernels::device {

// The stack index of expert id in m (QuantMatrices::stackIndex), negative for a slot of another stack's expert.
__device__ __forceinline__ std::int64_t stackExpert(const QuantMatrices& m, std::int64_t id)
{
    return m.stackIndex && id >= 0 ? m.stackIndex[id] : id;
}

// 32-bit word w (0-3) of a 16-byte load.
__device__ __forceinline__ std::uint32_t word(const uint4& v, int w)
{
    return w == 0 ? v.x : w == 1 ? v.y : w == 2 ? v.z : v.w;
}

// Blocks of a launch over several gemv targets: target t has blocks [first[t], first[t + 1]) along blockIdx.x.
struct TargetBlocks {
    unsigned first[kMaxGemvTargets + 1];

    __device__ int targetOf(unsigned block, int count) const
    {
        int t = 0;
        while (t + 1 < count && block >= first[t + 1])
            ++t;
        return t;
    }
};

// Columns and groups multiples of 128 (one mma step, 128 columns of a 16-row tile, lies in one group), and one input
// row small enough to be staged in shared memory (44 KB; a block stages as many as fit, up to 8).
bool int4MmaApplies(const QuantMatrices& m);

// h [S, I] = silu(gate_e x_t) * (up_e x_t) for each slot s (expert e = ids[s], token t = s / k).
void launchInt4MmaGateUp(const __nv_bfloat16* x, const QuantMatrices& gate, const QuantMatrices& up,
    const std::int64_t* ids, std::int64_t slots, int k, __nv_bfloat16* h, cudaStream_t stream);

// The same for slots grouped by expert (starts / slotList as launchGroupSlots makes them): each tile of an expert read
// once for all its slots.
void launchInt4MmaGateUpGrouped(const __nv_bfloat16* x, const QuantMatrices& gate, const QuantMatrices& up,
    const int* starts, const int* slotList, int k, std::int64_t experts, __nv_bfloat16* h, cudaStream_t stream);
void launchInt4MmaDownGrouped(const __nv_bfloat16* h, const QuantMatrices& down, const int* starts,
    const int* slotList, std::int64_t experts, __nv_bfloat16* y, cudaStream_t stream);

// y [S, H] = down_e h[s] for each slot s.
void launchInt4MmaDown(const __nv_bfloat16* h, const QuantMatrices& down, const std::int64_t* ids, std::int64_t slots,
    __nv_bfloat16* y, cudaStream_t stream);

// launchQuantGemvTargets for INT4 targets that int4MmaApplies to.
void launchInt4MmaGemvTargets(
    const __nv_bfloat16* x, const QuantGemvTargets& targets, std::int64_t tokens, cudaStream_t stream);

} // namespace moescope::kernels::device

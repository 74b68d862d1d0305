#pragma once
// The tensor-core INT4 decode kernels (kernels/int4mmakernels.cu) that launchQuantMoeDecode and
// launchQuantGemvTargets (kernels/quantdecodekernels.cu) hand INT4 matrices to when their layout allows. Internal to
// the kernels; only included by .cu files.

#include "kernels/decodekernels.h"

#include <cstdint>

namespace moescope::kernels::device {

// Columns and groups multiples of 128 (one mma step, 128 columns of a 16-row tile, lies in one group), and x
// [tokens, cols] small enough to be staged in shared memory (48 KB).
bool int4MmaApplies(const QuantMatrices& m, std::int64_t tokens);

// h [S, I] = silu(gate_e x_t) * (up_e x_t) for each slot s (expert e = ids[s], token t = s / k).
void launchInt4MmaGateUp(const __nv_bfloat16* x, const QuantMatrices& gate, const QuantMatrices& up,
    const std::int64_t* ids, std::int64_t slots, int k, __nv_bfloat16* h, cudaStream_t stream);

// y [S, H] = down_e h[s] for each slot s.
void launchInt4MmaDown(const __nv_bfloat16* h, const QuantMatrices& down, const std::int64_t* ids, std::int64_t slots,
    __nv_bfloat16* y, cudaStream_t stream);

// launchQuantGemvTargets for INT4 targets that int4MmaApplies to.
void launchInt4MmaGemvTargets(
    const __nv_bfloat16* x, const QuantGemvTargets& targets, std::int64_t tokens, cudaStream_t stream);

} // namespace moescope::kernels::device

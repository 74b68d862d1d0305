#pragma once
// Dequantization of stored quantized matrices to bf16 in one pass on CUDA (kernels/dequantkernels.cu), for the
// products that need the dense weights (prefill, chunks of more than a decode step's tokens). Same arithmetic and
// roundings as quant/quantizer.cpp's dequantizeWeight on the CPU or through ATen: float32 (code - zero) * scale (then
// divided by the column's activation-aware scale where the matrix has one), then bf16 round-to-nearest-even;
// bit-identical to it.

#include "kernels/decodekernels.h"

#include <cstdint>
#include <cuda_bf16.h>
#include <cuda_runtime.h>

namespace moescope::kernels {

// `count` matrices of a stack (QuantMatrices of one matrix; stride between the stack's matrices implied by rows,
// cols and the format) into out: matrix i is the stack's source[i] (i when source is null) and goes to
// out + dest[i] * outMatrixStride (i when dest is null), rows outRowStride apart. Needs cols and the group or block
// size multiples of 8, codes 8-byte aligned rows (Int8, Fp8) or 4-byte (Int4), out 16-byte aligned rows. With
// slotCounts (how many of the grouped product's slots each matrix of out serves) a matrix no slot reads is not
// written: a step dequantizes "every" expert without asking the host which ones its tokens chose.
struct DequantTarget {
    __nv_bfloat16* out = nullptr;
    std::int64_t outMatrixStride = 0;
    std::int64_t outRowStride = 0;
    const std::int64_t* source = nullptr;
    const std::int64_t* dest = nullptr;
    const std::int64_t* slotCounts = nullptr;
    std::int64_t count = 0;
};
bool dequantizeSupports(const QuantMatrices& m);
void launchDequantize(const QuantMatrices& m, const DequantTarget& target, cudaStream_t stream);

} // namespace moescope::kernels

#pragma once
// INT8, INT4 and FP8 weights on the CPU, read straight from their codes (AVX2, FMA and F16C where the CPU has them,
// plain C++ otherwise):
// - products of a few rows (a decode step's tokens) without a dequantized copy: each output row reads its codes once
//   and sums x times (code - zero) per group in float32, then scales the group's sum. Dequantizing instead wrote and
//   re-read float32 weights, 8 bytes a weight against INT4's half byte: a decode step of INT4 weights ran ~4x slower
//   than float32 ones. The sums run in another order than the dequantizing path's GEMM (~1e-6 relative in float32);
// - dequantization in one pass (dequantizeWeight on the CPU), bit-identical to ATen's chain of unpacking, subtracting
//   and scaling, which wrote and read a float32 temporary at each step.

#include "quant/quantizedtensor.h"

#include <ATen/ATen.h>

namespace moescope {

// Rows of x a pass over the codes serves. A dense projection's product runs here up to that many rows; beyond,
// dequantize + GEMM reads the weights once for all rows. An expert's few slots (up to kMaxCpuGemvSlots: a short
// prompt's) take a pass per kMaxCpuGemvRows, still far less than dequantizing the expert to float32.
inline constexpr std::int64_t kMaxCpuGemvRows = 8;
inline constexpr std::int64_t kMaxCpuGemvSlots = 4 * kMaxCpuGemvRows;

// q an INT8 (per output channel), INT4 (groups, symmetric or with zero points) or FP8 E4M3 (per output channel or in
// square blocks) matrix or stack on the CPU, with or without activation-aware scales.
bool cpuQuantGemvTakes(const QuantizedTensor& q);
// cpuQuantGemvTakes(q), and x [..., cols] float32 or bf16 on the CPU with up to kMaxCpuGemvRows rows.
bool cpuQuantGemvApplies(const at::Tensor& x, const QuantizedTensor& q);
// x [..., cols] (float32 or bf16, any rows: a pass per kMaxCpuGemvRows) times matrix `matrix` of q's stack (0 for a
// single matrix), transposed: [..., rows] in x's dtype. plainLoop: the plain C++ loop even where AVX2 runs (tests
// compare the two).
at::Tensor cpuQuantGemv(const at::Tensor& x, const QuantizedTensor& q, std::int64_t matrix = 0, bool plainLoop = false);
// q (cpuQuantGemvTakes) dequantized: float32 [.., rows, cols], (code - zero) * scale, before any activation-aware
// division (dequantizeWeight applies it).
at::Tensor cpuDequantize(const QuantizedTensor& q, bool plainLoop = false);

} // namespace moescope

#pragma once
// Float32 products of a few rows on the CPU (a batched decode step's 2-8 tokens): each weight row is read once for
// all the rows of x (AVX2 + FMA where the CPU has them). MKL's GEMM, which ATen calls for them, took 2-3x its
// one-row time at 4 rows on the demo model's shapes (its LM head, 8,192 x 320: 271 us for one row, 830 us for four).
// One row stays with ATen (its GEMV reads the weights once already). The sums run in another order than ATen's
// (~1e-6 relative).

#include <ATen/ATen.h>

#include <cstdint>

namespace moescope {

inline constexpr std::int64_t kMaxCpuFloatGemvRows = 8;

// x [..., in] float32 on the CPU with 2 to kMaxCpuFloatGemvRows rows, weight [out, in] and bias [out] (or undefined)
// float32 contiguous, in inference (no gradient), on a CPU with AVX2 and FMA.
bool cpuFloatGemvApplies(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);
// x W^T (+ bias): [..., out].
at::Tensor cpuFloatGemv(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

} // namespace moescope

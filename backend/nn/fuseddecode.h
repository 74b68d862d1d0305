#pragma once
// Decode steps on CUDA through the project's fused kernels (kernels/decodekernels.cu) instead of tens of ATen
// kernels each: the routed experts (gather the chosen experts' rows, gate/up, SiLU, down and the weighted sum in one
// pass over their weights) and RMSNorm. Used for a few rows at a time only (decode), so that prefill and scoring
// keep the eager path that matches transformers bit for bit; *Applies() says when. Builds without
// MOESCOPE_WITH_CUDA_KERNELS never apply them.

#include <ATen/ATen.h>

#include <cstdint>

namespace moescope {

// x [T, H] bf16 on CUDA with T small, k experts per token, gateUp [E, 2I, H] and down [E, H, I] bf16, contiguous.
bool fusedMoeDecodeApplies(const at::Tensor& x, std::int64_t k, const at::Tensor& gateUp, const at::Tensor& down);
// ids [T, k] int64, weights [T, k] (any float type) -> [T, H] bf16
at::Tensor fusedMoeDecode(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights,
    const at::Tensor& gateUp, const at::Tensor& down);

// x [..., in] bf16 on CUDA with few rows, weight [out, in] bf16 contiguous, bias [out] bf16 or undefined.
bool fusedGemvApplies(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);
at::Tensor fusedGemv(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias); // [..., out]

// x [..., d] bf16 on CUDA with few rows, weight [d] bf16.
bool fusedRmsNormApplies(const at::Tensor& x, const at::Tensor& weight);
at::Tensor fusedRmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps);

// x [T, heads, dim] bf16 on CUDA with few rows (last dim contiguous), cos/sin [T, dim/2] float32.
bool fusedRopeApplies(const at::Tensor& x, const at::Tensor& cos);
// interleaved, float32, keepInterleaved: as kernels::launchRope. Returns [T, heads, dim] contiguous.
at::Tensor fusedRope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, bool interleaved, bool float32,
    bool keepInterleaved);

} // namespace moescope

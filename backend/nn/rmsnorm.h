#pragma once
// RMSNorm as the Llama-family models define it: normalise in float32, cast back to the input dtype, then scale.

#include <ATen/ATen.h>

#include <utility>

namespace moescope {

// Decode steps on CUDA take the fused kernel (nn/fuseddecode), everything else the plain ATen path.
at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps);
// The plain ATen path (the reference the fused kernel is checked against).
at::Tensor rmsNormUnfused(const at::Tensor& x, const at::Tensor& weight, double eps);
// The residual stream's add and the norm after it: (x + delta, rmsNorm(x + delta)), fused in a decode step on CUDA.
std::pair<at::Tensor, at::Tensor> addRmsNorm(
    const at::Tensor& x, const at::Tensor& delta, const at::Tensor& weight, double eps);

} // namespace moescope

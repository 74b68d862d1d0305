#pragma once
// RMSNorm as the Llama-family models define it: normalise in float32, cast back to the input dtype, then scale.

#include <ATen/ATen.h>

namespace moescope {

// Decode steps on CUDA take the fused kernel (nn/fuseddecode), everything else the plain ATen path.
at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps);
// The plain ATen path (the reference the fused kernel is checked against).
at::Tensor rmsNormUnfused(const at::Tensor& x, const at::Tensor& weight, double eps);

} // namespace moescope

#pragma once
// RMSNorm as the Llama-family models define it: normalise in float32, cast back to the input dtype, then scale.

#include <ATen/ATen.h>

namespace moescope {

at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps);

} // namespace moescope

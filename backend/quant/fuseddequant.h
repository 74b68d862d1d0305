#pragma once
// Dequantization of quantized matrices to bf16 by one CUDA kernel (kernels/dequantkernels.h) where the project's
// kernels run and the layout allows it; bit-identical to dequantizeWeight's ATen path. MOESCOPE_DEQUANT_KERNEL=0
// turns it off (for measuring the difference).

#include "quant/quantizedtensor.h"

#include <ATen/ATen.h>

namespace moescope {

// Whether q (a matrix or a stack) dequantizes through the kernel into `dtype`.
bool fusedDequantizeApplies(const QuantizedTensor& q, at::ScalarType dtype);
// All of q: [.., rows, cols] in bf16.
at::Tensor fusedDequantize(const QuantizedTensor& q);
// Matrices source[i] of the stack q into out[dest[i]] (out: [n, rows, cols] bf16 with unit column stride, e.g. a
// narrowed view of stacked experts; source and dest int64 [m] on q's device). An undefined source is the whole stack
// in order (m = the stack's size), an undefined dest out's matrices in order (n = m). With slotCounts (int64 [n] on
// q's device: how many slots of a grouped product read each matrix of out) the matrices no slot reads stay unwritten.
void fusedDequantizeInto(const QuantizedTensor& q, const at::Tensor& source, const at::Tensor& out,
    const at::Tensor& dest, const at::Tensor& slotCounts = {});
// Whether fusedDequantizeInto can write into out.
bool fusedDequantizeFits(const QuantizedTensor& q, const at::Tensor& out);

} // namespace moescope

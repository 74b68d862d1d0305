#pragma once
// One quantized matrix, or a stack of them with leading dimensions (the experts of a bank): codes, scales, zero points
// and the optional per-column activation scale, exactly as stored in a quantized checkpoint (see
// quant/quantizedcheckpoint.h for the file layout). Value semantics (tensors are shared, never written after
// creation).

#include "quant/quantscheme.h"

#include <ATen/ATen.h>

namespace moescope {

struct QuantizedTensor {
    QuantScheme scheme;
    std::int64_t rows = 0; // O (per matrix)
    std::int64_t cols = 0; // I (per matrix)
    // None/BF16: the weights [.., O, I] (compute dtype / bfloat16). Int8: int8 [.., O, I]. Int4: uint8
    // [.., O, ceil(I/2)], column 2j in the low nibble and 2j+1 in the high nibble. Fp8: float8_e4m3fn [.., O, I].
    at::Tensor data;
    // Int8 and per-channel Fp8: float32 [.., O]. Int4: float16 [.., O, ceil(I/g)]. Block Fp8: float32
    // [.., ceil(O/b), ceil(I/b)]. Undefined for None/BF16.
    at::Tensor scales;
    // Int4 asymmetric: uint8 [.., O, ceil(I/g)] in [0, 15]. Undefined otherwise. Symmetric Int4 codes have an
    // implicit zero point of 8 (value = (code - 8) * scale).
    at::Tensor zeros;
    // Activation-aware scaling: float32 [.., I]; the stored codes represent W * inputScale (per column), so
    // dequantization divides by it. Undefined when not used.
    at::Tensor inputScale;

    std::int64_t bytes() const; // every tensor above
    QuantizedTensor to(const at::Device& device) const;
    // The matrices at `index` of the leading dimension (int64 [n] on any device): a stack of n.
    QuantizedTensor select(const at::Tensor& index) const;
    std::int64_t stackSize() const { return data.dim() > 2 ? data.size(0) : 1; }
};

// Stacks equally shaped matrices of one scheme along a new leading dimension.
QuantizedTensor stackQuantized(const std::vector<QuantizedTensor>& parts);

} // namespace moescope

#pragma once
// Fast (vectorised ATen) quantization and dequantization of weight matrices, on any device. The plain loops in
// quant/referencequantizer.h define the same arithmetic; tests check both agree bit for bit.
//
// Arithmetic (float32 unless stated):
//   INT8   s = r*max|w_row| / 127, q = clamp(round(w/s), -127, 127), w' = q*s                (s stored float32)
//   INT4   s = f16(r*max|w_group| / 7), q = clamp(round(w/s), -8, 7), code = q + 8, w' = q*s  (s stored float16)
//   INT4a  lo = r*min(min w, 0), hi = r*max(max w, 0), s = f16((hi-lo)/15), z = clamp(round(-lo/s), 0, 15),
//          code = clamp(round(w/s) + z, 0, 15), w' = (code - z)*s
//   FP8    s = max|w_row or block| / 448, code = e4m3(clamp(w/s, -448, 448)), w' = code*s
// round() is round-half-to-even. A zero scale quantizes to code 0 (or z) and dequantizes to 0. r is the clipping
// ratio: 1 without range search; with range search the ratio of quantgrid::clipRatio that minimises the (column-
// weighted) squared reconstruction error of each group/row, ties to the larger ratio.

#include "quant/quantizedtensor.h"

namespace moescope {

struct QuantizeOptions {
    // Search the clipping range per group/row ("dynamic range adjustment"). Integer formats only.
    bool rangeSearch = true;
    // float32 [cols]: weight of each input column in the reconstruction error, e.g. E[x_j^2] over calibration
    // tokens. Undefined: all columns count the same.
    at::Tensor columnWeights;
    // float32 [cols]: mean |x_j| over calibration tokens. Defined: activation-aware scaling: columns are scaled by
    // (mean|x_j|)^alpha before quantizing, alpha chosen from quantgrid::kAwqAlphas to minimise the column-weighted
    // error (alpha = 0, i.e. no scaling, is a candidate, so it never does worse on that measure).
    at::Tensor activationScale;
    // float64 [cols, cols]: X^T X of the calibration inputs (any positive multiple). Defined: GPTQ (quant/gptq.h)
    // instead of round-to-nearest; columnWeights are then ignored (range search weights columns by diag(H)). With
    // activationScale as well, each alpha's scaled matrix is quantized by GPTQ and alpha minimises the output error
    // trace(dW H dW^T).
    at::Tensor hessian;
};

// w: [O, I] floating point on any device. Throws InvalidArgumentError for non-finite weights (naming `what`).
QuantizedTensor quantizeWeight(const at::Tensor& w, const QuantScheme& scheme, const QuantizeOptions& options = {},
    const std::string& what = "weight");

// [.., O, I] in dtype on the tensor's device.
at::Tensor dequantizeWeight(const QuantizedTensor& q, at::ScalarType dtype);

// Rows `rows` (int64 [N]) of one matrix [O, I], dequantized: [N, I] in dtype. Only those rows are touched.
at::Tensor dequantizeRows(const QuantizedTensor& q, const at::Tensor& rows, at::ScalarType dtype);

// Column-weighted squared error sum_ij c_j (w_ij - w'_ij)^2 (c = 1 when columnWeights is undefined), in double.
double reconstructionError(const at::Tensor& w, const at::Tensor& dequantized, const at::Tensor& columnWeights = {});

// Two 4-bit codes per byte: codes uint8 [.., C] with values in [0, 15] -> [.., ceil(C/2)] (column 2j low nibble).
at::Tensor packInt4(const at::Tensor& codes);
// The inverse: [.., P] -> [.., cols] uint8.
at::Tensor unpackInt4(const at::Tensor& packed, std::int64_t cols);

} // namespace moescope

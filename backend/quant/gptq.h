#pragma once
// GPTQ (Frantar et al. 2022, "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers"):
// quantizes a matrix column by column and spreads each column's rounding error over the columns not yet quantized,
// using the inverse of H = X^T X of the inputs the matrix sees on calibration text, so that the output error
// ||X W^T - X Q^T|| rather than the weight error is kept small.
//
// As in the paper: dead inputs (H_jj = 0) get H_jj = 1 and zero weights; dampening adds 1% of the mean diagonal;
// the updates use the upper Cholesky factor of H^-1; columns go in their natural order in lazy batches of 128 (a
// multiple of the group size), the rest of the matrix updated once per batch. Grids follow quant/quantizer.h:
// INT8 and per-channel FP8 take their row scales from the whole matrix before any update; INT4 groups and FP8
// 128x128 blocks take theirs when their first column is reached, from the already updated weights (range search
// weighted by diag(H) when on). The result is codes on the scheme's grid, stored exactly as round-to-nearest
// stores them, so it loads, packs and saves like any other quantized matrix.
//
// Runs on the CPU in float64 (the matrices GPTQ is used for are small; the cost is O(rows * cols^2)).

#include "quant/quantizedtensor.h"

#include <string>

namespace moescope {

inline constexpr double kGptqDampening = 0.01; // share of mean(diag H) added to the diagonal
inline constexpr std::int64_t kGptqBlock = 128; // columns per lazy batch

// w: [O, I] floating point (any device; the result comes back on it). hessian: [I, I] X^T X (any positive multiple;
// symmetrised here). Throws InvalidArgumentError naming `what` for mismatched shapes or non-finite values, and when
// H stays indefinite after dampening.
QuantizedTensor quantizeGptq(const at::Tensor& w, const QuantScheme& scheme, const at::Tensor& hessian,
    bool rangeSearch = true, const std::string& what = "weight");

// The output error GPTQ minimises, trace((W - W') H (W - W')^T) = ||X W^T - X W'^T||^2 for H = X^T X, in double.
double hessianError(const at::Tensor& w, const at::Tensor& dequantized, const at::Tensor& hessian);

} // namespace moescope

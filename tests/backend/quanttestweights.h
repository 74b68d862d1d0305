#pragma once
// Synthetic weight matrices for the quantization tests (tst_quantschemes, tst_gptq).

#include <ATen/ATen.h>

#include <cstdint>

namespace moescope::test {

// Weights with the heavy tails of trained matrices: Student-t-like (normal / sqrt(chi2)), an outlier input column.
inline at::Tensor realisticWeights(std::int64_t rows, std::int64_t cols, std::uint64_t seed)
{
    at::manual_seed(seed);
    auto w = at::randn({ rows, cols }) * 0.02; // [rows, cols]
    const auto tails = at::randn({ rows, cols }).square() + at::randn({ rows, cols }).square() + 0.3;
    w = w / tails.sqrt();
    if (cols > 8)
        w.narrow(1, 3, 1).mul_(8.0); // an outlier input channel
    return w.contiguous();
}

} // namespace moescope::test

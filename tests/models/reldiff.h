#pragma once
// How far the model tests' results lie from their references: the largest absolute difference over the reference's
// largest magnitude.

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace moescope::test {

inline double relDiff(const at::Tensor& got, const at::Tensor& want)
{
    return ((got - want).abs().max() / want.abs().max()).item<double>();
}

inline double relDiff(const std::vector<float>& got, const std::vector<float>& want)
{
    double diff = 0, scale = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        diff = std::max(diff, static_cast<double>(std::abs(got[i] - want[i])));
        scale = std::max(scale, static_cast<double>(std::abs(want[i])));
    }
    return diff / scale;
}

} // namespace moescope::test

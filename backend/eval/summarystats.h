#pragma once
// Summary statistics of per-token measurements (plain C++, no LibTorch).

#include <cstdint>
#include <span>
#include <vector>

namespace moescope {

// Mean with a normal-approximation confidence interval: mean +- z * sd / sqrt(n) (sd with n - 1). NaN when empty.
struct MeanInterval {
    double mean = 0;
    double low = 0;
    double high = 0;
    double sd = 0;
    std::int64_t n = 0;
};
MeanInterval meanWithInterval(std::span<const double> values, double z = 1.959964);

// The q-quantile (q in [0, 1]) by linear interpolation between closest ranks (numpy's default). NaN when empty.
double quantile(std::vector<double> values, double q);
double rootMeanSquare(std::span<const double> values);
double meanOf(std::span<const double> values);

} // namespace moescope

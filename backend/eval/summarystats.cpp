#include "eval/summarystats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace moescope {

namespace {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

double meanOf(std::span<const double> values)
{
    if (values.empty())
        return kNaN;
    double sum = 0;
    for (const auto v : values)
        sum += v;
    return sum / static_cast<double>(values.size());
}

MeanInterval meanWithInterval(std::span<const double> values, double z)
{
    MeanInterval m;
    m.n = static_cast<std::int64_t>(values.size());
    m.mean = meanOf(values);
    if (values.size() < 2) {
        m.low = m.high = m.mean;
        m.sd = values.empty() ? kNaN : 0.0;
        return m;
    }
    double ss = 0;
    for (const auto v : values)
        ss += (v - m.mean) * (v - m.mean);
    m.sd = std::sqrt(ss / static_cast<double>(values.size() - 1));
    const double half = z * m.sd / std::sqrt(static_cast<double>(values.size()));
    m.low = m.mean - half;
    m.high = m.mean + half;
    return m;
}

double quantile(std::vector<double> values, double q)
{
    if (values.empty())
        return kNaN;
    std::sort(values.begin(), values.end());
    const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
}

double rootMeanSquare(std::span<const double> values)
{
    if (values.empty())
        return kNaN;
    double ss = 0;
    for (const auto v : values)
        ss += v * v;
    return std::sqrt(ss / static_cast<double>(values.size()));
}

} // namespace moescope

#include "eval/routingmetrics.h"

#include "core/half.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace moescope {

namespace {
template <typename T> double entropyOf(std::span<const T> weights)
{
    double sum = 0;
    for (const T w : weights)
        if (w > 0)
            sum += double(w);
    if (!(sum > 0))
        return 0;
    double h = 0;
    for (const T w : weights)
        if (w > 0) {
            const double p = double(w) / sum;
            h -= p * std::log2(p);
        }
    return std::max(h, 0.0);
}

double sumOf(std::span<const double> v)
{
    double s = 0;
    for (const double x : v)
        s += x;
    return s;
}

struct HalfTables {
    std::vector<double> value; // [65536] the half's value, 0 when not positive and finite
    std::vector<double> wLog2w; // [65536] value * log2(value)
    HalfTables()
        : value(65536, 0.0)
        , wLog2w(65536, 0.0)
    {
        for (std::uint32_t bits = 0; bits < 65536; ++bits) {
            const double w = halfToFloat(std::uint16_t(bits));
            if (w > 0 && std::isfinite(w)) {
                value[bits] = w;
                wLog2w[bits] = w * std::log2(w);
            }
        }
    }
};
} // namespace

double entropyBitsOfHalves(const std::uint16_t* weights, int k)
{
    static const HalfTables tables; // constant data, built once (thread-safe)
    double sum = 0, weighted = 0;
    for (int j = 0; j < k; ++j) {
        sum += tables.value[weights[j]];
        weighted += tables.wLog2w[weights[j]];
    }
    if (!(sum > 0))
        return 0;
    // H = -sum p log2 p with p = w / S  =  log2 S - (sum w log2 w) / S.
    return std::max(std::log2(sum) - weighted / sum, 0.0);
}

double entropyBits(std::span<const double> weights)
{
    return entropyOf(weights);
}
double entropyBits(std::span<const float> weights)
{
    return entropyOf(weights);
}

double jensenShannonBits(std::span<const double> p, std::span<const double> q)
{
    const double sp = sumOf(p), sq = sumOf(q);
    if (!(sp > 0) || !(sq > 0) || p.size() != q.size())
        return std::numeric_limits<double>::quiet_NaN();
    // JSD = H(M) - (H(P) + H(Q)) / 2, written term by term so that identical inputs give exactly 0.
    double d = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double a = p[i] / sp, b = q[i] / sq, m = 0.5 * (a + b);
        if (a > 0)
            d += 0.5 * a * std::log2(a / m);
        if (b > 0)
            d += 0.5 * b * std::log2(b / m);
    }
    return std::clamp(d, 0.0, 1.0);
}

LoadBalance loadBalance(std::span<const std::int64_t> counts)
{
    LoadBalance b;
    if (counts.empty())
        return b;
    double total = 0;
    b.maxLoad = counts[0];
    b.minLoad = counts[0];
    for (const auto c : counts) {
        total += double(c);
        b.maxLoad = std::max(b.maxLoad, c);
        b.minLoad = std::min(b.minLoad, c);
    }
    b.mean = total / double(counts.size());
    double var = 0;
    for (const auto c : counts)
        var += (double(c) - b.mean) * (double(c) - b.mean);
    b.stddev = std::sqrt(var / double(counts.size()));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    b.cv = b.mean > 0 ? b.stddev / b.mean : nan;
    b.maxOverMean = b.mean > 0 ? double(b.maxLoad) / b.mean : nan;
    b.balancedness = b.maxLoad > 0 ? b.mean / double(b.maxLoad) : nan;
    return b;
}

std::size_t commonSorted(std::span<const int> a, std::span<const int> b)
{
    std::size_t common = 0;
    for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
        if (a[i] == b[j]) {
            ++common;
            ++i;
            ++j;
        } else if (a[i] < b[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    return common;
}

double jaccard(std::span<const int> a, std::span<const int> b)
{
    std::vector<int> x(a.begin(), a.end()), y(b.begin(), b.end());
    std::sort(x.begin(), x.end());
    x.erase(std::unique(x.begin(), x.end()), x.end());
    std::sort(y.begin(), y.end());
    y.erase(std::unique(y.begin(), y.end()), y.end());
    if (x.empty() && y.empty())
        return 1.0;
    const std::size_t common = commonSorted(x, y);
    return double(common) / double(x.size() + y.size() - common);
}

std::vector<double> toDoubles(std::span<const std::int64_t> counts)
{
    return { counts.begin(), counts.end() };
}
std::vector<double> toDoubles(std::span<const std::uint32_t> counts)
{
    return { counts.begin(), counts.end() };
}

} // namespace moescope

#include "docs/samplerng.h"

#include <algorithm>
#include <numeric>

namespace moescope {

std::uint64_t SampleRng::next()
{
    std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

SampleRng SampleRng::fork(std::string_view purpose) const
{
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : purpose) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    SampleRng copy(*this);
    return SampleRng(copy.next() ^ h);
}

double SampleRng::uniform()
{
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

int SampleRng::integer(int lo, int hi)
{
    if (hi <= lo)
        return lo;
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<int>(next() % span);
}

std::vector<int> SampleRng::permutation(int n)
{
    std::vector<int> p(static_cast<std::size_t>(std::max(n, 0)));
    std::iota(p.begin(), p.end(), 0);
    for (int i = n - 1; i > 0; --i)
        std::swap(p[i], p[integer(0, i)]);
    return p;
}

std::vector<int> SampleRng::orderedSubset(int n, int k)
{
    auto p = permutation(n);
    p.resize(static_cast<std::size_t>(std::clamp(k, 0, n)));
    std::sort(p.begin(), p.end());
    return p;
}

} // namespace moescope

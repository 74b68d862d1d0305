#pragma once
// The sample report's random source: SplitMix64 with its own uniform helpers, because std::uniform_*_distribution
// differ between standard libraries and the report must be the same bytes everywhere for a seed. Not thread-safe.

#include <cstdint>
#include <string_view>
#include <vector>

namespace moescope {

class SampleRng {
public:
    explicit SampleRng(std::uint64_t seed)
        : m_state(seed ^ 0x9E3779B97F4A7C15ull)
    {
    }
    // An independent stream for one purpose, so adding a draw in one place does not shift every later number.
    SampleRng fork(std::string_view purpose) const;

    std::uint64_t next();
    double uniform(); // [0, 1)
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    int integer(int lo, int hi); // inclusive
    bool chance(double p) { return uniform() < p; }
    template <typename T> const T& pick(const std::vector<T>& items)
    {
        return items[static_cast<std::size_t>(integer(0, static_cast<int>(items.size()) - 1))];
    }
    // k distinct indices of [0, n) in increasing order (a subset that keeps the original order).
    std::vector<int> orderedSubset(int n, int k);
    // A permutation of [0, n).
    std::vector<int> permutation(int n);

private:
    std::uint64_t m_state;
};

} // namespace moescope

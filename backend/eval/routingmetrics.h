#pragma once
// Small, exact statistics over expert choices, shared by the aggregates, drift and the tests. Entropies and
// divergences are in bits (log base 2). Plain functions, any thread.

#include <cstdint>
#include <span>
#include <vector>

namespace moescope {

// Shannon entropy (bits) of non-negative weights normalised to sum 1; 0 when they sum to 0. A token's applied top-k
// weights give at most log2(k) bits, a full router distribution at most log2(experts).
double entropyBits(std::span<const double> weights);
double entropyBits(std::span<const float> weights);
// The same for k float16 weights (bit patterns), via a table of w log2 w: one logarithm per token instead of k, for
// the per-token loops over tens of millions of choices. Non-positive and non-finite weights count as 0.
double entropyBitsOfHalves(const std::uint16_t* weights, int k);

// Jensen-Shannon divergence (bits, in [0, 1]) between two non-negative vectors normalised to distributions:
// 0 when they are proportional, symmetric, 1 when their supports are disjoint. NaN when either sums to 0.
double jensenShannonBits(std::span<const double> p, std::span<const double> q);

// Load balance of one layer from its per-expert token counts. mean = total / experts; NaN ratios when all are 0.
struct LoadBalance {
    double mean = 0; // tokens per expert
    double stddev = 0; // population standard deviation
    double cv = 0; // coefficient of variation: stddev / mean (0 = perfectly even)
    double maxOverMean = 0; // load of the busiest expert over the mean (1 = even, experts/k at worst)
    double balancedness = 0; // SGLang's figure: mean / max, in (0, 1], 1 = even
    std::int64_t maxLoad = 0;
    std::int64_t minLoad = 0;
};
LoadBalance loadBalance(std::span<const std::int64_t> counts);

// Number of elements two ascending, duplicate-free sequences share (a linear merge).
std::size_t commonSorted(std::span<const int> a, std::span<const int> b);

// |A ∩ B| / |A ∪ B| of two expert sets given as id lists (duplicates ignored); 1 when both are empty.
double jaccard(std::span<const int> a, std::span<const int> b);

// Counts as doubles (for the divergence and entropy functions).
std::vector<double> toDoubles(std::span<const std::int64_t> counts);
std::vector<double> toDoubles(std::span<const std::uint32_t> counts);

} // namespace moescope

#pragma once
// Per-token log-probabilities of a long token sequence with a sliding window (each window of `window` tokens
// overlaps the previous by window - stride, so every token is scored once with at least window - stride tokens of
// context, as transformers' strided perplexity recipe). Routing seen by the observer is reported once per token,
// at the token's absolute position.

#include "core/cancellation.h"

#include <cstdint>
#include <limits>
#include <span>
#include <stop_token>
#include <vector>

namespace moescope {

class Engine;
class ForwardObserver;

struct PerplexityOptions {
    std::int64_t window = 1024;
    std::int64_t stride = 512;
};

struct TokenScores {
    // logProbs[i] = log p(ids[i] | up to window - 1 previous tokens); NaN for ids[0], which has no context.
    std::vector<float> logProbs;
    std::int64_t scored = 0;
    double meanNll = 0; // nats per scored token
    double perplexity() const;
};

TokenScores scoreSequence(Engine& engine, std::span<const std::int32_t> ids, const PerplexityOptions& options = {},
    ForwardObserver* observer = nullptr, std::stop_token stop = {}, const ProgressCallback& progress = {});

// exp(mean negative log-probability) over the scored tokens in [begin, end); NaN when none.
double perplexityOf(const TokenScores& scores, std::size_t begin, std::size_t end);

} // namespace moescope

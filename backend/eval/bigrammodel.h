#pragma once
// An interpolated Kneser-Ney bigram language model over token ids: the baseline the demo model's perplexity is
// compared with ("better than a bigram model of the same corpus"). Continuation counts get add-one smoothing so
// every token of the vocabulary has a non-zero probability.

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace moescope {

class BigramModel {
public:
    // tokens: the training stream (documents joined by a separator token); vocab: ids are in [0, vocab).
    BigramModel(std::span<const std::int32_t> tokens, std::int32_t vocab);

    double probability(std::int32_t previous, std::int32_t next) const;
    // exp(mean -log p(t_i | t_{i-1})) over i >= 1.
    double perplexity(std::span<const std::int32_t> tokens) const;
    double discount() const { return m_discount; }
    std::size_t distinctBigrams() const { return m_bigrams.size(); }

private:
    std::int32_t m_vocab;
    double m_discount = 0.75;
    std::unordered_map<std::uint64_t, std::uint32_t> m_bigrams; // (prev << 32 | next) -> count
    std::vector<std::uint64_t> m_contextCount; // c(v .)
    std::vector<std::uint32_t> m_contextTypes; // N1+(v .)
    std::vector<std::uint32_t> m_continuation; // N1+(. w)
    std::uint64_t m_bigramTypes = 0; // N1+(. .)
};

} // namespace moescope

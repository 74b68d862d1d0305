#include <cstdint>
#include "eval/bigrammodel.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>

namespace moescope {

BigramModel::BigramModel(std::span<const std::int32_t> tokens, std::int32_t vocab)
    : m_vocab(vocab)
    , m_contextCount(static_cast<std::size_t>(vocab), 0)
    , m_contextTypes(static_cast<std::size_t>(vocab), 0)
    , m_continuation(static_cast<std::size_t>(vocab), 0)
{
    if (vocab <= 0)
        throw InvalidArgumentError("bigram model needs a positive vocabulary size");
    // Sorting the pair keys counts every bigram without a hash table per context.
    std::vector<std::uint64_t> keys;
    keys.reserve(tokens.size());
    for (std::size_t i = 1; i < tokens.size(); ++i) {
        if (tokens[i - 1] < 0 || tokens[i - 1] >= vocab || tokens[i] < 0 || tokens[i] >= vocab)
            throw InvalidArgumentError("token id outside the vocabulary in the bigram training stream");
        keys.push_back(static_cast<std::uint64_t>(tokens[i - 1]) << 32 | static_cast<std::uint32_t>(tokens[i]));
    }
    std::sort(keys.begin(), keys.end());
    std::uint64_t once = 0, twice = 0;
    m_bigrams.reserve(keys.size() / 4);
    for (std::size_t i = 0; i < keys.size();) {
        std::size_t j = i;
        while (j < keys.size() && keys[j] == keys[i])
            ++j;
        const auto count = static_cast<std::uint32_t>(j - i);
        const auto prev = static_cast<std::size_t>(keys[i] >> 32);
        const auto next = static_cast<std::size_t>(keys[i] & 0xffffffffu);
        m_bigrams.emplace(keys[i], count);
        m_contextCount[prev] += count;
        ++m_contextTypes[prev];
        ++m_continuation[next];
        ++m_bigramTypes;
        once += count == 1;
        twice += count == 2;
        i = j;
    }
    if (once + 2 * twice > 0)
        m_discount = std::clamp(static_cast<double>(once) / static_cast<double>(once + 2 * twice), 0.1, 0.95);
}

double BigramModel::probability(std::int32_t previous, std::int32_t next) const
{
    if (next < 0 || next >= m_vocab)
        return 0.0;
    const double continuation = (m_continuation[static_cast<std::size_t>(next)] + 1.0)
        / (static_cast<double>(m_bigramTypes) + m_vocab);
    if (previous < 0 || previous >= m_vocab || m_contextCount[static_cast<std::size_t>(previous)] == 0)
        return continuation;
    const double context = static_cast<double>(m_contextCount[static_cast<std::size_t>(previous)]);
    const auto it = m_bigrams.find(static_cast<std::uint64_t>(previous) << 32 | static_cast<std::uint32_t>(next));
    const double count = it == m_bigrams.end() ? 0.0 : it->second;
    const double lambda = m_discount * m_contextTypes[static_cast<std::size_t>(previous)] / context;
    return std::max(count - m_discount, 0.0) / context + lambda * continuation;
}

double BigramModel::perplexity(std::span<const std::int32_t> tokens) const
{
    if (tokens.size() < 2)
        return std::numeric_limits<double>::quiet_NaN();
    double nll = 0;
    for (std::size_t i = 1; i < tokens.size(); ++i)
        nll -= std::log(probability(tokens[i - 1], tokens[i]));
    return std::exp(nll / static_cast<double>(tokens.size() - 1));
}

} // namespace moescope

#include <cstdint>
#include "tokenizer/streamingdecoder.h"

namespace moescope {

namespace {
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
// Give up waiting for a character to complete after this many tokens (the bytes are then invalid for good).
constexpr int kMaxHeldSteps = 8;
} // namespace

StreamingDecoder::StreamingDecoder(Tokenizer tokenizer, bool skipSpecial)
    : m_tokenizer(std::move(tokenizer))
    , m_skipSpecial(skipSpecial)
{
}

std::string StreamingDecoder::push(std::int32_t id)
{
    m_ids.push_back(id);
    const std::string text = m_tokenizer.decode(m_ids, m_skipSpecial);
    const bool incomplete = text.ends_with(kReplacement);
    if (text.size() <= m_prefix.size() || (incomplete && ++m_heldSteps <= kMaxHeldSteps))
        return {};
    std::string fresh;
    if (text.starts_with(m_prefix)) {
        fresh = text.substr(m_prefix.size());
    } else {
        // The context changed how earlier tokens decode (should not happen with supported decoders): emit the new
        // token alone.
        fresh = m_tokenizer.decode(std::span<const std::int32_t>(&m_ids.back(), 1), m_skipSpecial);
    }
    // Keep the ids since the previous emission as context for the next step.
    const std::size_t newPrefixIndex = m_ids.size() - m_prefixIndex;
    m_ids.erase(m_ids.begin(), m_ids.begin() + static_cast<std::ptrdiff_t>(m_prefixIndex));
    m_prefix = m_tokenizer.decode(m_ids, m_skipSpecial);
    m_prefixIndex = newPrefixIndex;
    m_heldSteps = 0;
    return fresh;
}

std::string StreamingDecoder::flush()
{
    std::string rest;
    if (!m_ids.empty()) {
        const std::string text = m_tokenizer.decode(m_ids, m_skipSpecial);
        if (text.size() > m_prefix.size() && text.starts_with(m_prefix))
            rest = text.substr(m_prefix.size());
    }
    reset();
    return rest;
}

void StreamingDecoder::reset()
{
    m_ids.clear();
    m_prefix.clear();
    m_prefixIndex = 0;
    m_heldSteps = 0;
}

} // namespace moescope

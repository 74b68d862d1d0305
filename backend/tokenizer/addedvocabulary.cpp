#include <cstdint>
#include "tokenizer/addedvocabulary.h"

#include "tokenizer/normalizer.h"
#include "tokenizer/unicode/unicode.h"

#include <algorithm>

namespace moescope::tok {

namespace {

char32_t lastChar(std::string_view s)
{
    std::size_t p = s.size();
    while (p > 0 && (static_cast<unsigned char>(s[p - 1]) & 0xC0) == 0x80)
        --p;
    if (p > 0)
        --p;
    std::size_t q = p;
    return decodeUtf8(s, q);
}

// Start of the whitespace run that ends s.
std::size_t trailingSpaceStart(std::string_view s)
{
    std::size_t p = s.size();
    while (p > 0) {
        std::size_t b = p - 1;
        while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80)
            --b;
        std::size_t q = b;
        if (!isWhiteSpace(decodeUtf8(s, q)))
            break;
        p = b;
    }
    return p;
}

// Length of the whitespace run that starts s.
std::size_t leadingSpaceLength(std::string_view s)
{
    std::size_t p = 0;
    while (p < s.size()) {
        std::size_t q = p;
        if (!isWhiteSpace(decodeUtf8(s, q)))
            break;
        p = q;
    }
    return p;
}

} // namespace

void AddedVocabulary::Trie::add(std::string_view pattern, std::int32_t token)
{
    if (nodes.empty())
        nodes.emplace_back();
    std::size_t node = 0;
    for (const char ch : pattern) {
        const auto c = static_cast<unsigned char>(ch);
        auto& children = nodes[node].children;
        auto it = std::lower_bound(
            children.begin(), children.end(), c, [](const auto& e, unsigned char v) { return e.first < v; });
        if (it != children.end() && it->first == c) {
            node = static_cast<std::size_t>(it->second);
            continue;
        }
        const auto next = static_cast<std::int32_t>(nodes.size());
        children.insert(it, { c, next });
        nodes.emplace_back();
        node = static_cast<std::size_t>(next);
    }
    if (nodes[node].token < 0) // the first token with this pattern wins, like the first Aho-Corasick pattern
        nodes[node].token = token;
    firstByte[static_cast<unsigned char>(pattern[0])] = true;
}

std::size_t AddedVocabulary::Trie::longest(std::string_view text, std::size_t pos, std::int32_t& token) const
{
    std::size_t node = 0;
    std::size_t best = 0;
    for (std::size_t i = pos; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const auto& children = nodes[node].children;
        auto it = std::lower_bound(
            children.begin(), children.end(), c, [](const auto& e, unsigned char v) { return e.first < v; });
        if (it == children.end() || it->first != c)
            break;
        node = static_cast<std::size_t>(it->second);
        if (nodes[node].token >= 0) {
            best = i + 1 - pos;
            token = nodes[node].token;
        }
    }
    return best;
}

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer)
{
    // HF matches special tokens first, then the others, each in the order given.
    std::stable_partition(tokens.begin(), tokens.end(), [](const AddedToken& t) { return t.special; });
    for (auto& t : tokens) {
        if (t.content.empty() || m_byId.count(t.id))
            continue;
        const auto index = static_cast<std::int32_t>(m_tokens.size());
        m_byContent.try_emplace(t.content, t.id);
        m_byId.emplace(t.id, m_tokens.size());
        t.surface = t.content;
        if (t.normalized && normalizer) {
            AlignedText pattern = AlignedText::fromOriginal(t.content, 0, false);
            normalizer->normalize(pattern);
            t.surface = pattern.text;
            if (!pattern.text.empty())
                m_normalized.add(pattern.text, index);
        } else if (t.normalized) {
            m_normalized.add(t.content, index);
        } else {
            m_raw.add(t.content, index);
        }
        m_tokens.push_back(std::move(t));
    }
}

const AddedToken* AddedVocabulary::byId(std::int32_t id) const
{
    const auto it = m_byId.find(id);
    return it == m_byId.end() ? nullptr : &m_tokens[it->second];
}

std::optional<std::int32_t> AddedVocabulary::idOf(std::string_view content) const
{
    const auto it = m_byContent.find(std::string(content));
    if (it == m_byContent.end())
        return std::nullopt;
    return it->second;
}

void AddedVocabulary::split(PieceSet& set, bool normalizedTokens) const
{
    const Trie& trie = normalizedTokens ? m_normalized : m_raw;
    if (trie.empty())
        return;
    std::vector<Piece> out;
    out.reserve(set.pieces.size() + 8);
    const std::string_view text(set.buf.text);
    for (const auto& p : set.pieces) {
        if (p.tokenId >= 0) {
            out.push_back(p);
            continue;
        }
        splitPiece(text.substr(p.begin, p.end - p.begin), p.begin, trie, out);
    }
    set.pieces.swap(out);
}

void AddedVocabulary::splitPiece(
    std::string_view s, std::uint32_t base, const Trie& trie, std::vector<Piece>& out) const
{
    auto push = [&](std::size_t b, std::size_t e, std::int32_t id) {
        if (e > b || id >= 0)
            out.push_back({ base + static_cast<std::uint32_t>(b), base + static_cast<std::uint32_t>(e), id });
    };
    std::size_t startOffset = 0;
    std::size_t pos = 0;
    while (pos < s.size()) {
        if (!trie.firstByte[static_cast<unsigned char>(s[pos])]) {
            ++pos;
            continue;
        }
        std::int32_t index = -1;
        const std::size_t len = trie.longest(s, pos, index);
        if (len == 0) {
            ++pos;
            continue;
        }
        std::size_t start = pos;
        std::size_t stop = pos + len;
        pos = stop; // matches never overlap, whatever happens to this one
        const AddedToken& token = m_tokens[static_cast<std::size_t>(index)];
        if (token.singleWord) {
            const bool startSpace = start == 0 || !isWordChar(lastChar(s.substr(0, start)));
            bool stopSpace = stop == s.size();
            if (!stopSpace) {
                std::size_t q = stop;
                stopSpace = !isWordChar(decodeUtf8(s, q));
            }
            if (!startSpace || !stopSpace)
                continue;
        }
        if (token.lstrip)
            start = std::max(trailingSpaceStart(s.substr(0, start)), startOffset);
        if (token.rstrip)
            stop += leadingSpaceLength(s.substr(stop));
        if (startOffset < start)
            push(startOffset, start, -1);
        push(start, stop, token.id);
        startOffset = stop;
    }
    if (startOffset < s.size())
        push(startOffset, s.size(), -1);
}

} // namespace moescope::tok

#pragma once
// Added and special tokens of tokenizer.json ("added_tokens"): found in the input before anything else, longest
// match first (HF's leftmost-longest Aho-Corasick), with lstrip/rstrip/single_word/normalized as HF applies them.
// Immutable after construction; thread-safe.

#include "tokenizer/alignedtext.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace moescope::tok {

class Normalizer;

struct AddedToken {
    std::int32_t id = -1;
    std::string content;
    bool special = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = false;
    bool singleWord = false;
    // What decoding shows: the normalized content for normalized tokens (HF's normalized_cache), else content.
    std::string surface;
};

class AddedVocabulary {
public:
    AddedVocabulary() = default;
    // normalizer (may be null) gives the patterns of normalized tokens.
    AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer);

    // Cuts the text pieces of set around the tokens matched against raw text (normalizedTokens = false) or
    // against normalized text (true); matched tokens become pieces with their tokenId.
    void split(PieceSet& set, bool normalizedTokens) const;

    const AddedToken* byId(std::int32_t id) const;
    std::optional<std::int32_t> idOf(std::string_view content) const;
    const std::vector<AddedToken>& tokens() const { return m_tokens; }
    bool empty() const { return m_tokens.empty(); }

private:
    struct Trie {
        struct Node {
            std::vector<std::pair<unsigned char, std::int32_t>> children; // sorted by byte
            std::int32_t token = -1; // index into m_tokens
        };
        std::vector<Node> nodes;
        bool firstByte[256] = {};
        void add(std::string_view pattern, std::int32_t token);
        // Longest pattern starting at text[pos]: returns its length and token, or 0.
        std::size_t longest(std::string_view text, std::size_t pos, std::int32_t& token) const;
        bool empty() const { return nodes.size() <= 1; }
    };

    void splitPiece(std::string_view text, std::uint32_t base, const Trie& trie, std::vector<Piece>& out) const;

    std::vector<AddedToken> m_tokens;
    std::unordered_map<std::string, std::int32_t> m_byContent; // content -> id
    std::unordered_map<std::int32_t, std::size_t> m_byId; // id -> index
    Trie m_raw;
    Trie m_normalized;
};

} // namespace moescope::tok

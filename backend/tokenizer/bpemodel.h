#pragma once
// The BPE model of tokenizer.json: vocabulary, ranked merges, unk/byte_fallback/fuse_unk, ignore_merges,
// continuing_subword_prefix/end_of_word_suffix. In byte-level mode (the pre-tokenizer chain ends with ByteLevel)
// pieces arrive as raw bytes and each byte is one initial symbol; otherwise each UTF-8 character is.
// Immutable after construction except for its internal word cache; tokenize() is thread-safe.

#include "tokenizer/tokenizerjsonreader.h"
#include "tokenizer/wordcache.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace moescope::tok {

class BpeModel {
public:
    // Builds the model from tokenizer.json's "model" object (its vocab and merges already taken out into data).
    // Throws FormatError (bad vocab/merges, naming the entry) or UnsupportedError (a model type other than BPE).
    BpeModel(const nlohmann::json& model, BpeVocabData data, bool byteLevel);
    ~BpeModel();

    // Appends the tokens of one pre-tokenized piece.
    void tokenize(std::string_view piece, std::vector<TokenPart>& out) const;

    std::optional<std::int32_t> tokenToId(std::string_view token) const;
    // The vocabulary string of id, or nullptr.
    const std::string* idToToken(std::int32_t id) const;
    std::int32_t size() const { return static_cast<std::int32_t>(m_idToToken.size()); }
    bool byteLevel() const { return m_byteLevel; }

private:
    struct MergeMap;
    struct Symbol {
        std::int32_t id;
        std::uint32_t length;
    };

    void tokenizeUncached(std::string_view piece, std::vector<TokenPart>& out) const;
    void initialSymbols(std::string_view piece, std::vector<Symbol>& symbols) const;
    void appendMissing(std::string_view symbolText, std::uint32_t length, std::vector<Symbol>& symbols,
        std::optional<Symbol>& pendingUnk) const;
    void mergeSmall(std::vector<Symbol>& symbols) const;
    void mergeLarge(std::vector<Symbol>& symbols) const;
    std::optional<std::int32_t> symbolId(std::string_view key) const;

    bool m_byteLevel;
    bool m_ignoreMerges = false;
    bool m_fuseUnk = false;
    bool m_byteFallback = false;
    std::optional<std::int32_t> m_unkId;
    std::string m_prefix; // continuing_subword_prefix, in model space
    std::string m_suffix; // end_of_word_suffix, in model space

    struct ViewHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view> {}(s); }
    };
    std::vector<std::string> m_strings; // vocabulary strings as in tokenizer.json, in file order (owner)
    std::unordered_map<std::string_view, std::int32_t, ViewHash, std::equal_to<>> m_vocab; // views into m_strings
    std::vector<const std::string*> m_idToToken; // null for unassigned ids
    std::int32_t m_byteIds[256];
    std::vector<std::int32_t> m_bmpIds; // single BMP characters (character mode, no prefix/suffix)
    std::int32_t m_byteFallbackIds[256];
    std::unique_ptr<MergeMap> m_merges;
    // Character mode only: no vocabulary entry contains the metaspace '▁' after another character, so a piece can
    // be cut before each such '▁' without changing the result (makes long SentencePiece-style inputs cacheable).
    bool m_splitBeforeMetaspace = false;
    WordCache m_cache;
};

} // namespace moescope::tok

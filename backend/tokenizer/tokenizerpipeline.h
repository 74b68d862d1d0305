#pragma once
// The encode/decode pipeline assembled from tokenizer.json (+ tokenizer_config.json): added tokens, normalizer,
// pre-tokenizer, BPE model, post-processor, decoder. Internal to Tokenizer; immutable once built, so every const
// member is safe to call from several threads at once.

#include <cstdint>
#include "tokenizer/addedvocabulary.h"
#include "tokenizer/bpemodel.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/postprocessor.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/tokendecoder.h"
#include "tokenizer/tokenencoding.h"
#include "tokenizer/tokenizerjsonreader.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace moescope::tok {

class TokenizerPipeline {
public:
    // tokenizer: tokenizer.json as readTokenizerJson() returns it; config: parsed tokenizer_config.json or null;
    // source names the file in errors.
    TokenizerPipeline(TokenizerJson tokenizer, const nlohmann::json* config, const std::string& source);

    // offsets is null for ids-only encoding. Throws InvalidArgumentError for text that is not valid UTF-8.
    void encode(
        std::string_view text, bool addSpecial, std::vector<std::int32_t>& ids, std::vector<TextSpan>* offsets) const;
    // Unknown ids throw InvalidArgumentError.
    std::string decode(std::span<const std::int32_t> ids, bool skipSpecial) const;

    std::int32_t vocabSize() const { return m_vocabSize; }
    std::optional<std::int32_t> tokenId(std::string_view token) const;
    // The vocabulary string of id (added-token content first), or nullptr.
    const std::string* tokenString(std::int32_t id) const;
    bool isSpecial(std::int32_t id) const;
    std::optional<std::int32_t> bosId() const { return m_bos; }
    std::optional<std::int32_t> eosId() const { return m_eos; }
    bool byteLevel() const { return m_model->byteLevel(); }

private:
    void normalizePieces(PieceSet& set) const;

    std::unique_ptr<Normalizer> m_normalizer;
    PreTokenizerConfig m_preTokenizer;
    std::unique_ptr<BpeModel> m_model;
    AddedVocabulary m_added;
    std::unique_ptr<PostProcessor> m_postProcessor;
    std::unique_ptr<TokenDecoder> m_decoder;
    bool m_forceTracking = false;
    std::int32_t m_vocabSize = 0;
    std::optional<std::int32_t> m_bos;
    std::optional<std::int32_t> m_eos;
};

} // namespace moescope::tok

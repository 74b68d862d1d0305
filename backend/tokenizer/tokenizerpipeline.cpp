#include <cstdint>
#include "tokenizer/tokenizerpipeline.h"

#include "core/error.h"
#include "tokenizer/jsonfields.h"
#include "tokenizer/unicode/unicode.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace moescope::tok {

namespace {

constexpr std::size_t kMaxInputBytes = std::size_t(1) << 31; // offsets are 32-bit

// A special token named in tokenizer_config.json: a string or {"content": ...} (AddedToken serialisation).
std::optional<std::string> configTokenContent(const nlohmann::json* config, const char* key)
{
    if (!config || !config->is_object())
        return std::nullopt;
    const auto it = config->find(key);
    if (it == config->end())
        return std::nullopt;
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
        return (*it)["content"].get<std::string>();
    return std::nullopt;
}

std::vector<AddedToken> parseAddedTokens(const nlohmann::json& tokenizer)
{
    std::vector<AddedToken> tokens;
    const auto it = tokenizer.find("added_tokens");
    if (it == tokenizer.end() || it->is_null())
        return tokens;
    if (!it->is_array())
        throw FormatError("tokenizer.json added_tokens must be an array");
    for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& t = (*it)[i];
        const std::string where = fmt::format("tokenizer.json added_tokens[{}]", i);
        AddedToken a;
        const auto id = intField(t, "id", where, -1);
        if (id < 0 || id > INT32_MAX)
            throw FormatError(where + ": missing or invalid id");
        a.id = static_cast<std::int32_t>(id);
        a.content = stringField(t, "content", where);
        if (findInvalidUtf8(a.content) != std::string::npos)
            throw FormatError(where + ": content is not valid UTF-8");
        a.special = boolField(t, "special", where, false);
        a.lstrip = boolField(t, "lstrip", where, false);
        a.rstrip = boolField(t, "rstrip", where, false);
        a.singleWord = boolField(t, "single_word", where, false);
        a.normalized = boolField(t, "normalized", where, !a.special);
        tokens.push_back(std::move(a));
    }
    return tokens;
}

} // namespace

TokenizerPipeline::TokenizerPipeline(TokenizerJson input, const nlohmann::json* config, const std::string& source)
{
    const nlohmann::json& tokenizer = input.document;
    if (!tokenizer.is_object())
        throw FormatError(source + ": not a tokenizer.json object");
    try {
        auto value = [&](const char* key) -> const nlohmann::json& {
            static const nlohmann::json null;
            const auto it = tokenizer.find(key);
            return it == tokenizer.end() ? null : *it;
        };
        m_normalizer = makeNormalizer(value("normalizer"));
        m_preTokenizer = makePreTokenizer(value("pre_tokenizer"));
        m_model = std::make_unique<BpeModel>(
            requireField(tokenizer, "model", "tokenizer.json"), std::move(input.bpe), m_preTokenizer.byteLevel);
        m_forceTracking = m_preTokenizer.preTokenizer && m_preTokenizer.preTokenizer->needsOriginalOffsets();

        std::vector<AddedToken> added = parseAddedTokens(tokenizer);
        // transformers adds the special tokens its config names when tokenizer.json lacks them; we do so for those
        // the model's vocabulary has (others would have no embedding).
        if (config && config->is_object()) {
            std::vector<std::string> names;
            for (const char* key : { "bos_token", "eos_token", "unk_token", "pad_token" })
                if (auto c = configTokenContent(config, key))
                    names.push_back(*c);
            if (const auto it = config->find("additional_special_tokens"); it != config->end() && it->is_array())
                for (const auto& t : *it) {
                    if (t.is_string())
                        names.push_back(t.get<std::string>());
                    else if (t.is_object() && t.contains("content") && t["content"].is_string())
                        names.push_back(t["content"].get<std::string>());
                }
            for (const auto& name : names) {
                bool known = false;
                for (const auto& a : added)
                    known = known || a.content == name;
                if (known || name.empty())
                    continue;
                if (auto id = m_model->tokenToId(name)) {
                    AddedToken token;
                    token.id = *id;
                    token.content = name;
                    token.special = true;
                    added.push_back(std::move(token));
                } else {
                    spdlog::warn("{}: special token \"{}\" of tokenizer_config.json is not in the vocabulary; ignored",
                        source, name);
                }
            }
        }
        m_added = AddedVocabulary(std::move(added), m_normalizer.get());

        m_postProcessor = makePostProcessor(value("post_processor"));
        m_decoder = makeTokenDecoder(value("decoder"));
        if (!value("truncation").is_null() || !value("padding").is_null())
            spdlog::warn("{}: truncation/padding settings ignored (MoEScope encodes whole texts)", source);

        m_vocabSize = m_model->size();
        for (const auto& a : m_added.tokens())
            m_vocabSize = std::max(m_vocabSize, a.id + 1);

        if (auto bos = configTokenContent(config, "bos_token"))
            m_bos = tokenId(*bos);
        if (auto eos = configTokenContent(config, "eos_token"))
            m_eos = tokenId(*eos);
        // transformers rebuilds the post-processor as "[bos] $A [eos]" when the config says add_bos_token or
        // add_eos_token (or there is no post-processor).
        const bool explicitBosEos
            = config && config->is_object() && (config->contains("add_bos_token") || config->contains("add_eos_token"));
        if (config && config->is_object() && (explicitBosEos || !m_postProcessor)) {
            const bool addBos = boolField(*config, "add_bos_token", "tokenizer_config.json", false) && m_bos;
            const bool addEos = boolField(*config, "add_eos_token", "tokenizer_config.json", false) && m_eos;
            m_postProcessor = makeBosEosTemplate(
                addBos ? m_bos : std::optional<std::int32_t> {}, addEos ? m_eos : std::optional<std::int32_t> {});
        }
        if (!m_bos && m_postProcessor && m_postProcessor->prefixIds().size() == 1)
            m_bos = m_postProcessor->prefixIds().front();
        if (!m_eos && m_postProcessor && m_postProcessor->suffixIds().size() == 1)
            m_eos = m_postProcessor->suffixIds().front();
    } catch (const UnsupportedError& e) {
        throw UnsupportedError(fmt::format("{}: {}", source, e.what()));
    } catch (const FormatError& e) {
        throw FormatError(fmt::format("{}: {}", source, e.what()));
    }
}

std::optional<std::int32_t> TokenizerPipeline::tokenId(std::string_view token) const
{
    if (auto id = m_added.idOf(token))
        return id;
    return m_model->tokenToId(token);
}

const std::string* TokenizerPipeline::tokenString(std::int32_t id) const
{
    if (const AddedToken* a = m_added.byId(id))
        return &a->surface;
    return m_model->idToToken(id);
}

bool TokenizerPipeline::isSpecial(std::int32_t id) const
{
    const AddedToken* a = m_added.byId(id);
    return a && a->special;
}

void TokenizerPipeline::normalizePieces(PieceSet& set) const
{
    if (!m_normalizer)
        return;
    if (set.pieces.size() == 1 && set.pieces[0].tokenId < 0 && set.pieces[0].begin == 0
        && set.pieces[0].end == set.buf.text.size()) {
        m_normalizer->normalize(set.buf);
        set.pieces[0].end = static_cast<std::uint32_t>(set.buf.text.size());
        if (set.buf.text.empty())
            set.pieces.clear();
        return;
    }
    PieceSet next;
    next.buf.track = set.buf.track;
    for (const auto& p : set.pieces) {
        const auto begin = static_cast<std::uint32_t>(next.buf.text.size());
        if (p.tokenId >= 0) {
            next.buf.appendSlice(set.buf, p.begin, p.end);
        } else {
            AlignedText part;
            part.track = set.buf.track;
            part.appendSlice(set.buf, p.begin, p.end);
            m_normalizer->normalize(part);
            next.buf.appendSlice(part, 0, part.text.size());
        }
        const auto end = static_cast<std::uint32_t>(next.buf.text.size());
        if (p.tokenId >= 0 || end > begin)
            next.pieces.push_back({ begin, end, p.tokenId });
    }
    set = std::move(next);
}

void TokenizerPipeline::encode(
    std::string_view text, bool addSpecial, std::vector<std::int32_t>& ids, std::vector<TextSpan>* offsets) const
{
    if (text.size() >= kMaxInputBytes)
        throw InvalidArgumentError(fmt::format("text of {} bytes is too large to tokenize at once", text.size()));
    if (const auto bad = findInvalidUtf8(text); bad != std::string_view::npos)
        throw InvalidArgumentError(fmt::format("text is not valid UTF-8 (byte {})", bad));
    ids.clear();
    if (offsets)
        offsets->clear();
    const bool track = offsets != nullptr || m_forceTracking;

    PieceSet set;
    set.buf = AlignedText::fromOriginal(text, 0, track);
    if (!text.empty())
        set.pieces.push_back({ 0, static_cast<std::uint32_t>(text.size()), -1 });
    m_added.split(set, false);
    normalizePieces(set);
    m_added.split(set, true);
    if (m_preTokenizer.preTokenizer)
        m_preTokenizer.preTokenizer->preTokenize(set);

    ids.reserve(text.size() / 3 + 4);
    if (offsets)
        offsets->reserve(text.size() / 3 + 4);
    std::vector<TokenPart> parts;
    const std::string_view buf(set.buf.text);
    for (const auto& p : set.pieces) {
        if (p.tokenId >= 0) {
            ids.push_back(p.tokenId);
            if (offsets)
                offsets->push_back(set.buf.originalSpan(p.begin, p.end));
            continue;
        }
        parts.clear();
        m_model->tokenize(buf.substr(p.begin, p.end - p.begin), parts);
        std::size_t pos = p.begin;
        for (const auto& part : parts) {
            ids.push_back(part.id);
            if (offsets) {
                TextSpan span = set.buf.originalSpan(pos, pos + part.length);
                if (part.length == 0 && pos < set.buf.align.size())
                    span = { set.buf.align[pos].begin, set.buf.align[pos].begin };
                offsets->push_back(span);
            }
            pos += part.length;
        }
    }
    if (m_postProcessor) {
        m_postProcessor->process(ids, offsets, addSpecial, [this](std::int32_t id) -> std::string_view {
            const std::string* s = tokenString(id);
            return s ? std::string_view(*s) : std::string_view();
        });
    }
}

std::string TokenizerPipeline::decode(std::span<const std::int32_t> ids, bool skipSpecial) const
{
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (const auto id : ids) {
        const std::string* s = tokenString(id);
        if (!s)
            throw InvalidArgumentError(fmt::format("token id {} is not in the vocabulary (size {})", id, m_vocabSize));
        if (skipSpecial && isSpecial(id))
            continue;
        tokens.push_back(*s);
    }
    if (!m_decoder) {
        std::string out;
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            if (i)
                out += ' ';
            out += tokens[i];
        }
        return out;
    }
    m_decoder->decodeChain(tokens);
    std::string out;
    for (const auto& t : tokens)
        out += t;
    return out;
}

} // namespace moescope::tok

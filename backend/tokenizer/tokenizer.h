#pragma once
// A model's tokenizer: text <-> token ids exactly as HF tokenizers computes them from the checkpoint's
// tokenizer.json (+ tokenizer_config.json for BOS/EOS and the chat template).
//
// Copies share the same immutable engine (cheap to copy and pass between threads); every const member may be called
// from several threads at once. Errors: IoError (missing/unreadable files), FormatError (malformed tokenizer.json),
// UnsupportedError (a component MoEScope does not implement, named in the message), InvalidArgumentError (text that
// is not UTF-8, unknown ids).

#include "tokenizer/chatmessage.h"
#include "tokenizer/tokenencoding.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

namespace tok {
class TokenizerPipeline;
class ChatTemplate;
struct TokenizerJson;
} // namespace tok

class Tokenizer {
public:
    // path: a tokenizer.json (or tokenizer.json.gz) file, or a model folder holding one. tokenizer_config.json and
    // chat_template.jinja are read from the same folder when present.
    static Tokenizer fromFile(const std::filesystem::path& path);
    // From tokenizer.json text in memory; config is the parsed tokenizer_config.json (or null).
    static Tokenizer fromJson(std::string_view tokenizerJson, const nlohmann::json* config = nullptr,
        const std::string& source = "tokenizer.json");

    Tokenizer(const Tokenizer&);
    Tokenizer(Tokenizer&&) noexcept;
    Tokenizer& operator=(const Tokenizer&);
    Tokenizer& operator=(Tokenizer&&) noexcept;
    ~Tokenizer();

    // addSpecial: what transformers' add_special_tokens=True adds (BOS/EOS per the post-processor and config).
    std::vector<std::int32_t> encode(std::string_view text, bool addSpecial) const;
    TokenEncoding encodeWithOffsets(std::string_view text, bool addSpecial) const;
    std::string decode(std::span<const std::int32_t> ids, bool skipSpecial) const;

    // Largest id + 1 (model vocabulary and added tokens).
    std::int32_t vocabSize() const;
    std::optional<std::int32_t> tokenId(std::string_view token) const;
    // The vocabulary string of id (byte-level tokens look like "Ġthe"); throws InvalidArgumentError if unknown.
    std::string tokenText(std::int32_t id) const;
    bool isSpecial(std::int32_t id) const;
    std::optional<std::int32_t> bosId() const;
    std::optional<std::int32_t> eosId() const;

    bool hasChatTemplate() const;
    // Renders the conversation with the checkpoint's chat template, as transformers' apply_chat_template(...,
    // tokenize=False). extraContext adds template variables (e.g. {"enable_thinking": false}). Throws
    // UnsupportedError when there is no template or it uses a construct the interpreter lacks.
    std::string applyChatTemplate(const std::vector<ChatMessage>& messages, bool addGenerationPrompt) const;
    std::string applyChatTemplate(const std::vector<ChatMessage>& messages, bool addGenerationPrompt,
        const nlohmann::ordered_json& extraContext) const;
    // Messages as JSON objects (for tool calls, reasoning_content and other fields templates read). ordered_json keeps
    // the caller's key order, which templates that print objects (tojson of tool definitions) reproduce.
    std::string applyChatTemplateJson(const nlohmann::ordered_json& messages, bool addGenerationPrompt,
        const nlohmann::ordered_json& extraContext) const;

private:
    struct Impl;
    explicit Tokenizer(std::shared_ptr<const Impl> impl);
    static std::shared_ptr<const Impl> makeImpl(tok::TokenizerJson tokenizerJson, const nlohmann::json* config,
        const std::string& source, std::optional<std::string> templateFile);
    std::shared_ptr<const Impl> m_impl;
};

} // namespace moescope

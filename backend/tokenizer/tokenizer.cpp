#include <cstdint>
#include "tokenizer/tokenizer.h"

#include "core/error.h"
#include "io/compressedfile.h"
#include "io/jsonfile.h"
#include "tokenizer/chat/chattemplate.h"
#include "tokenizer/tokenizerjsonreader.h"
#include "tokenizer/tokenizerpipeline.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace moescope {

namespace {

constexpr std::size_t kMaxTokenizerJsonBytes = std::size_t(512) << 20;
constexpr std::size_t kMaxConfigBytes = std::size_t(16) << 20;

std::string configTokenString(const nlohmann::json& config, const char* key)
{
    const auto it = config.find(key);
    if (it == config.end())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
        return (*it)["content"].get<std::string>();
    return {};
}

} // namespace

struct Tokenizer::Impl {
    std::unique_ptr<tok::TokenizerPipeline> pipeline;
    nlohmann::json config = nlohmann::json::object();
    std::unique_ptr<tok::ChatTemplate> chatTemplate;
    std::string chatTemplateError; // why the template could not be compiled
    bool hasChatTemplateSource = false;
};

Tokenizer::Tokenizer(std::shared_ptr<const Impl> impl)
    : m_impl(std::move(impl))
{
}

Tokenizer::Tokenizer(const Tokenizer&) = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(const Tokenizer&) = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::fromJson(std::string_view tokenizerJson, const nlohmann::json* config, const std::string& source)
{
    return Tokenizer(makeImpl(tok::readTokenizerJson(tokenizerJson, source), config, source, std::nullopt));
}

Tokenizer Tokenizer::fromFile(const std::filesystem::path& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path file = path;
    fs::path folder;
    if (fs::is_directory(path, ec)) {
        folder = path;
        file = path / "tokenizer.json";
        if (!fs::exists(file, ec) && fs::exists(path / "tokenizer.json.gz", ec))
            file = path / "tokenizer.json.gz";
        if (!fs::exists(file, ec))
            throw IoError(fmt::format("no tokenizer.json in {}", path.string()));
    } else {
        if (!fs::exists(path, ec))
            throw IoError(fmt::format("tokenizer not found: {}", path.string()));
        folder = path.parent_path();
    }
    tok::TokenizerJson parsed
        = tok::readTokenizerJson(readMaybeCompressedFile(file, kMaxTokenizerJsonBytes), file.string());

    nlohmann::json config;
    const fs::path configPath = folder / "tokenizer_config.json";
    if (fs::is_regular_file(configPath, ec))
        config = readJsonFile(configPath, kMaxConfigBytes);
    std::optional<std::string> templateFile;
    const fs::path jinjaPath = folder / "chat_template.jinja";
    if (fs::is_regular_file(jinjaPath, ec))
        templateFile = readTextFile(jinjaPath, kMaxConfigBytes);
    return Tokenizer(
        makeImpl(std::move(parsed), config.is_object() ? &config : nullptr, file.string(), std::move(templateFile)));
}

std::shared_ptr<const Tokenizer::Impl> Tokenizer::makeImpl(tok::TokenizerJson tokenizerJson,
    const nlohmann::json* config, const std::string& source, std::optional<std::string> templateFile)
{
    auto impl = std::make_shared<Tokenizer::Impl>();
    impl->pipeline = std::make_unique<tok::TokenizerPipeline>(std::move(tokenizerJson), config, source);
    if (config && config->is_object())
        impl->config = *config;

    // chat_template.jinja wins over tokenizer_config.json, as in transformers; a list of named templates gives
    // "default".
    std::optional<std::string> templateSource = std::move(templateFile);
    if (!templateSource && impl->config.contains("chat_template")) {
        const auto& t = impl->config["chat_template"];
        if (t.is_string()) {
            templateSource = t.get<std::string>();
        } else if (t.is_array()) {
            for (const auto& named : t)
                if (named.is_object() && named.value("name", "") == "default" && named.contains("template")
                    && named["template"].is_string())
                    templateSource = named["template"].get<std::string>();
            if (!templateSource)
                impl->chatTemplateError = "tokenizer_config.json chat_template has no template named \"default\"";
        }
    }
    if (templateSource) {
        impl->hasChatTemplateSource = true;
        try {
            impl->chatTemplate = std::make_unique<tok::ChatTemplate>(*templateSource);
        } catch (const Error& e) {
            impl->chatTemplateError = e.what();
            spdlog::warn("{}: chat template not usable: {}", source, e.what());
        }
    }
    return impl;
}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text, bool addSpecial) const
{
    std::vector<std::int32_t> ids;
    m_impl->pipeline->encode(text, addSpecial, ids, nullptr);
    return ids;
}

TokenEncoding Tokenizer::encodeWithOffsets(std::string_view text, bool addSpecial) const
{
    TokenEncoding e;
    m_impl->pipeline->encode(text, addSpecial, e.ids, &e.offsets);
    return e;
}

std::string Tokenizer::decode(std::span<const std::int32_t> ids, bool skipSpecial) const
{
    return m_impl->pipeline->decode(ids, skipSpecial);
}

std::int32_t Tokenizer::vocabSize() const
{
    return m_impl->pipeline->vocabSize();
}

std::optional<std::int32_t> Tokenizer::tokenId(std::string_view token) const
{
    return m_impl->pipeline->tokenId(token);
}

std::string Tokenizer::tokenText(std::int32_t id) const
{
    const std::string* s = m_impl->pipeline->tokenString(id);
    if (!s)
        throw InvalidArgumentError(fmt::format("token id {} is not in the vocabulary (size {})", id, vocabSize()));
    return *s;
}

bool Tokenizer::isSpecial(std::int32_t id) const
{
    return m_impl->pipeline->isSpecial(id);
}
std::optional<std::int32_t> Tokenizer::bosId() const
{
    return m_impl->pipeline->bosId();
}
std::optional<std::int32_t> Tokenizer::eosId() const
{
    return m_impl->pipeline->eosId();
}

bool Tokenizer::hasChatTemplate() const
{
    return m_impl->chatTemplate != nullptr;
}

std::string Tokenizer::applyChatTemplate(const std::vector<ChatMessage>& messages, bool addGenerationPrompt) const
{
    return applyChatTemplate(messages, addGenerationPrompt, nlohmann::ordered_json::object());
}

std::string Tokenizer::applyChatTemplate(const std::vector<ChatMessage>& messages, bool addGenerationPrompt,
    const nlohmann::ordered_json& extraContext) const
{
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& m : messages)
        list.push_back({ { "role", m.role }, { "content", m.content } });
    return applyChatTemplateJson(list, addGenerationPrompt, extraContext);
}

std::string Tokenizer::applyChatTemplateJson(
    const nlohmann::ordered_json& messages, bool addGenerationPrompt, const nlohmann::ordered_json& extraContext) const
{
    if (!m_impl->chatTemplate) {
        if (!m_impl->hasChatTemplateSource && m_impl->chatTemplateError.empty())
            throw UnsupportedError("this tokenizer has no chat template");
        throw UnsupportedError("chat template not usable: " + m_impl->chatTemplateError);
    }
    if (!messages.is_array())
        throw InvalidArgumentError("chat messages must be a JSON array");
    // The variables transformers passes: the special tokens by name, then the caller's extra context.
    nlohmann::ordered_json context = nlohmann::ordered_json::object();
    for (const char* key :
        { "bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token" }) {
        const std::string value = configTokenString(m_impl->config, key);
        if (!value.empty())
            context[key] = value;
    }
    if (m_impl->config.contains("additional_special_tokens"))
        context["additional_special_tokens"] = m_impl->config["additional_special_tokens"];
    if (extraContext.is_object())
        for (const auto& [k, v] : extraContext.items())
            context[k] = v;
    context["messages"] = messages;
    context["add_generation_prompt"] = addGenerationPrompt;
    if (!context.contains("tools"))
        context["tools"] = nullptr;
    if (!context.contains("documents"))
        context["documents"] = nullptr;
    return m_impl->chatTemplate->render(context);
}

} // namespace moescope

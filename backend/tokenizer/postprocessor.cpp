#include <cstdint>
#include "tokenizer/postprocessor.h"

#include "core/error.h"
#include "tokenizer/bytelevel.h"
#include "tokenizer/jsonfields.h"
#include "tokenizer/unicode/unicode.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace moescope::tok {

namespace {

class TemplateProcessor final : public PostProcessor {
public:
    TemplateProcessor(std::vector<std::int32_t> before, std::vector<std::int32_t> after)
        : m_before(std::move(before))
        , m_after(std::move(after))
    {
    }
    void process(std::vector<std::int32_t>& ids, std::vector<TextSpan>* offsets, bool addSpecial,
        const TokenTextLookup&) const override
    {
        if (!addSpecial)
            return;
        ids.insert(ids.begin(), m_before.begin(), m_before.end());
        ids.insert(ids.end(), m_after.begin(), m_after.end());
        if (offsets) {
            offsets->insert(offsets->begin(), m_before.size(), TextSpan {});
            offsets->insert(offsets->end(), m_after.size(), TextSpan {});
        }
    }
    std::vector<std::int32_t> prefixIds() const override { return m_before; }
    std::vector<std::int32_t> suffixIds() const override { return m_after; }

private:
    std::vector<std::int32_t> m_before;
    std::vector<std::int32_t> m_after;
};

class ByteLevelProcessor final : public PostProcessor {
public:
    ByteLevelProcessor(bool trimOffsets, bool addPrefixSpace)
        : m_trimOffsets(trimOffsets)
        , m_addPrefixSpace(addPrefixSpace)
    {
    }
    void process(std::vector<std::int32_t>& ids, std::vector<TextSpan>* offsets, bool,
        const TokenTextLookup& tokenText) const override
    {
        if (!m_trimOffsets || !offsets)
            return;
        // HF process_offsets: leading/trailing spaces ('Ġ' or whitespace) leave the token's span.
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const std::string_view token = tokenText(ids[i]);
            std::vector<char32_t> chars;
            for (std::size_t pos = 0; pos < token.size();)
                chars.push_back(decodeUtf8(token, pos));
            auto isSpace = [](char32_t c) { return c == byteLevelChar(' ') || isWhiteSpace(c); };
            std::size_t leading = 0;
            while (leading < chars.size() && isSpace(chars[leading]))
                ++leading;
            std::size_t trailing = 0;
            while (trailing < chars.size() && isSpace(chars[chars.size() - 1 - trailing]))
                ++trailing;
            TextSpan& o = (*offsets)[i];
            if (leading > 0) {
                const bool isFirst = i == 0 || o.begin == 0;
                if (!(isFirst && m_addPrefixSpace && leading == 1))
                    o.begin = std::min<std::uint32_t>(o.begin + static_cast<std::uint32_t>(leading), o.end);
            }
            if (trailing > 0 && o.end >= trailing)
                o.end = std::max<std::uint32_t>(o.end - static_cast<std::uint32_t>(trailing), o.begin);
        }
    }

private:
    bool m_trimOffsets;
    bool m_addPrefixSpace;
};

class SequenceProcessor final : public PostProcessor {
public:
    explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> items)
        : m_items(std::move(items))
    {
    }
    void process(std::vector<std::int32_t>& ids, std::vector<TextSpan>* offsets, bool addSpecial,
        const TokenTextLookup& tokenText) const override
    {
        for (const auto& p : m_items)
            p->process(ids, offsets, addSpecial, tokenText);
    }
    std::vector<std::int32_t> prefixIds() const override
    {
        std::vector<std::int32_t> ids;
        for (const auto& p : m_items) {
            auto more = p->prefixIds();
            ids.insert(ids.begin(), more.begin(), more.end());
        }
        return ids;
    }
    std::vector<std::int32_t> suffixIds() const override
    {
        std::vector<std::int32_t> ids;
        for (const auto& p : m_items) {
            auto more = p->suffixIds();
            ids.insert(ids.end(), more.begin(), more.end());
        }
        return ids;
    }

private:
    std::vector<std::unique_ptr<PostProcessor>> m_items;
};

std::unique_ptr<PostProcessor> makeTemplate(const nlohmann::json& j, const std::string& at)
{
    const auto& single = requireField(j, "single", at);
    if (!single.is_array())
        throw UnsupportedError(at + ": only the list form of \"single\" is supported");
    const auto& specials = j.contains("special_tokens") ? j["special_tokens"] : nlohmann::json::object();
    std::vector<std::int32_t> before, after;
    bool seenSequence = false;
    for (const auto& item : single) {
        if (item.contains("Sequence")) {
            const std::string id = stringField(item["Sequence"], "id", at + " single");
            if (id != "A")
                throw FormatError(fmt::format("{}: single template refers to sequence {}", at, id));
            if (seenSequence)
                throw FormatError(at + ": single template repeats the sequence");
            seenSequence = true;
            continue;
        }
        if (!item.contains("SpecialToken"))
            throw FormatError(fmt::format("{}: unknown template piece {}", at, item.dump().substr(0, 80)));
        const std::string name = stringField(item["SpecialToken"], "id", at + " single");
        if (!specials.contains(name))
            throw FormatError(fmt::format("{}: special token \"{}\" missing from special_tokens", at, name));
        const auto& idsJson = requireField(specials[name], "ids", at + " special_tokens " + name);
        auto& target = seenSequence ? after : before;
        for (const auto& id : idsJson) {
            if (!id.is_number_integer() || id.get<std::int64_t>() < 0 || id.get<std::int64_t>() > INT32_MAX)
                throw FormatError(fmt::format("{}: special token \"{}\" has an invalid id", at, name));
            target.push_back(static_cast<std::int32_t>(id.get<std::int64_t>()));
        }
    }
    if (!seenSequence)
        throw FormatError(at + ": single template has no $A");
    return std::make_unique<TemplateProcessor>(std::move(before), std::move(after));
}

} // namespace

std::unique_ptr<PostProcessor> makePostProcessor(const nlohmann::json& j)
{
    if (j.is_null())
        return nullptr;
    const std::string where = "tokenizer.json post_processor";
    const std::string type = componentType(j, where);
    const std::string at = where + " " + type;
    if (type == "TemplateProcessing")
        return makeTemplate(j, at);
    if (type == "ByteLevel")
        return std::make_unique<ByteLevelProcessor>(
            boolField(j, "trim_offsets", at, true), boolField(j, "add_prefix_space", at, true));
    if (type == "Sequence") {
        return std::make_unique<SequenceProcessor>(
            componentList<PostProcessor>(j, "processors", at, makePostProcessor));
    }
    throw UnsupportedError(fmt::format("unsupported tokenizer component post_processor {}", type));
}

std::unique_ptr<PostProcessor> makeBosEosTemplate(std::optional<std::int32_t> bos, std::optional<std::int32_t> eos)
{
    std::vector<std::int32_t> before, after;
    if (bos)
        before.push_back(*bos);
    if (eos)
        after.push_back(*eos);
    return std::make_unique<TemplateProcessor>(std::move(before), std::move(after));
}

} // namespace moescope::tok

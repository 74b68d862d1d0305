#include "tokenizer/normalizer.h"

#include "core/error.h"
#include "tokenizer/jsonfields.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode/unicode.h"
#include "tokenizer/unicode/unicodenormalization.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <vector>

namespace moescope::tok {

namespace {

class UnicodeNormalizer final : public Normalizer {
public:
    explicit UnicodeNormalizer(NormalizationForm form)
        : m_form(form)
    {
    }
    void normalize(AlignedText& t) const override { normalizeUnicode(t, m_form); }

private:
    NormalizationForm m_form;
};

class PrependNormalizer final : public Normalizer {
public:
    explicit PrependNormalizer(std::string prefix)
        : m_prefix(std::move(prefix))
    {
    }
    void normalize(AlignedText& t) const override
    {
        if (t.text.empty() || m_prefix.empty())
            return;
        if (!t.track) {
            t.text.insert(0, m_prefix);
            return;
        }
        // The prefix replaces the first character, which is then re-inserted: everything aligns with it.
        std::vector<CharChange> changes;
        std::size_t pos = 0;
        while (pos < m_prefix.size())
            changes.push_back({ decodeUtf8(m_prefix, pos), changes.empty() ? 0 : 1 });
        pos = 0;
        const char32_t first = decodeUtf8(t.text, pos);
        changes.push_back({ first, 1 });
        AlignedText out;
        out.track = true;
        out.appendTransformed(t, 0, pos, changes, 0);
        out.appendSlice(t, pos, t.text.size());
        t = std::move(out);
    }

private:
    std::string m_prefix;
};

class ReplaceNormalizer final : public Normalizer {
public:
    ReplaceNormalizer(std::unique_ptr<Regex> pattern, std::string content)
        : m_pattern(std::move(pattern))
        , m_content(std::move(content))
    {
        std::size_t pos = 0;
        while (pos < m_content.size())
            m_contentChars.push_back({ decodeUtf8(m_content, pos), 1 });
    }
    void normalize(AlignedText& t) const override
    {
        std::vector<RegexMatch> matches;
        m_pattern->findAll(t.text, matches);
        if (matches.empty())
            return;
        AlignedText out;
        out.track = t.track;
        out.text.reserve(t.text.size() + matches.size() * m_content.size());
        std::size_t last = 0;
        for (const auto& m : matches) {
            out.appendSlice(t, last, m.begin);
            if (!t.track) {
                out.text += m_content;
            } else {
                std::size_t removed = 0;
                for (std::size_t p = m.begin; p < m.end; p += utf8SequenceLength(static_cast<unsigned char>(t.text[p])))
                    ++removed;
                out.appendTransformed(t, m.begin, m.end, m_contentChars, removed);
            }
            last = m.end;
        }
        out.appendSlice(t, last, t.text.size());
        t = std::move(out);
    }

private:
    std::unique_ptr<Regex> m_pattern;
    std::string m_content;
    std::vector<CharChange> m_contentChars;
};

class LowercaseNormalizer final : public Normalizer {
public:
    void normalize(AlignedText& t) const override
    {
        bool ascii = true;
        for (const char ch : t.text) {
            if (static_cast<unsigned char>(ch) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) { // byte for byte: alignments stay as they are
            for (char& ch : t.text)
                if (ch >= 'A' && ch <= 'Z')
                    ch = static_cast<char>(ch + 32);
            return;
        }
        std::vector<CharChange> changes;
        changes.reserve(t.text.size());
        std::string lower;
        std::size_t pos = 0;
        while (pos < t.text.size()) {
            lower.clear();
            appendLowercase(lower, decodeUtf8(t.text, pos));
            std::size_t k = 0;
            bool first = true;
            while (k < lower.size()) {
                changes.push_back({ decodeUtf8(lower, k), first ? 0 : 1 });
                first = false;
            }
        }
        AlignedText out;
        out.track = t.track;
        out.appendTransformed(t, 0, t.text.size(), changes, 0);
        t = std::move(out);
    }
};

class StripNormalizer final : public Normalizer {
public:
    StripNormalizer(bool left, bool right)
        : m_left(left)
        , m_right(right)
    {
    }
    void normalize(AlignedText& t) const override
    {
        std::vector<char32_t> chars;
        std::size_t pos = 0;
        while (pos < t.text.size())
            chars.push_back(decodeUtf8(t.text, pos));
        std::size_t lead = 0, trail = 0;
        if (m_left)
            while (lead < chars.size() && isWhiteSpace(chars[lead]))
                ++lead;
        if (m_right)
            while (trail < chars.size() - lead && isWhiteSpace(chars[chars.size() - 1 - trail]))
                ++trail;
        if (lead == 0 && trail == 0)
            return;
        std::vector<CharChange> changes;
        for (std::size_t i = lead; i < chars.size() - trail; ++i)
            changes.push_back({ chars[i], 0 });
        AlignedText out;
        out.track = t.track;
        out.appendTransformed(t, 0, t.text.size(), changes, lead);
        t = std::move(out);
    }

private:
    bool m_left;
    bool m_right;
};

class SequenceNormalizer final : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> items)
        : m_items(std::move(items))
    {
    }
    void normalize(AlignedText& t) const override
    {
        for (const auto& n : m_items)
            n->normalize(t);
    }

private:
    std::vector<std::unique_ptr<Normalizer>> m_items;
};

} // namespace

std::unique_ptr<Normalizer> makeNormalizer(const nlohmann::json& j)
{
    if (j.is_null())
        return nullptr;
    const std::string where = "tokenizer.json normalizer";
    const std::string type = componentType(j, where);
    const std::string at = where + " " + type;
    if (type == "NFC")
        return std::make_unique<UnicodeNormalizer>(NormalizationForm::Nfc);
    if (type == "NFD")
        return std::make_unique<UnicodeNormalizer>(NormalizationForm::Nfd);
    if (type == "NFKC")
        return std::make_unique<UnicodeNormalizer>(NormalizationForm::Nfkc);
    if (type == "NFKD")
        return std::make_unique<UnicodeNormalizer>(NormalizationForm::Nfkd);
    if (type == "Prepend")
        return std::make_unique<PrependNormalizer>(stringField(j, "prepend", at));
    if (type == "Replace")
        return std::make_unique<ReplaceNormalizer>(patternField(j, "pattern", at), stringField(j, "content", at));
    if (type == "Lowercase")
        return std::make_unique<LowercaseNormalizer>();
    if (type == "Strip")
        return std::make_unique<StripNormalizer>(
            boolField(j, "strip_left", at, true), boolField(j, "strip_right", at, true));
    if (type == "Sequence") {
        auto items = componentList<Normalizer>(j, "normalizers", at, makeNormalizer);
        if (items.empty())
            return nullptr;
        if (items.size() == 1)
            return std::move(items.front());
        return std::make_unique<SequenceNormalizer>(std::move(items));
    }
    throw UnsupportedError(fmt::format("unsupported tokenizer component normalizer {}", type));
}

} // namespace moescope::tok

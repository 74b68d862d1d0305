#include "tokenizer/tokendecoder.h"

#include "core/error.h"
#include "tokenizer/bytelevel.h"
#include "tokenizer/jsonfields.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode/unicode.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace moescope::tok {

namespace {

class ByteLevelDecoder final : public TokenDecoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        std::string bytes;
        for (const auto& t : tokens) {
            // A token with characters outside the byte alphabet (e.g. "<｜User｜>") keeps its UTF-8 bytes.
            if (auto raw = fromByteLevel(t))
                bytes += *raw;
            else
                bytes += t;
        }
        tokens.assign(1, utf8Lossy(bytes));
    }
};

class MetaspaceDecoder final : public TokenDecoder {
public:
    MetaspaceDecoder(char32_t replacement, bool prepend)
        : m_replacement(toUtf8(replacement))
        , m_prepend(prepend)
    {
    }
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            std::string& t = tokens[i];
            std::string out;
            out.reserve(t.size());
            std::size_t pos = 0;
            while (pos < t.size()) {
                if (t.compare(pos, m_replacement.size(), m_replacement) == 0) {
                    // HF drops every replacement character of the first token when it prepends one.
                    if (!(i == 0 && m_prepend))
                        out += ' ';
                    pos += m_replacement.size();
                } else {
                    out += t[pos++];
                }
            }
            t.swap(out);
        }
    }

private:
    std::string m_replacement;
    bool m_prepend;
};

class ReplaceDecoder final : public TokenDecoder {
public:
    ReplaceDecoder(std::unique_ptr<Regex> pattern, std::string content)
        : m_pattern(std::move(pattern))
        , m_content(std::move(content))
    {
    }
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        std::vector<RegexMatch> matches;
        for (auto& t : tokens) {
            matches.clear();
            m_pattern->findAll(t, matches);
            if (matches.empty())
                continue;
            std::string out;
            std::size_t last = 0;
            for (const auto& m : matches) {
                out.append(t, last, m.begin - last);
                out += m_content;
                last = m.end;
            }
            out.append(t, last);
            t.swap(out);
        }
    }

private:
    std::unique_ptr<Regex> m_pattern;
    std::string m_content;
};

class ByteFallbackDecoder final : public TokenDecoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        std::vector<std::string> out;
        out.reserve(tokens.size());
        std::string pending; // bytes of consecutive <0xXX> tokens
        std::size_t pendingCount = 0;
        auto flush = [&] {
            if (pendingCount == 0)
                return;
            if (findInvalidUtf8(pending) == std::string::npos) {
                out.push_back(pending);
            } else {
                for (std::size_t k = 0; k < pendingCount; ++k)
                    out.emplace_back("\xEF\xBF\xBD");
            }
            pending.clear();
            pendingCount = 0;
        };
        for (auto& t : tokens) {
            int byte = -1;
            if (t.size() == 6 && t.starts_with("<0x") && t[5] == '>') {
                auto hex = [](char c) {
                    return c >= '0' && c <= '9' ? c - '0'
                        : c >= 'A' && c <= 'F'  ? c - 'A' + 10
                        : c >= 'a' && c <= 'f'  ? c - 'a' + 10
                                                : -1;
                };
                const int hi = hex(t[3]), lo = hex(t[4]);
                if (hi >= 0 && lo >= 0)
                    byte = hi * 16 + lo;
            }
            if (byte >= 0) {
                pending.push_back(static_cast<char>(byte));
                ++pendingCount;
            } else {
                flush();
                out.push_back(std::move(t));
            }
        }
        flush();
        tokens.swap(out);
    }
};

class FuseDecoder final : public TokenDecoder {
public:
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        std::string all;
        for (const auto& t : tokens)
            all += t;
        tokens.assign(1, std::move(all));
    }
};

class StripDecoder final : public TokenDecoder {
public:
    StripDecoder(char32_t content, std::size_t start, std::size_t stop)
        : m_content(content)
        , m_start(start)
        , m_stop(stop)
    {
    }
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        for (auto& t : tokens) {
            std::vector<std::pair<std::size_t, char32_t>> chars; // (byte offset, char)
            for (std::size_t pos = 0; pos < t.size();) {
                const std::size_t at = pos;
                chars.emplace_back(at, decodeUtf8(t, pos));
            }
            std::size_t startCut = 0;
            for (std::size_t i = 0; i < m_start && i < chars.size() && chars[i].second == m_content; ++i)
                startCut = i + 1;
            std::size_t stopCut = chars.size();
            for (std::size_t i = 0; i < m_stop && i < chars.size(); ++i) {
                const std::size_t index = chars.size() - i - 1;
                if (chars[index].second != m_content)
                    break;
                stopCut = index;
            }
            if (stopCut <= startCut) {
                t.clear();
                continue;
            }
            const std::size_t b = startCut < chars.size() ? chars[startCut].first : t.size();
            const std::size_t e = stopCut < chars.size() ? chars[stopCut].first : t.size();
            t = t.substr(b, e - b);
        }
    }

private:
    char32_t m_content;
    std::size_t m_start;
    std::size_t m_stop;
};

class SequenceDecoder final : public TokenDecoder {
public:
    explicit SequenceDecoder(std::vector<std::unique_ptr<TokenDecoder>> items)
        : m_items(std::move(items))
    {
    }
    void decodeChain(std::vector<std::string>& tokens) const override
    {
        for (const auto& d : m_items)
            d->decodeChain(tokens);
    }

private:
    std::vector<std::unique_ptr<TokenDecoder>> m_items;
};

} // namespace

std::unique_ptr<TokenDecoder> makeTokenDecoder(const nlohmann::json& j)
{
    if (j.is_null())
        return nullptr;
    const std::string where = "tokenizer.json decoder";
    const std::string type = componentType(j, where);
    const std::string at = where + " " + type;
    if (type == "ByteLevel")
        return std::make_unique<ByteLevelDecoder>();
    if (type == "Metaspace") {
        bool prepend = boolField(j, "add_prefix_space", at, true);
        if (j.contains("prepend_scheme"))
            prepend = stringField(j, "prepend_scheme", at) != "never";
        return std::make_unique<MetaspaceDecoder>(charField(j, "replacement", at, U'\u2581'), prepend);
    }
    if (type == "Replace")
        return std::make_unique<ReplaceDecoder>(patternField(j, "pattern", at), stringField(j, "content", at));
    if (type == "ByteFallback")
        return std::make_unique<ByteFallbackDecoder>();
    if (type == "Fuse")
        return std::make_unique<FuseDecoder>();
    if (type == "Strip") {
        const auto start = intField(j, "start", at, 0);
        const auto stop = intField(j, "stop", at, 0);
        if (start < 0 || stop < 0)
            throw FormatError(at + ": start and stop must not be negative");
        return std::make_unique<StripDecoder>(
            charField(j, "content", at, U' '), static_cast<std::size_t>(start), static_cast<std::size_t>(stop));
    }
    if (type == "Sequence") {
        return std::make_unique<SequenceDecoder>(componentList<TokenDecoder>(j, "decoders", at, makeTokenDecoder));
    }
    throw UnsupportedError(fmt::format("unsupported tokenizer component decoder {}", type));
}

} // namespace moescope::tok

#include "tokenizer/jinja/jinjastrings.h"

#include "core/error.h"
#include "tokenizer/unicode/unicode.h"

#include <fmt/format.h>

#include <algorithm>

namespace moescope::tok::jinja {

std::vector<char32_t> codePoints(const std::string& s)
{
    std::vector<char32_t> cps;
    cps.reserve(s.size());
    for (std::size_t pos = 0; pos < s.size();)
        cps.push_back(decodeUtf8(s, pos));
    return cps;
}

std::string fromCodePoints(const std::vector<char32_t>& cps, std::size_t begin, std::size_t end)
{
    std::string out;
    for (std::size_t i = begin; i < end; ++i)
        appendUtf8(out, cps[i]);
    return out;
}

bool pySpace(char32_t c)
{
    return isWhiteSpace(c) || (c >= 0x1C && c <= 0x1F);
}

std::string strip(const std::string& s, const std::optional<Value>& chars, bool left, bool right)
{
    const auto cps = codePoints(s);
    std::vector<char32_t> set;
    const bool custom = chars && !chars->isNone() && !chars->isUndefined();
    if (custom) {
        if (!chars->isString())
            badArgs("strip arg must be None or str");
        set = codePoints(chars->asString());
    }
    auto strippable
        = [&](char32_t c) { return custom ? std::find(set.begin(), set.end(), c) != set.end() : pySpace(c); };
    std::size_t b = 0, e = cps.size();
    if (left)
        while (b < e && strippable(cps[b]))
            ++b;
    if (right)
        while (e > b && strippable(cps[e - 1]))
            --e;
    return fromCodePoints(cps, b, e);
}

ValueList split(const std::string& s, const std::optional<Value>& sepArg, std::int64_t maxSplit)
{
    ValueList out;
    if (!sepArg || sepArg->isNone()) {
        const auto cps = codePoints(s);
        std::size_t i = 0;
        while (i < cps.size()) {
            while (i < cps.size() && pySpace(cps[i]))
                ++i;
            if (i >= cps.size())
                break;
            if (maxSplit >= 0 && static_cast<std::int64_t>(out.size()) == maxSplit) {
                std::size_t e = cps.size();
                while (e > i && pySpace(cps[e - 1]))
                    --e;
                out.emplace_back(fromCodePoints(cps, i, e));
                return out;
            }
            std::size_t j = i;
            while (j < cps.size() && !pySpace(cps[j]))
                ++j;
            out.emplace_back(fromCodePoints(cps, i, j));
            i = j;
        }
        return out;
    }
    if (!sepArg->isString())
        badArgs("split() separator must be a string");
    const std::string& sep = sepArg->asString();
    if (sep.empty())
        badArgs("split(): empty separator");
    std::size_t start = 0;
    while (true) {
        if (maxSplit >= 0 && static_cast<std::int64_t>(out.size()) == maxSplit)
            break;
        const std::size_t p = s.find(sep, start);
        if (p == std::string::npos)
            break;
        out.emplace_back(s.substr(start, p - start));
        start = p + sep.size();
    }
    out.emplace_back(s.substr(start));
    return out;
}

std::string replaceAll(const std::string& s, const std::string& from, const std::string& to, std::int64_t count)
{
    if (from.empty()) { // Python inserts between characters
        const auto cps = codePoints(s);
        std::string out;
        std::int64_t done = 0;
        for (std::size_t i = 0; i <= cps.size(); ++i) {
            if (count < 0 || done < count) {
                out += to;
                ++done;
            }
            if (i < cps.size())
                appendUtf8(out, cps[i]);
        }
        return out;
    }
    std::string out;
    std::size_t start = 0;
    std::int64_t done = 0;
    while (count < 0 || done < count) {
        const std::size_t p = s.find(from, start);
        if (p == std::string::npos)
            break;
        out.append(s, start, p - start);
        out += to;
        start = p + from.size();
        ++done;
    }
    out.append(s, start);
    return out;
}

std::string changeCase(const std::string& s, bool upper)
{
    std::string out;
    for (const char32_t c : codePoints(s)) {
        if (upper)
            appendUppercase(out, c);
        else
            appendLowercase(out, c);
    }
    return out;
}

std::string capitalize(const std::string& s)
{
    const std::string lower = changeCase(s, false);
    if (lower.empty())
        return lower;
    std::string out = lower;
    if (static_cast<unsigned char>(out[0]) < 0x80)
        out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

std::string title(const std::string& s)
{
    std::string out;
    bool previousCased = false;
    for (const char32_t c : codePoints(s)) {
        const bool letter = c < 0x80 ? std::isalpha(static_cast<int>(c)) != 0 : isWordChar(c);
        if (c < 0x80 && letter)
            out.push_back(static_cast<char>(
                previousCased ? std::tolower(static_cast<int>(c)) : std::toupper(static_cast<int>(c))));
        else
            appendUtf8(out, c);
        previousCased = letter;
    }
    return out;
}

bool startsOrEnds(const std::string& s, const Value& what, bool starts)
{
    auto one = [&](const Value& p) {
        if (!p.isString())
            badArgs("startswith/endswith first arg must be str or a tuple of str");
        return starts ? s.starts_with(p.asString()) : s.ends_with(p.asString());
    };
    if (what.isList()) {
        for (const auto& p : what.asList())
            if (one(p))
                return true;
        return false;
    }
    return one(what);
}

[[noreturn]] void badArgs(const std::string& what)
{
    throw InvalidArgumentError(what);
}

const Value& arg(const CallArgs& a, std::size_t index, const char* name, const char* function)
{
    if (index < a.positional.size())
        return a.positional[index];
    if (const Value* v = a.namedArg(name))
        return *v;
    badArgs(fmt::format("{}() missing argument '{}'", function, name));
}

std::optional<Value> optArg(const CallArgs& a, std::size_t index, const char* name)
{
    if (index < a.positional.size())
        return a.positional[index];
    if (const Value* v = a.namedArg(name))
        return *v;
    return std::nullopt;
}

const std::string& stringArg(const CallArgs& a, std::size_t index, const char* name, const char* function)
{
    const Value& v = arg(a, index, name, function);
    if (!v.isString())
        badArgs(fmt::format("{}() argument '{}' must be a string, not {}", function, name, v.typeName()));
    return v.asString();
}

} // namespace moescope::tok::jinja

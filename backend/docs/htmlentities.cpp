#include <cstdint>
#include "docs/htmlentities.h"

#include "docs/textutil.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace moescope {

namespace {

// Sorted by name for binary search.
constexpr std::array<std::pair<std::string_view, char32_t>, 72> kNamed = { {
    { "AElig", 0xC6 },
    { "Aacute", 0xC1 },
    { "Eacute", 0xC9 },
    { "Ntilde", 0xD1 },
    { "Ouml", 0xD6 },
    { "Uuml", 0xDC },
    { "aacute", 0xE1 },
    { "acirc", 0xE2 },
    { "acute", 0xB4 },
    { "aelig", 0xE6 },
    { "agrave", 0xE0 },
    { "amp", '&' },
    { "apos", '\'' },
    { "auml", 0xE4 },
    { "bdquo", 0x201E },
    { "brvbar", 0xA6 },
    { "bull", 0x2022 },
    { "ccedil", 0xE7 },
    { "cent", 0xA2 },
    { "copy", 0xA9 },
    { "dagger", 0x2020 },
    { "deg", 0xB0 },
    { "eacute", 0xE9 },
    { "ecirc", 0xEA },
    { "egrave", 0xE8 },
    { "emsp", 0x2003 },
    { "ensp", 0x2002 },
    { "euml", 0xEB },
    { "euro", 0x20AC },
    { "frac12", 0xBD },
    { "frac14", 0xBC },
    { "frac34", 0xBE },
    { "gt", '>' },
    { "hellip", 0x2026 },
    { "iacute", 0xED },
    { "iexcl", 0xA1 },
    { "iquest", 0xBF },
    { "laquo", 0xAB },
    { "ldquo", 0x201C },
    { "lsaquo", 0x2039 },
    { "lsquo", 0x2018 },
    { "lt", '<' },
    { "mdash", 0x2014 },
    { "middot", 0xB7 },
    { "minus", 0x2212 },
    { "nbsp", 0xA0 },
    { "ndash", 0x2013 },
    { "ntilde", 0xF1 },
    { "oacute", 0xF3 },
    { "ocirc", 0xF4 },
    { "ouml", 0xF6 },
    { "para", 0xB6 },
    { "plusmn", 0xB1 },
    { "pound", 0xA3 },
    { "quot", '"' },
    { "raquo", 0xBB },
    { "rdquo", 0x201D },
    { "reg", 0xAE },
    { "rsaquo", 0x203A },
    { "rsquo", 0x2019 },
    { "sbquo", 0x201A },
    { "sect", 0xA7 },
    { "shy", 0xAD },
    { "sup2", 0xB2 },
    { "thinsp", 0x2009 },
    { "times", 0xD7 },
    { "trade", 0x2122 },
    { "uacute", 0xFA },
    { "uuml", 0xFC },
    { "yen", 0xA5 },
    { "zwj", 0x200D },
    { "zwnj", 0x200C },
} };

static_assert(std::is_sorted(kNamed.begin(), kNamed.end(), [](auto& a, auto& b) { return a.first < b.first; }));

} // namespace

std::size_t decodeHtmlEntity(std::string_view text, std::string& out)
{
    if (text.size() < 3 || text[0] != '&')
        return 0;
    const std::size_t semi = text.find(';', 1);
    if (semi == std::string_view::npos || semi > 12)
        return 0;
    const std::string_view body = text.substr(1, semi - 1);
    char32_t cp = 0;
    if (body[0] == '#') {
        const bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
        const std::string_view digits = body.substr(hex ? 2 : 1);
        std::uint32_t v = 0;
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, hex ? 16 : 10);
        if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size())
            return 0;
        cp = v;
        if (cp >= 0x80 && cp <= 0x9F) { // EDGAR HTML often means Windows-1252 here
            const std::string mapped = sanitizeUtf8(std::string(1, char(cp)));
            out += mapped.empty() ? std::string("\xEF\xBF\xBD") : mapped;
            return semi + 1;
        }
        if (cp == 0 || cp > 0x10FFFF)
            cp = 0xFFFD;
    } else {
        auto it = std::lower_bound(
            kNamed.begin(), kNamed.end(), body, [](const auto& e, std::string_view key) { return e.first < key; });
        if (it == kNamed.end() || it->first != body)
            return 0;
        cp = it->second;
    }
    appendUtf8(out, cp);
    return semi + 1;
}

} // namespace moescope

#include "docs/winansi.h"

#include "core/error.h"

#include <array>
#include <cstdio>

namespace moescope {

namespace {

// Codes 0x80-0x9F differ from Latin-1; 0 marks the five codes WinAnsi leaves undefined.
constexpr std::array<char32_t, 32> kHighCodes = { 0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6,
    0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
    0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178 };

std::string describe(char32_t cp)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return buf;
}

} // namespace

char32_t winAnsiToUnicode(unsigned char code)
{
    if (code >= 0x80 && code < 0xA0)
        return kHighCodes[code - 0x80];
    return code;
}

std::u32string decodeUtf8(std::string_view utf8)
{
    std::u32string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) {
        const auto b = static_cast<unsigned char>(utf8[i]);
        int extra = 0;
        char32_t cp = 0;
        if (b < 0x80) {
            cp = b;
        } else if ((b & 0xE0) == 0xC0 && b >= 0xC2) {
            extra = 1;
            cp = b & 0x1F;
        } else if ((b & 0xF0) == 0xE0) {
            extra = 2;
            cp = b & 0x0F;
        } else if ((b & 0xF8) == 0xF0 && b <= 0xF4) {
            extra = 3;
            cp = b & 0x07;
        } else {
            throw InvalidArgumentError("malformed UTF-8 at byte " + std::to_string(i));
        }
        if (i + extra >= utf8.size() && extra > 0)
            throw InvalidArgumentError("truncated UTF-8 sequence at byte " + std::to_string(i));
        for (int k = 1; k <= extra; ++k) {
            const auto c = static_cast<unsigned char>(utf8[i + k]);
            if ((c & 0xC0) != 0x80)
                throw InvalidArgumentError("malformed UTF-8 at byte " + std::to_string(i + k));
            cp = (cp << 6) | (c & 0x3F);
        }
        const bool overlong = (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            throw InvalidArgumentError("invalid UTF-8 code point at byte " + std::to_string(i));
        out.push_back(cp);
        i += 1 + extra;
    }
    return out;
}

std::string utf8ToWinAnsi(std::string_view utf8)
{
    std::string out;
    out.reserve(utf8.size());
    for (char32_t cp : decodeUtf8(utf8)) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            out.push_back(' ');
            continue;
        }
        if (cp >= 0x20 && cp < 0x7F) {
            out.push_back(static_cast<char>(cp));
            continue;
        }
        if (cp >= 0xA0 && cp <= 0xFF) {
            out.push_back(static_cast<char>(cp));
            continue;
        }
        bool found = false;
        for (std::size_t k = 0; k < kHighCodes.size(); ++k)
            if (kHighCodes[k] != 0 && kHighCodes[k] == cp) {
                out.push_back(static_cast<char>(0x80 + k));
                found = true;
                break;
            }
        if (!found)
            throw InvalidArgumentError("character " + describe(cp) + " has no WinAnsiEncoding code");
    }
    return out;
}

} // namespace moescope

#include "docs/textutil.h"

namespace moescope {

namespace {

// Windows-1252 code points for bytes 0x80-0x9f (0 where undefined).
constexpr char32_t kCp1252[32] = { 0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161,
    0x203A, 0x0153, 0, 0x017E, 0x0178 };

// Length of the valid UTF-8 sequence at p, or 0.
std::size_t validSequence(const unsigned char* p, std::size_t avail)
{
    const unsigned char c = p[0];
    std::size_t n;
    char32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else
        return 0;
    if (avail < n)
        return 0;
    for (std::size_t i = 1; i < n; ++i) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

} // namespace

void appendUtf8(std::string& out, char32_t cp)
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

std::string sanitizeUtf8(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    auto p = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t size = bytes.size();
    for (std::size_t i = 0; i < size;) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            if (c == '\r') {
                out += '\n';
                i += (i + 1 < size && p[i + 1] == '\n') ? 2 : 1;
                continue;
            }
            if (c >= 0x20 || c == '\n' || c == '\t' || c == '\f')
                out += char(c);
            else if (c != 0 && c != 0x7f)
                out += ' ';
            ++i;
            continue;
        }
        const std::size_t n = validSequence(p + i, size - i);
        if (n) {
            out.append(bytes.data() + i, n);
            i += n;
            continue;
        }
        const char32_t cp = (c >= 0x80 && c <= 0x9F) ? kCp1252[c - 0x80] : char32_t(c);
        if (cp)
            appendUtf8(out, cp);
        ++i;
    }
    return out;
}

std::string tidyLines(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    int emptyRun = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        const bool last = end == std::string_view::npos;
        if (last)
            end = text.size();
        std::string_view line = text.substr(start, end - start);
        while (
            !line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\f' || line.back() == '\r'))
            line.remove_suffix(1);
        if (line.empty()) {
            if (++emptyRun <= 2 && !out.empty())
                out += '\n';
        } else {
            emptyRun = 0;
            out += line;
            out += '\n';
        }
        if (last)
            break;
        start = end + 1;
    }
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

std::string collapseWhitespace(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::size_t utf8Floor(std::string_view text, std::size_t pos)
{
    if (pos >= text.size())
        return text.size();
    while (pos > 0 && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80)
        --pos;
    return pos;
}

std::string toLowerAscii(std::string_view text)
{
    std::string out(text);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return out;
}

} // namespace moescope

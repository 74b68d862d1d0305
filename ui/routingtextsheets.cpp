#include "ui/routingtextsheets.h"

#include "eval/routingsegments.h"

#include <algorithm>
#include <limits>

namespace moescope {

std::vector<RoutingTextSheet> splitIntoSheets(
    const DocumentData& document, std::span<const TextSpan> offsets, std::size_t maxBytes)
{
    std::vector<RoutingTextSheet> sheets;
    if (document.pageOffsets.size() != document.pages.size() || maxBytes < 16)
        return sheets;
    for (int p = 0; p < document.pageCount(); ++p) {
        const std::string& text = document.pages[std::size_t(p)].text;
        const std::size_t base = document.pageOffsets[std::size_t(p)];
        std::size_t a = 0;
        do {
            std::size_t b = std::min(text.size(), a + maxBytes);
            if (b < text.size()) {
                // Break after a newline in the second half of the part, else at a character boundary.
                const auto nl = text.rfind('\n', b - 1);
                if (nl != std::string::npos && nl > a + maxBytes / 2)
                    b = nl + 1;
                while (b > a + 1 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80)
                    --b;
            }
            sheets.push_back({ p, base + a, base + b, 0, 0 });
            a = b;
        } while (a < text.size());
    }
    // A sheet owns the tokens starting from its first byte up to the next sheet's (page separators included).
    for (std::size_t i = 0; i < sheets.size(); ++i) {
        const std::size_t from = i == 0 ? 0 : sheets[i].begin;
        const std::size_t to = i + 1 < sheets.size() ? sheets[i + 1].begin : std::numeric_limits<std::size_t>::max();
        std::tie(sheets[i].tokenBegin, sheets[i].tokenEnd) = tokenRangeOfBytes(offsets, from, to);
    }
    return sheets;
}

void decodeSheetText(const std::string& text, std::size_t begin, std::size_t end, std::size_t base, QString& out,
    std::vector<std::size_t>& byteOf)
{
    out.clear();
    byteOf.clear();
    out.reserve(qsizetype(end - begin));
    byteOf.reserve(end - begin + 1);
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t i = begin;
    while (i < end) {
        const unsigned char c = s[i];
        char32_t cp = 0xFFFD;
        std::size_t n = 1;
        if (c < 0x80) {
            cp = (c < 0x20 && c != '\t' && c != '\n') ? U' ' : c;
        } else {
            const std::size_t len = c >= 0xF0 ? (c <= 0xF4 ? 4 : 0) : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
            if (len > 0 && i + len <= end) {
                char32_t v = c & (0xFF >> (len + 1));
                bool ok = true;
                for (std::size_t j = 1; j < len && ok; ++j) {
                    ok = (s[i + j] & 0xC0) == 0x80;
                    v = (v << 6) | (s[i + j] & 0x3F);
                }
                const bool minimal = (len == 3 && v >= 0x800) || (len == 4 && v >= 0x10000) || len == 2;
                if (ok && minimal && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF)) {
                    cp = v;
                    n = len;
                }
            }
        }
        const std::size_t at = base + i;
        if (cp > 0xFFFF) {
            out.append(QChar::highSurrogate(cp));
            out.append(QChar::lowSurrogate(cp));
            byteOf.push_back(at);
            byteOf.push_back(at);
        } else {
            out.append(QChar(char16_t(cp)));
            byteOf.push_back(at);
        }
        i += n;
    }
    byteOf.push_back(base + end);
}

} // namespace moescope

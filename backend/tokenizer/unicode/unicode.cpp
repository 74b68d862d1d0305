#include <cstdint>
#include "tokenizer/unicode/unicode.h"

#include "tokenizer/unicode/unicodetables.h"

#include <algorithm>

namespace moescope::tok {

namespace {

constexpr char32_t kHangulSBase = 0xAC00;
constexpr char32_t kHangulLBase = 0x1100;
constexpr char32_t kHangulVBase = 0x1161;
constexpr char32_t kHangulTBase = 0x11A7;
constexpr char32_t kHangulLCount = 19;
constexpr char32_t kHangulVCount = 21;
constexpr char32_t kHangulTCount = 28;
constexpr char32_t kHangulNCount = kHangulVCount * kHangulTCount;
constexpr char32_t kHangulSCount = kHangulLCount * kHangulNCount;

bool inRanges(const tables::CodeRange* ranges, std::size_t size, char32_t cp)
{
    const auto* end = ranges + size;
    const auto* it
        = std::upper_bound(ranges, end, cp, [](char32_t c, const tables::CodeRange& r) { return c < r.first; });
    return it != ranges && cp <= (it - 1)->last;
}

std::span<const std::uint32_t> findMapping(
    const tables::MappingEntry* entries, std::size_t size, const std::uint32_t* pool, char32_t cp)
{
    const auto* end = entries + size;
    const auto* it
        = std::lower_bound(entries, end, cp, [](const tables::MappingEntry& e, char32_t c) { return e.codePoint < c; });
    if (it == end || it->codePoint != cp)
        return {};
    return { pool + it->offset, it->length };
}

// Length of the ill-formed subpart starting at s[0] (>= 1), or 0 when a valid sequence starts there.
std::size_t invalidPrefix(const unsigned char* s, std::size_t avail, std::size_t& validLen)
{
    const unsigned char c = s[0];
    validLen = 0;
    if (c < 0x80) {
        validLen = 1;
        return 0;
    }
    std::size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 1;
    }
    for (std::size_t k = 1; k <= need; ++k) {
        if (k >= avail)
            return k;
        const unsigned char b = s[k];
        const unsigned char l = k == 1 ? lo : 0x80;
        const unsigned char h = k == 1 ? hi : 0xBF;
        if (b < l || b > h)
            return k;
    }
    validLen = need + 1;
    return 0;
}

} // namespace

void appendUtf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string toUtf8(char32_t cp)
{
    std::string s;
    appendUtf8(s, cp);
    return s;
}

std::size_t findInvalidUtf8(std::string_view text)
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        // Eight ASCII bytes at a time: the common case for reports.
        while (i + 8 <= n) {
            std::uint64_t w;
            std::copy_n(s + i, 8, reinterpret_cast<unsigned char*>(&w));
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        std::size_t valid;
        if (invalidPrefix(s + i, n - i, valid) != 0)
            return i;
        i += valid;
    }
    return std::string_view::npos;
}

std::string utf8Lossy(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    while (i < n) {
        std::size_t valid;
        const std::size_t bad = invalidPrefix(s + i, n - i, valid);
        if (bad) {
            out += "\xEF\xBF\xBD";
            i += bad;
        } else {
            out.append(bytes.substr(i, valid));
            i += valid;
        }
    }
    return out;
}

bool isWhiteSpace(char32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
    switch (cp) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

bool isNumeric(char32_t cp)
{
    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    return inRanges(tables::kNumeric, tables::kNumericSize, cp);
}

bool isWordChar(char32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
    return inRanges(tables::kWord, tables::kWordSize, cp);
}

std::uint8_t combiningClass(char32_t cp)
{
    if (cp < 0x300)
        return 0;
    const auto* end = tables::kCcc + tables::kCccSize;
    const auto* it
        = std::upper_bound(tables::kCcc, end, cp, [](char32_t c, const tables::CccRange& r) { return c < r.first; });
    if (it == tables::kCcc || cp > (it - 1)->last)
        return 0;
    return (it - 1)->ccc;
}

std::span<const std::uint32_t> canonicalDecomposition(char32_t cp)
{
    if (cp < 0xC0)
        return {};
    return findMapping(tables::kCanonical, tables::kCanonicalSize, tables::kCanonicalPool, cp);
}

std::span<const std::uint32_t> compatibilityDecomposition(char32_t cp)
{
    if (cp < 0xA0)
        return {};
    auto m = findMapping(tables::kCompat, tables::kCompatSize, tables::kCompatPool, cp);
    return m.empty() ? canonicalDecomposition(cp) : m;
}

char32_t composePair(char32_t first, char32_t second)
{
    // Hangul: L + V -> LV, LV + T -> LVT.
    if (first >= kHangulLBase && first < kHangulLBase + kHangulLCount && second >= kHangulVBase
        && second < kHangulVBase + kHangulVCount)
        return kHangulSBase + ((first - kHangulLBase) * kHangulVCount + (second - kHangulVBase)) * kHangulTCount;
    if (first >= kHangulSBase && first < kHangulSBase + kHangulSCount && (first - kHangulSBase) % kHangulTCount == 0
        && second > kHangulTBase && second < kHangulTBase + kHangulTCount)
        return first + (second - kHangulTBase);
    const auto* end = tables::kComposition + tables::kCompositionSize;
    const auto* it = std::lower_bound(tables::kComposition, end, std::pair { first, second },
        [](const tables::CompositionPair& p, const std::pair<char32_t, char32_t>& k) {
            return p.first != k.first ? p.first < k.first : p.second < k.second;
        });
    if (it == end || it->first != first || it->second != second)
        return 0;
    return it->composite;
}

bool isNfcInert(char32_t cp)
{
    return cp < 0x80 || inRanges(tables::kNfcInert, tables::kNfcInertSize, cp);
}

bool isNfkcInert(char32_t cp)
{
    return cp < 0x80 || inRanges(tables::kNfkcInert, tables::kNfkcInertSize, cp);
}

namespace {
void appendMapped(std::string& out, char32_t mapped, char32_t cp, const tables::MappingEntry* entries,
    std::size_t size, const std::uint32_t* pool)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(mapped));
        return;
    }
    auto m = findMapping(entries, size, pool, cp);
    if (m.empty()) {
        appendUtf8(out, cp);
        return;
    }
    for (auto c : m)
        appendUtf8(out, c);
}
} // namespace

void appendLowercase(std::string& out, char32_t cp)
{
    const char32_t ascii = cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    appendMapped(out, ascii, cp, tables::kLowercase, tables::kLowercaseSize, tables::kLowercasePool);
}

void appendUppercase(std::string& out, char32_t cp)
{
    const char32_t ascii = cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
    appendMapped(out, ascii, cp, tables::kUppercase, tables::kUppercaseSize, tables::kUppercasePool);
}

const char* unicodeDataVersion()
{
    return tables::kUnicodeVersion;
}

} // namespace moescope::tok

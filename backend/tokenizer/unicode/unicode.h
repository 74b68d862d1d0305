#pragma once
// UTF-8 handling and the Unicode properties the tokenizer engine needs. Code points are char32_t; text is UTF-8 in
// std::string / std::string_view. All functions are pure and thread-safe.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace moescope::tok {

// Number of bytes of the UTF-8 sequence that starts with lead (1 for continuation/invalid bytes).
inline std::size_t utf8SequenceLength(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if (lead >= 0xF0)
        return 4;
    if (lead >= 0xE0)
        return 3;
    if (lead >= 0xC0)
        return 2;
    return 1;
}

// Decodes the code point at pos of valid UTF-8 text and advances pos past it.
inline char32_t decodeUtf8(std::string_view text, std::size_t& pos)
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.data()) + pos;
    const unsigned char c = s[0];
    if (c < 0x80) {
        pos += 1;
        return c;
    }
    if (c < 0xE0) {
        pos += 2;
        return (char32_t(c & 0x1F) << 6) | (s[1] & 0x3F);
    }
    if (c < 0xF0) {
        pos += 3;
        return (char32_t(c & 0x0F) << 12) | (char32_t(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
    pos += 4;
    return (char32_t(c & 0x07) << 18) | (char32_t(s[1] & 0x3F) << 12) | (char32_t(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

void appendUtf8(std::string& out, char32_t cp);
std::string toUtf8(char32_t cp);

// Byte offset of the first ill-formed UTF-8 sequence in text, or npos when text is valid UTF-8.
std::size_t findInvalidUtf8(std::string_view text);

// Bytes to text the way Rust's String::from_utf8_lossy does it (HF decoders rely on it): each maximal ill-formed
// subpart becomes one U+FFFD.
std::string utf8Lossy(std::string_view bytes);

// Unicode White_Space (Rust's char::is_whitespace, Oniguruma's \s).
bool isWhiteSpace(char32_t cp);
// General category N* (Rust's char::is_numeric).
bool isNumeric(char32_t cp);
// Rust regex's Unicode \w (letters, marks, Nd, Nl, Pc, join controls).
bool isWordChar(char32_t cp);

std::uint8_t combiningClass(char32_t cp);
// Full (recursive) canonical / compatibility decomposition; empty when the code point decomposes to itself.
// Hangul syllables are not in the tables (callers decompose them algorithmically).
std::span<const std::uint32_t> canonicalDecomposition(char32_t cp);
std::span<const std::uint32_t> compatibilityDecomposition(char32_t cp);
// The primary composite of first+second, or 0 (includes Hangul).
char32_t composePair(char32_t first, char32_t second);
// True when cp can never change under NFC (resp. NFKC), whatever surrounds it.
bool isNfcInert(char32_t cp);
bool isNfkcInert(char32_t cp);
// Appends the full lowercase mapping of cp (as Rust's char::to_lowercase).
void appendLowercase(std::string& out, char32_t cp);
// Appends the full uppercase mapping of cp (Python's str.upper, e.g. "ß" -> "SS").
void appendUppercase(std::string& out, char32_t cp);

const char* unicodeDataVersion();

} // namespace moescope::tok

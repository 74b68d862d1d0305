#pragma once
// GPT-2's byte-level alphabet: every byte is shown as a printable character (space -> 'Ġ', newline -> 'Ċ', ...),
// so byte-level vocabularies store raw bytes as UTF-8 strings of those characters.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moescope::tok {

// The character standing for byte b.
char32_t byteLevelChar(std::uint8_t b);
// The byte that character c stands for, if any.
std::optional<std::uint8_t> byteLevelByte(char32_t c);
// Raw bytes -> byte-level text.
std::string toByteLevel(std::string_view bytes);
// Byte-level text -> raw bytes; nullopt when text contains a character outside the alphabet.
std::optional<std::string> fromByteLevel(std::string_view text);

} // namespace moescope::tok

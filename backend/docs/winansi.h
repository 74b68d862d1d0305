#pragma once
// UTF-8 <-> WinAnsiEncoding (PDF 1.7 Annex D), the single-byte encoding of the writer's standard-14 fonts. The
// report generator writes UTF-8 (curly quotes, dashes, section signs); PDF text operators need WinAnsi bytes.

#include <string>
#include <string_view>

namespace moescope {

// Converts UTF-8 to WinAnsi bytes. Throws InvalidArgumentError on malformed UTF-8 or a character WinAnsi lacks,
// naming the character, so a typo in generated text never silently becomes '?'.
std::string utf8ToWinAnsi(std::string_view utf8);

// The Unicode code point of a WinAnsi byte, or 0 for the five undefined codes.
char32_t winAnsiToUnicode(unsigned char code);

// Decodes UTF-8 into code points; throws InvalidArgumentError on malformed input.
std::u32string decodeUtf8(std::string_view utf8);

} // namespace moescope

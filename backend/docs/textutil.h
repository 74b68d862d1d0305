#pragma once
// Text helpers shared by the document readers and analysers. All text in the document model is UTF-8.

#include <cstddef>
#include <string>
#include <string_view>

namespace moescope {

void appendUtf8(std::string& out, char32_t codePoint);

// Returns valid UTF-8: bytes that are not part of a valid sequence are read as Windows-1252 (what old EDGAR text
// files use); NUL and control characters other than tab, newline and form feed are dropped; CR LF becomes LF.
std::string sanitizeUtf8(std::string_view bytes);

// Trims trailing blanks of every line, drops a trailing form feed, and squeezes runs of 3+ empty lines to 2.
std::string tidyLines(std::string_view text);

// Collapses every run of whitespace to one space and trims both ends (for titles and snippets).
std::string collapseWhitespace(std::string_view text);

// Largest position <= pos that does not split a UTF-8 sequence.
std::size_t utf8Floor(std::string_view text, std::size_t pos);

std::string toLowerAscii(std::string_view text);

} // namespace moescope

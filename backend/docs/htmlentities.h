#pragma once
// HTML character references: named (the ones found in EDGAR filings and the common Latin-1 set) and numeric.

#include <string>
#include <string_view>

namespace moescope {

// Decodes the reference at the start of text (which begins with '&'); appends its UTF-8 to out and returns how many
// bytes it used, or 0 when it is not a reference (the caller keeps the '&' literally).
std::size_t decodeHtmlEntity(std::string_view text, std::string& out);

} // namespace moescope

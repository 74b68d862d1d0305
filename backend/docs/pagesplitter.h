#pragma once
// Cuts text without page breaks into pseudo pages of about a target size, at paragraph boundaries where possible
// (then line, then word boundaries), so that citations stay meaningful for plain text and HTML without page breaks.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

std::vector<std::string> splitIntoPseudoPages(std::string_view text, std::size_t targetChars);

} // namespace moescope

#pragma once
// Physical-layout text (poppler's, like pdftotext -layout) keeps table rows on one line, which key-figure extraction
// needs, but it interleaves the lines of two-column prose. This pass finds a page's column gutter and reorders such
// pages into reading order (left column, then right column, between full-width lines). Tables (numbers on the right
// of the gap) are left alone.

#include <string>
#include <string_view>

namespace moescope {

// Returns the page text in reading order; a page without two prose columns is returned unchanged.
std::string reorderTwoColumnPage(std::string_view pageText);

} // namespace moescope

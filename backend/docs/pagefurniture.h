#pragma once
// Running page headers and footers ("Table of Contents" links, company name, page numbers): lines that repeat at the
// top or bottom of many pages. Structure detection and chunking skip them; the page text itself keeps them, since
// the GUI shows and highlights the real page.

#include "docs/document.h"

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace moescope {

struct TextLine {
    std::string_view text; // view into Document::text(), without the newline
    std::size_t offset = 0; // byte offset in Document::text()
};

class PageFurniture {
public:
    explicit PageFurniture(const Document& document);

    // The page's non-empty lines that are not running headers, footers or bare page numbers.
    std::vector<TextLine> bodyLines(int page) const;
    bool isFurniture(std::string_view line, bool atPageEdge) const;

    // Lower case, blanks collapsed, digits as '#': repeated headers with changing page numbers compare equal.
    static std::string normalize(std::string_view line);

private:
    const Document& m_document;
    std::unordered_set<std::string> m_repeated;
};

// All lines of a page (empty ones included), as views into the document text.
std::vector<TextLine> pageLines(const Document& document, int page);

} // namespace moescope

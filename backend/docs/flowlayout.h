#pragma once
// Sets a sequence of LayoutBlocks into pages: paragraphs broken into lines and split across pages without widows or
// orphans, headings kept with what follows, tables kept together when they fit on a page and otherwise split with
// their header rows repeated. Page references (tables of contents) are resolved by laying out again until the
// anchors' pages stop moving. A caller-supplied decorator draws running headers and footers once the page count
// is known. Reentrant: one layout per object at a time.

#include "docs/layoutblocks.h"
#include "docs/pdfpage.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace moescope {

struct PageGeometry {
    double width = kLetterWidth;
    double height = kLetterHeight;
    double marginLeft = 72;
    double marginRight = 72;
    double marginTop = 72;
    double marginBottom = 66;
    double textWidth() const { return width - marginLeft - marginRight; }
};

// Where each block landed (0-based page indices).
struct BlockPlacement {
    int firstPage = -1;
    int lastPage = -1;
    std::vector<int> rowPages; // tables: the page of each row (header repeats not counted)
};

struct LayoutResult {
    std::vector<PdfPage> pages;
    std::vector<BlockPlacement> placements; // one per input block
    std::map<std::string, int> anchors; // anchor -> page index
    int passes = 0;
};

class FlowLayout {
public:
    // Draws headers/footers on a finished page: (page, page index, page count).
    using Decorator = std::function<void(PdfPage&, int, int)>;
    // The printed label of a page index, used to resolve page references ("12").
    using PageLabel = std::function<std::string(int)>;

    explicit FlowLayout(PageGeometry geometry = {});
    void setDecorator(Decorator decorator) { m_decorator = std::move(decorator); }
    void setPageLabel(PageLabel label) { m_pageLabel = std::move(label); }
    const PageGeometry& geometry() const { return m_geometry; }

    // Throws InvalidArgumentError for an unknown page reference, a table wider than the text area, or text
    // WinAnsiEncoding cannot show.
    LayoutResult layout(const std::vector<LayoutBlock>& blocks) const;

private:
    LayoutResult layoutOnce(const std::vector<LayoutBlock>& blocks, const std::map<std::string, int>* anchors) const;

    PageGeometry m_geometry;
    Decorator m_decorator;
    PageLabel m_pageLabel;
};

} // namespace moescope

#pragma once
// Builds the sample report's block list in the styles of a 10-K (part and item headings, body text with **bold**
// and __italic__ markup, bullets, financial tables) and remembers what the ground truth needs: which blocks make up
// each Item, and which table cell holds each key figure. After layout it turns those into page numbers.

#include "docs/flowlayout.h"
#include "docs/layoutblocks.h"

#include <string>
#include <vector>

namespace moescope {

struct ReportSection {
    std::string part; // "I".."IV"
    std::string item; // "1A"
    std::string title; // "Risk Factors"
    std::size_t firstBlock = 0;
    std::size_t endBlock = 0; // one past the last block
    int pageStart = -1;
    int pageEnd = -1;
};

struct ReportFigure {
    std::string name; // "total_revenue"
    int year = 0;
    double value = 0;
    std::string unit; // "USD millions"
    std::string display; // as printed: "4,812"
    std::string statement; // "income_statement"
    std::size_t block = 0;
    std::size_t row = 0;
    int page = -1;
};

struct ReportAnchorPage {
    std::string name; // "income_statement"
    std::string title;
    std::size_t block = 0;
    int page = -1;
};

class ReportComposer {
public:
    static constexpr double kBodySize = 11;
    static constexpr double kBodyLeading = 13.9;

    // "PART II" centred, on a new page when newPage.
    void part(const std::string& numeral, bool newPage);
    // "Item 7. Management's ..." and the start of that Item's section (ends at the next item() or part()).
    void item(const std::string& part, const std::string& item, const std::string& title, bool newPage = false);
    // Ends the current Item's section (content after it, e.g. signatures, belongs to no Item).
    void endItem();
    // Headings below an Item: 1 bold, 2 bold with less space, 3 italic.
    void heading(const std::string& text, int level = 1, const std::string& anchor = {});
    // A body paragraph; **bold** and __italic__ switch fonts.
    void paragraph(const std::string& text);
    void paragraph(const std::string& text, TextAlign align, double size = kBodySize, double spaceAfter = 10);
    void centered(const std::string& text, double size = kBodySize, bool bold = false, double spaceAfter = 3);
    void bullets(const std::vector<std::string>& items);
    // Adds a table and returns its block index (for figures).
    std::size_t table(TableBlock table, bool newPage = false, const std::string& anchor = {});
    void spacer(double height);
    void rule(double thickness = 0.75, double width = 0);
    void pageBreak();
    // Appends a block; a pending startPage() applies to it.
    void add(LayoutBlock block);
    // The next block will start a new page and carry this anchor.
    void startPage(const std::string& anchor);

    void figure(ReportFigure figure) { m_figures.push_back(std::move(figure)); }
    void namePage(const std::string& name, const std::string& title, std::size_t block)
    {
        m_pages.push_back({ name, title, block, -1 });
    }

    // Lays the blocks out and fills in pageStart/pageEnd of sections and pages of figures and named pages.
    LayoutResult layout(const FlowLayout& layout);

    const std::vector<LayoutBlock>& blocks() const { return m_blocks; }
    const std::vector<ReportSection>& sections() const { return m_sections; }
    const std::vector<ReportFigure>& figures() const { return m_figures; }
    const std::vector<ReportAnchorPage>& namedPages() const { return m_pages; }
    std::size_t blockCount() const { return m_blocks.size(); }

    // Splits **bold**/__italic__ markup into spans of the given regular/bold/italic fonts.
    static std::vector<TextSpan> markup(
        const std::string& text, PdfFont regular = PdfFont::TimesRoman, PdfFont bold = PdfFont::TimesBold);

private:
    void closeSection();

    std::vector<LayoutBlock> m_blocks;
    std::vector<ReportSection> m_sections;
    std::vector<ReportFigure> m_figures;
    std::vector<ReportAnchorPage> m_pages;
    bool m_open = false;
    std::string m_pendingAnchor;
    bool m_pendingNewPage = false;
};

} // namespace moescope

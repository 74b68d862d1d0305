#pragma once
// The flowing content FlowLayout sets into pages: paragraphs (headings and bullets are paragraphs with other
// settings), tables (financial statements: a label column and right-aligned figures with $ signs and total rules),
// spacers, rules and page breaks. Plain values; text is UTF-8 limited to what WinAnsiEncoding can show.

#include "docs/pdffont.h"

#include <string>
#include <variant>
#include <vector>

namespace moescope {

enum class TextAlign : std::uint8_t { Left, Right, Center, Justify };

struct TextSpan {
    std::string text;
    PdfFont font = PdfFont::TimesRoman;
};

struct ParagraphBlock {
    std::vector<TextSpan> spans;
    double fontSize = 10;
    double leading = 12; // baseline-to-baseline distance
    TextAlign align = TextAlign::Justify; // the last line of a justified paragraph is set left
    double leftIndent = 0;
    double rightIndent = 0;
    double firstLineIndent = 0;
    double spaceBefore = 0; // dropped at the top of a page
    double spaceAfter = 8;
    std::string bullet; // set in the hanging indent before the first line, e.g. "•"
    double bulletIndent = 0; // where the bullet starts, relative to the left margin
    bool keepWithNext = false; // headings: never the last thing on a page
};

enum class TableRule : std::uint8_t { None, Single, Double };

struct TableCell {
    TableCell() = default;
    TableCell(std::string cellText) // NOLINT: a cell is often written as just its text
        : text(std::move(cellText))
    {
    }
    TableCell(const char* cellText)
        : text(cellText)
    {
    }

    std::string text;
    int span = 1; // columns covered
    bool dollar = false; // a "$" set at the left edge of a figure cell
    bool underline = false; // a rule under this cell (column headers)
    TextAlign align = TextAlign::Right; // figure cells; the first (label) column is always left-aligned
    std::string pageRef; // when set, the text is the printed page number of this anchor (tables of contents)
    bool bold = false;
    double indent = 0; // extra left indent of wrapped text in this cell, in points
};

struct TableRow {
    std::vector<TableCell> cells;
    bool bold = false;
    double indent = 0; // label indent in points
    TableRule ruleAbove = TableRule::None; // over the figure cells (subtotal lines)
    TableRule ruleBelow = TableRule::None; // under the figure cells (single for totals, double for grand totals)
    bool header = false; // repeated at the top of each continuation page
    bool shaded = false;
    double spaceBefore = 0;
};

struct TableColumn {
    double width = 60;
    TextAlign align = TextAlign::Right;
    bool wrap = false; // text columns wrap within the width; figure columns never do
};

struct TableBlock {
    std::vector<TableColumn> columns; // the first is the label column
    std::vector<TableRow> rows;
    double fontSize = 9.5;
    double rowHeight = 13;
    PdfFont font = PdfFont::TimesRoman;
    PdfFont boldFont = PdfFont::TimesBold;
    double leftIndent = 0;
    double spaceBefore = 6;
    double spaceAfter = 12;
    bool keepTogether = true; // start on a new page rather than split, when the table fits on one
};

struct SpacerBlock {
    double height = 12;
};

struct RuleBlock {
    double thickness = 0.75;
    double spaceBefore = 4;
    double spaceAfter = 8;
    double leftIndent = 0;
    double width = 0; // 0: the full text width
};

struct PageBreakBlock { };

struct LayoutBlock {
    using Content = std::variant<ParagraphBlock, TableBlock, SpacerBlock, RuleBlock, PageBreakBlock>;
    LayoutBlock() = default;
    template <typename T>
    LayoutBlock(T block, std::string anchorName = {}, bool startPage = false)
        : content(std::move(block))
        , anchor(std::move(anchorName))
        , newPage(startPage)
    {
    }

    Content content;
    std::string anchor; // names the page the block starts on, for page references
    bool newPage = false; // start on a fresh page
};

} // namespace moescope

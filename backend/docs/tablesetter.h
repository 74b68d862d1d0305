#pragma once
// Measures and draws the rows of one table: a wrapping label column and figure columns that are right-aligned
// (a closing parenthesis hangs past the column so negative and positive figures line up), "$" at the left of a
// figure cell, spanning header cells, and single or double rules over and under figures.

#include "docs/layoutblocks.h"
#include "docs/paragraphsetter.h"
#include "docs/pdfpage.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace moescope {

class TableSetter {
public:
    // Returns the text a TableCell::pageRef shows (a printed page number).
    using PageRefResolver = std::function<std::string(const std::string& anchor)>;

    // Throws InvalidArgumentError when a row spans more columns than the table has or text is not WinAnsi.
    TableSetter(const TableBlock& table, double textWidth, const PageRefResolver& resolve);

    std::size_t rowCount() const { return m_rows.size(); }
    double rowHeight(std::size_t i) const { return m_rows.at(i).height; }
    double totalHeight() const;
    // Leading rows marked header, repeated on continuation pages.
    std::size_t headerRows() const { return m_headerRows; }
    double headerHeight() const;
    // Draws row i with its top edge at top; x is the left margin of the text area.
    void drawRow(PdfPage& page, std::size_t i, double x, double top) const;

private:
    struct Cell {
        int column;
        int span;
        std::string text; // resolved UTF-8
        std::unique_ptr<ParagraphBlock> block; // wrapping cells
        std::unique_ptr<ParagraphSetter> setter;
        int lines = 1;
    };
    struct Row {
        std::vector<Cell> cells;
        double height = 0;
        int lines = 1;
    };

    double columnLeft(int column) const;
    double columnRight(int column) const;
    bool wraps(int column) const;

    const TableBlock& m_table;
    std::vector<double> m_columnX; // left edge of each column relative to the text area, plus the right edge
    std::vector<Row> m_rows;
    std::size_t m_headerRows = 0;
};

} // namespace moescope

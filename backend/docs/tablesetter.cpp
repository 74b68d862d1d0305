#include "docs/tablesetter.h"

#include "core/error.h"
#include "docs/winansi.h"

namespace moescope {

namespace {
constexpr double kPadLeft = 4; // inside a column, before a "$" or left-aligned text
constexpr double kPadRight = 6; // inside a column, after right-aligned figures (room for a hanging ")")
constexpr double kRuleGap = 2.5; // extra height of a row carrying a double rule
} // namespace

TableSetter::TableSetter(const TableBlock& table, double textWidth, const PageRefResolver& resolve)
    : m_table(table)
{
    if (table.columns.empty())
        throw InvalidArgumentError("table without columns");
    double x = table.leftIndent;
    for (const auto& c : table.columns) {
        m_columnX.push_back(x);
        x += c.width;
    }
    m_columnX.push_back(x);
    if (x > textWidth + 0.5)
        throw InvalidArgumentError(
            "table is " + std::to_string(x) + " pt wide; the text area is " + std::to_string(textWidth) + " pt");

    bool leading = true;
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        const TableRow& src = table.rows[r];
        leading = leading && src.header;
        if (leading)
            m_headerRows = r + 1;
        Row row;
        int column = 0;
        for (const auto& cell : src.cells) {
            if (cell.span < 1 || column + cell.span > static_cast<int>(table.columns.size()))
                throw InvalidArgumentError("table row " + std::to_string(r) + " spans "
                    + std::to_string(column + cell.span) + " columns; the table has "
                    + std::to_string(table.columns.size()));
            Cell c { column, cell.span, cell.pageRef.empty() ? cell.text : resolve(cell.pageRef), {}, {}, 1 };
            // Header cells wrap too ("Precision Instruments" over a narrow figure column).
            if ((wraps(column) || src.header) && cell.span == 1 && !c.text.empty()) {
                const bool bold = src.bold || cell.bold;
                c.block = std::make_unique<ParagraphBlock>();
                c.block->spans = { { c.text, bold ? table.boldFont : table.font } };
                c.block->fontSize = table.fontSize;
                c.block->leading = table.rowHeight;
                c.block->align = table.columns[column].align; // the label column is Left unless a caller says so
                c.block->leftIndent = (column == 0 ? src.indent : 0) + cell.indent;
                const double width = columnRight(column) - columnLeft(column) - kPadLeft - kPadRight;
                c.setter = std::make_unique<ParagraphSetter>(*c.block, width);
                c.lines = std::max<int>(1, static_cast<int>(c.setter->lines().size()));
            } else {
                utf8ToWinAnsi(c.text); // validate now, not halfway through drawing
            }
            row.lines = std::max(row.lines, c.lines);
            row.cells.push_back(std::move(c));
            column += cell.span;
        }
        row.height
            = src.spaceBefore + row.lines * table.rowHeight + (src.ruleBelow == TableRule::Double ? kRuleGap : 0);
        m_rows.push_back(std::move(row));
    }
    if (m_headerRows == m_rows.size())
        m_headerRows = 0; // a table of only header rows has nothing to repeat them for
}

bool TableSetter::wraps(int column) const
{
    return column == 0 || m_table.columns[column].wrap;
}

double TableSetter::columnLeft(int column) const
{
    return m_columnX[column];
}

double TableSetter::columnRight(int column) const
{
    return m_columnX[column + 1];
}

double TableSetter::totalHeight() const
{
    double h = 0;
    for (const auto& r : m_rows)
        h += r.height;
    return h;
}

double TableSetter::headerHeight() const
{
    double h = 0;
    for (std::size_t i = 0; i < m_headerRows; ++i)
        h += m_rows[i].height;
    return h;
}

void TableSetter::drawRow(PdfPage& page, std::size_t i, double x, double top) const
{
    const TableRow& src = m_table.rows.at(i);
    const Row& row = m_rows.at(i);
    const double size = m_table.fontSize;
    const double lh = m_table.rowHeight;
    const double lineTop = top - src.spaceBefore;
    auto baselineOf = [&](int line) { return lineTop - line * lh - (lh * 0.5 + size * 0.35); };
    const double lastBaseline = baselineOf(row.lines - 1);

    if (src.shaded)
        page.fillRect(x + m_columnX.front(), lineTop - row.lines * lh, m_columnX.back() - m_columnX.front(),
            row.lines * lh, 0.92);

    for (const auto& cell : row.cells) {
        const TableCell& def = src.cells[&cell - row.cells.data()];
        const bool bold = src.bold || def.bold;
        const PdfFont font = bold ? m_table.boldFont : m_table.font;
        const double left = x + columnLeft(cell.column);
        const double right = x + columnRight(cell.column + cell.span - 1);
        if (cell.setter) {
            // Wrapped text starts at the row's first line; figures sit on the last line, as filings set them.
            // Header text sits on the rule under it, so short headings are bottom-aligned with wrapped ones.
            const int first = src.header ? row.lines - cell.lines : 0;
            for (std::size_t l = 0; l < cell.setter->lines().size(); ++l)
                cell.setter->draw(page, l, left + kPadLeft, baselineOf(first + static_cast<int>(l)));
        } else if (!cell.text.empty()) {
            const std::string text = utf8ToWinAnsi(cell.text);
            const double w = pdfTextWidth(font, size, text);
            double tx = left + kPadLeft;
            const TextAlign align = cell.column == 0 ? TextAlign::Left : def.align;
            if (align == TextAlign::Right) {
                tx = right - kPadRight - w;
                if (text.back() == ')')
                    tx += pdfTextWidth(font, size, ")");
            } else if (align == TextAlign::Center) {
                tx = left + (right - left - w) / 2;
            } else if (cell.column == 0) {
                tx += src.indent;
            }
            const double baseline = cell.column == 0 || align != TextAlign::Right ? baselineOf(0) : lastBaseline;
            page.text(tx, baseline, font, size, text);
        }
        if (def.dollar)
            page.text(left + kPadLeft, lastBaseline, font, size, "$");

        const bool figure = cell.column > 0 && (!cell.text.empty() || def.dollar);
        const double ruleLeft = left + kPadLeft;
        const double ruleRight = right - kPadRight + 2;
        if (def.underline)
            page.line(ruleLeft, lineTop - row.lines * lh + 1.5, ruleRight, lineTop - row.lines * lh + 1.5, 0.6);
        if (figure && src.ruleAbove != TableRule::None)
            page.line(ruleLeft, lineTop + 0.5, ruleRight, lineTop + 0.5, 0.6);
        if (figure && src.ruleBelow != TableRule::None) {
            const double y = lineTop - row.lines * lh + 1;
            page.line(ruleLeft, y, ruleRight, y, 0.6);
            if (src.ruleBelow == TableRule::Double)
                page.line(ruleLeft, y - 2, ruleRight, y - 2, 0.6);
        }
    }
}

} // namespace moescope

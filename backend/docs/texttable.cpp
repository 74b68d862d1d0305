#include "docs/texttable.h"

namespace moescope {

TextTable::TextTable(double textWidth, const std::vector<TextColumn>& columns, const std::vector<std::string>& headers,
    double fontSize, double rowHeight)
{
    for (const auto& c : columns)
        m_table.columns.push_back({ c.width <= 1 ? c.width * textWidth : c.width, c.align, c.wrap });
    m_table.fontSize = fontSize;
    m_table.rowHeight = rowHeight;
    if (headers.empty())
        return;
    TableRow h;
    h.header = true;
    h.bold = true;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        TableCell c(i < headers.size() ? headers[i] : std::string());
        c.align = columns[i].align;
        c.underline = !c.text.empty();
        h.cells.push_back(c);
    }
    m_table.rows.push_back(h);
}

TextTable& TextTable::row(const std::vector<std::string>& cells, double spaceBefore, bool bold, double indent)
{
    TableRow r;
    r.spaceBefore = spaceBefore;
    r.bold = bold;
    r.indent = indent;
    for (std::size_t i = 0; i < cells.size() && i < m_table.columns.size(); ++i) {
        TableCell c(cells[i]);
        c.align = m_table.columns[i].align;
        r.cells.push_back(c);
    }
    m_table.rows.push_back(r);
    return *this;
}

} // namespace moescope

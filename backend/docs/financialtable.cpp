#include "docs/financialtable.h"

#include "core/error.h"
#include "docs/reportformat.h"

namespace moescope {

FinancialTable::FinancialTable(
    std::vector<std::string> columns, std::string spanHeader, std::string caption, double textWidth, double columnWidth)
    : m_figureColumns(columns.size())
{
    const double labelWidth = textWidth - columnWidth * static_cast<double>(columns.size());
    if (labelWidth < 100)
        throw InvalidArgumentError("financial table has too many columns for the page");
    m_table.columns.push_back({ labelWidth, TextAlign::Left, true });
    for (std::size_t i = 0; i < columns.size(); ++i)
        m_table.columns.push_back({ columnWidth, TextAlign::Right, false });
    m_table.fontSize = 9.5;
    m_table.rowHeight = 13;
    if (!spanHeader.empty()) {
        TableRow r;
        r.header = true;
        r.bold = true;
        r.cells.push_back({});
        TableCell c;
        c.text = spanHeader;
        c.span = static_cast<int>(columns.size());
        c.align = TextAlign::Center;
        c.underline = true;
        r.cells.push_back(c);
        m_table.rows.push_back(r);
    }
    TableRow h;
    h.header = true;
    h.bold = true;
    TableCell cap;
    cap.text = caption;
    cap.bold = false;
    h.cells.push_back(cap);
    for (const auto& col : columns) {
        TableCell c;
        c.text = col;
        c.align = TextAlign::Center;
        c.underline = true;
        h.cells.push_back(c);
    }
    m_table.rows.push_back(h);
}

FinancialTable& FinancialTable::section(const std::string& label, const FinancialRowStyle& style)
{
    return textRow(label, {}, style);
}

FinancialTable& FinancialTable::row(
    const std::string& label, const std::vector<std::int64_t>& values, const FinancialRowStyle& style)
{
    std::vector<std::string> cells;
    for (auto v : values)
        cells.push_back(formatAmount(v));
    return textRow(label, cells, style);
}

FinancialTable& FinancialTable::textRow(
    const std::string& label, const std::vector<std::string>& cells, const FinancialRowStyle& style)
{
    if (cells.size() > m_figureColumns)
        throw InvalidArgumentError("financial table row '" + label + "' has too many cells");
    TableRow r;
    r.bold = style.bold;
    r.indent = style.indent * 10.0;
    r.ruleAbove = style.above;
    r.ruleBelow = style.below;
    r.spaceBefore = style.spaceBefore;
    r.cells.push_back({ label });
    for (const auto& c : cells) {
        TableCell cell;
        cell.text = c;
        cell.dollar = style.dollar && !c.empty();
        r.cells.push_back(cell);
    }
    m_table.rows.push_back(r);
    return *this;
}

FinancialTable& FinancialTable::total(
    const std::string& label, const std::vector<std::int64_t>& values, bool grand, int indent)
{
    FinancialRowStyle s;
    s.indent = indent;
    s.above = TableRule::Single;
    if (grand) {
        s.dollar = true;
        s.below = TableRule::Double;
    }
    return row(label, values, s);
}

FinancialTable& FinancialTable::blank()
{
    TableRow r;
    r.cells.push_back({ "" });
    m_table.rows.push_back(r);
    return *this;
}

} // namespace moescope

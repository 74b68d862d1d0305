#pragma once
// Builds the tables of financial statements and notes: a label column, one right-aligned column per period, a
// spanning period header ("Year Ended December 31,"), "$" on the first and total rows, parentheses for negatives,
// and rules over subtotals and under totals.

#include "docs/layoutblocks.h"

#include <cstdint>
#include <string>
#include <vector>

namespace moescope {

struct FinancialRowStyle {
    int indent = 0; // levels of 10 pt
    bool dollar = false;
    bool bold = false;
    TableRule above = TableRule::None;
    TableRule below = TableRule::None;
    double spaceBefore = 0;
};

class FinancialTable {
public:
    // columns: the period headings ("2025"); spanHeader over them (may be empty); caption in the label column of
    // the heading row ("(in millions)"). textWidth: the page's text width; the label column takes what the figure
    // columns leave.
    FinancialTable(std::vector<std::string> columns, std::string spanHeader, std::string caption, double textWidth,
        double columnWidth = 64);

    // A label-only row ("Current assets:").
    FinancialTable& section(const std::string& label, const FinancialRowStyle& style = {});
    // Figures in $ millions, formatted with formatAmount.
    FinancialTable& row(
        const std::string& label, const std::vector<std::int64_t>& values, const FinancialRowStyle& style = {});
    // Pre-formatted cells ("3.42", "21.0%").
    FinancialTable& textRow(
        const std::string& label, const std::vector<std::string>& cells, const FinancialRowStyle& style = {});
    // A total: rule above, and a $ sign and double rule below when grand.
    FinancialTable& total(
        const std::string& label, const std::vector<std::int64_t>& values, bool grand = false, int indent = 0);
    FinancialTable& blank();
    // Index of the last row added (for key figures).
    std::size_t lastRow() const { return m_table.rows.size() - 1; }
    TableBlock& table() { return m_table; }
    TableBlock build() const { return m_table; }

private:
    TableBlock m_table;
    std::size_t m_figureColumns;
};

} // namespace moescope

#pragma once
// Locates the primary financial statements of a report (income statement, balance sheet, cash flow statement: the
// first page whose heading is the statement's title, not a table-of-contents line or a cross reference, and that
// holds the statement's anchor row) and reads the key figures for every year column: total revenue / net sales, net
// income attributable to the company, diluted EPS, total assets, total liabilities (computed as total liabilities and
// equity minus total equity when the balance sheet has no such line; the figure then says so), operating cash flow.

#include "docs/document.h"
#include "docs/financialfigures.h"

namespace moescope {

class FigureExtractor {
public:
    FinancialFigures extract(const Document& document) const;
};

} // namespace moescope

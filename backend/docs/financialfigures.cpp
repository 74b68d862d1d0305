#include "docs/financialfigures.h"

namespace moescope {

std::string_view statementKindName(StatementKind kind)
{
    switch (kind) {
    case StatementKind::Income:
        return "income_statement";
    case StatementKind::BalanceSheet:
        return "balance_sheet";
    case StatementKind::CashFlow:
        return "cash_flow";
    }
    return "";
}

const KeyFigure* FinancialFigures::find(const std::string& name, int year) const
{
    for (const auto& f : figures)
        if (f.name == name && f.year == year)
            return &f;
    return nullptr;
}

} // namespace moescope

#pragma once
// Financial statements found in a report and the key figures read from them. Plain values.

#include <string>
#include <vector>

namespace moescope {

enum class StatementKind { Income, BalanceSheet, CashFlow };

std::string_view statementKindName(StatementKind kind); // "income_statement", "balance_sheet", "cash_flow"

struct FinancialStatement {
    StatementKind kind = StatementKind::Income;
    std::string title; // as printed, e.g. "Consolidated Statements of Operations"
    int pageStart = 0; // 0-based
    int pageEnd = 0;
    std::vector<int> years; // column years, left to right
    std::string unit; // "millions", "thousands", "billions" or "" (units)
};

// Names: total_revenue, net_income, diluted_eps, total_assets, total_liabilities, operating_cash_flow.
struct KeyFigure {
    std::string name;
    int year = 0;
    double value = 0; // as printed, in the statement's unit (EPS: currency per share)
    int page = 0; // 0-based page the value is printed on
    std::string label; // the row label as printed
    std::string unit; // statement unit, or "per share" for EPS
    bool derived = false; // computed from other rows (see note)
    std::string note;
};

struct FinancialFigures {
    std::vector<FinancialStatement> statements;
    std::vector<KeyFigure> figures;

    const KeyFigure* find(const std::string& name, int year) const;
};

} // namespace moescope

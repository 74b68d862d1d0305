// Item 8: the report of the independent auditor and the five primary financial statements.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <algorithm>

namespace moescope {

namespace {

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::vector<Money> negate(std::vector<Money> v)
{
    for (auto& x : v)
        x = -x;
    return v;
}

} // namespace

std::string SampleReportGenerator::statementTitle(const std::string& title)
{
    m_doc.centered(upper(m_company.name), 10, true, 2);
    m_doc.centered(upper(title), 10, true, 8);
    return title;
}

void SampleReportGenerator::statementFooter()
{
    m_doc.paragraph("See accompanying notes to consolidated financial statements.", TextAlign::Center, 9, 6);
}

void SampleReportGenerator::incomeStatement()
{
    m_doc.startPage("income-statement");
    statementTitle("Consolidated Statements of Income");
    auto t = yearTable(3, "(in millions, except per share amounts)");
    t.section("Net revenue:");
    t.row("Products", values(&YearFinancials::productRevenue, 3), { .indent = 1, .dollar = true });
    t.row("Services", values(&YearFinancials::serviceRevenue, 3), { .indent = 1 });
    t.total("Total net revenue", values(&YearFinancials::revenue, 3), false, 2);
    const auto revenueRow = t.lastRow();
    t.section("Cost of revenue:", { .spaceBefore = 3 });
    t.row("Products", values(&YearFinancials::costOfProducts, 3), { .indent = 1 });
    t.row("Services", values(&YearFinancials::costOfServices, 3), { .indent = 1 });
    t.total("Total cost of revenue", values(&YearFinancials::costOfRevenue, 3), false, 2);
    t.total("Gross profit", values(&YearFinancials::grossProfit, 3));
    t.section("Operating expenses:", { .spaceBefore = 3 });
    t.row("Selling, general and administrative", values(&YearFinancials::sga, 3), { .indent = 1 });
    t.row("Research and development", values(&YearFinancials::researchDevelopment, 3), { .indent = 1 });
    t.row("Amortization of intangible assets", values(&YearFinancials::amortization, 3), { .indent = 1 });
    t.row("Restructuring charges", values(&YearFinancials::restructuring, 3), { .indent = 1 });
    t.total("Total operating expenses", values(&YearFinancials::operatingExpenses, 3), false, 2);
    t.total("Operating income", values(&YearFinancials::operatingIncome, 3));
    t.row("Interest expense", negate(values(&YearFinancials::interestExpense, 3)), { .indent = 1 });
    t.row("Interest income and other, net", values(&YearFinancials::otherIncome, 3), { .indent = 1 });
    t.total("Income before income taxes", values(&YearFinancials::pretaxIncome, 3));
    t.row("Provision for income taxes", values(&YearFinancials::taxProvision, 3));
    t.total("Net income", values(&YearFinancials::netIncome, 3), true);
    const auto incomeRow = t.lastRow();
    t.section("Earnings per share:", { .spaceBefore = 6 });
    std::vector<std::string> basic, diluted, basicShares, dilutedShares;
    for (int b = 0; b < 3; ++b) {
        basic.push_back(formatCents(fy(b).epsBasicCents, false));
        diluted.push_back(formatCents(fy(b).epsDilutedCents, false));
        basicShares.push_back(formatTenths(fy(b).basicSharesTenths));
        dilutedShares.push_back(formatTenths(fy(b).dilutedSharesTenths));
    }
    t.textRow("Basic", basic, { .indent = 1, .dollar = true });
    t.textRow("Diluted", diluted, { .indent = 1, .dollar = true, .below = TableRule::Double });
    const auto epsRow = t.lastRow();
    t.section("Weighted-average shares outstanding:", { .spaceBefore = 6 });
    t.textRow("Basic", basicShares, { .indent = 1 });
    t.textRow("Diluted", dilutedShares, { .indent = 1 });
    const auto block = m_doc.table(t.build());
    statementFooter();
    m_doc.namePage("income_statement", "Consolidated Statements of Income", block);
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        m_doc.figure({ "total_revenue", y.year, static_cast<double>(y.revenue), "USD millions", formatAmount(y.revenue),
            "income_statement", block, revenueRow });
        m_doc.figure({ "net_income", y.year, static_cast<double>(y.netIncome), "USD millions",
            formatAmount(y.netIncome), "income_statement", block, incomeRow });
        m_doc.figure({ "diluted_eps", y.year, y.epsDilutedCents / 100.0, "USD per share",
            formatCents(y.epsDilutedCents, false), "income_statement", block, epsRow });
    }
}

void SampleReportGenerator::comprehensiveIncome()
{
    m_doc.startPage("comprehensive-income");
    statementTitle("Consolidated Statements of Comprehensive Income");
    auto t = yearTable(3, "(in millions)");
    t.row("Net income", values(&YearFinancials::netIncome, 3), { .dollar = true });
    t.section("Other comprehensive income (loss), net of tax:", { .spaceBefore = 3 });
    t.row("Foreign currency translation adjustments", values(&YearFinancials::translation, 3), { .indent = 1 });
    t.row("Unrealized gains (losses) on cash flow hedges", values(&YearFinancials::hedges, 3), { .indent = 1 });
    t.total("Other comprehensive income (loss), net of tax", values(&YearFinancials::otherComprehensive, 3), false, 2);
    t.total("Comprehensive income", values(&YearFinancials::comprehensiveIncome, 3), true);
    const auto block = m_doc.table(t.build());
    statementFooter();
    m_doc.namePage("comprehensive_income", "Consolidated Statements of Comprehensive Income", block);
}

void SampleReportGenerator::balanceSheet()
{
    m_doc.startPage("balance-sheet");
    statementTitle("Consolidated Balance Sheets");
    auto t = yearTable(2, "(in millions, except par value)", "December 31,", 70);
    auto v = [&](Money YearFinancials::*f) { return values(f, 2); };
    t.section("ASSETS", { .bold = true });
    t.section("Current assets:");
    t.row("Cash and cash equivalents", v(&YearFinancials::cash), { .indent = 1, .dollar = true });
    t.row("Accounts receivable, net of allowance for credit losses of $" + formatGrouped(fy(0).allowance) + " and $"
            + formatGrouped(fy(1).allowance),
        v(&YearFinancials::receivables), { .indent = 1 });
    t.row("Inventories", v(&YearFinancials::inventories), { .indent = 1 });
    t.row("Prepaid expenses and other current assets", v(&YearFinancials::prepaid), { .indent = 1 });
    t.total("Total current assets", v(&YearFinancials::currentAssets), false, 2);
    t.row("Property, plant and equipment, net", v(&YearFinancials::ppeNet));
    t.row("Operating lease right-of-use assets", v(&YearFinancials::rightOfUse));
    t.row("Goodwill", v(&YearFinancials::goodwill));
    t.row("Intangible assets, net", v(&YearFinancials::intangiblesNet));
    t.row("Other assets", v(&YearFinancials::otherAssets));
    t.total("Total assets", v(&YearFinancials::totalAssets), true);
    const auto assetsRow = t.lastRow();
    t.section("LIABILITIES AND STOCKHOLDERS\u2019 EQUITY", { .bold = true, .spaceBefore = 6 });
    t.section("Current liabilities:");
    t.row("Accounts payable", v(&YearFinancials::payables), { .indent = 1, .dollar = true });
    t.row("Accrued compensation and benefits", v(&YearFinancials::accruedCompensation), { .indent = 1 });
    t.row("Other accrued liabilities", v(&YearFinancials::otherAccrued), { .indent = 1 });
    t.row("Current portion of long-term debt", v(&YearFinancials::currentDebt), { .indent = 1 });
    t.row("Operating lease liabilities, current", v(&YearFinancials::leaseCurrent), { .indent = 1 });
    t.total("Total current liabilities", v(&YearFinancials::currentLiabilities), false, 2);
    t.row("Long-term debt, net of current portion", v(&YearFinancials::longTermDebt));
    t.row("Operating lease liabilities, noncurrent", v(&YearFinancials::leaseNoncurrent));
    t.row("Deferred income taxes", v(&YearFinancials::deferredTaxLiability));
    t.row("Other long-term liabilities", v(&YearFinancials::otherLiabilities));
    t.total("Total liabilities", v(&YearFinancials::totalLiabilities));
    const auto liabilitiesRow = t.lastRow();
    t.section("Commitments and contingencies (" + m_text.get("note_commitments") + ")", { .spaceBefore = 3 });
    t.section("Stockholders\u2019 equity:", { .spaceBefore = 3 });
    t.row("Preferred stock, $0.01 par value; 10.0 million shares authorized; none issued", { 0, 0 }, { .indent = 1 });
    t.row("Common stock, $0.01 par value; 400.0 million shares authorized; " + formatShareCount(fy(0).sharesIssued)
            + " and " + formatShareCount(fy(1).sharesIssued) + " shares issued; "
            + formatShareCount(fy(0).sharesOutstanding) + " and " + formatShareCount(fy(1).sharesOutstanding)
            + " shares outstanding",
        v(&YearFinancials::commonStock), { .indent = 1 });
    t.row("Additional paid-in capital", v(&YearFinancials::paidInCapital), { .indent = 1 });
    t.row("Retained earnings", v(&YearFinancials::retainedEarnings), { .indent = 1 });
    t.row("Treasury stock, at cost; " + formatShareCount(fy(0).treasuryShares) + " and "
            + formatShareCount(fy(1).treasuryShares) + " shares",
        v(&YearFinancials::treasuryStock), { .indent = 1 });
    t.row("Accumulated other comprehensive loss", v(&YearFinancials::accumulatedOci), { .indent = 1 });
    t.total("Total stockholders\u2019 equity", v(&YearFinancials::totalEquity), false, 2);
    t.total("Total liabilities and stockholders\u2019 equity", v(&YearFinancials::totalLiabilitiesAndEquity), true);
    const auto block = m_doc.table(t.build());
    statementFooter();
    m_doc.namePage("balance_sheet", "Consolidated Balance Sheets", block);
    for (int b = 0; b < 2; ++b) {
        const auto& y = fy(b);
        m_doc.figure({ "total_assets", y.year, static_cast<double>(y.totalAssets), "USD millions",
            formatAmount(y.totalAssets), "balance_sheet", block, assetsRow });
        m_doc.figure({ "total_liabilities", y.year, static_cast<double>(y.totalLiabilities), "USD millions",
            formatAmount(y.totalLiabilities), "balance_sheet", block, liabilitiesRow });
    }
}

void SampleReportGenerator::cashFlows()
{
    m_doc.startPage("cash-flows");
    statementTitle("Consolidated Statements of Cash Flows");
    auto t = yearTable(3, "(in millions)");
    auto v = [&](Money YearFinancials::*f) { return values(f, 3); };
    t.section("Cash flows from operating activities:", { .bold = true });
    t.row("Net income", v(&YearFinancials::netIncome), { .indent = 1, .dollar = true });
    t.section("Adjustments to reconcile net income to net cash provided by operating activities:", { .indent = 1 });
    t.row("Depreciation", v(&YearFinancials::depreciation), { .indent = 2 });
    t.row("Amortization of intangible assets", v(&YearFinancials::amortization), { .indent = 2 });
    t.row("Stock-based compensation", v(&YearFinancials::stockCompensation), { .indent = 2 });
    t.row("Deferred income taxes", v(&YearFinancials::deferredTax), { .indent = 2 });
    t.section("Changes in operating assets and liabilities, net of effects of acquisitions:", { .indent = 1 });
    t.row("Accounts receivable", v(&YearFinancials::changeReceivables), { .indent = 2 });
    t.row("Inventories", v(&YearFinancials::changeInventories), { .indent = 2 });
    t.row("Prepaid expenses and other assets", v(&YearFinancials::changePrepaid), { .indent = 2 });
    t.row("Accounts payable", v(&YearFinancials::changePayables), { .indent = 2 });
    t.row("Accrued and other current liabilities", v(&YearFinancials::changeAccrued), { .indent = 2 });
    t.row("Other long-term liabilities", v(&YearFinancials::changeOther), { .indent = 2 });
    t.total("Net cash provided by operating activities", v(&YearFinancials::operatingCashFlow), false, 3);
    const auto cfoRow = t.lastRow();
    t.section("Cash flows from investing activities:", { .bold = true, .spaceBefore = 4 });
    t.row("Capital expenditures", negate(v(&YearFinancials::capex)), { .indent = 1 });
    t.row("Acquisitions, net of cash acquired", negate(v(&YearFinancials::acquisitions)), { .indent = 1 });
    t.total("Net cash used in investing activities", v(&YearFinancials::investingCashFlow), false, 3);
    t.section("Cash flows from financing activities:", { .bold = true, .spaceBefore = 4 });
    t.row("Proceeds from issuance of long-term debt and borrowings under credit facility",
        v(&YearFinancials::debtProceeds), { .indent = 1 });
    t.row("Repayments of long-term debt and credit facility borrowings", negate(v(&YearFinancials::debtRepayments)),
        { .indent = 1 });
    t.row("Repurchases of common stock", negate(v(&YearFinancials::repurchases)), { .indent = 1 });
    t.row("Dividends paid", negate(v(&YearFinancials::dividends)), { .indent = 1 });
    t.row("Proceeds from employee stock plans, net", v(&YearFinancials::stockPlanProceeds), { .indent = 1 });
    t.total("Net cash used in financing activities", v(&YearFinancials::financingCashFlow), false, 3);
    t.row("Effect of exchange rate changes on cash and cash equivalents", v(&YearFinancials::fxOnCash),
        { .spaceBefore = 4 });
    t.total("Net increase (decrease) in cash and cash equivalents", v(&YearFinancials::netChangeInCash));
    t.row("Cash and cash equivalents at beginning of year", v(&YearFinancials::cashBegin));
    t.total("Cash and cash equivalents at end of year", v(&YearFinancials::cash), true);
    t.section("Supplemental cash flow information:", { .bold = true, .spaceBefore = 6 });
    std::vector<Money> taxesPaid, interestPaid;
    for (int b = 0; b < 3; ++b) {
        taxesPaid.push_back(fy(b).tax.cashTaxesPaid);
        interestPaid.push_back(fy(b).interestExpense - (fy(b).accruedInterest - fy(b + 1).accruedInterest));
    }
    t.row("Cash paid for income taxes, net of refunds", taxesPaid, { .indent = 1, .dollar = true });
    t.row("Cash paid for interest", interestPaid, { .indent = 1 });
    t.row("Right-of-use assets obtained in exchange for new operating lease liabilities", v(&YearFinancials::newLeases),
        { .indent = 1 });
    const auto block = m_doc.table(t.build());
    statementFooter();
    m_doc.namePage("cash_flows", "Consolidated Statements of Cash Flows", block);
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        m_doc.figure({ "operating_cash_flow", y.year, static_cast<double>(y.operatingCashFlow), "USD millions",
            formatAmount(y.operatingCashFlow), "cash_flows", block, cfoRow });
    }
}

void SampleReportGenerator::stockholdersEquity()
{
    m_doc.startPage("stockholders-equity");
    statementTitle("Consolidated Statements of Stockholders\u2019 Equity");
    TableBlock t;
    const double col = 48;
    t.columns.push_back({ m_textWidth - 7 * col, TextAlign::Left, true });
    for (int i = 0; i < 7; ++i)
        t.columns.push_back({ col, TextAlign::Right, false });
    t.fontSize = 7.5;
    t.rowHeight = 10;
    auto header = [&](const std::string& label, std::vector<TableCell> cells) {
        TableRow r;
        r.header = true;
        r.bold = true;
        r.cells.push_back({ label });
        for (auto& c : cells) {
            c.align = TextAlign::Center;
            r.cells.push_back(c);
        }
        t.rows.push_back(r);
    };
    auto cell = [](const std::string& text, bool underline = false, int span = 1) {
        TableCell c;
        c.text = text;
        c.underline = underline;
        c.span = span;
        return c;
    };
    header("", { cell("Common Stock", true, 2), cell(""), cell(""), cell(""), cell(""), cell("") });
    header("(in millions; shares in thousands)",
        { cell("Shares", true), cell("Amount", true), cell("Additional Paid-in Capital", true),
            cell("Retained Earnings", true), cell("Treasury Stock", true), cell("AOCI (a)", true),
            cell("Total Equity", true) });
    auto data = [&](const std::string& label, std::vector<std::string> cells, bool bold, TableRule above, bool dollar) {
        TableRow r;
        r.bold = bold;
        r.ruleAbove = above;
        r.indent = bold ? 0 : 8;
        r.cells.push_back({ label });
        for (std::size_t i = 0; i < cells.size(); ++i) {
            TableCell c;
            c.text = cells[i];
            c.dollar = dollar && i > 0 && !cells[i].empty();
            r.cells.push_back(c);
        }
        t.rows.push_back(r);
    };
    auto balance = [&](const YearFinancials& y, bool first) {
        data("Balance at December 31, " + std::to_string(y.year),
            { formatGrouped(y.sharesOutstanding), formatAmount(y.commonStock), formatAmount(y.paidInCapital),
                formatAmount(y.retainedEarnings), formatAmount(y.treasuryStock), formatAmount(y.accumulatedOci),
                formatAmount(y.totalEquity) },
            true, first ? TableRule::None : TableRule::Single, true);
    };
    balance(fy(3), true);
    for (int b = 2; b >= 0; --b) {
        const auto& y = fy(b);
        data("Net income", { "", "", "", formatAmount(y.netIncome), "", "", formatAmount(y.netIncome) }, false,
            TableRule::None, false);
        data("Other comprehensive income (loss)",
            { "", "", "", "", "", formatAmount(y.otherComprehensive), formatAmount(y.otherComprehensive) }, false,
            TableRule::None, false);
        data("Stock-based compensation",
            { "", "", formatAmount(y.stockCompensation), "", "", "", formatAmount(y.stockCompensation) }, false,
            TableRule::None, false);
        data("Issuance of common stock under employee plans, net",
            { formatGrouped(y.sharesIssuedPlans), "", formatAmount(y.stockPlanProceeds), "", "", "",
                formatAmount(y.stockPlanProceeds) },
            false, TableRule::None, false);
        data("Repurchases of common stock",
            { "(" + formatGrouped(y.sharesRepurchased) + ")", "", "", "", formatAmount(-y.repurchases), "",
                formatAmount(-y.repurchases) },
            false, TableRule::None, false);
        data("Cash dividends declared ($" + formatCents(4 * y.dividendQuarterCents, false) + " per share)",
            { "", "", "", formatAmount(-y.dividends), "", "", formatAmount(-y.dividends) }, false, TableRule::None,
            false);
        balance(y, false);
    }
    t.rows.back().ruleBelow = TableRule::Double;
    const auto block = m_doc.table(std::move(t));
    m_doc.paragraph("(a) Accumulated other comprehensive loss.", TextAlign::Left, 8.5, 6);
    statementFooter();
    m_doc.namePage("stockholders_equity", "Consolidated Statements of Stockholders\u2019 Equity", block);
}

void SampleReportGenerator::financialStatements()
{
    m_doc.item("II", "8", "Financial Statements and Supplementary Data", true);
    m_doc.heading("INDEX TO CONSOLIDATED FINANCIAL STATEMENTS", 1);
    TableBlock idx;
    idx.columns = { { m_textWidth - 60, TextAlign::Left, true }, { 60, TextAlign::Right, false } };
    idx.fontSize = 10;
    idx.rowHeight = 14;
    idx.keepTogether = true;
    auto entry = [&](const std::string& title, const std::string& anchor) {
        TableRow r;
        r.cells.push_back({ title });
        TableCell c;
        c.pageRef = anchor;
        r.cells.push_back(c);
        idx.rows.push_back(r);
    };
    {
        TableRow h;
        h.cells.push_back({ "" });
        TableCell c;
        c.text = "Page";
        c.bold = true;
        h.cells.push_back(c);
        idx.rows.push_back(h);
    }
    entry("Management\u2019s Report on Financial Statements and Internal Control over Financial Reporting",
        "management-report");
    entry("Report of Independent Registered Public Accounting Firm (PCAOB ID: " + std::to_string(100 + m_seed % 800)
            + ")",
        "auditor-report");
    entry("Consolidated Statements of Income for the years ended December 31, " + m_text.get("fy") + ", "
            + m_text.get("py") + " and " + m_text.get("ppy"),
        "income-statement");
    entry("Consolidated Statements of Comprehensive Income for the years ended December 31, " + m_text.get("fy") + ", "
            + m_text.get("py") + " and " + m_text.get("ppy"),
        "comprehensive-income");
    entry("Consolidated Balance Sheets as of December 31, " + m_text.get("fy") + " and " + m_text.get("py"),
        "balance-sheet");
    entry("Consolidated Statements of Cash Flows for the years ended December 31, " + m_text.get("fy") + ", "
            + m_text.get("py") + " and " + m_text.get("ppy"),
        "cash-flows");
    entry("Consolidated Statements of Stockholders\u2019 Equity for the years ended December 31, " + m_text.get("fy")
            + ", " + m_text.get("py") + " and " + m_text.get("ppy"),
        "stockholders-equity");
    entry("Notes to Consolidated Financial Statements", "notes");
    m_doc.table(std::move(idx));
    auditorReport();
    incomeStatement();
    comprehensiveIncome();
    balanceSheet();
    cashFlows();
    stockholdersEquity();
    notes();
}

} // namespace moescope

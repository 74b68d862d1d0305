// Notes to the consolidated financial statements: supporting tables for contract balances, debt issuances, tax
// carryforwards, equity awards, restructuring costs and accrued compensation.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>
#include <cstdio>

namespace moescope {

void SampleReportGenerator::noteContractTables()
{
    auto& d = m_doc;
    const auto& y = fy(0);
    para("The following table presents contract balances and the revenue recognized from contract liabilities:");
    auto t = yearTable(2, "(in millions)", "December 31,", 70);
    std::vector<Money> unbilled, recognized;
    for (int b = 0; b < 2; ++b) {
        unbilled.push_back(std::llround(fy(b).revenue * 0.006));
        recognized.push_back(std::llround(fy(b + 1).contractLiabilities * 0.93));
    }
    t.row("Contract assets (unbilled receivables)", unbilled, { .dollar = true });
    t.row("Contract liabilities", values(&YearFinancials::contractLiabilities, 2));
    t.row("Revenue recognized during the year from beginning contract liabilities", recognized, { .spaceBefore = 4 });
    d.table(t.build());
    const Money rpo = y.remainingPerformanceObligations;
    const Money first = std::llround(rpo * 0.8);
    const Money second = std::llround(rpo * 0.14);
    FinancialTable r({ "Amount" }, "", "(in millions)", m_textWidth, 80);
    r.row("Within 12 months", { first }, { .dollar = true });
    r.row("13 to 36 months", { second });
    r.row("Thereafter", { rpo - first - second });
    r.total("Total remaining performance obligations", { rpo }, true);
    para("The expected timing of revenue from remaining performance obligations at {fye} is as follows:");
    d.table(r.build());
}

void SampleReportGenerator::noteGoodwillUnits()
{
    para("The Company has [five|six|seven] reporting units, which are one level below its reportable segments. In its "
         "{fy} annual test, the Company performed a quantitative assessment for the reporting unit that includes "
         "{acq} and qualitative assessments for the other reporting units. The quantitative assessment used a "
         "discount rate of [9.5%|10.0%|10.5%] and a terminal growth rate of [2.5%|3.0%], and indicated that the fair "
         "value of the reporting unit exceeded its carrying value. The qualitative assessments considered "
         "macroeconomic conditions, industry and market trends, cost factors, the financial performance of each "
         "reporting unit and the Company\u2019s market capitalization, and did not indicate that it was more likely "
         "than not that the fair value of any reporting unit was less than its carrying value.");
}

void SampleReportGenerator::noteDebtIssuances()
{
    std::string text;
    for (const auto& t : m_financials->debtOutstanding(m_company.fiscalYear)) {
        char coupon[16];
        std::snprintf(coupon, sizeof coupon, "%.3f%%", t.coupon * 100);
        text += "The " + t.name + " were issued in " + std::to_string(t.issued)
            + " in an aggregate principal amount of " + formatMillions(t.principal) + ", bear interest at " + coupon
            + " per year payable semiannually, and mature in " + std::to_string(t.maturity) + ". ";
    }
    if (!text.empty())
        para(text
            + "The Company may redeem each series of notes before its par call date at a make-whole premium "
              "and thereafter at par.");
}

void SampleReportGenerator::noteTaxCarryforwards()
{
    auto& d = m_doc;
    const auto& t = fy(0).tax;
    para("The following table presents the Company\u2019s tax carryforwards as of {fye} (tax-effected):");
    FinancialTable c({ "Amount", "Expiration" }, "", "(in millions)", m_textWidth, 80);
    const Money foreign = std::llround(t.dtaCarryforwards * 0.62);
    const Money state = std::llround(t.dtaCarryforwards * 0.23);
    c.textRow("Foreign net operating losses", { formatAmount(foreign), "2030\u2013Indefinite" }, { .dollar = true });
    c.textRow("State net operating losses", { formatAmount(state), "2028\u20132045" });
    c.textRow(
        "State and foreign tax credits", { formatAmount(t.dtaCarryforwards - foreign - state), "2027\u20132040" });
    c.textRow("Total", { formatAmount(t.dtaCarryforwards), "" }, { .dollar = true, .above = TableRule::Single });
    auto block = c.build();
    for (auto& row : block.rows)
        if (row.cells.size() > 2)
            row.cells[2].dollar = false;
    d.table(std::move(block));
}

void SampleReportGenerator::noteAwardHistory()
{
    auto& d = m_doc;
    para("The following table presents additional information about restricted stock units and performance share "
         "units:");
    auto t = yearTable(3, "(in millions, except per unit amounts)");
    std::vector<std::string> fv;
    std::vector<Money> vested, granted;
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        const double price = (y.stockPriceEnd + fy(b + 1).stockPriceEnd) / 2;
        fv.push_back(formatCents(static_cast<int>(std::lround(price * 100)), false));
        granted.push_back(std::llround(y.stockCompensation * 1.1));
        vested.push_back(std::llround(y.stockCompensation * 0.95 * y.stockPriceEnd / price));
    }
    t.textRow("Weighted-average grant-date fair value per unit granted", fv, { .dollar = true });
    t.row("Grant-date fair value of units granted", granted, { .dollar = true });
    t.row("Fair value of units vested", vested);
    d.table(t.build());
}

void SampleReportGenerator::noteRestructuringTypes()
{
    auto& d = m_doc;
    para("Restructuring charges by type were as follows:");
    auto t = yearTable(3, "(in millions)");
    std::vector<Money> severance, facility, other;
    for (int b = 0; b < 3; ++b) {
        const Money r = fy(b).restructuring;
        severance.push_back(std::llround(r * 0.68));
        facility.push_back(std::llround(r * 0.24));
        other.push_back(r - severance.back() - facility.back());
    }
    t.row("Employee severance and related costs", severance, { .dollar = true });
    t.row("Facility exit and relocation costs", facility);
    t.row("Other", other);
    t.total("Total restructuring charges", values(&YearFinancials::restructuring, 3), true);
    d.table(t.build());
}

void SampleReportGenerator::noteAccruedCompensation()
{
    auto& d = m_doc;
    m_doc.heading("Accrued Compensation and Benefits", 2);
    auto t = yearTable(2, "(in millions)", "December 31,", 70);
    std::vector<Money> wages, incentive, benefits, other;
    for (int b = 0; b < 2; ++b) {
        const Money a = fy(b).accruedCompensation;
        wages.push_back(std::llround(a * 0.31));
        incentive.push_back(std::llround(a * 0.38));
        benefits.push_back(std::llround(a * 0.19));
        other.push_back(a - wages.back() - incentive.back() - benefits.back());
    }
    t.row("Salaries, wages and commissions", wages, { .dollar = true });
    t.row("Incentive compensation", incentive);
    t.row("Employee benefits and payroll taxes", benefits);
    t.row("Vacation and other", other);
    t.total("Total accrued compensation and benefits", values(&YearFinancials::accruedCompensation, 2), true);
    d.table(t.build());
}

} // namespace moescope

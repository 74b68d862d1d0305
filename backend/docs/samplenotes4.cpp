// Notes to the consolidated financial statements, part four: supplemental financial information and quarterly data.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>

namespace moescope {

void SampleReportGenerator::noteSupplemental()
{
    auto& d = m_doc;
    noteHeading("supplemental");
    para("**Prepaid Expenses and Other Current Assets.** The components were as follows:");
    auto p = yearTable(2, "(in millions)", "December 31,", 70);
    std::vector<Money> prepaidTax, prepaidOther, deriv, other;
    for (int b = 0; b < 2; ++b) {
        const auto& y = fy(b);
        const Money base = y.prepaid - y.derivativeAssets;
        prepaidTax.push_back(std::llround(base * 0.28));
        prepaidOther.push_back(std::llround(base * 0.41));
        deriv.push_back(y.derivativeAssets);
        other.push_back(base - prepaidTax.back() - prepaidOther.back());
    }
    p.row("Prepaid income and other taxes", prepaidTax, { .dollar = true });
    p.row("Prepaid expenses", prepaidOther);
    p.row("Derivative assets", deriv);
    p.row("Other current assets", other);
    p.total("Total prepaid expenses and other current assets", values(&YearFinancials::prepaid, 2), true);
    d.table(p.build());
    para("**Other Assets.** The components were as follows:");
    auto o = yearTable(2, "(in millions)", "December 31,", 70);
    std::vector<Money> comp, tax, cap, rest;
    for (int b = 0; b < 2; ++b) {
        const auto& y = fy(b);
        comp.push_back(std::llround(y.revenue * 0.004));
        tax.push_back(std::llround(y.otherAssets * 0.22));
        cap.push_back(std::llround(y.otherAssets * 0.31));
        rest.push_back(y.otherAssets - comp.back() - tax.back() - cap.back());
    }
    o.row("Deferred compensation plan investments", comp, { .dollar = true });
    o.row("Income taxes receivable, noncurrent", tax);
    o.row("Capitalized software, net", cap);
    o.row("Other", rest);
    o.total("Total other assets", values(&YearFinancials::otherAssets, 2), true);
    d.table(o.build());
    para("**Interest Income and Other, Net.** The components were as follows:");
    auto i = yearTable(3, "(in millions)");
    std::vector<Money> interest, fx, otherNet;
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        interest.push_back(std::llround(fy(b + 1).cash * 0.032));
        fx.push_back(std::llround((y.otherIncome - interest.back()) * 0.6));
        otherNet.push_back(y.otherIncome - interest.back() - fx.back());
    }
    i.row("Interest income", interest, { .dollar = true });
    i.row("Foreign currency transaction gains (losses), net", fx);
    i.row("Other, net", otherNet);
    i.total("Interest income and other, net", values(&YearFinancials::otherIncome, 3), true);
    d.table(i.build());
    para("**Supplemental Cash Flow Information.** Non-cash investing activities included capital expenditures "
         "incurred but not yet paid of approximately [$14 million|$18 million|$21 million] and [$12 million|$16 "
         "million] at {fye} and {pye}, respectively. Cash paid for income taxes, net of refunds, was {taxespaid} in "
         "{fy}, and cash paid for interest was {interestpaid}.");
}

void SampleReportGenerator::noteQuarterly()
{
    auto& d = m_doc;
    noteHeading("quarterly");
    para("The following tables present unaudited quarterly results of operations. The sum of the quarterly earnings "
         "per share amounts may not equal the annual amounts because of differences in the weighted-average number of "
         "shares outstanding during each period and rounding.");
    for (int b = 0; b < 2; ++b) {
        const auto q = quarters(b);
        const std::string year = std::to_string(fy(b).year);
        FinancialTable t({ "First Quarter", "Second Quarter", "Third Quarter", "Fourth Quarter", "Full Year" }, year,
            "(in millions, except per share amounts)", m_textWidth, 62);
        auto row = [&](const std::string& label, const std::array<Money, 4>& v, Money total, bool dollar) {
            t.row(label, { v[0], v[1], v[2], v[3], total }, { .dollar = dollar });
        };
        const auto& y = fy(b);
        row("Net revenue", q.revenue, y.revenue, true);
        row("Gross profit", q.grossProfit, y.grossProfit, false);
        row("Operating income", q.operatingIncome, y.operatingIncome, false);
        row("Net income", q.netIncome, y.netIncome, false);
        std::vector<std::string> basic, diluted;
        for (int k = 0; k < 4; ++k) {
            basic.push_back(formatCents(q.epsBasicCents[static_cast<std::size_t>(k)], false));
            diluted.push_back(formatCents(q.epsDilutedCents[static_cast<std::size_t>(k)], false));
        }
        basic.push_back(formatCents(y.epsBasicCents, false));
        diluted.push_back(formatCents(y.epsDilutedCents, false));
        t.textRow("Earnings per share \u2014 basic", basic, { .dollar = true, .spaceBefore = 3 });
        t.textRow("Earnings per share \u2014 diluted", diluted, { .dollar = true });
        d.table(t.build());
    }
}

} // namespace moescope

// Item 7. Management's Discussion and Analysis: key performance indicators, end-market commentary by segment,
// leverage and further critical accounting estimates.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>
#include <cstdio>

namespace moescope {

namespace {

constexpr std::string_view kMarketUp[] = {
    "Demand from customers in {em0} was [strong|robust|solid] throughout the year, supported by [new projects and "
    "capacity additions|replacement and upgrade activity|higher production rates].",
    "Sales to {em0} customers grew [at a double-digit rate|faster than the segment as a whole], and orders from {em1} "
    "customers [improved in the second half of the year|remained healthy].",
    "The segment benefited from [continued investment|higher activity] in {em0} and from [new product introductions|"
    "share gains with several large customers].",
};
constexpr std::string_view kMarketDown[] = {
    "Demand from customers in {em1} [softened|weakened] as they [reduced inventories|deferred capital projects], "
    "while activity in {em0} was [stable|more resilient].",
    "Lower sales to {em1} customers [more than offset|outweighed] [modest growth|stable demand] in {em0}.",
};
constexpr std::string_view kMarketTail[] = {
    "Sales to {em2} customers were [broadly unchanged|slightly higher|slightly lower] compared with the prior year.",
    "Service revenue [grew|increased] in line with the installed base, and aftermarket demand was [steady|solid].",
    "Pricing contributed approximately [1%|2%|3%] to the segment\u2019s revenue growth.",
};

constexpr std::string_view kMoreEstimates[][3] = {
    { "Inventory Valuation",
        "We value inventories at the lower of cost or net realizable value and record reserves for excess and "
        "obsolete inventory based on forecasted demand, product life cycles and historical usage. Significant changes "
        "in demand, technology or product design could require additional reserves.",
        "A 10% change in our inventory reserves at {fye} would not have had a material effect on our results of "
        "operations." },
    { "Product Warranties",
        "We estimate warranty costs at the time of sale based on historical claims experience and, for new products "
        "or known issues, on engineering estimates of failure rates and repair costs. Our warranty liability was "
        "{warranty} at {fye}.",
        "Actual claims could differ from our estimates, particularly for new products with limited history, and any "
        "such differences are recognized in the period in which they become known." },
    { "Stock-Based Compensation",
        "We measure performance share units with market conditions using a Monte Carlo simulation, which requires "
        "assumptions about expected volatility, risk-free interest rates and the correlation of our stock with that "
        "of peer companies. For awards based on financial performance, we estimate the probable outcome of the "
        "performance conditions at each reporting date.",
        "Changes in these estimates affect the amount of compensation expense recognized in the period of the change "
        "and in future periods." },
};

} // namespace

std::string SampleReportGenerator::segmentMarketCommentary(std::size_t s, bool growing)
{
    const auto& markets = m_company.segments[s].endMarkets;
    auto lower = [](std::string x) {
        for (auto& ch : x)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return x;
    };
    for (std::size_t k = 0; k < 3; ++k)
        m_text.set("em" + std::to_string(k), k < markets.size() ? lower(markets[k]) : std::string("other markets"));
    const auto bank
        = growing ? std::span<const std::string_view>(kMarketUp) : std::span<const std::string_view>(kMarketDown);
    return m_text.one(bank) + " " + m_text.one(kMarketTail);
}

void SampleReportGenerator::mdnaKeyIndicators()
{
    auto& d = m_doc;
    d.heading("Key Performance Indicators", 2);
    para("In addition to GAAP measures such as net revenue, operating income and net cash provided by operating "
         "activities, management uses the following indicators to monitor the performance of our businesses and to "
         "determine incentive compensation:");
    d.bullets({ fill("**Organic revenue growth**, which measures the change in net revenue excluding the effects of "
                     "acquisitions and foreign currency translation, and which was {organic_pct} in {fy};"),
        fill("**Orders and book-to-bill ratio**, which indicate the direction of future revenue;"),
        fill("**Adjusted operating margin**, which excludes amortization of acquired intangible assets and "
             "restructuring charges and reflects the underlying profitability of our operations;"),
        fill("**Free cash flow**, which measures the cash available for acquisitions, dividends, share repurchases and "
             "debt reduction, and which was {fcf} in {fy}; and"),
        fill("**Return on invested capital**, which measures how efficiently we deploy capital.") });
    para("Organic revenue growth, adjusted operating margin, adjusted diluted earnings per share, free cash flow and "
         "return on invested capital are non-GAAP measures, which are defined and reconciled to the most directly "
         "comparable GAAP measures under \u201cNon-GAAP Financial Measures\u201d below.");
}

void SampleReportGenerator::mdnaComparability()
{
    auto& d = m_doc;
    d.heading("Factors Affecting Comparability", 2);
    para("The comparability of our results across the periods presented was affected by the following items:");
    d.bullets({ fill("**Acquisition.** The results of {acq} have been included since July 1, {acqyear}, which "
                     "affects the comparison of revenue, operating expenses and amortization between {fy}, {py} and "
                     "{ppy}."),
        fill("**Restructuring.** We recorded restructuring charges under the {program} program and prior programs, "
             "which varied in amount from year to year."),
        fill("**Foreign currency.** Changes in exchange rates affected the translation of our foreign results; we "
             "quantify this effect in our discussion of net revenue."),
        fill("**Share repurchases.** Repurchases of our common stock reduced the weighted-average number of diluted "
             "shares outstanding, which affects the comparison of earnings per share.") });
}

void SampleReportGenerator::mdnaCapitalReturned()
{
    auto& d = m_doc;
    para("The following table summarizes cash returned to stockholders:");
    auto t = yearTable(3, "(in millions, except per share amounts)");
    t.row("Dividends paid", values(&YearFinancials::dividends, 3), { .dollar = true });
    t.row("Repurchases of common stock", values(&YearFinancials::repurchases, 3));
    std::vector<Money> total;
    std::vector<std::string> dps, shares;
    for (int b = 0; b < 3; ++b) {
        total.push_back(fy(b).dividends + fy(b).repurchases);
        dps.push_back(formatCents(4 * fy(b).dividendQuarterCents, false));
        shares.push_back(formatTenths(static_cast<int>(fy(b).sharesRepurchased / 100)));
    }
    t.total("Total cash returned to stockholders", total, true);
    t.textRow("Dividends declared per share", dps, { .dollar = true, .spaceBefore = 4 });
    t.textRow("Shares repurchased (millions)", shares);
    d.table(t.build());
}

void SampleReportGenerator::mdnaLeverage()
{
    auto& d = m_doc;
    d.heading("EBITDA and Leverage", 2);
    para("We monitor our leverage using the ratio of net debt, defined as total debt less cash and cash equivalents, "
         "to EBITDA, defined as net income before interest expense, interest income and other, provision for income "
         "taxes, and depreciation and amortization. Both are non-GAAP measures. The following table reconciles net "
         "income to EBITDA and presents our net debt:");
    auto t = yearTable(3, "(in millions)");
    std::vector<Money> ebitda, netDebt;
    std::vector<std::string> ratio;
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        ebitda.push_back(
            y.netIncome + y.taxProvision + y.interestExpense - y.otherIncome + y.depreciation + y.amortization);
        netDebt.push_back(y.debtPrincipal - y.cash);
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.1fx", static_cast<double>(netDebt.back()) / ebitda.back());
        ratio.push_back(buf);
    }
    std::vector<Money> other;
    for (int b = 0; b < 3; ++b)
        other.push_back(-fy(b).otherIncome);
    t.row("Net income", values(&YearFinancials::netIncome, 3), { .dollar = true });
    t.row("Provision for income taxes", values(&YearFinancials::taxProvision, 3), { .indent = 1 });
    t.row("Interest expense", values(&YearFinancials::interestExpense, 3), { .indent = 1 });
    t.row("Interest income and other, net", other, { .indent = 1 });
    t.row("Depreciation", values(&YearFinancials::depreciation, 3), { .indent = 1 });
    t.row("Amortization of intangible assets", values(&YearFinancials::amortization, 3), { .indent = 1 });
    t.total("EBITDA (non-GAAP)", ebitda, true);
    t.row("Total debt", values(&YearFinancials::debtPrincipal, 3), { .dollar = true, .spaceBefore = 4 });
    std::vector<Money> cash;
    for (int b = 0; b < 3; ++b)
        cash.push_back(-fy(b).cash);
    t.row("Less: cash and cash equivalents", cash, { .indent = 1 });
    t.total("Net debt (non-GAAP)", netDebt, true);
    t.textRow("Net debt to EBITDA", ratio, { .spaceBefore = 4 });
    d.table(t.build());
    m_text.set("leverage", ratio[0]);
    para("Net debt to EBITDA was {leverage} at {fye}, within our target range of [1.0x to 2.5x|1.5x to 2.5x]. Our long-"
         "term debt is rated [BBB+|Baa1] by the major rating agencies with a stable outlook. Our credit ratings affect "
         "the cost and availability of financing, and a downgrade could increase our borrowing costs.");
}

void SampleReportGenerator::mdnaMoreEstimates()
{
    for (const auto& e : kMoreEstimates) {
        m_doc.heading(std::string(e[0]), 2);
        para(e[1]);
        para(e[2]);
    }
}

} // namespace moescope

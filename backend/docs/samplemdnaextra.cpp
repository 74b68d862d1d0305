// Item 7. Management's Discussion and Analysis: orders and backlog, fourth-quarter results, adjusted measures,
// working capital and outlook. Quarterly figures are an unaudited split of the audited annual figures.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>
#include <cstdio>

namespace moescope {

namespace {

// Splits total into four parts by weights; the fourth takes the rounding so the quarters add up.
std::array<Money, 4> splitQuarters(Money total, const std::array<double, 4>& w)
{
    std::array<Money, 4> out {};
    Money used = 0;
    for (int q = 0; q < 3; ++q) {
        out[static_cast<std::size_t>(q)] = std::llround(total * w[static_cast<std::size_t>(q)]);
        used += out[static_cast<std::size_t>(q)];
    }
    out[3] = total - used;
    return out;
}

} // namespace

SampleReportGenerator::Quarters SampleReportGenerator::quarters(int back) const
{
    const auto& y = fy(back);
    SampleRng rng = m_rng.fork("quarters-" + std::to_string(y.year));
    std::array<double, 4> w = { 0.235, 0.25, 0.245, 0.27 };
    double sum = 0;
    for (auto& x : w) {
        x *= rng.uniform(0.97, 1.03);
        sum += x;
    }
    for (auto& x : w)
        x /= sum;
    Quarters q;
    q.revenue = splitQuarters(y.revenue, w);
    std::array<double, 4> m = w;
    for (int i = 0; i < 4; ++i)
        m[static_cast<std::size_t>(i)] *= 1 + 0.02 * (i - 1.5) / 1.5; // margins improve through the year
    sum = 0;
    for (double x : m)
        sum += x;
    for (auto& x : m)
        x /= sum;
    q.grossProfit = splitQuarters(y.grossProfit, m);
    q.operatingIncome = splitQuarters(y.operatingIncome, m);
    q.netIncome = splitQuarters(y.netIncome, m);
    for (int i = 0; i < 4; ++i) {
        // Share counts drift down through the year as repurchases reduce them.
        const double drift = 1.0 + 0.004 * (1.5 - i);
        q.epsBasicCents[static_cast<std::size_t>(i)] = static_cast<int>(
            std::lround(q.netIncome[static_cast<std::size_t>(i)] * 1000.0 / (y.basicSharesTenths * drift)));
        q.epsDilutedCents[static_cast<std::size_t>(i)] = static_cast<int>(
            std::lround(q.netIncome[static_cast<std::size_t>(i)] * 1000.0 / (y.dilutedSharesTenths * drift)));
    }
    return q;
}

void SampleReportGenerator::mdnaOrders()
{
    auto& d = m_doc;
    d.heading("Orders and Backlog", 2);
    para("Orders represent firm commitments from customers for products and services, net of cancellations. We use "
         "orders and backlog to evaluate demand trends and to plan production. The following table presents orders "
         "and backlog by segment:");
    auto t = yearTable(3, "(in millions)", "Year Ended December 31,", 60);
    std::vector<Money> totalOrders(3, 0), totalBacklog(3, 0);
    t.section("Orders:");
    for (std::size_t s = 0; s < m_company.segments.size(); ++s) {
        std::vector<Money> v;
        for (int b = 0; b < 3; ++b) {
            v.push_back(orders(b, s));
            totalOrders[static_cast<std::size_t>(b)] += v.back();
        }
        t.row(m_company.segments[s].name, v, { .indent = 1, .dollar = s == 0 });
    }
    t.total("Total orders", totalOrders, true, 2);
    t.section("Backlog at end of year:", { .spaceBefore = 4 });
    for (std::size_t s = 0; s < m_company.segments.size(); ++s) {
        std::vector<Money> v;
        for (int b = 0; b < 3; ++b) {
            v.push_back(backlog(b, s));
            totalBacklog[static_cast<std::size_t>(b)] += v.back();
        }
        t.row(m_company.segments[s].name, v, { .indent = 1, .dollar = s == 0 });
    }
    t.total("Total backlog", totalBacklog, true, 2);
    std::vector<std::string> btb;
    for (int b = 0; b < 3; ++b) {
        char buf[16];
        std::snprintf(
            buf, sizeof buf, "%.2f", static_cast<double>(totalOrders[static_cast<std::size_t>(b)]) / fy(b).revenue);
        btb.push_back(buf);
    }
    t.textRow("Book-to-bill ratio", btb, { .spaceBefore = 4 });
    d.table(t.build());
    m_text.set("orders_c", formatMillions(totalOrders[0]));
    m_text.set("orders_verb", changeVerb(totalOrders[0], totalOrders[1]));
    m_text.set("orders_pct", formatPercent(std::fabs(changeFraction(totalOrders[0], totalOrders[1]))));
    m_text.set("btb", btb[0]);
    para("Orders {orders_verb} {orders_pct} to {orders_c} in {fy}, and our book-to-bill ratio was {btb}. "
        + std::string(totalOrders[0] >= fy(0).revenue
                ? "Orders exceeded revenue as demand strengthened in several of our end markets, and backlog increased "
                  "to {backlog} at year end."
                : "Orders were below revenue as customers worked down inventories and we converted backlog built "
                  "during "
                  "prior periods of supply constraints; backlog declined to {backlog} at year end.")
        + " We expect to convert the substantial majority of year-end backlog to revenue in {nfy}.");
}

void SampleReportGenerator::mdnaFourthQuarter()
{
    auto& d = m_doc;
    const auto q = quarters(0);
    const auto p = quarters(1);
    d.heading("Fourth Quarter Results", 2);
    m_text.set("q4rev", formatMillions(q.revenue[3]));
    m_text.set("q4rev_verb", changeVerb(q.revenue[3], p.revenue[3]));
    m_text.set("q4rev_pct", formatPercent(std::fabs(changeFraction(q.revenue[3], p.revenue[3]))));
    m_text.set("q4oi", formatMillions(q.operatingIncome[3]));
    m_text.set("q4om", formatPercent(static_cast<double>(q.operatingIncome[3]) / q.revenue[3]));
    m_text.set("q4om_p", formatPercent(static_cast<double>(p.operatingIncome[3]) / p.revenue[3]));
    m_text.set("q4ni", formatMillions(q.netIncome[3]));
    m_text.set("q4eps", formatCents(q.epsDilutedCents[3]));
    m_text.set("q4eps_p", formatCents(p.epsDilutedCents[3]));
    para("Net revenue in the fourth quarter of {fy} {q4rev_verb} {q4rev_pct} to {q4rev} compared with the fourth "
         "quarter of {py}. Operating income was {q4oi}, and operating margin was {q4om} compared with {q4om_p} in the "
         "prior-year quarter, reflecting [higher volumes and the benefit of pricing and productivity|the mix of "
         "products shipped and the timing of restructuring savings]. Net income for the quarter was {q4ni}, or {q4eps} "
         "per diluted share, compared with {q4eps_p} per diluted share in the fourth quarter of {py}. Quarterly "
         "results for {fy} and {py} are presented in {note_quarterly}, \u201c{notetitle_quarterly}.\u201d "
         "Fourth-quarter net revenue by segment was as follows:");
    fourthQuarterSegments();
}

void SampleReportGenerator::mdnaAdjustedMeasures()
{
    auto& d = m_doc;
    d.heading("Adjusted Diluted Earnings Per Share", 2);
    para("Adjusted diluted earnings per share excludes the after-tax effects of amortization of acquired intangible "
         "assets and restructuring charges. We believe that this measure helps investors compare our performance "
         "across periods because these items are affected by the timing and size of acquisitions and restructuring "
         "actions. The tax effect of each adjustment is computed at the applicable statutory rate, which approximates "
         "23%.");
    auto t = yearTable(3, "(per diluted share)");
    std::vector<std::string> gaap, amort, restr, adj;
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        const int a = static_cast<int>(std::lround(y.amortization * 0.77 * 1000.0 / y.dilutedSharesTenths));
        const int r = static_cast<int>(std::lround(y.restructuring * 0.77 * 1000.0 / y.dilutedSharesTenths));
        gaap.push_back(formatCents(y.epsDilutedCents, false));
        amort.push_back(formatCents(a, false));
        restr.push_back(formatCents(r, false));
        adj.push_back(formatCents(y.epsDilutedCents + a + r, false));
    }
    t.textRow("Diluted earnings per share (GAAP)", gaap, { .dollar = true });
    t.textRow("Amortization of intangible assets, net of tax", amort, { .indent = 1 });
    t.textRow("Restructuring charges, net of tax", restr, { .indent = 1 });
    t.textRow("Adjusted diluted earnings per share (non-GAAP)", adj,
        { .dollar = true, .above = TableRule::Single, .below = TableRule::Double });
    d.table(t.build());
    d.heading("Return on Invested Capital", 2);
    para("We define return on invested capital (\u201cROIC\u201d), a non-GAAP measure, as operating income after taxes "
         "at our effective tax rate, divided by average invested capital, which is the sum of total stockholders\u2019 "
         "equity and total debt, less cash and cash equivalents, at the beginning and end of the year. We use ROIC to "
         "evaluate the returns generated by our capital allocation decisions.");
    auto r = yearTable(3, "(in millions)");
    std::vector<Money> nopat, invested;
    std::vector<std::string> roic;
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        const auto& p = fy(b + 1);
        const double rate = static_cast<double>(y.taxProvision) / y.pretaxIncome;
        nopat.push_back(std::llround(y.operatingIncome * (1 - rate)));
        const Money ic = (y.totalEquity + y.debtPrincipal - y.cash + p.totalEquity + p.debtPrincipal - p.cash) / 2;
        invested.push_back(ic);
        roic.push_back(formatPercent(static_cast<double>(nopat.back()) / ic));
    }
    r.row("Operating income after taxes", nopat, { .dollar = true });
    r.row("Average invested capital", invested, { .dollar = true });
    r.textRow("Return on invested capital", roic, { .above = TableRule::Single });
    d.table(r.build());
}

void SampleReportGenerator::mdnaWorkingCapital()
{
    auto& d = m_doc;
    d.heading("Working Capital", 2);
    auto t = yearTable(2, "(in millions)", "December 31,", 70);
    auto v = [&](Money YearFinancials::*f) { return values(f, 2); };
    t.row("Accounts receivable, net", v(&YearFinancials::receivables), { .dollar = true });
    t.row("Inventories", v(&YearFinancials::inventories));
    std::vector<Money> ap, nwc;
    std::vector<std::string> dso, dio, dpo;
    for (int b = 0; b < 2; ++b) {
        const auto& y = fy(b);
        ap.push_back(-y.payables);
        nwc.push_back(y.receivables + y.inventories - y.payables);
        dso.push_back(std::to_string(std::lround(365.0 * y.receivables / y.revenue)));
        dio.push_back(std::to_string(std::lround(365.0 * y.inventories / y.costOfRevenue)));
        dpo.push_back(std::to_string(std::lround(365.0 * y.payables / y.costOfRevenue)));
    }
    t.row("Accounts payable", ap);
    t.total("Trade working capital", nwc, true);
    t.textRow("Days sales outstanding", dso, { .spaceBefore = 4 });
    t.textRow("Days inventory outstanding", dio);
    t.textRow("Days payable outstanding", dpo);
    d.table(t.build());
    para("Trade working capital was " + formatMillions(nwc[0]) + " at {fye} compared with " + formatMillions(nwc[1])
        + " at {pye}. [We continue to focus on reducing inventory through improved sales and operations planning and "
          "lean manufacturing, and on collecting receivables promptly.|Inventory levels reflect our efforts to "
          "rebalance safety stocks that were built during the period of supply constraints, and to support new "
          "product launches.] Days sales outstanding, days inventory outstanding and days payable outstanding are "
          "calculated using year-end balances and annual net revenue or cost of revenue.");
}

void SampleReportGenerator::mdnaOutlook()
{
    auto& d = m_doc;
    d.heading("Outlook", 2);
    para("For {nfy}, we expect [modest|continued] growth in most of our end markets, led by [data center, utility and "
         "life sciences customers|semiconductor, aerospace and water markets], while demand in general industrial "
         "markets remains uncertain. We expect organic revenue growth of approximately [2% to 4%|3% to 5%], "
         "continued margin expansion from pricing, productivity and the benefits of the {program} program, and free "
         "cash flow conversion of approximately [100%|105%] of net income. We plan to invest approximately "
         "[3.5%|4.0%] of net revenue in capital expenditures and to continue to return cash to stockholders through "
         "dividends and share repurchases. These expectations are forward-looking statements and are subject to the "
         "risks described in Part I, Item 1A, \u201cRisk Factors.\u201d");
    segmentOutlook();
    d.heading("Inflation and Seasonality", 2);
    para("Inflation in labor, materials, freight and energy costs affected our results in each of the last three "
         "years. We have generally been able to offset inflation through pricing actions and productivity "
         "improvements, although the timing of these actions does not always coincide with cost increases. Our "
         "revenue and operating cash flow are typically highest in the fourth quarter, as described in Part I, Item 1, "
         "\u201cBusiness \u2014 Seasonality.\u201d");
}

} // namespace moescope

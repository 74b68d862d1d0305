// Further sections across the report: company history, competition by segment and quarterly seasonality (Item 1),
// currency exposure (Item 7A), segment outlook and fourth-quarter segment results (Item 7), acquired intangible
// assumptions and income taxes paid (notes), and governance details (Item 10).

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"
#include "docs/texttable.h"

#include <cmath>

namespace moescope {

void SampleReportGenerator::companyHistory()
{
    m_doc.heading("History", 1);
    para("{company} traces its origins to a precision machining and instrument business founded in {founded}. Over the "
         "following decades, the Company expanded from a single plant into a diversified manufacturer through the "
         "development of new product lines and a series of acquisitions that broadened its technologies and "
         "geographic reach. The Company became a public company in {ipo}. Since then, we have completed more than "
         "[twenty|thirty] acquisitions and divested several businesses that no longer fit our strategy, reshaping our "
         "portfolio toward markets with higher growth, more recurring revenue and greater technology content. Our most "
         "recent acquisition, {acq}, was completed in {acqyear}.");
}

void SampleReportGenerator::competitionTable()
{
    para("The following table summarizes the competitive landscape of each of our segments:");
    TextTable t(m_textWidth, { { 0.22 }, { 0.42 }, { 0.36 } },
        { "Segment", "Principal Competitors", "Principal Basis of Competition" });
    const char* bases[] = { "Performance, reliability, application expertise and installed base",
        "Technology, accuracy, software and service", "Price, delivery, breadth of product line and support" };
    for (std::size_t s = 0; s < m_company.segments.size(); ++s)
        t.row({ m_company.segments[s].name, capitalized(m_company.segments[s].competitors), bases[s % 3] }, 3);
    m_doc.table(t.take());
}

void SampleReportGenerator::seasonalityTable()
{
    para("The following table shows the percentage of annual net revenue recognized in each quarter of the last two "
         "years:");
    FinancialTable t({ "First Quarter", "Second Quarter", "Third Quarter", "Fourth Quarter" }, "", "", m_textWidth, 70);
    for (int b = 0; b < 2; ++b) {
        const auto q = quarters(b);
        std::vector<std::string> cells;
        for (int k = 0; k < 4; ++k)
            cells.push_back(formatPercent(static_cast<double>(q.revenue[static_cast<std::size_t>(k)]) / fy(b).revenue));
        t.textRow(std::to_string(fy(b).year), cells);
    }
    m_doc.table(t.build());
}

void SampleReportGenerator::currencyExposure()
{
    const auto& y = fy(0);
    para("The following table presents the approximate composition of our net revenue by currency for {fy}:");
    const Money usd = y.regionRevenue[0];
    const Money rest = y.revenue - usd;
    const Money eur = std::llround(rest * 0.38), cny = std::llround(rest * 0.19), gbp = std::llround(rest * 0.08),
                mxn = std::llround(rest * 0.06), jpy = std::llround(rest * 0.05);
    FinancialTable t({ "Net Revenue", "% of Total" }, "", "(in millions)", m_textWidth, 80);
    auto row = [&](const std::string& label, Money v, bool dollar) {
        t.textRow(
            label, { formatAmount(v), formatPercent(static_cast<double>(v) / y.revenue, 0) }, { .dollar = dollar });
    };
    row("U.S. dollar", usd, true);
    row("Euro", eur, false);
    row("Chinese renminbi", cny, false);
    row("British pound", gbp, false);
    row("Mexican peso", mxn, false);
    row("Japanese yen", jpy, false);
    row("Other currencies", rest - eur - cny - gbp - mxn - jpy, false);
    t.textRow("Total", { formatAmount(y.revenue), "100%" }, { .dollar = true, .above = TableRule::Single });
    auto block = t.build();
    for (auto& r : block.rows)
        if (r.cells.size() > 2)
            r.cells[2].dollar = false;
    m_doc.table(std::move(block));
}

void SampleReportGenerator::segmentOutlook()
{
    m_doc.heading("Segment Outlook", 2);
    std::vector<std::string> items;
    for (std::size_t s = 0; s < m_company.segments.size(); ++s) {
        const auto& seg = m_company.segments[s];
        m_text.set("oseg", seg.name);
        m_text.set("omarket", seg.endMarkets.empty() ? std::string("its end markets") : seg.endMarkets.front());
        items.push_back(fill("**{oseg}.** We expect [low-single-digit|mid-single-digit] organic growth, led by demand "
                             "in [the {omarket} market|{omarket}] and continued growth in services, with margin "
                             "expansion from [pricing and productivity|the benefits of restructuring and mix]."));
    }
    m_doc.bullets(items);
}

void SampleReportGenerator::fourthQuarterSegments()
{
    // Each segment's fourth quarter in proportion to the consolidated quarter; the last segment takes the rounding.
    const auto q = quarters(0);
    const auto p = quarters(1);
    FinancialTable t({ m_text.get("fy"), m_text.get("py"), "Change" }, "Three Months Ended December 31,",
        "(in millions)", m_textWidth, 70);
    Money usedC = 0, usedP = 0;
    for (std::size_t s = 0; s < m_company.segments.size(); ++s) {
        const bool last = s + 1 == m_company.segments.size();
        const Money c = last
            ? q.revenue[3] - usedC
            : std::llround(static_cast<double>(q.revenue[3]) * fy(0).segments[s].revenue / fy(0).revenue);
        const Money pr = last
            ? p.revenue[3] - usedP
            : std::llround(static_cast<double>(p.revenue[3]) * fy(1).segments[s].revenue / fy(1).revenue);
        usedC += c;
        usedP += pr;
        t.textRow(m_company.segments[s].name,
            { formatAmount(c), formatAmount(pr), formatPercentChange(changeFraction(c, pr)) }, { .dollar = s == 0 });
    }
    t.textRow("Total net revenue",
        { formatAmount(q.revenue[3]), formatAmount(p.revenue[3]),
            formatPercentChange(changeFraction(q.revenue[3], p.revenue[3])) },
        { .dollar = true, .above = TableRule::Single, .below = TableRule::Double });
    auto block = t.build();
    for (auto& r : block.rows)
        if (r.cells.size() > 3)
            r.cells[3].dollar = false;
    m_doc.table(std::move(block));
}

void SampleReportGenerator::acquiredIntangibleTable()
{
    const auto& a = fy(1);
    para("The following table presents the intangible assets acquired and their weighted-average useful lives:");
    FinancialTable t({ "Fair Value", "Useful Life (Years)" }, "", "(in millions)", m_textWidth, 90);
    t.textRow("Customer relationships", { formatAmount(a.acqCustomer), "[12|13]" }, { .dollar = true });
    t.textRow("Developed technology", { formatAmount(a.acqTechnology), "[9|10]" });
    t.textRow("Trade names", { formatAmount(a.acqTrade), "[7|8]" });
    t.textRow("Total acquired intangible assets", { formatAmount(a.acqCustomer + a.acqTechnology + a.acqTrade), "" },
        { .dollar = true, .above = TableRule::Single, .below = TableRule::Double });
    auto block = t.build();
    for (auto& r : block.rows) {
        if (r.cells.size() > 2) {
            r.cells[2].dollar = false;
            r.cells[2].text = fill(r.cells[2].text);
        }
    }
    m_doc.table(std::move(block));
}

void SampleReportGenerator::taxesPaidTable()
{
    para("Income taxes paid, net of refunds, were as follows:");
    auto t = yearTable(3, "(in millions)");
    std::vector<Money> federal, state, foreign;
    for (int b = 0; b < 3; ++b) {
        const Money paid = fy(b).tax.cashTaxesPaid;
        federal.push_back(std::llround(paid * 0.55));
        state.push_back(std::llround(paid * 0.11));
        foreign.push_back(paid - federal.back() - state.back());
    }
    std::vector<Money> total;
    for (int b = 0; b < 3; ++b)
        total.push_back(fy(b).tax.cashTaxesPaid);
    t.row("U.S. federal", federal, { .dollar = true });
    t.row("U.S. state and local", state);
    t.row("Foreign", foreign);
    t.total("Total income taxes paid, net of refunds", total, true);
    m_doc.table(t.build());
}

void SampleReportGenerator::governanceDetails()
{
    para("**Audit Committee.** The Board of Directors has a standing Audit Committee established in accordance with "
         "Section 3(a)(58)(A) of the Exchange Act. Each member of the Audit Committee is independent under the listing "
         "standards of the {exchange} and the rules of the SEC, and the Board has determined that at least two members "
         "qualify as audit committee financial experts. The Audit Committee oversees the integrity of our financial "
         "statements, our internal control over financial reporting, our compliance with legal and regulatory "
         "requirements, the independence and performance of our independent registered public accounting firm and "
         "our internal audit function, and our management of cybersecurity and other enterprise risks.");
    para(
        "**Delinquent Section 16(a) Reports.** Information regarding compliance with Section 16(a) of the Exchange Act "
        "will be included in the Proxy Statement, if applicable, and is incorporated herein by reference.");
}

} // namespace moescope

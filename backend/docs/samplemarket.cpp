// Part II, Items 5 and 6.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>

namespace moescope {

void SampleReportGenerator::marketForEquity()
{
    auto& d = m_doc;
    const auto& y = fy(0);
    d.item("II", "5",
        "Market for Registrant\u2019s Common Equity, Related Stockholder Matters and Issuer Purchases of Equity "
        "Securities");
    d.heading("Market Information", 2);
    para("Our common stock is listed on the {exchange} under the symbol \u201c{ticker}.\u201d The closing price of our "
         "common stock on {fye} was {pricefy} per share.");
    d.heading("Holders", 2);
    para("As of February 13, {nfy}, there were approximately {holders} holders of record of our common stock. This "
         "number does not include stockholders whose shares are held in street name by brokers, banks or other "
         "nominees.");
    d.heading("Dividends", 2);
    para("We have paid quarterly cash dividends on our common stock without interruption since [{ipo}|our initial "
         "public offering]. We paid dividends of {dpsq} per share in each quarter of {fy}, or {dps} per share for "
         "the year, compared with {dps_py} per share in {py}. In February {nfy}, our Board of Directors increased "
         "the quarterly dividend to {dpsq_next} per share. The declaration and payment of future dividends are at "
         "the discretion of the Board of Directors and will depend on our earnings, cash flows, financial condition, "
         "capital requirements and other factors that the Board considers relevant.");
    {
        para("Cash dividends declared per share in each quarter were as follows:");
        FinancialTable t(
            { "First Quarter", "Second Quarter", "Third Quarter", "Fourth Quarter", "Year" }, "", "", m_textWidth, 64);
        for (int b = 0; b < 2; ++b) {
            const int q = fy(b).dividendQuarterCents;
            const std::string c = formatCents(q, false);
            t.textRow(std::to_string(fy(b).year), { c, c, c, c, formatCents(4 * q, false) }, { .dollar = true });
        }
        d.table(t.build());
    }
    d.heading("Issuer Purchases of Equity Securities", 2);
    para("In [February|October] {ppy}, our Board of Directors authorized the repurchase of up to "
         "[$1.0 billion|$1.5 billion|$2.0 billion] of our common stock, with no expiration date. Repurchases may be "
         "made from time to time in the open market, through privately negotiated transactions, under Rule 10b5-1 "
         "plans or through accelerated share repurchase agreements. The following table provides information about "
         "our repurchases of common stock during the three months ended {fye}:");

    // Fourth-quarter purchases: about a quarter of the year's program, spread over three months.
    const std::int64_t q4Shares = y.sharesRepurchased * 27 / 100;
    const double price = y.stockPriceEnd;
    const double prices[3] = { price * 0.96, price * 0.99, price * 1.01 };
    const std::int64_t monthShares[3]
        = { q4Shares * 30 / 100, q4Shares * 38 / 100, q4Shares - q4Shares * 30 / 100 - q4Shares * 38 / 100 };
    const char* months[3]
        = { "October 1 \u2013 October 31", "November 1 \u2013 November 30", "December 1 \u2013 December 31" };
    TableBlock t;
    t.columns = { { m_textWidth - 4 * 80, TextAlign::Left, true }, { 80, TextAlign::Right, true },
        { 80, TextAlign::Right, true }, { 80, TextAlign::Right, true }, { 80, TextAlign::Right, true } };
    t.fontSize = 8.5;
    t.rowHeight = 10.5;
    TableRow h;
    h.header = true;
    h.bold = true;
    for (auto s : { "Period", "Total Number of Shares Purchased", "Average Price Paid per Share",
             "Shares Purchased as Part of Publicly Announced Programs",
             "Approximate Dollar Value of Shares that May Yet Be Purchased (in millions)" }) {
        TableCell c;
        c.text = s;
        c.underline = true;
        c.align = TextAlign::Center;
        h.cells.push_back(c);
    }
    t.rows.push_back(h);
    const std::int64_t remainingEnd = std::max<std::int64_t>(250, std::llround(y.revenue * 0.25 / 50) * 50);
    std::int64_t remaining = remainingEnd;
    std::int64_t spentAfter[3] = {};
    for (int i = 2; i >= 0; --i) {
        spentAfter[i] = remaining;
        remaining += std::llround(monthShares[i] * prices[i] / 1000.0);
    }
    std::int64_t total = 0;
    double totalCost = 0;
    for (int i = 0; i < 3; ++i) {
        TableRow r;
        TableCell a, b, c, e, f;
        a.text = std::string(months[i]) + ", " + std::to_string(m_company.fiscalYear);
        b.text = formatGrouped(monthShares[i] * 1000 + (i * 317) % 1000);
        c.text = formatCents(static_cast<int>(std::lround(prices[i] * 100)), false);
        c.dollar = true;
        e.text = b.text;
        f.text = formatGrouped(spentAfter[i]);
        f.dollar = true;
        r.cells = { a, b, c, e, f };
        t.rows.push_back(r);
        total += monthShares[i] * 1000 + (i * 317) % 1000;
        totalCost += (monthShares[i] * 1000 + (i * 317) % 1000) * prices[i];
    }
    TableRow tr;
    tr.ruleAbove = TableRule::Single;
    tr.bold = true;
    TableCell ta, tb, tc, te, tf;
    ta.text = "Total";
    tb.text = formatGrouped(total);
    tc.text = formatCents(static_cast<int>(std::lround(totalCost / std::max<std::int64_t>(1, total) * 100)), false);
    tc.dollar = true;
    te.text = tb.text;
    tr.cells = { ta, tb, tc, te, tf };
    t.rows.push_back(tr);
    d.table(std::move(t));
    para("During {fy}, we repurchased approximately {repurchshares} shares of our common stock for {repurch}, at an "
         "average price of {repurchprice} per share. All repurchases were made under our publicly announced "
         "program.");

    d.heading("Stock Performance Graph", 2);
    para("The following table compares the cumulative total stockholder return on our common stock for the five years "
         "ended {fye} with the cumulative total return of a broad market index and of an index of industrial "
         "technology companies. The comparison assumes that $100 was invested on December 31, "
        + std::to_string(m_company.fiscalYear - 5)
        + ", in our common stock and in each index, and that all dividends were reinvested. The stock price "
          "performance shown is not necessarily indicative of future performance.");
    TableBlock g;
    g.columns.push_back({ m_textWidth - 6 * 52, TextAlign::Left, true });
    for (int i = 0; i < 6; ++i)
        g.columns.push_back({ 52, TextAlign::Right, false });
    g.fontSize = 9;
    TableRow gh;
    gh.header = true;
    gh.bold = true;
    gh.cells.push_back({ "" });
    for (int i = 5; i >= 0; --i) {
        TableCell c;
        c.text = std::to_string(m_company.fiscalYear - i);
        c.underline = true;
        c.align = TextAlign::Center;
        gh.cells.push_back(c);
    }
    g.rows.push_back(gh);
    // Our line follows the model's year-end prices (with dividends reinvested); the indices are illustrative.
    std::vector<double> ours(6, 100.0);
    const double p0 = fy(3).stockPriceEnd;
    ours[1] = 100 * m_text.rng().uniform(0.95, 1.25);
    ours[2] = ours[1] * m_text.rng().uniform(0.85, 1.15);
    for (int i = 3; i < 6; ++i)
        ours[static_cast<std::size_t>(i)] = ours[2] * fy(5 - i).stockPriceEnd / p0 * (1 + 0.014 * (i - 2));
    std::vector<double> broad = { 100 }, peers = { 100 };
    for (int i = 1; i < 6; ++i) {
        broad.push_back(broad.back() * m_text.rng().uniform(0.88, 1.26));
        peers.push_back(peers.back() * m_text.rng().uniform(0.86, 1.24));
    }
    auto line = [&](const std::string& label, const std::vector<double>& v) {
        TableRow r;
        r.cells.push_back({ label });
        for (double x : v) {
            TableCell c;
            c.text = formatCents(static_cast<int>(std::lround(x * 100)), false);
            c.dollar = true;
            r.cells.push_back(c);
        }
        g.rows.push_back(r);
    };
    line(m_company.name, ours);
    line("Broad Market Index", broad);
    line("Industrial Technology Index", peers);
    d.table(std::move(g));
    para("The information in this \u201cStock Performance Graph\u201d section shall not be deemed to be "
         "\u201csoliciting material\u201d or \u201cfiled\u201d with the SEC or subject to Regulation 14A or 14C or to "
         "the liabilities of Section 18 of the Exchange Act, and shall not be deemed incorporated by reference into "
         "any filing under the Securities Act or the Exchange Act, except to the extent that we specifically "
         "incorporate it by reference.");
    d.heading("Recent Sales of Unregistered Securities", 2);
    para("None.");
    d.heading("Securities Authorized for Issuance Under Equity Compensation Plans", 2);
    para("Information regarding securities authorized for issuance under our equity compensation plans is included "
         "in Part III, Item 12 of this Annual Report.");
}

void SampleReportGenerator::reserved()
{
    m_doc.item("II", "6", "[Reserved]");
}

} // namespace moescope

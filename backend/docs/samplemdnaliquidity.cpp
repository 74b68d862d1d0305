// Item 7. Management's Discussion and Analysis: segments, non-GAAP measures, liquidity and critical estimates.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>

namespace moescope {

namespace {

constexpr std::string_view kSegmentUp[] = {
    "The increase reflected higher volumes, particularly in {segmarkets1}, and favorable pricing.",
    "Growth was driven by strong demand for {segexamples1} and continued expansion of our service business.",
    "Higher revenue reflected increased shipments to {segcustomers1} and price realization across most product "
    "lines.",
};
constexpr std::string_view kSegmentDown[] = {
    "The decrease reflected lower volumes as customers in {segmarkets1} reduced inventories and deferred capital "
    "projects, partially offset by pricing.",
    "Lower revenue was primarily due to weaker demand from {segcustomers1}, partially offset by growth in service and "
    "aftermarket revenue.",
};
constexpr std::string_view kMarginUp[] = {
    "Segment operating margin improved due to pricing, productivity savings and the benefit of restructuring "
    "actions, partially offset by cost inflation.",
    "The margin improvement reflected favorable mix, higher absorption of fixed costs and savings from sourcing "
    "initiatives.",
};
constexpr std::string_view kMarginDown[] = {
    "Segment operating margin declined due to cost inflation, unfavorable mix and investments in growth programs, "
    "partially offset by pricing.",
    "The lower margin reflected reduced absorption of fixed costs on lower volumes and higher material costs.",
};

constexpr std::string_view kEstimates[][4] = {
    { "Revenue Recognition",
        "We recognize revenue when control of promised goods or services transfers to our customers, in an amount "
        "that reflects the consideration we expect to receive. Most of our revenue is recognized at a point in time "
        "upon shipment or delivery. For certain engineered systems and long-term service contracts, we recognize "
        "revenue over time using an input method based on costs incurred relative to total estimated costs.",
        "Estimating total contract costs requires judgment about labor productivity, material costs, subcontractor "
        "performance and the complexity of the work. Changes in these estimates are recognized on a cumulative "
        "catch-up basis in the period in which they are identified. Contracts with multiple performance obligations "
        "require us to estimate standalone selling prices, which we generally determine from observable prices or "
        "from expected cost plus a margin.",
        "A hypothetical 1% change in the estimated costs to complete our open contracts accounted for over time at "
        "{fye} would not have had a material effect on our operating income for {fy}." },
    { "Goodwill and Intangible Assets",
        "We test goodwill for impairment annually as of October 1, and more frequently if events or changes in "
        "circumstances indicate that the carrying value of a reporting unit may exceed its fair value. We estimate "
        "the fair value of our reporting units using a combination of a discounted cash flow method and a market "
        "approach based on comparable public companies.",
        "The discounted cash flow method requires significant assumptions, including revenue growth rates, operating "
        "margins, terminal growth rates and discount rates that reflect the risks of each reporting unit. Our {fy} "
        "annual test indicated that the fair value of each of our reporting units exceeded its carrying value by "
        "more than [20%|25%|30%], except for the reporting unit that includes {acq}, whose fair value exceeded its "
        "carrying value by approximately [11%|13%|16%].",
        "A 100 basis point increase in the discount rate used for that reporting unit, with all other assumptions "
        "held constant, would not have resulted in an impairment. Future declines in market conditions or in the "
        "expected performance of the acquired business could result in an impairment charge." },
    { "Income Taxes",
        "We are subject to income taxes in the United States and numerous foreign jurisdictions. Significant "
        "judgment is required in determining our worldwide provision for income taxes, evaluating uncertain tax "
        "positions and assessing the realizability of deferred tax assets.",
        "We recognize the tax benefit of an uncertain tax position only if it is more likely than not that the "
        "position will be sustained upon examination, based on its technical merits. We record valuation "
        "allowances to reduce deferred tax assets to the amount that is more likely than not to be realized, "
        "considering future taxable income, the reversal of temporary differences and tax planning strategies.",
        "Unrecognized tax benefits were {utb} at {fye}. Although we believe our reserves are appropriate, the final "
        "outcome of tax examinations could differ from our estimates, which could affect our effective tax rate in "
        "the period of resolution." },
    { "Business Combinations",
        "We allocate the purchase price of acquired businesses to the assets acquired and liabilities assumed based "
        "on their estimated fair values at the acquisition date, with the excess recorded as goodwill. The valuation "
        "of identifiable intangible assets, principally customer relationships and developed technology, requires "
        "significant estimates, including forecasted revenue, customer attrition rates, royalty rates and discount "
        "rates.",
        "For the acquisition of {acq}, we used the multi-period excess earnings method to value customer "
        "relationships and the relief-from-royalty method to value developed technology and trade names. We engaged "
        "independent valuation specialists to assist us in determining these fair values.",
        "" },
    { "Contingencies",
        "We are subject to legal proceedings, claims and other contingencies, including product liability, "
        "environmental and commercial matters. We record a liability when it is probable that a loss has been "
        "incurred and the amount can be reasonably estimated, and we disclose contingencies for which a loss is "
        "reasonably possible.",
        "Assessing the likelihood and amount of potential losses requires judgment about future events, and we "
        "consider the advice of legal counsel and our experience with similar matters. Actual outcomes could differ "
        "materially from our estimates.",
        "" },
};

} // namespace

void SampleReportGenerator::mdnaSegments()
{
    auto& d = m_doc;
    d.heading("Segment Results", 1);
    para("We evaluate the performance of our segments based on segment operating income, which excludes corporate "
         "expenses, amortization of acquired intangible assets and restructuring charges. The following is a "
         "discussion of the results of each of our {segcount} reportable segments. See {note_segments}, "
         "\u201c{notetitle_segments},\u201d for a reconciliation of segment operating income to consolidated "
         "operating income.");
    for (std::size_t s = 0; s < m_company.segments.size(); ++s) {
        const auto& seg = m_company.segments[s];
        d.heading(seg.name, 2);
        auto t = yearTable(3, "(in millions)", "Year Ended December 31,", 60);
        std::vector<Money> rev, oi;
        std::vector<std::string> margin;
        for (int b = 0; b < 3; ++b) {
            rev.push_back(fy(b).segments[s].revenue);
            oi.push_back(fy(b).segments[s].operatingIncome);
            margin.push_back(formatPercent(static_cast<double>(oi.back()) / rev.back()));
        }
        t.row("Net revenue", rev, { .dollar = true });
        t.row("Segment operating income", oi, { .dollar = true });
        t.textRow("Segment operating margin", margin);
        d.table(t.build());
        m_text.set("segmarkets1", seg.markets);
        m_text.set("segexamples1", seg.productExamples);
        m_text.set("segcustomers1", seg.customers);
        std::string k = "s";
        k += std::to_string(s);
        for (int back = 0; back <= 1; ++back) {
            setComparison(back);
            const auto& c = fy(back).segments[s];
            const auto& p = fy(back + 1).segments[s];
            std::string text = fill("**{cy} compared with {cp}.** Net revenue {" + k + "rev_verb} {" + k
                + "rev_chg} to {" + k + "rev_c}. ");
            if (c.acquiredRevenue > 0)
                text += fill("The acquisition of {acq} contributed {" + k
                    + "acq} of revenue, and revenue excluding "
                      "the acquisition was {"
                    + k + "organic_pct} {" + k + "organic_dir} than in {cp}. ");
            text += m_text.one(c.revenue - c.acquiredRevenue >= p.revenue
                    ? std::span<const std::string_view>(kSegmentUp)
                    : std::span<const std::string_view>(kSegmentDown));
            text += " " + segmentMarketCommentary(s, c.revenue - c.acquiredRevenue >= p.revenue);
            text += fill(" Segment operating income {" + k + "oi_verb} {" + k + "oi_chg} to {" + k
                + "oi_c}, and segment operating margin {" + k + "om_dir} {" + k + "om_bps} to {" + k + "om_c}. ");
            text += m_text.one(c.operatingIncome * p.revenue >= p.operatingIncome * c.revenue
                    ? std::span<const std::string_view>(kMarginUp)
                    : std::span<const std::string_view>(kMarginDown));
            d.paragraph(text);
        }
    }
    setComparison(0);

    d.heading("Non-GAAP Financial Measures", 1);
    para("In addition to financial measures prepared in accordance with U.S. generally accepted accounting principles "
         "(\u201cGAAP\u201d), we use certain non-GAAP financial measures, including organic revenue growth, adjusted "
         "operating income and free cash flow, to evaluate our performance and allocate resources. We believe these "
         "measures provide useful information to investors because they exclude items that are not indicative of our "
         "core operating performance and facilitate comparisons between periods. These measures should be considered "
         "in addition to, and not as substitutes for, the most directly comparable GAAP measures, and they may not be "
         "comparable to similarly titled measures used by other companies.");
    auto t = yearTable(3, "(in millions)");
    t.row("Operating income (GAAP)", values(&YearFinancials::operatingIncome, 3), { .dollar = true });
    t.row("Amortization of intangible assets", values(&YearFinancials::amortization, 3), { .indent = 1 });
    t.row("Restructuring charges", values(&YearFinancials::restructuring, 3), { .indent = 1 });
    std::vector<Money> adjusted, fcf, cfo, capex;
    std::vector<std::string> adjMargin;
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        adjusted.push_back(y.operatingIncome + y.amortization + y.restructuring);
        adjMargin.push_back(formatPercent(static_cast<double>(adjusted.back()) / y.revenue));
        cfo.push_back(y.operatingCashFlow);
        capex.push_back(-y.capex);
        fcf.push_back(y.operatingCashFlow - y.capex);
    }
    t.total("Adjusted operating income (non-GAAP)", adjusted, true);
    t.textRow("Adjusted operating margin (non-GAAP)", adjMargin);
    t.blank();
    t.row("Net cash provided by operating activities (GAAP)", cfo, { .dollar = true });
    t.row("Capital expenditures", capex, { .indent = 1 });
    t.total("Free cash flow (non-GAAP)", fcf, true);
    d.table(t.build());
    mdnaAdjustedMeasures();
}

void SampleReportGenerator::mdnaLiquidity()
{
    auto& d = m_doc;
    const auto& y = fy(0);
    d.heading("Liquidity and Capital Resources", 1);
    para("Our principal sources of liquidity are cash generated from operations, cash and cash equivalents, and "
         "borrowings available under our revolving credit facility. We believe that these sources, together with our "
         "access to capital markets, will be sufficient to fund our operations, capital expenditures, dividends, "
         "share repurchases, debt service and other cash requirements for at least the next twelve months and for "
         "the foreseeable future thereafter.");
    para("As of {fye}, we had cash and cash equivalents of {cash}, compared with {cash_py} as of {pye}, and total "
         "liquidity, including the unused portion of our revolving credit facility, of approximately {liquidity}. "
         "Approximately [55%|60%|65%] of our cash and cash equivalents was held by foreign subsidiaries. We do not "
         "expect restrictions or taxes on the repatriation of these funds to have a material effect on our "
         "liquidity.");
    d.heading("Cash Flows", 2);
    auto t = yearTable(3, "(in millions)");
    t.row(
        "Net cash provided by operating activities", values(&YearFinancials::operatingCashFlow, 3), { .dollar = true });
    t.row("Net cash used in investing activities", values(&YearFinancials::investingCashFlow, 3));
    t.row("Net cash used in financing activities", values(&YearFinancials::financingCashFlow, 3));
    t.row("Effect of exchange rate changes on cash", values(&YearFinancials::fxOnCash, 3));
    t.total("Net increase (decrease) in cash and cash equivalents", values(&YearFinancials::netChangeInCash, 3), true);
    d.table(t.build());
    for (int back = 0; back <= 1; ++back) {
        setComparison(back);
        const auto& c = fy(back);
        const auto& p = fy(back + 1);
        para("**Operating activities.** Net cash provided by operating activities was {cfo_c} in {cy} compared with "
             "{cfo_p} in {cp}, {cfo_anoun} of {cfo_diff}. "
            + std::string(c.operatingCashFlow >= p.operatingCashFlow
                    ? "[The increase was primarily due to higher net income and lower investment in working "
                      "capital.|Higher cash earnings and improved collections of accounts receivable drove the "
                      "increase, partially offset by higher income tax payments.]"
                    : "[The decrease was primarily due to higher investment in working capital, including "
                      "inventories to support growth and lower accounts payable, and higher income tax payments.|"
                      "Lower operating cash flow reflected working capital investment and payments under our "
                      "restructuring program, partially offset by higher net income.]")
            + " Days sales outstanding were {dso_c} days at the end of {cy} compared with {dso_p} days a year "
              "earlier.");
        if (c.acquisitions > 0)
            para("**Investing activities.** Net cash used in investing activities was {cfi_c} in {cy}, consisting of "
                 "the acquisition of {acq} for {acqprice} and capital expenditures of {capex_c}.");
        else
            para("**Investing activities.** Net cash used in investing activities was {cfi_c} in {cy} compared with "
                 "{cfi_p} in {cp}. Capital expenditures were {capex_c} in {cy} and {capex_p} in {cp}, and were "
                 "directed primarily to capacity expansion, automation and information technology.");
        para("**Financing activities.** Net cash used in financing activities was {cff_c} in {cy}. During the year, "
             "we paid dividends of {div_c} and repurchased {repurch_c} of our common stock"
            + std::string(c.debtProceeds > 0
                    ? ", and we received proceeds of " + formatMillions(c.debtProceeds) + " from the issuance of debt"
                    : "")
            + (c.debtRepayments > 0 ? " and repaid " + formatMillions(c.debtRepayments) + " of debt" : std::string())
            + ".");
    }
    setComparison(0);
    d.heading("Debt and Credit Facilities", 2);
    std::string notes;
    for (const auto& tr : m_financials->debtOutstanding(m_company.fiscalYear))
        notes += (notes.empty() ? "" : "; ") + formatMillions(tr.principal) + " of " + tr.name;
    para("As of {fye}, total debt was {debt}, consisting of " + notes
        + ". Our senior notes are unsecured and rank equally with our other unsecured indebtedness. We have a "
          "{revolver} revolving credit facility that matures in [2029|2030]; borrowings under the facility were "
          "{revolverbal} at {fye}. The credit agreement requires us to maintain a ratio of consolidated total debt to "
          "consolidated EBITDA, as defined, of not more than 3.50 to 1.00, and we were in compliance with this "
          "covenant at {fye}. See {note_debt}, \u201c{notetitle_debt}.\u201d");
    para("We may from time to time issue commercial paper, senior notes or other debt securities, subject to market "
         "conditions.");
    mdnaLeverage();
    d.heading("Capital Allocation", 2);
    para("Our capital allocation priorities are to invest in organic growth, pursue strategic acquisitions and return "
         "cash to stockholders. In {fy}, we invested {capex} in capital expenditures, paid dividends of {div} and "
         "repurchased {repurch} of our common stock. As of {fye}, approximately {authremaining} remained available "
         "under our share repurchase authorization.");
    mdnaCapitalReturned();
    d.heading("Material Cash Requirements", 2);
    para("The following table summarizes our significant contractual obligations as of {fye}:");
    const auto debt = m_financials->debtMaturities();
    const auto lease = m_financials->leaseMaturities();
    TableBlock ob;
    ob.columns = { { m_textWidth - 5 * 62, TextAlign::Left, true }, { 62, TextAlign::Right, false },
        { 62, TextAlign::Right, false }, { 62, TextAlign::Right, false }, { 62, TextAlign::Right, false },
        { 62, TextAlign::Right, false } };
    ob.fontSize = 9;
    TableRow h;
    h.header = true;
    h.bold = true;
    for (auto s : { "(in millions)", "Total", "1 Year", "2\u20133 Years", "4\u20135 Years", "Thereafter" }) {
        TableCell c;
        c.text = s;
        c.underline = std::string(s) != "(in millions)";
        c.align = TextAlign::Center;
        c.bold = std::string(s) != "(in millions)";
        h.cells.push_back(c);
    }
    ob.rows.push_back(h);
    auto row = [&](const std::string& label, std::array<Money, 4> v, bool dollar, bool total) {
        TableRow r;
        r.ruleAbove = total ? TableRule::Single : TableRule::None;
        r.ruleBelow = total ? TableRule::Double : TableRule::None;
        r.cells.push_back({ label });
        const Money sum = v[0] + v[1] + v[2] + v[3];
        TableCell tc;
        tc.text = formatAmount(sum);
        tc.dollar = dollar;
        r.cells.push_back(tc);
        for (Money x : v) {
            TableCell c;
            c.text = formatAmount(x);
            c.dollar = dollar;
            r.cells.push_back(c);
        }
        ob.rows.push_back(r);
        return v;
    };
    const std::array<Money, 4> principal = { debt[0], debt[1] + debt[2], debt[3] + debt[4], debt[5] };
    std::array<Money, 4> interest {};
    {
        double annual = 0;
        for (const auto& tr : m_financials->debtOutstanding(m_company.fiscalYear))
            annual += tr.principal * tr.coupon;
        interest = { std::llround(annual), std::llround(annual * 1.8), std::llround(annual * 1.4),
            std::llround(annual * 2.2) };
    }
    const std::array<Money, 4> leases = { lease[0], lease[1] + lease[2], lease[3] + lease[4], lease[5] };
    const Money purchase = std::llround(y.costOfRevenue * 0.11);
    const std::array<Money, 4> purchases
        = { std::llround(purchase * 0.82), purchase - std::llround(purchase * 0.82), 0, 0 };
    std::array<Money, 4> sum {};
    for (const auto& v : { principal, interest, leases, purchases })
        for (int i = 0; i < 4; ++i)
            sum[static_cast<std::size_t>(i)] += v[static_cast<std::size_t>(i)];
    row("Debt principal", principal, true, false);
    row("Interest on debt", interest, false, false);
    row("Operating lease payments", leases, false, false);
    row("Purchase obligations", purchases, false, false);
    row("Total", sum, true, true);
    d.table(std::move(ob));
    para("Purchase obligations consist of agreements to purchase goods and services that are enforceable and legally "
         "binding and that specify significant terms. The table excludes unrecognized tax benefits of {utb}, because "
         "we cannot reasonably estimate the timing of their settlement. We have no off-balance sheet arrangements that "
         "have or are reasonably likely to have a material current or future effect on our financial condition.");
}

void SampleReportGenerator::mdnaCriticalEstimates()
{
    auto& d = m_doc;
    d.heading("Critical Accounting Estimates", 1);
    para("The preparation of financial statements in conformity with GAAP requires management to make estimates and "
         "assumptions that affect the reported amounts of assets, liabilities, revenue and expenses and the related "
         "disclosures. We base our estimates on historical experience and on other assumptions that we believe are "
         "reasonable under the circumstances, and we evaluate them on an ongoing basis. The accounting estimates "
         "described below involve a significant level of estimation uncertainty and have had or are reasonably likely "
         "to have a material impact on our financial condition or results of operations. Our significant accounting "
         "policies are described in {note_policies}, \u201c{notetitle_policies}.\u201d");
    for (const auto& e : kEstimates) {
        d.heading(std::string(e[0]), 2);
        for (int i = 1; i < 4; ++i)
            if (!e[i].empty())
                para(e[i]);
    }
    mdnaMoreEstimates();
    d.heading("Recent Accounting Pronouncements", 1);
    para("See {note_policies}, \u201c{notetitle_policies},\u201d for a discussion of recently adopted and issued "
         "accounting standards and their expected effects on our consolidated financial statements.");
}

} // namespace moescope

// Notes to the consolidated financial statements: further detail appended to the revenue, lease, tax, stock
// compensation, fair value, commitments and segment notes.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>

namespace moescope {

namespace {

constexpr std::string_view kRevenueStreams[][2] = {
    { "Products",
        "Revenue from standard products, components, replacement parts and consumables is recognized at a point in "
        "time, generally when the products are shipped or delivered in accordance with the contractual shipping "
        "terms. Customers may have rights to return products under limited circumstances, and the Company estimates "
        "returns based on historical experience. Volume rebates and other incentives are estimated using the most "
        "likely amount method and are updated each reporting period." },
    { "Engineered systems",
        "Certain engineered systems and large projects are designed and built to customer specifications. Where the "
        "Company\u2019s performance creates an asset with no alternative use and the Company has an enforceable right "
        "to payment for performance completed to date, revenue is recognized over time using the ratio of costs "
        "incurred to total estimated costs. Losses on such contracts are recognized in full in the period in which "
        "they become probable. Revenue recognized over time represented approximately [6%|7%|8%] of consolidated net "
        "revenue in {fy}." },
    { "Services",
        "Revenue from installation, commissioning, calibration, repair and field services is recognized as the "
        "services are performed. Revenue from service contracts that provide for maintenance over a period of time "
        "is recognized ratably over the contract term, which generally ranges from one to five years." },
    { "Software",
        "Software is sold primarily as subscriptions to cloud-hosted applications, for which revenue is recognized "
        "ratably over the subscription period, and to a lesser extent as term licenses with related support, for "
        "which license revenue is recognized when the software is made available to the customer and support revenue "
        "is recognized ratably. Software revenue was not material to consolidated net revenue in any period "
        "presented." },
};

constexpr std::string_view kLegalMatters[] = {
    "**Patent Litigation.** In [March|April] {py}, a competitor filed a complaint against one of the Company\u2019s "
    "subsidiaries in the United States District Court for the District of Delaware alleging that certain of the "
    "Company\u2019s products infringe two of the competitor\u2019s patents, and seeking unspecified damages and "
    "injunctive relief. The Company believes the claims are without merit and has filed petitions for inter partes "
    "review of the asserted patents with the Patent Trial and Appeal Board. The Company has not recorded a liability "
    "for this matter because it does not believe a loss is probable, and it cannot estimate the amount of any "
    "reasonably possible loss.",
    "**Product Liability.** The Company is a defendant in a number of lawsuits alleging personal injury or property "
    "damage from products sold by the Company or its predecessors, some of which relate to products that were "
    "manufactured decades ago. The Company maintains insurance for these claims, subject to deductibles, and "
    "records a liability for its estimated uninsured costs. The Company does not expect these matters to have a "
    "material effect on its financial statements.",
    "**Environmental Remediation.** One of the Company\u2019s subsidiaries is performing remediation of soil and "
    "groundwater contamination at a former manufacturing facility under a consent order with a state environmental "
    "agency. The Company\u2019s accrual for this matter, which is based on the estimated cost of the remediation plan "
    "approved by the agency, was not material at {fye}. Actual costs could differ from the estimate as remediation "
    "progresses.",
    "**Tax Assessments.** A foreign subsidiary of the Company has received assessments from local tax authorities "
    "relating to the deductibility of certain intercompany charges for prior years. The Company believes that its "
    "positions are supportable and is contesting the assessments through the administrative appeals process. The "
    "Company has considered these matters in its reserves for uncertain tax positions described in {note_taxes}.",
};

} // namespace

void SampleReportGenerator::noteRevenueDetail()
{
    m_doc.heading("Revenue Streams", 2);
    for (const auto& r : kRevenueStreams)
        m_doc.paragraph("__" + std::string(r[0]) + ".__ " + fill(r[1]));
}

void SampleReportGenerator::noteLeaseDetail()
{
    auto& d = m_doc;
    para("Operating lease balances were classified in the consolidated balance sheets as follows:");
    auto t = yearTable(2, "(in millions)", "December 31,", 70);
    t.row("Operating lease right-of-use assets", values(&YearFinancials::rightOfUse, 2), { .dollar = true });
    t.row("Operating lease liabilities, current", values(&YearFinancials::leaseCurrent, 2),
        { .dollar = true, .spaceBefore = 4 });
    t.row("Operating lease liabilities, noncurrent", values(&YearFinancials::leaseNoncurrent, 2));
    t.total("Total operating lease liabilities", values(&YearFinancials::leaseLiability, 2), true);
    d.table(t.build());
    para("As of {fye}, the Company had entered into additional operating leases, primarily for manufacturing and "
         "warehouse space, that had not yet commenced, with future lease payments of approximately [$18 million|$24 "
         "million|$31 million]. These leases are expected to commence in {nfy} with lease terms of five to ten years.");
}

void SampleReportGenerator::noteTaxDetail()
{
    para(
        "**Global Minimum Tax.** Many jurisdictions in which the Company operates have enacted legislation "
        "implementing the Organisation for Economic Co-operation and Development\u2019s Pillar Two framework, which "
        "establishes a global minimum corporate tax rate of 15%. The Company accounts for these taxes as period costs. "
        "The legislation did not have a material effect on the Company\u2019s provision for income taxes for {fy}, and "
        "the Company continues to monitor legislative developments, including guidance on safe harbors and the "
        "interaction with U.S. tax law.");
    para("**Tax Incentives.** Certain of the Company\u2019s subsidiaries in Asia benefit from reduced income tax rates "
         "under incentives that are conditioned on meeting investment and employment requirements and that expire at "
         "various dates through [2028|2029|2030]. The benefit of these incentives was not material to diluted earnings "
         "per share in any period presented.");
    noteTaxCarryforwards();
    para(
        "**Examinations.** The Company\u2019s U.S. federal income tax returns for {ppy} and later years remain open to "
        "examination. The Company\u2019s principal foreign subsidiaries are subject to examination for years "
        "beginning in [2018|2019|2020]. The Company believes that it has adequately provided for any adjustments that "
        "may result from these examinations.");
}

void SampleReportGenerator::noteStockDetail()
{
    auto& d = m_doc;
    const auto& y = fy(0);
    para("**Performance Share Units.** The grant-date fair value of performance share units with market conditions "
         "is estimated using a Monte Carlo simulation model. The following table presents the weighted-average "
         "assumptions used for awards granted in each year:");
    FinancialTable t({ m_text.get("fy"), m_text.get("py"), m_text.get("ppy") }, "", "", m_textWidth, 64);
    t.textRow("Expected volatility", { "[27.4%|28.1%|29.6%]", "[28.9%|30.2%]", "[31.5%|32.8%]" });
    t.textRow("Risk-free interest rate", { "[3.9%|4.1%|4.3%]", "[4.2%|4.4%]", "[3.8%|4.0%]" });
    t.textRow("Expected term (years)", { "2.9", "2.9", "2.8" });
    t.textRow("Dividend yield", { "[1.1%|1.3%]", "[1.2%|1.4%]", "[1.3%|1.5%]" });
    TableBlock block = t.build();
    for (auto& row : block.rows)
        for (auto& cell : row.cells)
            cell.text = fill(cell.text);
    d.table(std::move(block));
    const int psuTenths = std::max(1, static_cast<int>(std::lround(y.stockCompensation * 0.35 * 10 / y.stockPriceEnd)));
    para("The number of performance share units outstanding at {fye}, at target, was approximately "
        + formatTenths(psuTenths)
        + " million. Based on performance through {fye}, the Company expects the awards granted in {ppy} to vest at "
          "[112%|118%|124%] of target.");
    noteAwardHistory();
    para("**Employee Stock Purchase Plan.** Eligible employees may purchase shares of the Company\u2019s common stock "
         "through payroll deductions at 90% of the lower of the market price at the beginning or end of each "
         "six-month offering period. Shares purchased under the plan and the related compensation expense were not "
         "material in any period presented.");
}

void SampleReportGenerator::noteDerivativeDetail()
{
    auto& d = m_doc;
    const auto& y = fy(0);
    para("The fair values of derivative instruments in the consolidated balance sheets were as follows:");
    auto t = yearTable(2, "(in millions)", "December 31,", 70);
    std::vector<Money> hedgeAsset, otherAsset, hedgeLiab, otherLiab;
    for (int b = 0; b < 2; ++b) {
        const auto& x = fy(b);
        const Money a = std::max<Money>(x.derivativeAssets, 1);
        hedgeAsset.push_back(std::llround(a * 0.8));
        otherAsset.push_back(a - hedgeAsset.back());
        const Money l = std::max<Money>(1, std::llround(x.revenue * 0.0004));
        hedgeLiab.push_back(std::llround(l * 0.7));
        otherLiab.push_back(l - hedgeLiab.back());
    }
    t.section("Prepaid expenses and other current assets:");
    t.row("Designated as cash flow hedges", hedgeAsset, { .indent = 1, .dollar = true });
    t.row("Not designated as hedges", otherAsset, { .indent = 1 });
    t.section("Other accrued liabilities:");
    t.row("Designated as cash flow hedges", hedgeLiab, { .indent = 1, .dollar = true });
    t.row("Not designated as hedges", otherLiab, { .indent = 1 });
    d.table(t.build());
    para("Gains and losses on cash flow hedges recognized in other comprehensive income were "
        + formatMillions(y.hedges) + ", " + formatMillions(fy(1).hedges) + " and " + formatMillions(fy(2).hedges)
        + " in {fy}, {py} and {ppy}, respectively. The Company\u2019s derivative agreements are with major financial "
          "institutions with investment-grade credit ratings, and the Company does not require collateral. The "
          "agreements include master netting arrangements, but the Company presents derivative assets and "
          "liabilities on a gross basis.");
}

void SampleReportGenerator::noteLegalDetail()
{
    for (auto p : kLegalMatters)
        para(p);
}

void SampleReportGenerator::noteSegmentAssets()
{
    auto& d = m_doc;
    para("The CODM does not review segment assets, other than working capital, in assessing segment performance. The "
         "following table presents identifiable assets by segment, which consist of receivables, inventories, "
         "property, plant and equipment, goodwill and intangible assets; corporate assets consist primarily of cash, "
         "deferred taxes and other assets:");
    auto t = yearTable(2, "(in millions)", "December 31,", 70);
    std::vector<Money> corporate = values(&YearFinancials::totalAssets, 2);
    std::vector<std::vector<Money>> rows(m_company.segments.size());
    for (int b = 0; b < 2; ++b) {
        const auto& y = fy(b);
        const Money shared = y.receivables + y.inventories + y.ppeNet + y.intangiblesNet;
        Money used = 0;
        for (std::size_t s = 0; s < y.segments.size(); ++s) {
            const Money v = y.segments[s].goodwill
                + std::llround(shared * static_cast<double>(y.segments[s].revenue) / y.revenue);
            rows[s].push_back(v);
            used += v;
        }
        corporate[static_cast<std::size_t>(b)] -= used;
    }
    for (std::size_t s = 0; s < rows.size(); ++s)
        t.row(m_company.segments[s].name, rows[s], { .dollar = s == 0 });
    t.row("Corporate", corporate);
    t.total("Total assets", values(&YearFinancials::totalAssets, 2), true);
    d.table(t.build());
}

} // namespace moescope

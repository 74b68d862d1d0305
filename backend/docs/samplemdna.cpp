// Item 7. Management's Discussion and Analysis: overview and results of operations.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>

namespace moescope {

namespace {

constexpr std::string_view kEnvironment[] = {
    "Demand conditions were mixed across our end markets in {fy}.",
    "Activity in [semiconductor, data center and life sciences|data center, utility and water] markets was solid, "
    "while demand from customers in general industrial and [European|Chinese] markets remained subdued as customers "
    "managed inventories and deferred some capital projects.",
    "Inflation in wages, materials and services moderated compared with prior years but remained above historical "
    "levels, and we continued to use pricing actions and productivity initiatives to offset these cost increases.",
    "Changes in U.S. trade policy, including new and increased tariffs announced during the year, increased the cost "
    "of certain imported materials and components; we mitigated a substantial portion of this impact through "
    "pricing, supply chain actions and adjustments to our manufacturing footprint.",
    "Supply chain conditions were generally stable, and lead times for most electronic components returned to "
    "levels consistent with historical norms.",
    "Higher interest rates affected customer financing costs and contributed to longer decision cycles for larger "
    "projects, particularly in the first half of the year.",
    "We expect these conditions to persist into {nfy}, and we will continue to manage our cost structure in line "
    "with demand while investing in our highest-return growth opportunities.",
};

constexpr std::string_view kGrossUp[] = {
    "The increase in gross margin was primarily attributable to favorable pricing, productivity savings from our "
    "lean and sourcing initiatives, and a higher proportion of revenue from services and software, partially offset "
    "by inflation in material and labor costs.",
    "Gross margin benefited from price realization, favorable product mix and savings from the {program} program, "
    "which more than offset higher labor and freight costs.",
    "The improvement reflected the benefit of pricing actions, lower material costs and higher absorption of fixed "
    "manufacturing costs on increased volumes, partially offset by the dilutive effect of the acquired business.",
};
constexpr std::string_view kGrossDown[] = {
    "The decrease in gross margin was primarily due to inflation in material and labor costs, unfavorable product "
    "mix and lower absorption of fixed manufacturing costs, partially offset by pricing actions.",
    "Gross margin was adversely affected by tariffs on imported components, temporary inefficiencies associated with "
    "facility consolidations under the {program} program and unfavorable mix, partially offset by productivity "
    "savings.",
    "The decline reflected higher costs for certain components and freight, the lower margin profile of the acquired "
    "{acq} business and lower volumes in certain product lines, partially offset by price increases.",
};
constexpr std::string_view kSgaUp[] = {
    "The increase was primarily due to investments in sales and service capacity, the inclusion of {acq} and higher "
    "compensation costs, partially offset by savings from our restructuring actions.",
    "Higher SG&A expense reflected wage inflation, higher incentive compensation and increased spending on "
    "information technology, including our enterprise resource planning implementation.",
    "The increase was driven by higher employee-related costs, commissions on increased sales and costs associated "
    "with acquired businesses, partially offset by lower travel and professional fees.",
};
constexpr std::string_view kSgaDown[] = {
    "The decrease was primarily due to savings from the {program} program and lower incentive compensation, partially "
    "offset by wage inflation.",
    "Lower SG&A expense reflected disciplined cost management, headcount reductions under our restructuring "
    "program and lower professional fees, partially offset by merit increases.",
};
constexpr std::string_view kInterestUp[] = {
    "The increase was primarily due to the senior notes issued in {acqyear} to finance the acquisition of {acq}, "
    "which carry a higher interest rate than the notes they partially refinanced.",
    "Higher interest expense reflected a higher average level of borrowings and higher interest rates on our "
    "recently issued senior notes.",
};
constexpr std::string_view kInterestDown[] = {
    "The decrease was primarily due to the repayment of senior notes at maturity and lower average borrowings under "
    "our revolving credit facility.",
    "Lower interest expense reflected lower average debt outstanding during the year.",
};
constexpr std::string_view kTaxHigher[] = {
    "The higher effective tax rate in {cy} was primarily due to a less favorable geographic mix of earnings, lower "
    "excess tax benefits from stock-based compensation and the effect of global minimum tax rules in certain "
    "jurisdictions.",
    "The increase in the effective tax rate reflected a smaller benefit from the resolution of prior-year tax "
    "matters and higher state income taxes, partially offset by higher research and development tax credits.",
};
constexpr std::string_view kTaxLower[] = {
    "The lower effective tax rate in {cy} was primarily due to higher research and development tax credits, the "
    "favorable resolution of certain prior-year tax matters and a more favorable geographic mix of earnings.",
    "The decrease in the effective tax rate reflected higher excess tax benefits from stock-based compensation and "
    "the release of reserves for uncertain tax positions upon the expiration of statutes of limitations.",
};

} // namespace

void SampleReportGenerator::mdna()
{
    auto& d = m_doc;
    const auto& y = fy(0);
    d.item(
        "II", "7", "Management\u2019s Discussion and Analysis of Financial Condition and Results of Operations", true);
    para("The following discussion and analysis of our financial condition and results of operations should be read "
         "together with our consolidated financial statements and the related notes included in Part II, Item 8 of "
         "this Annual Report. This discussion contains forward-looking statements that involve risks and "
         "uncertainties; our actual results could differ materially from those anticipated in these statements as "
         "a result of various factors, including those described in \u201cCautionary Note Regarding Forward-Looking "
         "Statements\u201d and Part I, Item 1A, \u201cRisk Factors.\u201d This section discusses {fy} and {py} items "
         "and year-to-year comparisons between {fy} and {py}, as well as comparisons between {py} and {ppy}.");
    d.heading("Overview", 1);
    para("{company} is a global provider of engineered products, instrumentation and services. We report our results "
         "in {segcount} segments: {seglist}. We sell our products in more than [100|120] countries, and "
         "approximately {intlshare} of our net revenue in {fy} was generated outside the United States.");
    d.heading(m_text.get("fy") + " Highlights", 2);
    setComparison(0);
    d.bullets({ fill("Net revenue {rev_verb} {rev_pct} to {rev_c}; organic revenue {organic_dir} {organic_pct}."),
        fill("Operating income was {oi_c}, and operating margin {om_dir} {om_bps} to {om_c}."),
        fill("Net income was {ni_c}, and diluted earnings per share {eps_verb} {eps_pct} to {eps_c}."),
        fill("Net cash provided by operating activities was {cfo_c}, and free cash flow was {fcf_c}."),
        fill("We returned {returned} to stockholders through dividends of {div_c} and share repurchases of "
             "{repurch_c}.") });
    d.heading("Business Environment", 2);
    paraPick(kEnvironment, 5);
    d.heading("Acquisition", 2);
    para("On July 1, {acqyear}, we acquired {acq} for {acqprice} in cash, net of cash acquired. The acquired business, "
         "which is reported in our {acqseg} segment, contributed net revenue of {acqrev} in {acqyear} from the date "
         "of acquisition. We financed the acquisition with cash on hand and the proceeds of senior notes issued in "
         "{acqyear}. For additional information, see {note_acquisition}, \u201c{notetitle_acquisition},\u201d of the "
         "Notes to Consolidated Financial Statements.");
    d.heading("Restructuring", 2);
    para("In {py}, we initiated the {program} program to streamline our organizational structure, consolidate "
         "certain manufacturing and administrative facilities and reduce our cost base. We recorded restructuring "
         "charges of {restr} in {fy} and {restr_py} in {py}, consisting primarily of severance and facility exit "
         "costs. We expect the program to be substantially complete by the end of {nfy} and to generate annualized "
         "pre-tax savings of approximately [$40 million|$45 million|$55 million] when fully implemented, of which a "
         "majority was realized in {fy}. See {note_restructuring}, \u201c{notetitle_restructuring}.\u201d");
    mdnaKeyIndicators();
    mdnaComparability();
    mdnaResults();
    mdnaFourthQuarter();
    mdnaSegments();
    mdnaOrders();
    mdnaLiquidity();
    mdnaWorkingCapital();
    mdnaOutlook();
    mdnaCriticalEstimates();
    (void)y;
}

void SampleReportGenerator::mdnaResults()
{
    auto& d = m_doc;
    d.heading("Results of Operations", 1);
    para("The following table presents selected items in our consolidated statements of income and the percentage "
         "change from year to year:");
    FinancialTable t(
        { m_text.get("fy"), m_text.get("py"), m_text.get("ppy"), m_text.get("fy") + " vs. " + m_text.get("py"),
            m_text.get("py") + " vs. " + m_text.get("ppy") },
        "", "(in millions, except per share amounts)", m_textWidth, 56);
    auto line = [&](const std::string& label, Money YearFinancials::*f, bool dollar, bool total) {
        std::vector<std::string> cells;
        for (int b = 0; b < 3; ++b)
            cells.push_back(formatAmount(fy(b).*f));
        for (int b = 0; b < 2; ++b)
            cells.push_back(formatPercentChange(changeFraction(fy(b).*f, fy(b + 1).*f)));
        FinancialRowStyle s;
        s.dollar = dollar;
        if (total)
            s.above = TableRule::Single;
        t.textRow(label, cells, s);
        for (std::size_t k = 4; k < t.table().rows.back().cells.size(); ++k)
            t.table().rows.back().cells[k].dollar = false; // no $ on percentage changes
    };
    line("Net revenue", &YearFinancials::revenue, true, false);
    line("Cost of revenue", &YearFinancials::costOfRevenue, false, false);
    line("Gross profit", &YearFinancials::grossProfit, false, true);
    line("Selling, general and administrative", &YearFinancials::sga, false, false);
    line("Research and development", &YearFinancials::researchDevelopment, false, false);
    line("Amortization of intangible assets", &YearFinancials::amortization, false, false);
    line("Restructuring charges", &YearFinancials::restructuring, false, false);
    line("Operating income", &YearFinancials::operatingIncome, false, true);
    line("Interest expense", &YearFinancials::interestExpense, false, false);
    line("Interest income and other, net", &YearFinancials::otherIncome, false, false);
    line("Income before income taxes", &YearFinancials::pretaxIncome, false, true);
    line("Provision for income taxes", &YearFinancials::taxProvision, false, false);
    line("Net income", &YearFinancials::netIncome, true, true);
    std::vector<std::string> eps;
    for (int b = 0; b < 3; ++b)
        eps.push_back(formatCents(fy(b).epsDilutedCents, false));
    for (int b = 0; b < 2; ++b)
        eps.push_back(formatPercentChange(changeFraction(fy(b).epsDilutedCents, fy(b + 1).epsDilutedCents)));
    t.textRow("Diluted earnings per share", eps, { .dollar = true, .spaceBefore = 4 });
    for (std::size_t k = 4; k < t.table().rows.back().cells.size(); ++k)
        t.table().rows.back().cells[k].dollar = false;
    std::vector<std::string> ratios[3];
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        ratios[0].push_back(formatPercent(static_cast<double>(y.grossProfit) / y.revenue));
        ratios[1].push_back(formatPercent(static_cast<double>(y.operatingIncome) / y.revenue));
        ratios[2].push_back(formatPercent(static_cast<double>(y.taxProvision) / y.pretaxIncome));
    }
    t.textRow("Gross margin", ratios[0], { .spaceBefore = 4 });
    t.textRow("Operating margin", ratios[1]);
    t.textRow("Effective tax rate", ratios[2]);
    d.table(t.build());

    for (int back = 0; back <= 1; ++back) {
        setComparison(back);
        const auto& c = fy(back);
        const auto& p = fy(back + 1);
        d.heading(fill("Comparison of {cy} to {cp}"), 1);
        d.heading("Net Revenue", 2);
        std::string revenue = fill("Net revenue {rev_verb} {rev_chg} to {rev_c} in {cy} from {rev_p} in {cp}.");
        if (c.organicGrowth >= 0)
            revenue += fill(" Organic revenue, which excludes the effects of acquisitions and foreign currency "
                            "translation, increased {organic_pct}, [reflecting|driven by] higher volumes in "
                            "[most of our end markets|our service and aftermarket businesses|several of our largest "
                            "product lines] and favorable pricing.");
        else
            revenue += fill(" Organic revenue decreased {organic_pct}, [as|because] lower volumes in general "
                            "industrial markets and customer inventory reductions more than offset the benefit of "
                            "pricing actions.");
        if (c.acquisitionGrowth > 0.0005)
            revenue += fill(" The acquisition of {acq} contributed {acq_pct} to revenue growth.");
        revenue += fill(" Foreign currency translation had {fx_aword} impact of {fx_pct}[, primarily due to the "
                        "movement of the euro and the Chinese renminbi against the U.S. dollar|].");
        d.paragraph(revenue);
        m_text.set("regionline", "");
        std::string regions;
        const char* names[kRegions] = { "the United States", "Europe", "Asia Pacific", "the rest of the world" };
        for (int r = 0; r < kRegions; ++r) {
            const auto cur = c.regionRevenue[static_cast<std::size_t>(r)];
            const auto prev = p.regionRevenue[static_cast<std::size_t>(r)];
            regions
                += (r == 0 ? "By geography, revenue in " : (r == kRegions - 1 ? ", and revenue in " : ", revenue in "))
                + std::string(names[r]) + " " + changeVerb(cur, prev) + " "
                + formatPercent(std::fabs(changeFraction(cur, prev)));
        }
        d.paragraph(regions
            + fill(". Product revenue {prodrev_verb} {prodrev_pct} to {prodrev_c}, and service "
                   "revenue {servrev_verb} {servrev_pct} to {servrev_c}[, reflecting continued growth "
                   "in our installed base and software subscriptions|]."));
        d.heading("Gross Profit", 2);
        const bool gmUp = c.grossProfit * p.revenue >= p.grossProfit * c.revenue;
        d.paragraph(fill("Gross profit {gp_verb} {gp_chg} to {gp_c} in {cy}. Gross margin {gm_dir} {gm_bps} to "
                         "{gm_c} from {gm_p} in {cp}. ")
            + m_text.one(
                gmUp ? std::span<const std::string_view>(kGrossUp) : std::span<const std::string_view>(kGrossDown)));
        d.heading("Operating Expenses", 2);
        d.paragraph(fill("**Selling, general and administrative.** SG&A expense {sga_verb} {sga_chg} to {sga_c}, or "
                         "{sgapct_c} of net revenue, compared with {sga_p}, or {sgapct_p} of net revenue, in {cp}. ")
            + m_text.one(c.sga >= p.sga ? std::span<const std::string_view>(kSgaUp)
                                        : std::span<const std::string_view>(kSgaDown)));
        para(c.researchDevelopment >= p.researchDevelopment
                ? "**Research and development.** R&D expense {rnd_verb} {rnd_chg} to {rnd_c}, representing {rndpct_c} "
                  "of net revenue compared with {rndpct_p} in {cp}. [We continued to invest in new product "
                  "development, software and connectivity features, and the engineering capabilities of acquired "
                  "businesses.|The increase reflected our continued investment in digital and sensing technologies "
                  "and the engineering teams of acquired businesses.]"
                : "**Research and development.** R&D expense {rnd_verb} {rnd_chg} to {rnd_c}, representing {rndpct_c} "
                  "of net revenue compared with {rndpct_p} in {cp}. [The decrease reflected the completion of several "
                  "development programs and savings from the consolidation of engineering centers.|Lower spending "
                  "reflected the timing of development programs and the benefits of our restructuring actions.]");
        para(c.amortization >= p.amortization
                ? "**Amortization of intangible assets.** Amortization expense {amort_verb} {amort_chg} to {amort_c}, "
                  "primarily due to the amortization of intangible assets recognized in the acquisition of {acq}."
                : "**Amortization of intangible assets.** Amortization expense {amort_verb} {amort_chg} to {amort_c}, "
                  "as certain intangible assets from prior acquisitions became fully amortized.");
        para("**Restructuring charges.** Restructuring charges were {restr_c} in {cy} compared with {restr_p} in {cp}. "
             "[Charges in both years related primarily to severance and facility consolidation costs.|The charges "
             "consisted primarily of employee severance and related costs and costs to exit facilities.]");
        d.heading("Operating Income", 2);
        para("Operating income {oi_verb} {oi_chg} to {oi_c} in {cy}, and operating margin {om_dir} {om_bps} to {om_c} "
             "from {om_p}. [The change reflected the factors described above.|The change in operating margin "
             "reflected the gross margin and operating expense trends discussed above.]");
        d.heading("Interest Expense and Other", 2);
        d.paragraph(fill("Interest expense {ie_verb} {ie_chg} to {ie_c} in {cy}. ")
            + m_text.one(c.interestExpense >= p.interestExpense ? std::span<const std::string_view>(kInterestUp)
                                                                : std::span<const std::string_view>(kInterestDown))
            + fill(" Interest income and other, net, was {oinc_c} in {cy} compared with {oinc_p} in {cp}, reflecting "
                   "interest earned on cash balances and foreign currency transaction gains and losses."));
        d.heading("Income Taxes", 2);
        d.paragraph(fill("Our provision for income taxes was {tax_c} in {cy}, compared with {tax_p} in {cp}. The "
                         "effective tax rate was {etr_c} in {cy} and {etr_p} in {cp}. ")
            + m_text.one(c.taxProvision * p.pretaxIncome >= p.taxProvision * c.pretaxIncome
                    ? std::span<const std::string_view>(kTaxHigher)
                    : std::span<const std::string_view>(kTaxLower)));
        d.heading("Net Income and Earnings Per Share", 2);
        para("Net income {ni_verb} {ni_chg} to {ni_c} in {cy}. Diluted earnings per share {eps_verb} {eps_pct} to "
             "{eps_c} from {eps_p}, and also reflected a {shares_verb} diluted share count of {shares_c} million "
             "compared with {shares_p} million in {cp}[, primarily as a result of share repurchases|].");
    }
    setComparison(0);
}

} // namespace moescope

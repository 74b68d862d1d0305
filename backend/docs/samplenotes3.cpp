// Notes to the consolidated financial statements, part three: stock-based compensation through subsequent events.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>

namespace moescope {

void SampleReportGenerator::noteStockCompensation()
{
    auto& d = m_doc;
    noteHeading("stockcomp");
    para("The Company\u2019s stockholder-approved equity incentive plan provides for the grant of restricted stock "
         "units, performance share units, stock options and other stock-based awards to employees and non-employee "
         "directors. As of {fye}, approximately [6.2|7.5|8.1] million shares remained available for future grants. "
         "Restricted stock units generally vest ratably over three years. Performance share units vest at the end of a "
         "three-year performance period, and the number of shares earned ranges from 0% to 200% of the target award "
         "based on the Company\u2019s organic revenue growth and return on invested capital relative to targets "
         "established by the Compensation Committee.");
    auto t = yearTable(3, "(in millions)");
    std::vector<Money> sbc, benefit;
    for (int b = 0; b < 3; ++b) {
        sbc.push_back(fy(b).stockCompensation);
        benefit.push_back(std::llround(fy(b).stockCompensation * 0.21));
    }
    t.row("Stock-based compensation expense", sbc, { .dollar = true });
    t.row("Income tax benefit", benefit);
    d.table(t.build());
    para("Stock-based compensation expense is included primarily in selling, general and administrative expense. The "
         "following table summarizes restricted stock unit and performance share unit activity for {fy}:");
    // Unit activity consistent with the year's expense: grants valued near the average share price.
    const auto& y = fy(0);
    const double price = (y.stockPriceEnd + fy(1).stockPriceEnd) / 2;
    const auto granted = static_cast<Money>(std::llround(y.stockCompensation * 1.1 * 1000 / price));
    const auto vested = static_cast<Money>(std::llround(granted * 0.92));
    const auto forfeited = static_cast<Money>(std::llround(granted * 0.07));
    const auto begin = static_cast<Money>(std::llround(granted * 2.6));
    const Money end = begin + granted - vested - forfeited;
    TableBlock u;
    u.columns = { { m_textWidth - 2 * 90, TextAlign::Left, true }, { 90, TextAlign::Right, false },
        { 90, TextAlign::Right, false } };
    u.fontSize = 9;
    TableRow h;
    h.header = true;
    h.bold = true;
    h.cells.push_back({ "(units in thousands)" });
    for (auto s : { "Units", "Weighted-Average Grant-Date Fair Value" }) {
        TableCell c;
        c.text = s;
        c.align = TextAlign::Center;
        c.underline = true;
        h.cells.push_back(c);
    }
    u.rows.push_back(h);
    auto unitRow = [&](const std::string& label, Money units, double fv, bool total) {
        TableRow r;
        r.ruleAbove = total ? TableRule::Single : TableRule::None;
        r.ruleBelow = total ? TableRule::Double : TableRule::None;
        r.cells.push_back({ label });
        TableCell a, b;
        a.text = formatAmount(units);
        b.text = formatCents(static_cast<int>(std::lround(fv * 100)), false);
        b.dollar = true;
        r.cells = { r.cells[0], a, b };
        u.rows.push_back(r);
    };
    unitRow("Nonvested at " + m_text.get("pye"), begin, fy(1).stockPriceEnd * 0.86, false);
    unitRow("Granted", granted, price, false);
    unitRow("Vested", -vested, fy(1).stockPriceEnd * 0.82, false);
    unitRow("Forfeited", -forfeited, price * 0.93, false);
    unitRow("Nonvested at " + m_text.get("fye"), end, price * 0.9, true);
    d.table(std::move(u));
    para(
        "As of {fye}, unrecognized compensation cost related to nonvested awards was {unrecognized}, which is expected "
        "to be recognized over a weighted-average period of [1.7|1.8|2.0] years. The total fair value of units that "
        "vested was approximately "
        + formatMillions(std::llround(vested * fy(0).stockPriceEnd / 1000))
        + " in {fy}. Outstanding stock options, all of which were granted before [2019|2020] and are fully vested, "
          "were not material.");
    noteStockDetail();
}

void SampleReportGenerator::noteEarningsPerShare()
{
    auto& d = m_doc;
    noteHeading("eps");
    para("Basic earnings per share is computed by dividing net income by the weighted-average number of common shares "
         "outstanding during the period. Diluted earnings per share reflects the potential dilution from restricted "
         "stock units, performance share units and stock options, computed using the treasury stock method. The "
         "computation of basic and diluted earnings per share was as follows:");
    auto t = yearTable(3, "(in millions, except per share amounts)");
    t.row("Net income", values(&YearFinancials::netIncome, 3), { .dollar = true });
    std::vector<std::string> basic, dil, eb, ed, effect;
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        basic.push_back(formatTenths(y.basicSharesTenths));
        effect.push_back(formatTenths(y.dilutedSharesTenths - y.basicSharesTenths));
        dil.push_back(formatTenths(y.dilutedSharesTenths));
        eb.push_back(formatCents(y.epsBasicCents, false));
        ed.push_back(formatCents(y.epsDilutedCents, false));
    }
    t.textRow("Weighted-average common shares outstanding \u2014 basic", basic, { .spaceBefore = 4 });
    t.textRow("Dilutive effect of stock-based awards", effect, { .indent = 1 });
    t.textRow("Weighted-average common shares outstanding \u2014 diluted", dil, { .above = TableRule::Single });
    t.textRow("Earnings per share \u2014 basic", eb, { .dollar = true, .spaceBefore = 4 });
    t.textRow("Earnings per share \u2014 diluted", ed, { .dollar = true });
    d.table(t.build());
    para(
        "Stock-based awards of approximately [0.2|0.3|0.4] million, [0.3|0.5] million and [0.4|0.6] million shares for "
        "{fy}, {py} and {ppy}, respectively, were excluded from the computation of diluted earnings per share "
        "because their effect would have been anti-dilutive.");
}

void SampleReportGenerator::noteEquity()
{
    auto& d = m_doc;
    noteHeading("equity");
    para("**Share Repurchases.** The Company repurchases shares of its common stock under programs authorized by its "
         "Board of Directors. Repurchased shares are held in treasury. Share repurchase activity was as follows:");
    auto t = yearTable(3, "(in millions, except per share amounts)");
    std::vector<std::string> shares, price;
    for (int b = 0; b < 3; ++b) {
        shares.push_back(formatTenths(static_cast<int>(fy(b).sharesRepurchased / 100)));
        price.push_back(formatCents(static_cast<int>(std::lround(fy(b).averageRepurchasePrice * 100)), false));
    }
    t.textRow("Shares repurchased", shares);
    t.row("Aggregate cost", values(&YearFinancials::repurchases, 3), { .dollar = true });
    t.textRow("Average price per share", price, { .dollar = true });
    d.table(t.build());
    para("As of {fye}, approximately {authremaining} remained available for repurchase under the current "
         "authorization. The Inflation Reduction Act imposes a 1% excise tax on net share repurchases, which is "
         "recorded as part of the cost of treasury stock and was not material.");
    para("**Dividends.** The Company declared and paid cash dividends of {dps}, {dps_py} and "
        + formatCents(4 * fy(2).dividendQuarterCents) + " per share in {fy}, {py} and {ppy}, respectively.");
    para("**Accumulated Other Comprehensive Loss.** The components of and changes in accumulated other comprehensive "
         "loss, net of tax, were as follows:");
    FinancialTable a({ "Currency Translation", "Cash Flow Hedges", "Total" }, "", "(in millions)", m_textWidth, 80);
    // Hedge gains and losses accumulate in the hedge component; the rest of AOCI is currency translation.
    Money hedge = fy(3).derivativeAssets;
    Money translation = fy(3).accumulatedOci - hedge;
    a.row("Balance at December 31, " + std::to_string(fy(3).year), { translation, hedge, fy(3).accumulatedOci },
        { .dollar = true });
    for (int b = 2; b >= 0; --b) {
        const auto& y = fy(b);
        a.row("Other comprehensive income (loss)", { y.translation, y.hedges, y.otherComprehensive }, { .indent = 1 });
        translation += y.translation;
        hedge += y.hedges;
        a.total("Balance at December 31, " + std::to_string(y.year), { translation, hedge, y.accumulatedOci }, b == 0);
    }
    d.table(a.build());
    para("Amounts reclassified from accumulated other comprehensive loss to earnings were not material in any period "
         "presented. The tax effects of the components of other comprehensive income (loss) were not material.");
}

void SampleReportGenerator::noteFairValue()
{
    auto& d = m_doc;
    noteHeading("fairvalue");
    const auto& y = fy(0);
    const Money moneyMarket = std::llround(y.cash * 0.38);
    const Money deferredComp = std::llround(y.revenue * 0.004);
    para("The following table presents the Company\u2019s assets and liabilities measured at fair value on a recurring "
         "basis as of {fye}:");
    FinancialTable t({ "Level 1", "Level 2", "Level 3", "Total" }, "", "(in millions)", m_textWidth, 62);
    t.section("Assets:");
    t.row("Money market funds", { moneyMarket, 0, 0, moneyMarket }, { .indent = 1, .dollar = true });
    t.row("Foreign currency forward contracts",
        { 0, std::max<Money>(y.derivativeAssets, 1), 0, std::max<Money>(y.derivativeAssets, 1) }, { .indent = 1 });
    t.row("Deferred compensation plan investments", { deferredComp, 0, 0, deferredComp }, { .indent = 1 });
    t.section("Liabilities:");
    const Money fxLiab = std::max<Money>(1, std::llround(y.revenue * 0.0004));
    t.row("Foreign currency forward contracts", { 0, fxLiab, 0, fxLiab }, { .indent = 1, .dollar = true });
    t.row("Deferred compensation plan obligations", { deferredComp, 0, 0, deferredComp }, { .indent = 1 });
    d.table(t.build());
    para("Money market funds and deferred compensation plan investments are valued using quoted market prices. "
         "Foreign currency forward contracts are valued using observable market inputs, including spot and forward "
         "exchange rates. The carrying amounts of accounts receivable and accounts payable approximate their fair "
         "values because of their short maturities. The fair value of the Company\u2019s debt is disclosed in "
         "{note_debt}.");
    para("**Derivative Instruments.** The Company uses foreign currency forward contracts with maturities of up to "
         "eighteen months, designated as cash flow hedges, to hedge forecasted intercompany transactions. The "
         "aggregate notional amount of these contracts was approximately {hedgenotional} at {fye}. Gains and losses "
         "on these contracts are deferred in accumulated other comprehensive loss and reclassified to cost of revenue "
         "when the hedged inventory is sold; the Company expects substantially all of the amount deferred at {fye} to "
         "be reclassified within the next twelve months. The Company also uses forward contracts that are not "
         "designated as hedges to offset the remeasurement of monetary assets and liabilities, and the gains and "
         "losses on these contracts were not material.");
    noteDerivativeDetail();
}

void SampleReportGenerator::noteCommitments()
{
    auto& d = m_doc;
    noteHeading("commitments");
    para("**Purchase Obligations.** As of {fye}, the Company had unconditional purchase obligations, principally for "
         "raw materials, components and services, of approximately {purchobl}, substantially all of which are due "
         "within two years.");
    para("**Guarantees and Letters of Credit.** In the ordinary course of business, the Company issues standby letters "
         "of credit, bank guarantees and surety bonds, principally to support performance obligations under customer "
         "contracts. The aggregate amount outstanding was approximately [$90 million|$110 million|$125 million] at "
         "{fye}. The Company does not believe that it is probable that it will be required to make material payments "
         "under these arrangements.");
    para("**Legal Proceedings.** The Company is party to various legal proceedings arising in the ordinary course of "
         "business, including product liability, commercial, intellectual property, employment and environmental "
         "matters. The Company records accruals for such matters when it is probable that a liability has been "
         "incurred and the amount can be reasonably estimated. Although the outcome of these matters cannot be "
         "predicted with certainty, management believes, after consultation with counsel, that their resolution "
         "will not have a material adverse effect on the Company\u2019s consolidated financial position, results of "
         "operations or cash flows.");
    noteLegalDetail();
    para(
        "**Environmental Matters.** The Company has been named as a potentially responsible party at a small number of "
        "sites in the United States where hazardous substances were disposed of by third parties, and it is "
        "remediating contamination at certain current and former facilities. Accruals for environmental matters, "
        "which are not discounted, were not material at {fye} or {pye}, and the Company does not expect "
        "environmental costs to have a material effect on its financial position, results of operations or cash "
        "flows.");
    d.heading("Indemnifications", 3);
    para("In connection with divestitures and other transactions, the Company has provided indemnifications for "
         "matters such as breaches of representations and warranties, taxes and environmental liabilities. The "
         "maximum potential amount of future payments under these indemnifications is not determinable, and the "
         "Company has not recorded a liability for them because it does not consider a material payment probable.");
}

void SampleReportGenerator::noteRestructuring()
{
    auto& d = m_doc;
    noteHeading("restructuring");
    para("In {py}, the Company initiated the {program} program to simplify its organizational structure, consolidate "
         "certain manufacturing and administrative facilities and reduce its cost base. Charges in {ppy} related to "
         "actions under prior programs. Restructuring charges by segment were as follows:");
    auto t = yearTable(3, "(in millions)");
    std::vector<std::vector<Money>> bySegment(m_company.segments.size());
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        Money used = 0;
        for (std::size_t s = 0; s < y.segments.size(); ++s) {
            const Money v = s + 1 == y.segments.size()
                ? y.restructuring - used
                : std::llround(static_cast<double>(y.restructuring) * y.segments[s].revenue / y.revenue * 0.9);
            bySegment[s].push_back(v);
            used += v;
        }
    }
    for (std::size_t s = 0; s < m_company.segments.size(); ++s)
        t.row(m_company.segments[s].name, bySegment[s], { .dollar = s == 0 });
    t.total("Total restructuring charges", values(&YearFinancials::restructuring, 3), true);
    d.table(t.build());
    noteRestructuringTypes();
    para("The following table presents changes in the restructuring reserve, which is included in other accrued "
         "liabilities:");
    auto r = yearTable(3, "(in millions)");
    std::vector<Money> begin, pay;
    for (int b = 0; b < 3; ++b) {
        begin.push_back(fy(b + 1).restructuringReserve);
        pay.push_back(-fy(b).restructuringPayments);
    }
    r.row("Balance at beginning of year", begin, { .dollar = true });
    r.row("Charges", values(&YearFinancials::restructuring, 3));
    r.row("Cash payments", pay);
    r.total("Balance at end of year", values(&YearFinancials::restructuringReserve, 3), true);
    d.table(r.build());
    para("The Company expects to pay substantially all of the remaining reserve within the next twelve months and to "
         "incur additional charges of approximately [$5 million|$8 million|$10 million] to complete the program.");
}

void SampleReportGenerator::noteRetirement()
{
    noteHeading("retirement");
    para("The Company sponsors defined contribution retirement plans for substantially all of its U.S. employees and "
         "for employees in certain other countries. Under the principal U.S. plan, the Company matches a portion of "
         "employee contributions and makes an additional non-elective contribution based on years of service. "
         "Expense for the Company\u2019s defined contribution plans was {contrib}, {contrib_py} and {contrib_ppy} in "
         "{fy}, {py} and {ppy}, respectively. Certain foreign subsidiaries maintain defined benefit pension plans "
         "required by local regulations; these plans are not material to the Company\u2019s consolidated financial "
         "statements. The Company also maintains a nonqualified deferred compensation plan for certain executives, "
         "whose obligations are funded through investments held in a rabbi trust (see {note_fairvalue}).");
}

void SampleReportGenerator::noteSegments()
{
    auto& d = m_doc;
    noteHeading("segments");
    para("The Company has {segcount} reportable segments: {seglist}. The segments are organized based on the products "
         "and services they provide and are managed separately. The Company\u2019s Chief Executive Officer, who is the "
         "chief operating decision maker (\u201cCODM\u201d), evaluates segment performance and allocates resources "
         "based on segment operating income, which excludes corporate expenses, amortization of acquired intangible "
         "assets and restructuring charges. The CODM uses segment operating income in the annual budget and "
         "forecasting process and considers budget-to-actual variances monthly. Segment accounting policies are the "
         "same as those described in {note_policies}, and intersegment sales are not material.");
    for (std::size_t s = 0; s < m_company.segments.size(); ++s) {
        auto t = yearTable(3, "(in millions)", m_company.segments[s].name, 60);
        std::vector<Money> rev, cost, opex, oi;
        for (int b = 0; b < 3; ++b) {
            const auto& y = fy(b);
            const auto& sy = y.segments[s];
            rev.push_back(sy.revenue);
            cost.push_back(std::llround(static_cast<double>(y.costOfRevenue) * sy.revenue / y.revenue));
            opex.push_back(sy.revenue - cost.back() - sy.operatingIncome);
            oi.push_back(sy.operatingIncome);
        }
        t.row("Net revenue", rev, { .dollar = true });
        t.row("Cost of revenue", cost, { .indent = 1 });
        t.row("Other segment items (a)", opex, { .indent = 1 });
        t.total("Segment operating income", oi, true);
        d.table(t.build());
    }
    para("(a) Other segment items consist of selling, general and administrative expense and research and development "
         "expense directly attributable to the segment, and allocations of shared service costs.");
    para("The following table reconciles total segment operating income to income before income taxes:");
    auto r = yearTable(3, "(in millions)");
    std::vector<Money> segTotal, corp, amort, restr, ie;
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        Money sum = 0;
        for (const auto& sy : y.segments)
            sum += sy.operatingIncome;
        segTotal.push_back(sum);
        corp.push_back(-y.corporateExpense);
        amort.push_back(-y.amortization);
        restr.push_back(-y.restructuring);
        ie.push_back(-y.interestExpense);
    }
    r.row("Total segment operating income", segTotal, { .dollar = true });
    r.row("Corporate expenses", corp, { .indent = 1 });
    r.row("Amortization of intangible assets", amort, { .indent = 1 });
    r.row("Restructuring charges", restr, { .indent = 1 });
    r.total("Operating income", values(&YearFinancials::operatingIncome, 3));
    r.row("Interest expense", ie, { .indent = 1 });
    r.row("Interest income and other, net", values(&YearFinancials::otherIncome, 3), { .indent = 1 });
    r.total("Income before income taxes", values(&YearFinancials::pretaxIncome, 3), true);
    d.table(r.build());
    para("Depreciation and amortization and capital expenditures by segment were as follows:");
    auto da = yearTable(3, "(in millions)");
    da.section("Depreciation and amortization:");
    std::vector<Money> daCorp, cxCorp;
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        Money d1 = 0, c1 = 0;
        for (const auto& sy : y.segments) {
            d1 += sy.depreciationAmortization;
            c1 += sy.capex;
        }
        daCorp.push_back(y.depreciation + y.amortization - d1);
        cxCorp.push_back(y.capex - c1);
    }
    for (std::size_t s = 0; s < m_company.segments.size(); ++s) {
        std::vector<Money> v;
        for (int b = 0; b < 3; ++b)
            v.push_back(fy(b).segments[s].depreciationAmortization);
        da.row(m_company.segments[s].name, v, { .indent = 1, .dollar = s == 0 });
    }
    da.row("Corporate", daCorp, { .indent = 1 });
    std::vector<Money> daTot, cxTot;
    for (int b = 0; b < 3; ++b) {
        daTot.push_back(fy(b).depreciation + fy(b).amortization);
        cxTot.push_back(fy(b).capex);
    }
    da.total("Total depreciation and amortization", daTot, true, 2);
    da.section("Capital expenditures:", { .spaceBefore = 4 });
    for (std::size_t s = 0; s < m_company.segments.size(); ++s) {
        std::vector<Money> v;
        for (int b = 0; b < 3; ++b)
            v.push_back(fy(b).segments[s].capex);
        da.row(m_company.segments[s].name, v, { .indent = 1, .dollar = s == 0 });
    }
    da.row("Corporate", cxCorp, { .indent = 1 });
    da.total("Total capital expenditures", cxTot, true, 2);
    d.table(da.build());
    para("Net revenue by geographic area, based on the location of the customer, and long-lived assets, consisting of "
         "property, plant and equipment, net, by geographic area were as follows:");
    const char* regions[kRegions] = { "United States", "Europe", "Asia Pacific", "Rest of world" };
    auto g = yearTable(3, "(in millions)", "Net Revenue");
    for (int k = 0; k < kRegions; ++k) {
        std::vector<Money> v;
        for (int b = 0; b < 3; ++b)
            v.push_back(fy(b).regionRevenue[static_cast<std::size_t>(k)]);
        g.row(regions[k], v, { .dollar = k == 0 });
    }
    g.total("Total", values(&YearFinancials::revenue, 3), true);
    d.table(g.build());
    auto l = yearTable(2, "(in millions)", "Long-Lived Assets", 70);
    for (int k = 0; k < kRegions; ++k) {
        std::vector<Money> v;
        for (int b = 0; b < 2; ++b)
            v.push_back(fy(b).regionLongLivedAssets[static_cast<std::size_t>(k)]);
        l.row(regions[k], v, { .dollar = k == 0 });
    }
    l.total("Total", values(&YearFinancials::ppeNet, 2), true);
    d.table(l.build());
    noteSegmentAssets();
}

void SampleReportGenerator::noteSubsequent()
{
    noteHeading("subsequent");
    para("On February [11|12|18], {nfy}, the Company\u2019s Board of Directors declared a quarterly cash dividend of "
         "{dpsq_next} per share, payable on April [1|3], {nfy}, to stockholders of record on March [13|14], {nfy}. The "
         "Company has evaluated subsequent events through the date on which these consolidated financial statements "
         "were issued and determined that there were no other events requiring recognition or disclosure.");
}

void SampleReportGenerator::notes()
{
    notePolicies();
    noteRevenue();
    noteAcquisition();
    noteBalanceSheetDetail();
    noteGoodwill();
    noteDebt();
    noteLeases();
    noteIncomeTaxes();
    noteStockCompensation();
    noteEarningsPerShare();
    noteEquity();
    noteFairValue();
    noteCommitments();
    noteRestructuring();
    noteRetirement();
    noteSupplemental();
    noteSegments();
    noteQuarterly();
    noteSubsequent();
}

} // namespace moescope

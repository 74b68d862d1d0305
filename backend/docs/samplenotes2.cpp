// Notes to the consolidated financial statements, part two: balance sheet components, goodwill and intangible
// assets, debt, leases and income taxes.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>

namespace moescope {

void SampleReportGenerator::noteBalanceSheetDetail()
{
    auto& d = m_doc;
    noteHeading("balance");
    auto v2 = [&](Money YearFinancials::*f) { return values(f, 2); };
    d.heading("Inventories", 2);
    auto inv = yearTable(2, "(in millions)", "December 31,", 70);
    inv.row("Raw materials and components", v2(&YearFinancials::rawMaterials), { .dollar = true });
    inv.row("Work in process", v2(&YearFinancials::workInProcess));
    inv.row("Finished goods", v2(&YearFinancials::finishedGoods));
    inv.total("Total inventories", v2(&YearFinancials::inventories), true);
    d.table(inv.build());
    d.heading("Property, Plant and Equipment", 2);
    auto ppe = yearTable(2, "(in millions)", "December 31,", 70);
    ppe.row("Land and land improvements", v2(&YearFinancials::ppeLand), { .dollar = true });
    ppe.row("Buildings and leasehold improvements", v2(&YearFinancials::ppeBuildings));
    ppe.row("Machinery and equipment", v2(&YearFinancials::ppeMachinery));
    ppe.row("Computer equipment and software", v2(&YearFinancials::ppeComputer));
    ppe.row("Construction in progress", v2(&YearFinancials::ppeConstruction));
    ppe.total("Property, plant and equipment, at cost", v2(&YearFinancials::ppeGross));
    std::vector<Money> acc;
    for (int b = 0; b < 2; ++b)
        acc.push_back(-fy(b).accumulatedDepreciation);
    ppe.row("Less: accumulated depreciation", acc);
    ppe.total("Property, plant and equipment, net", v2(&YearFinancials::ppeNet), true);
    d.table(ppe.build());
    para("Depreciation expense was {dep}, {dep_py} and {dep_ppy} in {fy}, {py} and {ppy}, respectively.");
    noteAccruedCompensation();
    d.heading("Other Accrued Liabilities", 2);
    auto acr = yearTable(2, "(in millions)", "December 31,", 70);
    acr.row("Contract liabilities", v2(&YearFinancials::contractLiabilities), { .dollar = true });
    acr.row("Product warranty", v2(&YearFinancials::warranty));
    acr.row("Income taxes payable", v2(&YearFinancials::incomeTaxesPayable));
    acr.row("Accrued interest", v2(&YearFinancials::accruedInterest));
    acr.row("Restructuring", v2(&YearFinancials::restructuringReserve));
    acr.row("Other", v2(&YearFinancials::accruedOther));
    acr.total("Total other accrued liabilities", v2(&YearFinancials::otherAccrued), true);
    d.table(acr.build());
    d.heading("Product Warranty", 2);
    para("The following table presents changes in the Company\u2019s product warranty liability:");
    auto w = yearTable(3, "(in millions)");
    std::vector<Money> begin, prov, settle, end;
    for (int b = 0; b < 3; ++b) {
        begin.push_back(fy(b + 1).warranty);
        prov.push_back(fy(b).warrantyProvision);
        settle.push_back(-fy(b).warrantySettlements);
        end.push_back(fy(b).warranty);
    }
    w.row("Balance at beginning of year", begin, { .dollar = true });
    w.row("Provision for warranties issued", prov);
    w.row("Settlements made", settle);
    w.total("Balance at end of year", end, true);
    d.table(w.build());
    d.heading("Allowance for Credit Losses", 2);
    auto a = yearTable(3, "(in millions)");
    std::vector<Money> ab, ap, aw, ae;
    for (int b = 0; b < 3; ++b) {
        ab.push_back(fy(b + 1).allowance);
        ap.push_back(fy(b).allowanceProvision);
        aw.push_back(-fy(b).allowanceWriteoffs);
        ae.push_back(fy(b).allowance);
    }
    a.row("Balance at beginning of year", ab, { .dollar = true });
    a.row("Provision for expected credit losses", ap);
    a.row("Write-offs, net of recoveries", aw);
    a.total("Balance at end of year", ae, true);
    d.table(a.build());
}

void SampleReportGenerator::noteGoodwill()
{
    auto& d = m_doc;
    noteHeading("goodwill");
    para("The following table presents changes in the carrying amount of goodwill by segment:");
    std::vector<std::string> cols;
    for (const auto& seg : m_company.segments)
        cols.push_back(seg.name);
    cols.push_back("Total");
    FinancialTable t(cols, "", "(in millions)", m_textWidth, cols.size() > 3 ? 76 : 90);
    auto balanceRow = [&](const YearFinancials& y, bool grand) {
        std::vector<Money> v;
        for (const auto& s : y.segments)
            v.push_back(s.goodwill);
        v.push_back(y.goodwill);
        if (grand)
            t.total("Balance at December 31, " + std::to_string(y.year), v, true);
        else
            t.row("Balance at December 31, " + std::to_string(y.year), v, { .dollar = true });
    };
    balanceRow(fy(2), false);
    for (int b = 1; b >= 0; --b) {
        const auto& y = fy(b);
        const auto& p = fy(b + 1);
        std::vector<Money> acq, fx;
        Money acqTotal = 0, fxTotal = 0;
        for (std::size_t s = 0; s < y.segments.size(); ++s) {
            const Money a
                = (y.acqGoodwill > 0 && static_cast<int>(s) == m_company.acquisitionSegment) ? y.acqGoodwill : 0;
            acq.push_back(a);
            fx.push_back(y.segments[s].goodwill - p.segments[s].goodwill - a);
            acqTotal += a;
            fxTotal += fx.back();
        }
        acq.push_back(acqTotal);
        fx.push_back(fxTotal);
        if (acqTotal != 0)
            t.row("Acquisition", acq, { .indent = 1 });
        t.row("Foreign currency translation", fx, { .indent = 1 });
        balanceRow(y, b == 0);
    }
    d.table(t.build());
    para("The Company completed its annual goodwill impairment test as of October 1, {fy}, and concluded that the fair "
         "value of each reporting unit exceeded its carrying value. There were no accumulated goodwill impairment "
         "losses at {fye} or {pye}.");
    noteGoodwillUnits();
    para("Intangible assets consisted of the following:");
    TableBlock it;
    it.columns.push_back({ m_textWidth - 6 * 54, TextAlign::Left, true });
    for (int i = 0; i < 6; ++i)
        it.columns.push_back({ 54, TextAlign::Right, false });
    it.fontSize = 8.5;
    it.rowHeight = 11;
    TableRow top;
    top.header = true;
    top.bold = true;
    top.cells.push_back({ "" });
    for (int b = 0; b < 2; ++b) {
        TableCell c;
        c.text = "December 31, " + std::to_string(fy(b).year);
        c.span = 3;
        c.align = TextAlign::Center;
        c.underline = true;
        top.cells.push_back(c);
    }
    it.rows.push_back(top);
    TableRow sub;
    sub.header = true;
    sub.bold = true;
    sub.cells.push_back({ "(in millions)" });
    for (int b = 0; b < 2; ++b)
        for (auto s : { "Gross Carrying Amount", "Accumulated Amortization", "Net" }) {
            TableCell c;
            c.text = s;
            c.align = TextAlign::Center;
            c.underline = true;
            sub.cells.push_back(c);
        }
    it.rows.push_back(sub);
    // Accumulated amortization is allocated to classes in proportion to their gross amounts.
    auto classRow = [&](const std::string& label, Money YearFinancials::*gross, bool dollar, bool last) {
        TableRow r;
        r.cells.push_back({ label });
        for (int b = 0; b < 2; ++b) {
            const auto& y = fy(b);
            Money accum = 0;
            if (last)
                accum = y.accumulatedAmortization
                    - std::llround(
                        static_cast<double>(y.accumulatedAmortization) * y.intangibleCustomerGross / y.intangibleGross)
                    - std::llround(static_cast<double>(y.accumulatedAmortization) * y.intangibleTechnologyGross
                        / y.intangibleGross);
            else
                accum = std::llround(static_cast<double>(y.accumulatedAmortization) * (y.*gross) / y.intangibleGross);
            for (Money x : { y.*gross, -accum, y.*gross - accum }) {
                TableCell c;
                c.text = formatAmount(x);
                c.dollar = dollar;
                r.cells.push_back(c);
            }
        }
        it.rows.push_back(r);
    };
    classRow("Customer relationships", &YearFinancials::intangibleCustomerGross, true, false);
    classRow("Developed technology", &YearFinancials::intangibleTechnologyGross, false, false);
    classRow("Trade names", &YearFinancials::intangibleTradeGross, false, true);
    TableRow tot;
    tot.ruleAbove = TableRule::Single;
    tot.ruleBelow = TableRule::Double;
    tot.cells.push_back({ "Total intangible assets" });
    for (int b = 0; b < 2; ++b) {
        const auto& y = fy(b);
        for (Money x : { y.intangibleGross, -y.accumulatedAmortization, y.intangiblesNet }) {
            TableCell c;
            c.text = formatAmount(x);
            c.dollar = true;
            tot.cells.push_back(c);
        }
    }
    it.rows.push_back(tot);
    d.table(std::move(it));
    const auto outlook = m_financials->amortizationOutlook();
    std::string future;
    for (int i = 0; i < 5; ++i)
        future += (i ? (i == 4 ? "; and " : "; ") : "") + std::to_string(m_company.fiscalYear + 1 + i) + ", "
            + formatMillions(outlook[static_cast<std::size_t>(i)]);
    para("Amortization expense was {amort_c}, {amort_p} and " + formatMillions(fy(2).amortization)
        + " in {fy}, {py} and {ppy}, respectively. Estimated amortization expense for each of the next five years is: "
        + future + ".");
}

void SampleReportGenerator::noteDebt()
{
    auto& d = m_doc;
    noteHeading("debt");
    para("The Company\u2019s debt consisted of the following:");
    auto t = yearTable(2, "(in millions)", "December 31,", 70);
    std::vector<DebtTranche> all;
    for (const auto& tr : m_financials->debt())
        if (tr.maturity > m_company.fiscalYear - 1 && tr.issued <= m_company.fiscalYear)
            all.push_back(tr);
    bool first = true;
    for (const auto& tr : all) {
        std::vector<Money> v;
        for (int b = 0; b < 2; ++b) {
            const int yr = fy(b).year;
            v.push_back(tr.issued <= yr && tr.maturity > yr ? tr.principal : 0);
        }
        t.row(tr.name, v, { .dollar = first });
        first = false;
    }
    t.row("Revolving credit facility", values(&YearFinancials::revolverBalance, 2));
    t.total("Total debt", values(&YearFinancials::debtPrincipal, 2));
    std::vector<Money> cur;
    for (int b = 0; b < 2; ++b)
        cur.push_back(-fy(b).currentDebt);
    t.row("Less: current portion of long-term debt", cur);
    t.total("Long-term debt, net of current portion", values(&YearFinancials::longTermDebt, 2), true);
    d.table(t.build());
    para(
        "**Senior Notes.** The Company\u2019s senior notes are unsecured obligations that pay interest semiannually "
        "and "
        "may be redeemed at the Company\u2019s option at any time, in whole or in part, at a redemption price equal to "
        "the greater of 100% of the principal amount and a make-whole amount, plus accrued interest. Upon a change of "
        "control accompanied by a downgrade of the notes below investment grade, the Company would be required to "
        "offer to repurchase the notes at 101% of their principal amount. The indentures contain covenants that "
        "limit the Company\u2019s ability to create liens, enter into sale and leaseback transactions and "
        "consolidate, merge or sell substantially all of its assets. Unamortized discounts and debt issuance costs "
        "were not material at {fye} or {pye}.");
    noteDebtIssuances();
    para(
        "In {acqyear}, the Company issued senior notes in an underwritten public offering and used the net proceeds to "
        "finance the acquisition of {acq} and to repay senior notes that matured during the year.");
    para("**Revolving Credit Facility.** The Company has a {revolver} unsecured revolving credit facility with a "
         "syndicate of banks that matures in [2029|2030]. Borrowings bear interest at the Secured Overnight Financing "
         "Rate plus a margin based on the Company\u2019s credit ratings, and the Company pays a facility fee on the "
         "total commitment. The facility also supports the issuance of letters of credit. The credit agreement "
         "requires the Company to maintain a ratio of consolidated total debt to consolidated EBITDA of not more than "
         "3.50 to 1.00, and the Company was in compliance with this covenant at {fye}. Borrowings outstanding under "
         "the facility were {revolverbal} at {fye}.");
    const auto mat = m_financials->debtMaturities();
    std::string text = "Scheduled principal payments of debt as of {fye} are as follows: ";
    for (int i = 0; i < 5; ++i)
        text += std::to_string(m_company.fiscalYear + 1 + i) + ", " + formatMillions(mat[static_cast<std::size_t>(i)])
            + "; ";
    text += "and thereafter, " + formatMillions(mat[5]) + ".";
    para(text);
    FinancialTable m({ "Amount" }, "", "(in millions)", m_textWidth, 80);
    for (int i = 0; i < 5; ++i)
        m.row(std::to_string(m_company.fiscalYear + 1 + i), { mat[static_cast<std::size_t>(i)] }, { .dollar = i == 0 });
    m.row("Thereafter", { mat[5] });
    m.total("Total", { fy(0).debtPrincipal }, true);
    d.table(m.build());
    para("The estimated fair value of the Company\u2019s debt, based on quoted market prices for similar instruments "
         "(Level 2), was {fairdebt} at {fye}. Interest paid was {interestpaid} in {fy}.");
}

void SampleReportGenerator::noteLeases()
{
    auto& d = m_doc;
    noteHeading("leases");
    para("The Company leases manufacturing facilities, warehouses, offices, vehicles and equipment under operating "
         "leases with remaining terms of one to [twelve|fifteen] years, some of which include options to extend the "
         "lease for up to ten years. Finance leases were not material. The components of lease cost and supplemental "
         "information were as follows:");
    auto t = yearTable(3, "(in millions)");
    std::vector<Money> cost, cash, added;
    for (int b = 0; b < 3; ++b) {
        cost.push_back(fy(b).leaseCost);
        cash.push_back(fy(b).leaseCashPaid);
        added.push_back(fy(b).newLeases);
    }
    t.row("Operating lease cost", cost, { .dollar = true });
    t.row("Cash paid for amounts included in the measurement of operating lease liabilities", cash);
    t.row("Right-of-use assets obtained in exchange for new operating lease liabilities", added);
    d.table(t.build());
    para("As of {fye}, the weighted-average remaining lease term of operating leases was [6.4|6.9|7.3] years and the "
         "weighted-average discount rate was [4.1%|4.4%|4.6%]. Short-term and variable lease costs were not material. "
         "Maturities of operating lease liabilities as of {fye} were as follows:");
    const auto l = m_financials->leaseMaturities();
    FinancialTable m({ "Amount" }, "", "(in millions)", m_textWidth, 80);
    Money total = 0;
    for (int i = 0; i < 6; ++i) {
        m.row(i < 5 ? std::to_string(m_company.fiscalYear + 1 + i) : "Thereafter", { l[static_cast<std::size_t>(i)] },
            { .dollar = i == 0 });
        total += l[static_cast<std::size_t>(i)];
    }
    m.total("Total lease payments", { total });
    m.row("Less: imputed interest", { -l[6] });
    m.total("Present value of lease liabilities", { fy(0).leaseLiability }, true);
    m.row("Operating lease liabilities, current", { fy(0).leaseCurrent }, { .spaceBefore = 4 });
    m.row("Operating lease liabilities, noncurrent", { fy(0).leaseNoncurrent });
    d.table(m.build());
    noteLeaseDetail();
}

void SampleReportGenerator::noteIncomeTaxes()
{
    auto& d = m_doc;
    noteHeading("taxes");
    para("Income before income taxes consisted of the following:");
    auto t1 = yearTable(3, "(in millions)");
    std::vector<Money> dom, frn;
    for (int b = 0; b < 3; ++b) {
        dom.push_back(fy(b).tax.domesticPretax);
        frn.push_back(fy(b).tax.foreignPretax);
    }
    t1.row("United States", dom, { .dollar = true });
    t1.row("Foreign", frn);
    t1.total("Income before income taxes", values(&YearFinancials::pretaxIncome, 3), true);
    d.table(t1.build());
    para("The provision for income taxes consisted of the following:");
    auto t2 = yearTable(3, "(in millions)");
    auto taxVec = [&](Money TaxDetail::*f) {
        std::vector<Money> v;
        for (int b = 0; b < 3; ++b)
            v.push_back(fy(b).tax.*f);
        return v;
    };
    t2.section("Current:");
    t2.row("Federal", taxVec(&TaxDetail::currentFederal), { .indent = 1, .dollar = true });
    t2.row("State", taxVec(&TaxDetail::currentState), { .indent = 1 });
    t2.row("Foreign", taxVec(&TaxDetail::currentForeign), { .indent = 1 });
    t2.total("Total current", values(&YearFinancials::currentTax, 3), false, 2);
    t2.section("Deferred:");
    t2.row("Federal", taxVec(&TaxDetail::deferredFederal), { .indent = 1 });
    t2.row("State", taxVec(&TaxDetail::deferredState), { .indent = 1 });
    t2.row("Foreign", taxVec(&TaxDetail::deferredForeign), { .indent = 1 });
    t2.total("Total deferred", values(&YearFinancials::deferredTax, 3), false, 2);
    t2.total("Provision for income taxes", values(&YearFinancials::taxProvision, 3), true);
    d.table(t2.build());
    para("A reconciliation of income taxes computed at the U.S. federal statutory rate of 21% to the provision for "
         "income taxes is as follows:");
    auto t3 = yearTable(3, "(in millions)");
    t3.row("Income taxes at the U.S. federal statutory rate", taxVec(&TaxDetail::statutory), { .dollar = true });
    t3.row("State income taxes, net of federal benefit", taxVec(&TaxDetail::stateNet));
    t3.row("Effect of foreign operations", taxVec(&TaxDetail::foreignRate));
    t3.row("Research and development tax credits", taxVec(&TaxDetail::researchCredit));
    t3.row("Foreign-derived intangible income deduction", taxVec(&TaxDetail::fdii));
    t3.row("Excess tax benefits from stock-based compensation", taxVec(&TaxDetail::stockComp));
    t3.row("Other, net", taxVec(&TaxDetail::other));
    t3.total("Provision for income taxes", values(&YearFinancials::taxProvision, 3), true);
    std::vector<std::string> rates;
    for (int b = 0; b < 3; ++b)
        rates.push_back(formatPercent(static_cast<double>(fy(b).taxProvision) / fy(b).pretaxIncome));
    t3.textRow("Effective tax rate", rates, { .spaceBefore = 3 });
    d.table(t3.build());
    para("The significant components of deferred tax assets and liabilities were as follows:");
    auto t4 = yearTable(2, "(in millions)", "December 31,", 70);
    auto dt = [&](Money TaxDetail::*f, bool negate) {
        std::vector<Money> v;
        for (int b = 0; b < 2; ++b)
            v.push_back(negate ? -(fy(b).tax.*f) : fy(b).tax.*f);
        return v;
    };
    t4.section("Deferred tax assets:");
    t4.row("Accrued liabilities and reserves", dt(&TaxDetail::dtaAccruals, false), { .indent = 1, .dollar = true });
    t4.row("Stock-based compensation", dt(&TaxDetail::dtaStockComp, false), { .indent = 1 });
    t4.row("Operating lease liabilities", dt(&TaxDetail::dtaLeases, false), { .indent = 1 });
    t4.row("Net operating loss and tax credit carryforwards", dt(&TaxDetail::dtaCarryforwards, false), { .indent = 1 });
    t4.row("Other", dt(&TaxDetail::dtaOther, false), { .indent = 1 });
    std::vector<Money> gross, net, dtl, netLiab;
    for (int b = 0; b < 2; ++b) {
        const auto& x = fy(b).tax;
        gross.push_back(x.dtaAccruals + x.dtaStockComp + x.dtaLeases + x.dtaCarryforwards + x.dtaOther);
        net.push_back(gross.back() - x.valuationAllowance);
        dtl.push_back(-(x.dtlProperty + x.dtlIntangibles + x.dtlRightOfUse));
        netLiab.push_back(-fy(b).deferredTaxLiability);
    }
    t4.total("Gross deferred tax assets", gross, false, 1);
    t4.row("Valuation allowance", dt(&TaxDetail::valuationAllowance, true), { .indent = 1 });
    t4.total("Net deferred tax assets", net, false, 1);
    t4.section("Deferred tax liabilities:");
    t4.row("Property, plant and equipment", dt(&TaxDetail::dtlProperty, true), { .indent = 1 });
    t4.row("Goodwill and intangible assets", dt(&TaxDetail::dtlIntangibles, true), { .indent = 1 });
    t4.row("Operating lease right-of-use assets", dt(&TaxDetail::dtlRightOfUse, true), { .indent = 1 });
    t4.total("Total deferred tax liabilities", dtl, false, 1);
    t4.total("Net deferred tax liabilities", netLiab, true);
    d.table(t4.build());
    para("As of {fye}, the Company had foreign net operating loss carryforwards and state tax credit carryforwards "
         "that expire at various dates through [2040|2042] or have no expiration. The valuation allowance relates "
         "primarily to carryforwards in jurisdictions where the Company does not expect to generate sufficient "
         "taxable income to use them. The Company considers the undistributed earnings of its foreign subsidiaries to "
         "be indefinitely reinvested, except for earnings that can be repatriated without material tax cost; the "
         "amount of unrecognized deferred tax liability on indefinitely reinvested earnings is not practicable to "
         "determine.");
    para("A reconciliation of the beginning and ending amounts of unrecognized tax benefits is as follows:");
    auto t5 = yearTable(3, "(in millions)");
    t5.row("Balance at beginning of year", taxVec(&TaxDetail::utbBegin), { .dollar = true });
    t5.row("Additions for tax positions of the current year", taxVec(&TaxDetail::utbCurrent));
    t5.row("Additions for tax positions of prior years", taxVec(&TaxDetail::utbPrior));
    std::vector<Money> red, set;
    for (int b = 0; b < 3; ++b) {
        red.push_back(-fy(b).tax.utbReductions);
        set.push_back(-fy(b).tax.utbSettlements);
    }
    t5.row("Reductions for tax positions of prior years", red);
    t5.row("Settlements and lapses of statutes of limitations", set);
    t5.total("Balance at end of year", taxVec(&TaxDetail::utbEnd), true);
    d.table(t5.build());
    para("If recognized, approximately {utbrate} of the unrecognized tax benefits at {fye} would affect the effective "
         "tax rate. Interest and penalties related to unrecognized tax benefits were not material. The Company files "
         "income tax returns in the United States and numerous foreign jurisdictions, and it is no longer subject to "
         "U.S. federal examinations for years before [2021|2022]. It is reasonably possible that unrecognized tax "
         "benefits could decrease by up to [$5 million|$8 million] within the next twelve months as a result of the "
         "resolution of examinations and the expiration of statutes of limitations. Cash paid for income taxes, net of "
         "refunds, was {taxespaid} in {fy}.");
    taxesPaidTable();
    noteTaxDetail();
}

} // namespace moescope

// The sample financials' tax detail, maturity schedules and the identities every statement and note relies on.

#include "docs/samplefinancials.h"

#include <cmath>

namespace moescope {

namespace {
Money m(double v)
{
    return static_cast<Money>(std::llround(v));
}
} // namespace

void SampleFinancials::taxDetail(const YearFinancials& prev, YearFinancials& y)
{
    auto& r = m_rng;
    TaxDetail& t = y.tax;
    t.foreignPretax = m(y.pretaxIncome * r.uniform(0.30, 0.40));
    t.domesticPretax = y.pretaxIncome - t.foreignPretax;
    t.currentFederal = m(y.currentTax * 0.58);
    t.currentState = m(y.currentTax * 0.12);
    t.currentForeign = y.currentTax - t.currentFederal - t.currentState;
    t.deferredFederal = m(y.deferredTax * 0.7);
    t.deferredState = m(y.deferredTax * 0.1);
    t.deferredForeign = y.deferredTax - t.deferredFederal - t.deferredState;

    t.statutory = m(y.pretaxIncome * 0.21);
    t.stateNet = m(y.pretaxIncome * r.uniform(0.022, 0.03));
    t.foreignRate = m(y.pretaxIncome * r.uniform(0.003, 0.01));
    t.researchCredit = -m(y.pretaxIncome * r.uniform(0.008, 0.014));
    t.fdii = -m(y.pretaxIncome * r.uniform(0.006, 0.01));
    t.stockComp = -m(y.pretaxIncome * r.uniform(0.001, 0.004));
    t.other = y.taxProvision - (t.statutory + t.stateNet + t.foreignRate + t.researchCredit + t.fdii + t.stockComp);
    y.researchCreditAmount = -t.researchCredit;

    // Deferred tax balances, with intangibles and goodwill as the balancing component so that the net liability is
    // the balance sheet's.
    t.dtaAccruals = m((y.accruedCompensation + y.warranty + y.restructuringReserve) * 0.23);
    t.dtaStockComp = m(y.stockCompensation * 0.6);
    t.dtaLeases = m(y.leaseLiability * 0.23);
    t.dtaCarryforwards = m(y.revenue * 0.004);
    t.dtaOther = m(y.revenue * 0.002);
    t.valuationAllowance = m(t.dtaCarryforwards * 0.55);
    t.dtlProperty = m(y.ppeNet * 0.07);
    t.dtlRightOfUse = m(y.rightOfUse * 0.23);
    const Money netAssets
        = t.dtaAccruals + t.dtaStockComp + t.dtaLeases + t.dtaCarryforwards + t.dtaOther - t.valuationAllowance;
    t.dtlIntangibles = y.deferredTaxLiability + netAssets - t.dtlProperty - t.dtlRightOfUse;
    if (t.dtlIntangibles < m(y.revenue * 0.004)) { // keep every component positive
        const Money shift = m(y.revenue * 0.004) - t.dtlIntangibles;
        t.dtlIntangibles += shift;
        t.dtlProperty -= shift;
    }

    t.utbBegin = prev.tax.utbEnd;
    t.utbCurrent = m(t.utbBegin * r.uniform(0.10, 0.15));
    t.utbPrior = m(t.utbBegin * r.uniform(0.03, 0.07));
    t.utbReductions = m(t.utbBegin * r.uniform(0.02, 0.05));
    t.utbSettlements = m(t.utbBegin * r.uniform(0.04, 0.08));
    t.utbEnd = t.utbBegin + t.utbCurrent + t.utbPrior - t.utbReductions - t.utbSettlements;
    t.cashTaxesPaid = y.currentTax - (y.incomeTaxesPayable - prev.incomeTaxesPayable);
}

std::array<Money, 6> SampleFinancials::debtMaturities() const
{
    std::array<Money, 6> out {};
    const int fy = fiscalYear();
    for (const auto& t : debtOutstanding(fy)) {
        const int k = t.maturity - fy - 1;
        out[static_cast<std::size_t>(std::min(k, 5))] += t.principal;
    }
    out[3] += latest().revolverBalance; // the revolving credit facility matures in the fourth year
    return out;
}

std::array<Money, 7> SampleFinancials::leaseMaturities() const
{
    const Money liability = latest().leaseLiability;
    const Money interest = m(liability * 0.11);
    const Money payments = liability + interest;
    std::array<Money, 7> out {};
    const double w[5] = { 0.24, 0.20, 0.16, 0.12, 0.09 };
    Money used = 0;
    for (int i = 0; i < 5; ++i) {
        out[static_cast<std::size_t>(i)] = m(payments * w[i]);
        used += out[static_cast<std::size_t>(i)];
    }
    out[5] = payments - used;
    out[6] = interest;
    return out;
}

std::array<Money, 5> SampleFinancials::amortizationOutlook() const
{
    std::array<Money, 5> out {};
    Money left = latest().intangiblesNet;
    for (int i = 0; i < 5; ++i) {
        out[static_cast<std::size_t>(i)] = std::min(left, m(latest().amortization * (0.98 - 0.05 * i)));
        left -= out[static_cast<std::size_t>(i)];
    }
    return out;
}

std::vector<std::string> SampleFinancials::violations() const
{
    std::vector<std::string> v;
    auto expect = [&](bool ok, int year, const std::string& what) {
        if (!ok)
            v.push_back(std::to_string(year) + ": " + what);
    };
    for (std::size_t i = 1; i < m_years.size(); ++i) {
        const auto& p = m_years[i - 1];
        const auto& y = m_years[i];
        const int yr = y.year;
        Money segRevenue = 0, segProfit = 0, segGoodwill = 0, regions = 0;
        for (const auto& s : y.segments) {
            segRevenue += s.revenue;
            segProfit += s.operatingIncome;
            segGoodwill += s.goodwill;
            Money sr = 0;
            for (Money x : s.regionRevenue)
                sr += x;
            expect(sr == s.revenue, yr, "segment revenue by region");
            expect(s.productRevenue + s.serviceRevenue == s.revenue, yr, "segment product + service revenue");
        }
        for (Money x : y.regionRevenue)
            regions += x;
        expect(segRevenue == y.revenue && regions == y.revenue, yr, "revenue by segment and by region");
        expect(y.productRevenue + y.serviceRevenue == y.revenue, yr, "product + service revenue");
        expect(y.revenue - y.costOfRevenue == y.grossProfit, yr, "gross profit");
        expect(y.costOfProducts + y.costOfServices == y.costOfRevenue, yr, "cost of revenue");
        expect(y.sga + y.researchDevelopment + y.amortization + y.restructuring == y.operatingExpenses, yr,
            "operating expenses");
        expect(y.grossProfit - y.operatingExpenses == y.operatingIncome, yr, "operating income");
        expect(segProfit - y.amortization - y.restructuring - y.corporateExpense == y.operatingIncome, yr,
            "segment operating income reconciliation");
        expect(y.operatingIncome - y.interestExpense + y.otherIncome == y.pretaxIncome, yr, "pretax income");
        expect(y.pretaxIncome - y.taxProvision == y.netIncome && y.netIncome > 0, yr, "net income");
        expect(y.currentTax + y.deferredTax == y.taxProvision, yr, "current + deferred tax");
        expect(y.epsBasicCents == std::lround(y.netIncome * 1000.0 / y.basicSharesTenths), yr, "basic EPS");
        expect(y.epsDilutedCents == std::lround(y.netIncome * 1000.0 / y.dilutedSharesTenths), yr, "diluted EPS");
        expect(y.netIncome + y.otherComprehensive == y.comprehensiveIncome
                && y.translation + y.hedges == y.otherComprehensive,
            yr, "comprehensive income");
        // Balance sheet
        expect(y.cash + y.receivables + y.inventories + y.prepaid == y.currentAssets, yr, "current assets");
        expect(
            y.currentAssets + y.ppeNet + y.rightOfUse + y.goodwill + y.intangiblesNet + y.otherAssets == y.totalAssets,
            yr, "total assets");
        expect(y.payables + y.accruedCompensation + y.otherAccrued + y.currentDebt + y.leaseCurrent
                == y.currentLiabilities,
            yr, "current liabilities");
        expect(y.currentLiabilities + y.longTermDebt + y.leaseNoncurrent + y.deferredTaxLiability + y.otherLiabilities
                == y.totalLiabilities,
            yr, "total liabilities");
        expect(
            y.commonStock + y.paidInCapital + y.retainedEarnings + y.treasuryStock + y.accumulatedOci == y.totalEquity,
            yr, "total equity");
        expect(y.totalAssets == y.totalLiabilities + y.totalEquity, yr, "assets = liabilities + equity");
        expect(y.totalLiabilitiesAndEquity == y.totalAssets, yr, "total liabilities and equity");
        // Cash flows
        expect(y.netIncome + y.depreciation + y.amortization + y.stockCompensation + y.deferredTax + y.changeReceivables
                    + y.changeInventories + y.changePrepaid + y.changePayables + y.changeAccrued + y.changeOther
                == y.operatingCashFlow,
            yr, "operating cash flow");
        expect(-y.capex - y.acquisitions == y.investingCashFlow, yr, "investing cash flow");
        expect(y.debtProceeds - y.debtRepayments - y.repurchases - y.dividends + y.stockPlanProceeds
                == y.financingCashFlow,
            yr, "financing cash flow");
        expect(y.operatingCashFlow + y.investingCashFlow + y.financingCashFlow + y.fxOnCash == y.netChangeInCash, yr,
            "net change in cash");
        expect(y.cashBegin == p.cash && y.cashBegin + y.netChangeInCash == y.cash, yr, "cash reconciles");
        expect(y.cash > 0 && y.operatingCashFlow > 0, yr, "positive cash and operating cash flow");
        // Equity roll-forward
        expect(p.retainedEarnings + y.netIncome - y.dividends == y.retainedEarnings, yr, "retained earnings");
        expect(p.paidInCapital + y.stockCompensation + y.stockPlanProceeds == y.paidInCapital, yr, "paid-in capital");
        expect(p.treasuryStock - y.repurchases == y.treasuryStock, yr, "treasury stock");
        expect(p.accumulatedOci + y.otherComprehensive == y.accumulatedOci, yr, "accumulated OCI");
        expect(p.sharesOutstanding + y.sharesIssuedPlans - y.sharesRepurchased == y.sharesOutstanding
                && y.sharesIssued - y.treasuryShares == y.sharesOutstanding,
            yr, "shares outstanding");
        // Notes
        expect(y.rawMaterials + y.workInProcess + y.finishedGoods == y.inventories, yr, "inventories");
        expect(y.ppeLand + y.ppeBuildings + y.ppeMachinery + y.ppeComputer + y.ppeConstruction == y.ppeGross
                && y.ppeGross - y.accumulatedDepreciation == y.ppeNet,
            yr, "property, plant and equipment");
        expect(y.intangibleGross - y.accumulatedAmortization == y.intangiblesNet && y.intangiblesNet > 0, yr,
            "intangible assets");
        expect(segGoodwill == y.goodwill, yr, "goodwill by segment");
        expect(y.contractLiabilities + y.warranty + y.accruedInterest + y.incomeTaxesPayable + y.restructuringReserve
                    + y.accruedOther
                == y.otherAccrued,
            yr, "other accrued liabilities");
        expect(p.warranty + y.warrantyProvision - y.warrantySettlements == y.warranty, yr, "warranty reserve");
        expect(p.allowance + y.allowanceProvision - y.allowanceWriteoffs == y.allowance, yr, "credit loss allowance");
        expect(p.restructuringReserve + y.restructuring - y.restructuringPayments == y.restructuringReserve, yr,
            "restructuring reserve");
        expect(y.currentDebt + y.longTermDebt == y.debtPrincipal, yr, "debt");
        expect(y.leaseCurrent + y.leaseNoncurrent == y.leaseLiability, yr, "lease liabilities");
        Money la = 0;
        for (Money x : y.regionLongLivedAssets)
            la += x;
        expect(la == y.ppeNet, yr, "long-lived assets by region");
        const TaxDetail& t = y.tax;
        expect(t.domesticPretax + t.foreignPretax == y.pretaxIncome, yr, "pretax income by jurisdiction");
        expect(t.currentFederal + t.currentState + t.currentForeign == y.currentTax, yr, "current tax");
        expect(t.deferredFederal + t.deferredState + t.deferredForeign == y.deferredTax, yr, "deferred tax");
        expect(t.statutory + t.stateNet + t.foreignRate + t.researchCredit + t.fdii + t.stockComp + t.other
                == y.taxProvision,
            yr, "tax rate reconciliation");
        expect(t.dtlProperty + t.dtlIntangibles + t.dtlRightOfUse
                    - (t.dtaAccruals + t.dtaStockComp + t.dtaLeases + t.dtaCarryforwards + t.dtaOther
                        - t.valuationAllowance)
                == y.deferredTaxLiability,
            yr, "deferred tax balances");
        expect(t.utbBegin + t.utbCurrent + t.utbPrior - t.utbReductions - t.utbSettlements == t.utbEnd, yr,
            "unrecognized tax benefits");
    }
    Money maturities = 0;
    for (Money x : debtMaturities())
        maturities += x;
    expect(maturities == latest().debtPrincipal, fiscalYear(), "debt maturities");
    const auto lease = leaseMaturities();
    Money payments = 0;
    for (int i = 0; i < 6; ++i)
        payments += lease[static_cast<std::size_t>(i)];
    expect(payments - lease[6] == latest().leaseLiability, fiscalYear(), "lease maturities");
    return v;
}

} // namespace moescope

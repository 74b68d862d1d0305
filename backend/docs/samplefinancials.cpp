#include "docs/samplefinancials.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace moescope {

namespace {

Money m(double v)
{
    return static_cast<Money>(std::llround(v));
}
Money roundTo(double v, int step)
{
    return static_cast<Money>(std::llround(v / step)) * step;
}

std::string trancheName(double coupon, int maturity)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f%% Senior Notes due %d", coupon * 100, maturity);
    return buf;
}

// Splits total by weights into whole amounts that add up exactly (the last part takes the rounding).
std::vector<Money> split(Money total, const std::vector<double>& weights)
{
    double sum = 0;
    for (double w : weights)
        sum += w;
    std::vector<Money> out;
    Money used = 0;
    for (std::size_t i = 0; i + 1 < weights.size(); ++i) {
        out.push_back(m(total * weights[i] / sum));
        used += out.back();
    }
    out.push_back(total - used);
    return out;
}

} // namespace

SampleFinancials::SampleFinancials(const SampleCompany& company, SampleRng rng)
    : m_company(company)
    , m_rng(rng)
{
    if (company.segments.empty())
        throw InvalidArgumentError("sample company has no segments");
    m_years.resize(4);
    m_years[0].year = company.fiscalYear - 3;
    openingYear(m_years[0]);
    for (std::size_t i = 1; i < m_years.size(); ++i) {
        m_years[i].year = m_years[0].year + static_cast<int>(i);
        simulateYear(m_years[i - 1], m_years[i]);
    }
}

const YearFinancials& SampleFinancials::year(int calendarYear) const
{
    for (const auto& y : m_years)
        if (y.year == calendarYear)
            return y;
    throw InvalidArgumentError("no financials for " + std::to_string(calendarYear));
}

std::vector<DebtTranche> SampleFinancials::debtOutstanding(int calendarYear) const
{
    std::vector<DebtTranche> out;
    for (const auto& t : m_debt)
        if (t.issued <= calendarYear && t.maturity > calendarYear)
            out.push_back(t);
    return out;
}

void SampleFinancials::openingYear(YearFinancials& y)
{
    auto& r = m_rng;
    const auto& segs = m_company.segments;
    const Money revenue = roundTo(r.uniform(2600, 5200), 1);
    for (std::size_t s = 0; s < segs.size(); ++s)
        m_segmentMix.push_back(r.uniform(0.7, 1.3) * (s == 0 ? 1.35 : 1.0));
    const auto segRevenue = split(revenue, m_segmentMix);
    m_dso = r.uniform(55, 66);
    m_dio = r.uniform(72, 96);
    m_dpo = r.uniform(44, 56);
    m_taxRate = r.uniform(0.205, 0.235);
    m_sgaRate = r.uniform(0.18, 0.2);
    m_rndRate = r.uniform(0.038, 0.056);

    Money cost = 0;
    y.segments.resize(segs.size());
    for (std::size_t s = 0; s < segs.size(); ++s) {
        auto& sy = y.segments[s];
        sy.revenue = segRevenue[s];
        sy.serviceRevenue = m(sy.revenue * segs[s].serviceShare);
        sy.productRevenue = sy.revenue - sy.serviceRevenue;
        cost += m(sy.productRevenue * (1 - segs[s].productMargin)) + m(sy.serviceRevenue * (1 - segs[s].serviceMargin));
        sy.goodwill = m(sy.revenue * r.uniform(0.45, 0.65));
        y.goodwill += sy.goodwill;
    }
    y.revenue = revenue;
    y.costOfRevenue = cost;

    y.cash = m(revenue * r.uniform(0.08, 0.11));
    y.receivables = m(revenue * m_dso / 365);
    y.allowance = m(y.receivables * 0.012);
    y.inventories = m(cost * m_dio / 365);
    y.derivativeAssets = m(revenue * 0.002);
    y.prepaid = m(revenue * 0.022) + y.derivativeAssets;
    y.ppeGross = m(revenue * r.uniform(0.40, 0.46));
    y.accumulatedDepreciation = m(y.ppeGross * 0.52);
    y.ppeNet = y.ppeGross - y.accumulatedDepreciation;
    y.rightOfUse = m(revenue * 0.028);
    y.leaseLiability = y.rightOfUse + m(revenue * 0.002);
    y.leaseCurrent = m(y.leaseLiability * 0.21);
    y.leaseNoncurrent = y.leaseLiability - y.leaseCurrent;
    y.intangibleCustomerGross = m(revenue * 0.12);
    y.intangibleTechnologyGross = m(revenue * 0.06);
    y.intangibleTradeGross = m(revenue * 0.025);
    y.intangibleGross = y.intangibleCustomerGross + y.intangibleTechnologyGross + y.intangibleTradeGross;
    y.accumulatedAmortization = m(y.intangibleGross * 0.42);
    y.intangiblesNet = y.intangibleGross - y.accumulatedAmortization;
    y.otherAssets = m(revenue * 0.03);

    // Debt: a note maturing in the year of the acquisition (refinanced then), a mid-term note, a long note.
    const int fy = m_company.fiscalYear;
    const double c1 = std::round(r.uniform(2.8, 3.6) * 8) / 800, c2 = std::round(r.uniform(3.4, 4.3) * 8) / 800,
                 c3 = std::round(r.uniform(2.2, 3.0) * 8) / 800;
    const int m2 = r.chance(0.5) ? fy + 1 : fy + 2, m3 = fy + r.integer(5, 6);
    m_debt.push_back({ trancheName(c1, fy - 1), c1, fy - 11, fy - 1, roundTo(revenue * 0.08, 50) });
    m_debt.push_back({ trancheName(c2, m2), c2, m2 - 10, m2, roundTo(revenue * 0.11, 50) });
    m_debt.push_back({ trancheName(c3, m3), c3, m3 - 10, m3, roundTo(revenue * 0.14, 50) });
    m_revolverCapacity = std::max<Money>(500, roundTo(revenue * 0.25, 250));
    for (const auto& t : debtOutstanding(y.year)) {
        y.debtPrincipal += t.principal;
        y.interestExpense += m(t.principal * t.coupon);
        if (t.maturity == y.year + 1)
            y.currentDebt += t.principal;
    }
    y.longTermDebt = y.debtPrincipal - y.currentDebt;

    y.payables = m(cost * m_dpo / 365);
    y.accruedCompensation = m(revenue * 0.034);
    y.contractLiabilities = m(revenue * 0.016);
    y.warranty = m(revenue * 0.006);
    y.accruedInterest = m(y.interestExpense * 0.22);
    y.incomeTaxesPayable = m(revenue * 0.004);
    y.accruedOther = m(revenue * 0.022);
    y.otherAccrued = y.contractLiabilities + y.warranty + y.accruedInterest + y.incomeTaxesPayable + y.accruedOther;
    y.deferredTaxLiability = m(revenue * 0.024);
    y.otherLiabilities = m(revenue * 0.028);

    y.currentAssets = y.cash + y.receivables + y.inventories + y.prepaid;
    y.totalAssets = y.currentAssets + y.ppeNet + y.rightOfUse + y.goodwill + y.intangiblesNet + y.otherAssets;
    y.currentLiabilities = y.payables + y.accruedCompensation + y.otherAccrued + y.currentDebt + y.leaseCurrent;
    y.totalLiabilities
        = y.currentLiabilities + y.longTermDebt + y.leaseNoncurrent + y.deferredTaxLiability + y.otherLiabilities;

    y.stockPriceEnd = std::round(r.uniform(55, 140) * 100) / 100;
    const double marketCap = revenue * r.uniform(1.6, 2.6);
    y.sharesOutstanding = m(marketCap / y.stockPriceEnd * 1000);
    y.treasuryStock = -m(revenue * r.uniform(0.18, 0.28));
    y.treasuryShares = m(-y.treasuryStock / (y.stockPriceEnd * 0.6) * 1000);
    y.sharesIssued = y.sharesOutstanding + y.treasuryShares;
    y.commonStock = std::max<Money>(1, m(y.sharesIssued * 0.01 / 1000));
    y.paidInCapital = m(revenue * 0.28);
    y.accumulatedOci = -m(revenue * r.uniform(0.02, 0.04));
    y.totalEquity = y.totalAssets - y.totalLiabilities;
    y.retainedEarnings = y.totalEquity - y.commonStock - y.paidInCapital - y.treasuryStock - y.accumulatedOci;
    y.totalLiabilitiesAndEquity = y.totalLiabilities + y.totalEquity;
    y.dividendQuarterCents = std::max(5, static_cast<int>(std::lround(y.stockPriceEnd * 0.014 * 100 / 4)));
    y.tax.utbEnd = m(revenue * 0.005);
    y.regionRevenue = {};
}

void SampleFinancials::simulateYear(const YearFinancials& prev, YearFinancials& y)
{
    auto& r = m_rng;
    const auto& segs = m_company.segments;
    const int yearIndex = y.year - m_years[0].year; // 1..3
    const bool acquisitionYear = y.year == m_company.acquisitionYear;

    // Acquisition: price, purchase price allocation, and the notes that finance it.
    if (acquisitionYear) {
        const Money p = roundTo(prev.revenue * r.uniform(0.08, 0.12), 5);
        y.acqPrice = p;
        y.acqReceivables = m(p * 0.11);
        y.acqInventories = m(p * 0.09);
        y.acqProperty = m(p * 0.06);
        y.acqCustomer = m(p * 0.22);
        y.acqTechnology = m(p * 0.11);
        y.acqTrade = m(p * 0.03);
        y.acqLiabilities = m(p * 0.08);
        y.acqGoodwill = p
            - (y.acqReceivables + y.acqInventories + y.acqProperty + y.acqCustomer + y.acqTechnology + y.acqTrade
                - y.acqLiabilities);
        const double coupon = std::round(r.uniform(4.9, 5.7) * 8) / 800;
        Money maturing = 0;
        for (const auto& t : m_debt)
            if (t.maturity == y.year)
                maturing += t.principal;
        m_debt.push_back(
            { trancheName(coupon, y.year + 10), coupon, y.year, y.year + 10, roundTo(maturing + p * 0.5, 50) });
    }

    // Revenue by segment: organic growth, currency, acquisitions.
    const double fx = r.uniform(-0.022, 0.015);
    y.segments.resize(segs.size());
    double organic = 0, currency = 0, acquired = 0;
    static constexpr double kAcquiredRevenuePerPrice = 0.55;
    for (std::size_t s = 0; s < segs.size(); ++s) {
        const auto& p = prev.segments[s];
        auto& sy = y.segments[s];
        const double g = std::clamp(segs[s].growth + r.uniform(-0.045, 0.045), -0.05, 0.15);
        const double f = fx * segs[s].international;
        if (static_cast<int>(s) == m_company.acquisitionSegment) {
            const Money price
                = acquisitionYear ? y.acqPrice : m_years[static_cast<std::size_t>(yearIndex - 1)].acqPrice;
            if (acquisitionYear)
                sy.acquiredRevenue = m(price * kAcquiredRevenuePerPrice / 2); // owned from July 1
            else if (y.year == m_company.acquisitionYear + 1)
                sy.acquiredRevenue = m(price * kAcquiredRevenuePerPrice / 2 * (1 + g)); // the first half-year
        }
        sy.revenue = m(p.revenue * (1 + g + f)) + sy.acquiredRevenue;
        organic += p.revenue * g;
        currency += p.revenue * f;
        acquired += static_cast<double>(sy.acquiredRevenue);
        const double service = std::clamp(segs[s].serviceShare + r.uniform(-0.01, 0.015) + 0.004 * yearIndex, 0.0, 0.9);
        sy.serviceRevenue = m(sy.revenue * service);
        sy.productRevenue = sy.revenue - sy.serviceRevenue;
        y.revenue += sy.revenue;
        y.productRevenue += sy.productRevenue;
        y.serviceRevenue += sy.serviceRevenue;
        const double pm = segs[s].productMargin + r.uniform(-0.012, 0.015) + 0.004 * yearIndex;
        const double sm = segs[s].serviceMargin + r.uniform(-0.012, 0.012) + 0.003 * yearIndex;
        y.costOfProducts += m(sy.productRevenue * (1 - pm));
        y.costOfServices += m(sy.serviceRevenue * (1 - sm));
        // Regions: the United States, then Europe, Asia Pacific and the rest of the world.
        const double intl = std::clamp(segs[s].international + r.uniform(-0.02, 0.02), 0.1, 0.9);
        const auto regions = split(sy.revenue, { 1 - intl, intl * 0.48, intl * 0.36, intl * 0.16 });
        std::copy(regions.begin(), regions.end(), sy.regionRevenue.begin());
        for (int k = 0; k < kRegions; ++k)
            y.regionRevenue[static_cast<std::size_t>(k)] += sy.regionRevenue[static_cast<std::size_t>(k)];
        // Goodwill: acquisitions and currency translation of foreign reporting units.
        const Money goodwillFx = m(p.goodwill * fx * segs[s].international * 0.9);
        sy.goodwill = p.goodwill + goodwillFx
            + (acquisitionYear && static_cast<int>(s) == m_company.acquisitionSegment ? y.acqGoodwill : 0);
        y.goodwill += sy.goodwill;
        y.translation += goodwillFx;
    }
    y.organicGrowth = organic / static_cast<double>(prev.revenue);
    y.fxImpact = currency / static_cast<double>(prev.revenue);
    y.acquisitionGrowth = acquired / static_cast<double>(prev.revenue);

    incomeStatement(prev, y);

    // Working capital and other balances.
    m_dso = std::clamp(m_dso + r.uniform(-2.0, 2.0), 50.0, 72.0);
    m_dio = std::clamp(m_dio + r.uniform(-3.0, 3.0), 65.0, 105.0);
    m_dpo = std::clamp(m_dpo + r.uniform(-2.0, 2.0), 40.0, 60.0);
    y.receivables = m(y.revenue * m_dso / 365);
    y.allowance = m(y.receivables * r.uniform(0.010, 0.014));
    y.allowanceWriteoffs = m(prev.allowance * r.uniform(0.25, 0.40));
    y.allowanceProvision = y.allowance - prev.allowance + y.allowanceWriteoffs;
    y.inventories = m(y.costOfRevenue * m_dio / 365);
    y.rawMaterials = m(y.inventories * r.uniform(0.36, 0.42));
    y.workInProcess = m(y.inventories * r.uniform(0.14, 0.19));
    y.finishedGoods = y.inventories - y.rawMaterials - y.workInProcess;
    y.hedges = m(r.uniform(-6, 8));
    y.derivativeAssets = prev.derivativeAssets + y.hedges;
    y.prepaid = m(y.revenue * 0.022) + y.derivativeAssets;
    y.otherAssets = m(y.revenue * r.uniform(0.028, 0.032));

    // Property: capital spending, depreciation and retirements of fully depreciated assets.
    y.capex = m(y.revenue * r.uniform(0.032, 0.040));
    y.depreciation = m(prev.ppeGross * r.uniform(0.062, 0.068));
    const Money retired = m(prev.accumulatedDepreciation * 0.05);
    y.ppeGross = prev.ppeGross + y.capex + y.acqProperty - retired;
    y.accumulatedDepreciation = prev.accumulatedDepreciation + y.depreciation - retired;
    y.ppeNet = y.ppeGross - y.accumulatedDepreciation;
    y.ppeLand = m(y.ppeGross * 0.03);
    y.ppeBuildings = m(y.ppeGross * 0.27);
    y.ppeComputer = m(y.ppeGross * 0.11);
    y.ppeConstruction = m(y.ppeGross * r.uniform(0.05, 0.08));
    y.ppeMachinery = y.ppeGross - y.ppeLand - y.ppeBuildings - y.ppeComputer - y.ppeConstruction;
    const auto llaShares = split(y.ppeNet, { 0.62, 0.20, 0.12, 0.06 });
    std::copy(llaShares.begin(), llaShares.end(), y.regionLongLivedAssets.begin());

    // Intangibles
    y.intangibleCustomerGross = prev.intangibleCustomerGross + y.acqCustomer;
    y.intangibleTechnologyGross = prev.intangibleTechnologyGross + y.acqTechnology;
    y.intangibleTradeGross = prev.intangibleTradeGross + y.acqTrade;
    y.intangibleGross = y.intangibleCustomerGross + y.intangibleTechnologyGross + y.intangibleTradeGross;
    y.accumulatedAmortization = prev.accumulatedAmortization + y.amortization;
    y.intangiblesNet = y.intangibleGross - y.accumulatedAmortization;

    // Operating leases: new leases add to both the asset and the liability; amortization reduces both.
    y.newLeases = m(y.revenue * r.uniform(0.006, 0.009));
    y.rightOfUseAmortization = m(prev.rightOfUse * 0.2);
    y.rightOfUse = prev.rightOfUse + y.newLeases - y.rightOfUseAmortization;
    y.leaseLiability = prev.leaseLiability + y.newLeases - y.rightOfUseAmortization;
    y.leaseCurrent = m(y.leaseLiability * 0.21);
    y.leaseNoncurrent = y.leaseLiability - y.leaseCurrent;
    y.leaseCost = m(y.rightOfUseAmortization + prev.leaseLiability * 0.042);
    y.leaseCashPaid = y.leaseCost - m(r.uniform(1, 4));

    // Accrued liabilities
    y.payables = m(y.costOfRevenue * m_dpo / 365);
    y.accruedCompensation = m(y.revenue * r.uniform(0.032, 0.037));
    y.contractLiabilities = m(y.revenue * 0.016 * r.uniform(0.95, 1.1));
    y.warrantyProvision = m(y.productRevenue * r.uniform(0.0035, 0.0045));
    y.warrantySettlements = m((prev.warranty + y.warrantyProvision) * r.uniform(0.5, 0.6));
    y.warranty = prev.warranty + y.warrantyProvision - y.warrantySettlements;
    y.accruedInterest = m(y.interestExpense * 0.22);
    y.incomeTaxesPayable = m(y.currentTax * r.uniform(0.08, 0.14));
    y.restructuringPayments = m((prev.restructuringReserve + y.restructuring) * r.uniform(0.55, 0.7));
    y.restructuringReserve = prev.restructuringReserve + y.restructuring - y.restructuringPayments;
    y.accruedOther = m(y.revenue * 0.022) + y.acqLiabilities;
    y.otherAccrued = y.contractLiabilities + y.warranty + y.accruedInterest + y.incomeTaxesPayable
        + y.restructuringReserve + y.accruedOther;
    y.deferredTaxLiability = prev.deferredTaxLiability + y.deferredTax;
    y.otherLiabilities = m(y.revenue * r.uniform(0.027, 0.030));
    y.stockCompensation = m(y.revenue * r.uniform(0.010, 0.013));

    // Operating and investing cash flows
    y.changeReceivables = -(y.receivables - prev.receivables - y.acqReceivables);
    y.changeInventories = -(y.inventories - prev.inventories - y.acqInventories);
    y.changePrepaid = -((y.prepaid - prev.prepaid - y.hedges) + (y.otherAssets - prev.otherAssets));
    y.changePayables = y.payables - prev.payables;
    y.changeAccrued
        = (y.accruedCompensation + y.otherAccrued) - (prev.accruedCompensation + prev.otherAccrued) - y.acqLiabilities;
    y.changeOther = y.otherLiabilities - prev.otherLiabilities;
    y.operatingCashFlow = y.netIncome + y.depreciation + y.amortization + y.stockCompensation + y.deferredTax
        + y.changeReceivables + y.changeInventories + y.changePrepaid + y.changePayables + y.changeAccrued
        + y.changeOther;
    y.acquisitions = y.acqPrice;
    y.investingCashFlow = -y.capex - y.acquisitions;

    // Financing: notes issued and repaid, dividends, employee plans, then buybacks (or the revolver) that bring
    // cash to a target balance.
    for (const auto& t : m_debt) {
        if (t.issued == y.year)
            y.debtProceeds += t.principal;
        if (t.maturity == y.year)
            y.debtRepayments += t.principal;
    }
    y.stockPriceEnd = std::round(prev.stockPriceEnd * (1 + r.uniform(-0.12, 0.32)) * 100) / 100;
    y.averageRepurchasePrice
        = std::round((prev.stockPriceEnd + y.stockPriceEnd) / 2 * r.uniform(0.97, 1.03) * 100) / 100;
    y.sharesIssuedPlans = m(r.uniform(500, 900));
    y.stockPlanProceeds = m(y.sharesIssuedPlans * y.averageRepurchasePrice * 0.35 / 1000);
    y.dividendQuarterCents = static_cast<int>(std::lround(prev.dividendQuarterCents * r.uniform(1.05, 1.10)));
    y.dividends = m(4.0 * y.dividendQuarterCents * static_cast<double>(prev.sharesOutstanding) / 1e5);
    y.fxOnCash = m(prev.cash * fx * 0.5);
    y.translation += y.fxOnCash;

    const Money before = prev.cash + y.operatingCashFlow + y.investingCashFlow + y.debtProceeds - y.debtRepayments
        - y.dividends + y.stockPlanProceeds + y.fxOnCash;
    const Money target = m(y.revenue * r.uniform(0.075, 0.105));
    y.revolverBalance = prev.revolverBalance;
    Money excess = before - target;
    if (excess < 0) {
        const Money draw = (-excess + 24) / 25 * 25;
        y.revolverBalance += draw;
        y.debtProceeds += draw;
        excess += draw;
    } else if (y.revolverBalance > 0) {
        const Money repay = std::min(y.revolverBalance, excess / 25 * 25);
        y.revolverBalance -= repay;
        y.debtRepayments += repay;
        excess -= repay;
    }
    y.repurchases = std::max<Money>(0, roundTo(excess * r.uniform(0.6, 0.95), 5));
    y.sharesRepurchased = m(y.repurchases * 1000.0 / y.averageRepurchasePrice);
    y.financingCashFlow = y.debtProceeds - y.debtRepayments - y.repurchases - y.dividends + y.stockPlanProceeds;
    y.netChangeInCash = y.operatingCashFlow + y.investingCashFlow + y.financingCashFlow + y.fxOnCash;
    y.cashBegin = prev.cash;
    y.cash = prev.cash + y.netChangeInCash;

    // Debt at year end
    y.debtPrincipal = y.revolverBalance;
    for (const auto& t : debtOutstanding(y.year)) {
        y.debtPrincipal += t.principal;
        if (t.maturity == y.year + 1)
            y.currentDebt += t.principal;
    }
    y.longTermDebt = y.debtPrincipal - y.currentDebt;
    y.debtFairValue = m(y.debtPrincipal * r.uniform(0.93, 0.99));

    // Shares and equity
    y.sharesOutstanding = prev.sharesOutstanding + y.sharesIssuedPlans - y.sharesRepurchased;
    y.treasuryShares = prev.treasuryShares + y.sharesRepurchased;
    y.sharesIssued = prev.sharesIssued + y.sharesIssuedPlans;
    y.basicSharesTenths = static_cast<int>(std::lround((prev.sharesOutstanding + y.sharesOutstanding) / 2.0 / 100));
    y.dilutedSharesTenths = y.basicSharesTenths + r.integer(5, 12);
    y.epsBasicCents = static_cast<int>(std::lround(y.netIncome * 1000.0 / y.basicSharesTenths));
    y.epsDilutedCents = static_cast<int>(std::lround(y.netIncome * 1000.0 / y.dilutedSharesTenths));
    y.otherComprehensive = y.translation + y.hedges;
    y.comprehensiveIncome = y.netIncome + y.otherComprehensive;
    y.commonStock = prev.commonStock;
    y.paidInCapital = prev.paidInCapital + y.stockCompensation + y.stockPlanProceeds;
    y.retainedEarnings = prev.retainedEarnings + y.netIncome - y.dividends;
    y.treasuryStock = prev.treasuryStock - y.repurchases;
    y.accumulatedOci = prev.accumulatedOci + y.otherComprehensive;

    // Totals
    y.currentAssets = y.cash + y.receivables + y.inventories + y.prepaid;
    y.totalAssets = y.currentAssets + y.ppeNet + y.rightOfUse + y.goodwill + y.intangiblesNet + y.otherAssets;
    y.currentLiabilities = y.payables + y.accruedCompensation + y.otherAccrued + y.currentDebt + y.leaseCurrent;
    y.totalLiabilities
        = y.currentLiabilities + y.longTermDebt + y.leaseNoncurrent + y.deferredTaxLiability + y.otherLiabilities;
    y.totalEquity = y.commonStock + y.paidInCapital + y.retainedEarnings + y.treasuryStock + y.accumulatedOci;
    y.totalLiabilitiesAndEquity = y.totalLiabilities + y.totalEquity;

    // Segment depreciation, amortization and capital spending; corporate holds the remainder.
    for (auto& sy : y.segments) {
        const double share = static_cast<double>(sy.revenue) / static_cast<double>(y.revenue);
        sy.depreciationAmortization = m((y.depreciation + y.amortization) * 0.95 * share);
        sy.capex = m(y.capex * 0.94 * share);
    }

    y.remainingPerformanceObligations = m(y.revenue * r.uniform(0.42, 0.55));
    y.unrecognizedCompensation = m(y.stockCompensation * r.uniform(1.3, 1.6));
    y.retirementContributions = m(y.revenue * r.uniform(0.006, 0.008));
    taxDetail(prev, y);
}

void SampleFinancials::incomeStatement(const YearFinancials& prev, YearFinancials& y)
{
    auto& r = m_rng;
    const int yearIndex = y.year - m_years[0].year;
    y.costOfRevenue = y.costOfProducts + y.costOfServices;
    y.grossProfit = y.revenue - y.costOfRevenue;
    m_sgaRate = std::clamp(m_sgaRate + r.uniform(-0.004, 0.002), 0.16, 0.21);
    m_rndRate = std::clamp(m_rndRate + r.uniform(-0.002, 0.003), 0.035, 0.06);
    y.sga = m(y.revenue * m_sgaRate);
    y.researchDevelopment = m(y.revenue * m_rndRate);
    y.amortization = m(prev.intangibleGross * r.uniform(0.075, 0.085))
        + m((y.acqCustomer + y.acqTechnology + y.acqTrade) * 0.09 / 2);
    const double restructuringRate
        = yearIndex == 1 ? 0.0015 : (yearIndex == 2 ? r.uniform(0.004, 0.007) : r.uniform(0.002, 0.004));
    y.restructuring = m(y.revenue * restructuringRate);
    y.operatingExpenses = y.sga + y.researchDevelopment + y.amortization + y.restructuring;
    y.operatingIncome = y.grossProfit - y.operatingExpenses;

    double interest = 2; // commitment fees on the revolving credit facility
    for (const auto& t : m_debt) {
        if (t.issued > y.year || t.maturity < y.year)
            continue;
        const double fraction = (t.issued == y.year || t.maturity == y.year) ? 0.5 : 1.0;
        interest += t.principal * t.coupon * fraction;
    }
    interest += prev.revolverBalance * 0.062;
    y.interestExpense = m(interest);
    y.otherIncome = m(prev.cash * r.uniform(0.025, 0.04) + r.uniform(-8, 4));
    y.pretaxIncome = y.operatingIncome - y.interestExpense + y.otherIncome;
    y.taxProvision = m(y.pretaxIncome * (m_taxRate + r.uniform(-0.012, 0.012)));
    y.deferredTax = m(y.taxProvision * r.uniform(-0.06, 0.10));
    y.currentTax = y.taxProvision - y.deferredTax;
    y.netIncome = y.pretaxIncome - y.taxProvision;

    // Segment profit: corporate costs are not allocated; amortization and restructuring are reconciling items.
    y.corporateExpense = m(y.revenue * r.uniform(0.011, 0.017));
    const Money segmentTotal = y.operatingIncome + y.amortization + y.restructuring + y.corporateExpense;
    std::vector<double> weights;
    for (std::size_t s = 0; s < y.segments.size(); ++s)
        weights.push_back(y.segments[s].revenue * m_company.segments[s].margin * r.uniform(0.93, 1.07));
    const auto profit = split(segmentTotal, weights);
    for (std::size_t s = 0; s < y.segments.size(); ++s)
        y.segments[s].operatingIncome = profit[s];
}

} // namespace moescope

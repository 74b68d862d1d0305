#pragma once
// The sample company's numbers: a year-by-year simulation (in whole $ millions) from an opening balance sheet, in
// which every entry has its other side, so the balance sheet balances, the cash flow statement ends at the balance
// sheet's cash, equity rolls forward, and each note's table adds up to the line it explains. Shares are kept in
// thousands, per-share amounts in cents. Plain data; build once, read from any thread.

#include "docs/samplecompany.h"
#include "docs/samplerng.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace moescope {

using Money = std::int64_t; // $ millions

inline constexpr int kRegions = 4; // United States, Europe, Asia Pacific, Rest of world

struct SegmentYear {
    Money revenue = 0;
    Money productRevenue = 0;
    Money serviceRevenue = 0;
    Money acquiredRevenue = 0; // revenue of the business acquired, in its first year of ownership
    Money operatingIncome = 0;
    Money depreciationAmortization = 0;
    Money capex = 0;
    Money goodwill = 0; // end of year
    std::array<Money, kRegions> regionRevenue {};
};

struct DebtTranche {
    std::string name; // "4.100% Senior Notes due 2029"
    double coupon = 0.04;
    int issued = 2015; // year issued (mid-year)
    int maturity = 2030;
    Money principal = 0;
};

struct TaxDetail {
    Money domesticPretax = 0, foreignPretax = 0;
    Money currentFederal = 0, currentState = 0, currentForeign = 0;
    Money deferredFederal = 0, deferredState = 0, deferredForeign = 0;
    // Rate reconciliation, $; sums to the provision.
    Money statutory = 0, stateNet = 0, foreignRate = 0, researchCredit = 0, fdii = 0, stockComp = 0, other = 0;
    // Deferred tax balances at year end; assets net of allowance minus liabilities = -(net deferred tax liability).
    Money dtaAccruals = 0, dtaStockComp = 0, dtaLeases = 0, dtaCarryforwards = 0, dtaOther = 0, valuationAllowance = 0;
    Money dtlProperty = 0, dtlIntangibles = 0, dtlRightOfUse = 0;
    Money utbBegin = 0, utbCurrent = 0, utbPrior = 0, utbReductions = 0, utbSettlements = 0, utbEnd = 0;
    Money cashTaxesPaid = 0;
};

struct YearFinancials {
    int year = 0;
    // Income statement
    Money productRevenue = 0, serviceRevenue = 0, revenue = 0;
    Money costOfProducts = 0, costOfServices = 0, costOfRevenue = 0, grossProfit = 0;
    Money sga = 0, researchDevelopment = 0, amortization = 0, restructuring = 0, operatingExpenses = 0;
    Money operatingIncome = 0, interestExpense = 0, otherIncome = 0, pretaxIncome = 0;
    Money taxProvision = 0, currentTax = 0, deferredTax = 0, netIncome = 0;
    int basicSharesTenths = 0, dilutedSharesTenths = 0; // weighted average, 0.1 million shares
    int epsBasicCents = 0, epsDilutedCents = 0;
    double organicGrowth = 0, fxImpact = 0, acquisitionGrowth = 0; // revenue growth components, fractions
    // Comprehensive income
    Money translation = 0, hedges = 0, otherComprehensive = 0, comprehensiveIncome = 0;
    // Balance sheet at year end
    Money cash = 0, receivables = 0, inventories = 0, prepaid = 0, currentAssets = 0;
    Money ppeNet = 0, rightOfUse = 0, goodwill = 0, intangiblesNet = 0, otherAssets = 0, totalAssets = 0;
    Money payables = 0, accruedCompensation = 0, otherAccrued = 0, currentDebt = 0, leaseCurrent = 0;
    Money currentLiabilities = 0, longTermDebt = 0, leaseNoncurrent = 0, deferredTaxLiability = 0, otherLiabilities = 0;
    Money totalLiabilities = 0;
    Money commonStock = 0, paidInCapital = 0, retainedEarnings = 0, treasuryStock = 0, accumulatedOci = 0;
    Money totalEquity = 0, totalLiabilitiesAndEquity = 0;
    // Cash flows
    Money depreciation = 0, stockCompensation = 0;
    Money changeReceivables = 0, changeInventories = 0, changePrepaid = 0, changePayables = 0, changeAccrued = 0,
          changeOther = 0;
    Money operatingCashFlow = 0, capex = 0, acquisitions = 0, investingCashFlow = 0;
    Money debtProceeds = 0, debtRepayments = 0, repurchases = 0, dividends = 0, stockPlanProceeds = 0,
          financingCashFlow = 0;
    Money fxOnCash = 0, netChangeInCash = 0, cashBegin = 0;
    // Shares (thousands) and per-share
    std::int64_t sharesIssued = 0, treasuryShares = 0, sharesOutstanding = 0, sharesRepurchased = 0,
                 sharesIssuedPlans = 0;
    int dividendQuarterCents = 0; // per quarter
    double stockPriceEnd = 0, averageRepurchasePrice = 0;
    // Note detail
    Money rawMaterials = 0, workInProcess = 0, finishedGoods = 0;
    Money ppeLand = 0, ppeBuildings = 0, ppeMachinery = 0, ppeComputer = 0, ppeConstruction = 0, ppeGross = 0,
          accumulatedDepreciation = 0;
    Money intangibleCustomerGross = 0, intangibleTechnologyGross = 0, intangibleTradeGross = 0, intangibleGross = 0,
          accumulatedAmortization = 0;
    Money allowance = 0, allowanceProvision = 0, allowanceWriteoffs = 0;
    Money warranty = 0, warrantyProvision = 0, warrantySettlements = 0;
    Money contractLiabilities = 0, accruedInterest = 0, incomeTaxesPayable = 0, restructuringReserve = 0,
          restructuringPayments = 0, accruedOther = 0;
    Money leaseCost = 0, leaseCashPaid = 0, newLeases = 0, leaseLiability = 0;
    Money debtPrincipal = 0, debtFairValue = 0, revolverBalance = 0;
    Money remainingPerformanceObligations = 0, derivativeAssets = 0, rightOfUseAmortization = 0;
    Money unrecognizedCompensation = 0, retirementContributions = 0, researchCreditAmount = 0;
    std::array<Money, kRegions> regionRevenue {};
    std::array<Money, kRegions> regionLongLivedAssets {};
    Money corporateExpense = 0;
    std::vector<SegmentYear> segments;
    TaxDetail tax;
    // Acquisition allocation (the acquisition year only)
    Money acqReceivables = 0, acqInventories = 0, acqProperty = 0, acqCustomer = 0, acqTechnology = 0, acqTrade = 0,
          acqGoodwill = 0, acqLiabilities = 0, acqPrice = 0;
};

class SampleFinancials {
public:
    // Simulates fiscalYear-3 (opening balances) through fiscalYear for the company's segments.
    SampleFinancials(const SampleCompany& company, SampleRng rng);

    // Reported years, oldest first: fiscalYear-2, fiscalYear-1, fiscalYear. year(0) is the opening year.
    const YearFinancials& year(int calendarYear) const;
    const YearFinancials& latest() const { return m_years.back(); }
    const YearFinancials& prior() const { return m_years[m_years.size() - 2]; }
    int fiscalYear() const { return m_years.back().year; }
    const std::vector<DebtTranche>& debt() const { return m_debt; }
    // Tranches outstanding at the end of calendarYear.
    std::vector<DebtTranche> debtOutstanding(int calendarYear) const;
    // Principal maturing in each of the five years after fiscalYear, then thereafter.
    std::array<Money, 6> debtMaturities() const;
    // Lease payments in each of the five years after fiscalYear, thereafter, and the imputed interest.
    std::array<Money, 7> leaseMaturities() const;
    // Estimated amortization expense for each of the five years after fiscalYear.
    std::array<Money, 5> amortizationOutlook() const;
    Money revolverCapacity() const { return m_revolverCapacity; }

    // Every accounting identity the statements and notes rely on; empty when all hold. Tests call this, and the
    // generator refuses to write a report that violates one.
    std::vector<std::string> violations() const;

private:
    void openingYear(YearFinancials& y);
    void simulateYear(const YearFinancials& prev, YearFinancials& y);
    void incomeStatement(const YearFinancials& prev, YearFinancials& y);
    void taxDetail(const YearFinancials& prev, YearFinancials& y);

    SampleCompany m_company; // a copy: the model outlives whoever built it
    SampleRng m_rng;
    std::vector<YearFinancials> m_years; // opening year + three reported years
    std::vector<DebtTranche> m_debt;
    Money m_revolverCapacity = 0;
    std::vector<double> m_segmentMix;
    double m_dso = 60, m_dio = 80, m_dpo = 50;
    double m_taxRate = 0.22;
    double m_sgaRate = 0.19; // SG&A and R&D as shares of revenue drift slowly from these
    double m_rndRate = 0.047;
};

} // namespace moescope

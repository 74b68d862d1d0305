#pragma once
// Writes the sample annual report: a Form 10-K of the fictional company, from the cover page through Items 1-16,
// the financial statements and notes, signatures and exhibits, composed from the company, its financial model and
// banks of sentence templates filled with the model's numbers. One object makes one report; not thread-safe.
// The work is split over several files by part of the filing (samplecover.cpp, samplebusiness.cpp, ...).

#include "docs/financialtable.h"
#include "docs/reportcomposer.h"
#include "docs/samplecompany.h"
#include "docs/samplefinancials.h"
#include "docs/templatefiller.h"

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

// A numbered section of a plan, policy or agreement filed as an exhibit (templates).
struct SampleDocSection {
    std::string_view heading;
    std::string_view text;
};

class SampleReportGenerator {
public:
    SampleReportGenerator(std::uint64_t seed, int fiscalYear);

    // Composes every block of the report (no layout yet).
    void compose();

    const SampleCompany& company() const { return m_company; }
    const SampleFinancials& financials() const { return *m_financials; }
    ReportComposer& composer() { return m_doc; }
    std::uint64_t seed() const { return m_seed; }

private:
    // Text helpers
    std::string fill(std::string_view text) { return m_text.fill(text); }
    void para(std::string_view text) { m_doc.paragraph(m_text.fill(text)); }
    void paraPick(std::span<const std::string_view> bank, int k) { m_doc.paragraph(m_text.pick(bank, k)); }
    void setVariables();
    void setYearVariables();
    // Sets the {X_c}/{X_p}/{X_verb}/{X_chg}/{X_pct} variables comparing fy(back) with fy(back + 1).
    void setComparison(int back);
    FinancialTable yearTable(int years, const std::string& caption, const std::string& span = "Year Ended December 31,",
        double columnWidth = 64) const;
    std::vector<Money> values(Money YearFinancials::*field, int years) const;
    const YearFinancials& fy(int back = 0) const; // back = 0 latest, 1 prior, 2 two years back
    std::string statementTitle(const std::string& title);
    void statementFooter();

    // samplecover.cpp
    void cover();
    void contents();
    void forwardLooking();
    // samplebusiness.cpp
    void business();
    void segmentNarrative(std::size_t segment);
    void endMarkets();
    // samplemore.cpp
    void companyHistory();
    void competitionTable();
    void seasonalityTable();
    void currencyExposure();
    void segmentOutlook();
    void fourthQuarterSegments();
    void acquiredIntangibleTable();
    void taxesPaidTable();
    void governanceDetails();
    // samplebusinessextra.cpp
    void segmentSummary();
    void workforceMetrics();
    void sustainabilityMetrics();
    void contractsAndInsurance();
    // samplerisks.cpp
    void riskFactors();
    // samplepartone.cpp
    void unresolvedStaffComments();
    void cybersecurity();
    void properties();
    void legalProceedings();
    void mineSafety();
    void executiveOfficers();
    // samplemarket.cpp
    void marketForEquity();
    void reserved();
    // samplemdna.cpp, samplemdnaliquidity.cpp
    void mdna();
    void mdnaResults();
    void mdnaSegments();
    void mdnaLiquidity();
    void mdnaCriticalEstimates();
    // samplemdnamore.cpp
    std::string segmentMarketCommentary(std::size_t segment, bool growing);
    void mdnaKeyIndicators();
    void mdnaLeverage();
    void mdnaComparability();
    void mdnaCapitalReturned();
    void mdnaMoreEstimates();
    // samplemdnaextra.cpp
    void mdnaOrders();
    void mdnaFourthQuarter();
    void mdnaAdjustedMeasures();
    void mdnaWorkingCapital();
    void mdnaOutlook();
    struct Quarters {
        std::array<Money, 4> revenue {}, grossProfit {}, operatingIncome {}, netIncome {};
        std::array<int, 4> epsBasicCents {}, epsDilutedCents {};
    };
    // The fiscal year fy(back) split into quarters that add up to the annual figures (unaudited data).
    Quarters quarters(int back) const;
    // Orders and year-end backlog of segment s in fy(back).
    Money orders(int back, std::size_t s) const;
    Money backlog(int back, std::size_t s) const;
    // samplecontrols.cpp
    void marketRisk();
    void changesInAccountants();
    void controls();
    void otherInformation();
    void foreignJurisdictions();
    // samplestatements.cpp
    void financialStatements();
    void auditorReport();
    void incomeStatement();
    void comprehensiveIncome();
    void balanceSheet();
    void cashFlows();
    void stockholdersEquity();
    // samplenotes*.cpp
    void notes();
    void notePolicies();
    void noteRevenue();
    void noteAcquisition();
    void noteBalanceSheetDetail();
    void noteGoodwill();
    void noteDebt();
    void noteLeases();
    void noteIncomeTaxes();
    void noteStockCompensation();
    void noteEarningsPerShare();
    void noteEquity();
    void noteFairValue();
    void noteCommitments();
    void noteRestructuring();
    void noteRetirement();
    void noteSupplemental();
    void noteQuarterly();
    void noteSegments();
    void noteSubsequent();
    // "Note 6. Debt": key is the note's key in the fixed note order ("debt").
    void noteHeading(const std::string& key);
    // Titles of the notes in order ("Summary of Significant Accounting Policies", ...).
    static std::vector<std::string> noteTitles();
    // samplenotesdetail.cpp
    void noteRevenueDetail();
    void noteLeaseDetail();
    void noteTaxDetail();
    void noteStockDetail();
    void noteDerivativeDetail();
    void noteLegalDetail();
    void noteSegmentAssets();
    // samplenotesmore.cpp
    void noteContractTables();
    void noteGoodwillUnits();
    void noteDebtIssuances();
    void noteTaxCarryforwards();
    void noteAwardHistory();
    void noteRestructuringTypes();
    void noteAccruedCompensation();
    // samplepartfour.cpp
    void partThree();
    void exhibits();
    void scheduleTwo();
    void formSummary();
    void signatures();
    void exhibitDocuments();
    // An exhibit document on a new page: "Exhibit N" at the top right, bold centred titles, an optional regular
    // subtitle and introduction (all templates), then its sections.
    void exhibitDocument(const std::string& number, const std::vector<std::string>& titles, std::string_view subtitle,
        std::span<const SampleDocSection> sections, std::string_view intro = {});
    // Lines of a signature block (templates), set flush left without space between them.
    void signatureBlock(const std::vector<std::string>& lines, double spaceAfter = 8);
    // samplepolicies.cpp
    void policyExhibits();
    // sampleplans.cpp
    void planExhibits();
    void incentiveExhibits();
    // sampleagreements.cpp
    void agreementExhibits();
    void glossary();

    std::uint64_t m_seed;
    SampleRng m_rng;
    SampleCompany m_company;
    std::unique_ptr<SampleFinancials> m_financials;
    TemplateFiller m_text;
    ReportComposer m_doc;
    double m_textWidth;
    int m_noteNumber = 0;
    std::vector<std::vector<Money>> m_orders; // [back][segment], back 0..3
    std::vector<std::vector<Money>> m_backlog;
};

} // namespace moescope

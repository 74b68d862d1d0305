#include "docs/samplereportgenerator.h"

#include "core/error.h"
#include "docs/reportformat.h"

#include <array>
#include <cmath>

namespace moescope {

namespace {

const std::array<const char*, 11> kNumberWords
    = { "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten" };

// The notes in the order they appear, so that any part of the report can cite "Note 6".
constexpr std::pair<const char*, const char*> kNotes[] = { { "policies", "Summary of Significant Accounting Policies" },
    { "revenue", "Revenue" }, { "acquisition", "Acquisition" }, { "balance", "Balance Sheet Components" },
    { "goodwill", "Goodwill and Intangible Assets" }, { "debt", "Debt" }, { "leases", "Leases" },
    { "taxes", "Income Taxes" }, { "stockcomp", "Stock-Based Compensation" }, { "eps", "Earnings Per Share" },
    { "equity", "Stockholders\u2019 Equity" }, { "fairvalue", "Fair Value Measurements and Derivative Instruments" },
    { "commitments", "Commitments and Contingencies" }, { "restructuring", "Restructuring" },
    { "retirement", "Retirement Plans" }, { "supplemental", "Supplemental Financial Information" },
    { "segments", "Segment and Geographic Information" }, { "quarterly", "Quarterly Financial Data (Unaudited)" },
    { "subsequent", "Subsequent Events" } };

std::string listPhrase(const std::vector<std::string>& items)
{
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0)
            out += (i + 1 == items.size()) ? (items.size() > 2 ? ", and " : " and ") : ", ";
        out += items[i];
    }
    return out;
}

} // namespace

SampleReportGenerator::SampleReportGenerator(std::uint64_t seed, int fiscalYear)
    : m_seed(seed)
    , m_rng(seed)
    , m_company(makeSampleCompany(m_rng.fork("company"), fiscalYear))
    , m_financials(std::make_unique<SampleFinancials>(m_company, m_rng.fork("financials")))
    , m_text(m_rng.fork("text"))
    , m_textWidth(PageGeometry {}.textWidth())
{
    if (fiscalYear < 2000 || fiscalYear > 2100)
        throw InvalidArgumentError("sample report fiscal year " + std::to_string(fiscalYear) + " is out of range");
    const auto problems = m_financials->violations();
    if (!problems.empty())
        throw FormatError(
            "sample report financial model is inconsistent for seed " + std::to_string(seed) + ": " + problems.front());
    // Orders and backlog: book-to-bill around one, backlog rolling forward from an opening level.
    SampleRng orders = m_rng.fork("orders");
    const std::size_t segments = m_company.segments.size();
    m_orders.assign(4, std::vector<Money>(segments, 0));
    m_backlog.assign(4, std::vector<Money>(segments, 0));
    for (std::size_t s = 0; s < segments; ++s)
        m_backlog[3][s] = std::llround(fy(3).segments[s].revenue * orders.uniform(0.3, 0.42));
    for (int back = 2; back >= 0; --back)
        for (std::size_t s = 0; s < segments; ++s) {
            const Money revenue = fy(back).segments[s].revenue;
            m_orders[static_cast<std::size_t>(back)][s] = std::llround(revenue * orders.uniform(0.96, 1.07));
            m_backlog[static_cast<std::size_t>(back)][s] = m_backlog[static_cast<std::size_t>(back + 1)][s]
                + m_orders[static_cast<std::size_t>(back)][s] - revenue;
        }
    setVariables();
}

Money SampleReportGenerator::orders(int back, std::size_t s) const
{
    return m_orders.at(static_cast<std::size_t>(back)).at(s);
}

Money SampleReportGenerator::backlog(int back, std::size_t s) const
{
    return m_backlog.at(static_cast<std::size_t>(back)).at(s);
}

const YearFinancials& SampleReportGenerator::fy(int back) const
{
    return m_financials->year(m_company.fiscalYear - back);
}

std::vector<Money> SampleReportGenerator::values(Money YearFinancials::*field, int years) const
{
    std::vector<Money> out;
    for (int b = 0; b < years; ++b)
        out.push_back(fy(b).*field);
    return out;
}

FinancialTable SampleReportGenerator::yearTable(
    int years, const std::string& caption, const std::string& span, double columnWidth) const
{
    std::vector<std::string> cols;
    for (int b = 0; b < years; ++b)
        cols.push_back(std::to_string(m_company.fiscalYear - b));
    return FinancialTable(cols, span, caption, m_textWidth, columnWidth);
}

std::vector<std::string> SampleReportGenerator::noteTitles()
{
    std::vector<std::string> out;
    for (const auto& n : kNotes)
        out.push_back(n.second);
    return out;
}

void SampleReportGenerator::noteHeading(const std::string& key)
{
    ++m_noteNumber;
    if (m_noteNumber > static_cast<int>(std::size(kNotes)))
        throw FormatError("sample report note '" + key + "' is not in the note list");
    const auto& expected = kNotes[m_noteNumber - 1];
    if (key != expected.first) // the numbering other sections cite must match the order notes are written in
        throw FormatError("sample report note '" + key + "' written out of order (expected '" + expected.first + "')");
    m_doc.heading(
        "Note " + std::to_string(m_noteNumber) + ". " + expected.second, 1, "note-" + std::to_string(m_noteNumber));
}

void SampleReportGenerator::setVariables()
{
    const auto& c = m_company;
    auto& t = m_text;
    t.set("company", c.name);
    t.set("short", c.shortName);
    t.set("ticker", c.ticker);
    t.set("exchange", c.exchange);
    t.set("incstate", c.stateOfIncorporation);
    t.set("hqcity", c.city);
    t.set("hqstate", c.state);
    t.set("auditor", c.auditor);
    t.set("website", c.website);
    t.set("founded", std::to_string(c.founded));
    t.set("ipo", std::to_string(c.ipoYear));
    t.set("employees", formatGrouped(c.employees));
    t.set("countries", std::to_string(c.countries));
    t.set("usemployees", formatPercent(c.usEmployeeShare, 0));
    t.set("program", c.restructuringProgram);
    t.set("acq", c.acquisition);
    t.set("acqyear", std::to_string(c.acquisitionYear));
    t.set("acqseg", c.segments[static_cast<std::size_t>(c.acquisitionSegment)].name);
    t.set("ceo", c.ceo().name);
    t.set("cfo", c.cfo().name);
    t.set("gc", c.officers.at(2).name);
    t.set("cao", c.officers.at(3).name);
    const int fyear = c.fiscalYear;
    t.set("fy", std::to_string(fyear));
    t.set("py", std::to_string(fyear - 1));
    t.set("ppy", std::to_string(fyear - 2));
    t.set("nfy", std::to_string(fyear + 1));
    t.set("fye", "December 31, " + std::to_string(fyear));
    t.set("pye", "December 31, " + std::to_string(fyear - 1));
    t.set("segcount", kNumberWords[c.segments.size()]);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < c.segments.size(); ++i) {
        names.push_back(c.segments[i].name);
        t.set("seg" + std::to_string(i), c.segments[i].name);
    }
    t.set("seglist", listPhrase(names));
    for (std::size_t i = 0; i < std::size(kNotes); ++i) {
        t.set(std::string("note_") + kNotes[i].first, "Note " + std::to_string(i + 1));
        t.set(std::string("notetitle_") + kNotes[i].first, kNotes[i].second);
    }
    setYearVariables();
}

void SampleReportGenerator::compose()
{
    cover();
    contents();
    forwardLooking();
    glossary();
    m_doc.part("I", true);
    business();
    riskFactors();
    unresolvedStaffComments();
    cybersecurity();
    properties();
    legalProceedings();
    mineSafety();
    executiveOfficers();
    m_doc.part("II", true);
    marketForEquity();
    reserved();
    mdna();
    marketRisk();
    financialStatements();
    changesInAccountants();
    controls();
    otherInformation();
    foreignJurisdictions();
    m_doc.part("III", true);
    partThree();
    m_doc.part("IV", true);
    exhibits();
    formSummary();
    signatures();
    exhibitDocuments();
}

} // namespace moescope

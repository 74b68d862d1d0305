// TEMPORARY: sections not written yet.
#include "docs/samplereportgenerator.h"
namespace moescope {
void SampleReportGenerator::marketRisk()
{
    m_doc.item("II", "7A", "Quantitative and Qualitative Disclosures About Market Risk");
    para("MR.");
}
void SampleReportGenerator::auditorReport()
{
    m_doc.heading("Report of Independent Registered Public Accounting Firm", 1, "auditor-report");
    para("Opinion.");
}
void SampleReportGenerator::notes()
{
    m_doc.startPage("notes");
    m_doc.heading("NOTES TO CONSOLIDATED FINANCIAL STATEMENTS");
    para("Notes.");
}
void SampleReportGenerator::changesInAccountants()
{
    m_doc.item("II", "9", "Changes in and Disagreements with Accountants on Accounting and Financial Disclosure");
    para("None.");
}
void SampleReportGenerator::controls()
{
    m_doc.item("II", "9A", "Controls and Procedures");
    para("Controls.");
}
void SampleReportGenerator::otherInformation()
{
    m_doc.item("II", "9B", "Other Information");
    para("None.");
}
void SampleReportGenerator::foreignJurisdictions()
{
    m_doc.item("II", "9C", "Disclosure Regarding Foreign Jurisdictions that Prevent Inspections");
    para("Not applicable.");
}
void SampleReportGenerator::partThree()
{
    m_doc.item("III", "10", "Directors, Executive Officers and Corporate Governance");
    para("Proxy.");
    m_doc.item("III", "11", "Executive Compensation");
    para("x");
    m_doc.item("III", "12", "Security Ownership");
    para("x");
    m_doc.item("III", "13", "Certain");
    para("x");
    m_doc.item("III", "14", "Principal");
    para("x");
}
void SampleReportGenerator::exhibits()
{
    m_doc.item("IV", "15", "Exhibits and Financial Statement Schedules");
    para("Exhibits.");
}
void SampleReportGenerator::formSummary()
{
    m_doc.item("IV", "16", "Form 10-K Summary");
    para("None.");
}
void SampleReportGenerator::signatures()
{
    m_doc.endItem();
    m_doc.startPage("signatures");
    m_doc.heading("SIGNATURES");
    para("Signed.");
}
void SampleReportGenerator::exhibitDocuments() { }
} // namespace moescope

namespace moescope {
void SampleReportGenerator::mdnaSegments() { }
void SampleReportGenerator::mdnaLiquidity() { }
void SampleReportGenerator::mdnaCriticalEstimates() { }
} // namespace moescope

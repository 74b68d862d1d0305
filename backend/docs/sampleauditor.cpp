// Item 8: management's report and the reports of the independent registered public accounting firm on the
// financial statements and on internal control over financial reporting.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

namespace moescope {

namespace {

constexpr std::string_view kFinancialOpinion[] = {
    "We have audited the accompanying consolidated balance sheets of {company} and subsidiaries (the "
    "\u201cCompany\u201d) as of December 31, {fy} and {py}, the related consolidated statements of income, "
    "comprehensive income, stockholders\u2019 equity and cash flows for each of the three years in the period ended "
    "December 31, {fy}, and the related notes and the financial statement schedule listed in the Index at Item "
    "15(a)(2) (collectively referred to as the \u201cconsolidated financial statements\u201d). In our opinion, the "
    "consolidated financial statements present fairly, in all material respects, the financial position of the "
    "Company at December 31, {fy} and {py}, and the results of its operations and its cash flows for each of the three "
    "years in the period ended December 31, {fy}, in conformity with U.S. generally accepted accounting principles.",
    "We also have audited, in accordance with the standards of the Public Company Accounting Oversight Board (United "
    "States) (\u201cPCAOB\u201d), the Company\u2019s internal control over financial reporting as of {fye}, based on "
    "criteria established in __Internal Control\u2014Integrated Framework__ issued by the Committee of Sponsoring "
    "Organizations of the Treadway Commission (2013 framework), and our report dated February 24, {nfy} expressed an "
    "unqualified opinion thereon.",
};

constexpr std::string_view kFinancialBasis[] = {
    "These financial statements are the responsibility of the Company\u2019s management. Our responsibility is to "
    "express an opinion on the Company\u2019s financial statements based on our audits. We are a public accounting "
    "firm registered with the PCAOB and are required to be independent with respect to the Company in accordance "
    "with the U.S. federal securities laws and the applicable rules and regulations of the Securities and Exchange "
    "Commission and the PCAOB.",
    "We conducted our audits in accordance with the standards of the PCAOB. Those standards require that we plan and "
    "perform the audit to obtain reasonable assurance about whether the financial statements are free of material "
    "misstatement, whether due to error or fraud. Our audits included performing procedures to assess the risks of "
    "material misstatement of the financial statements, whether due to error or fraud, and performing procedures "
    "that respond to those risks. Such procedures included examining, on a test basis, evidence regarding the "
    "amounts and disclosures in the financial statements. Our audits also included evaluating the accounting "
    "principles used and significant estimates made by management, as well as evaluating the overall presentation "
    "of the financial statements. We believe that our audits provide a reasonable basis for our opinion.",
};

constexpr std::string_view kControlOpinion[] = {
    "We have audited {company} and subsidiaries\u2019 internal control over financial reporting as of {fye}, based "
    "on criteria established in __Internal Control\u2014Integrated Framework__ issued by the Committee of Sponsoring "
    "Organizations of the Treadway Commission (2013 framework) (the \u201cCOSO criteria\u201d). In our opinion, "
    "{company} and subsidiaries (the \u201cCompany\u201d) maintained, in all material respects, effective internal "
    "control over financial reporting as of {fye}, based on the COSO criteria.",
    "We also have audited, in accordance with the standards of the Public Company Accounting Oversight Board (United "
    "States) (\u201cPCAOB\u201d), the consolidated balance sheets of the Company as of December 31, {fy} and {py}, the "
    "related consolidated statements of income, comprehensive income, stockholders\u2019 equity and cash flows for "
    "each of the three years in the period ended December 31, {fy}, and the related notes and financial statement "
    "schedule, and our report dated February 24, {nfy} expressed an unqualified opinion thereon.",
};

constexpr std::string_view kControlBasis[] = {
    "The Company\u2019s management is responsible for maintaining effective internal control over financial "
    "reporting and for its assessment of the effectiveness of internal control over financial reporting included in "
    "the accompanying Management\u2019s Report on Internal Control over Financial Reporting. Our responsibility is "
    "to express an opinion on the Company\u2019s internal control over financial reporting based on our audit. We "
    "are a public accounting firm registered with the PCAOB and are required to be independent with respect to the "
    "Company in accordance with the U.S. federal securities laws and the applicable rules and regulations of the "
    "Securities and Exchange Commission and the PCAOB.",
    "We conducted our audit in accordance with the standards of the PCAOB. Those standards require that we plan and "
    "perform the audit to obtain reasonable assurance about whether effective internal control over financial "
    "reporting was maintained in all material respects. Our audit included obtaining an understanding of internal "
    "control over financial reporting, assessing the risk that a material weakness exists, testing and evaluating "
    "the design and operating effectiveness of internal control based on the assessed risk, and performing such "
    "other procedures as we considered necessary in the circumstances. We believe that our audit provides a "
    "reasonable basis for our opinion.",
};

constexpr std::string_view kControlLimits[] = {
    "A company\u2019s internal control over financial reporting is a process designed to provide reasonable "
    "assurance regarding the reliability of financial reporting and the preparation of financial statements for "
    "external purposes in accordance with generally accepted accounting principles. A company\u2019s internal "
    "control over financial reporting includes those policies and procedures that (1) pertain to the maintenance of "
    "records that, in reasonable detail, accurately and fairly reflect the transactions and dispositions of the "
    "assets of the company; (2) provide reasonable assurance that transactions are recorded as necessary to permit "
    "preparation of financial statements in accordance with generally accepted accounting principles, and that "
    "receipts and expenditures of the company are being made only in accordance with authorizations of management "
    "and directors of the company; and (3) provide reasonable assurance regarding prevention or timely detection of "
    "unauthorized acquisition, use, or disposition of the company\u2019s assets that could have a material effect on "
    "the financial statements.",
    "Because of its inherent limitations, internal control over financial reporting may not prevent or detect "
    "misstatements. Also, projections of any evaluation of effectiveness to future periods are subject to the risk "
    "that controls may become inadequate because of changes in conditions, or that the degree of compliance with "
    "the policies or procedures may deteriorate.",
};

constexpr std::string_view kManagement[] = {
    "Management is responsible for the preparation, integrity and objectivity of the consolidated financial "
    "statements and other financial information presented in this Annual Report. The consolidated financial "
    "statements have been prepared in accordance with U.S. generally accepted accounting principles and include "
    "amounts based on management\u2019s best estimates and judgments.",
    "Management maintains a system of internal controls designed to provide reasonable assurance that assets are "
    "safeguarded and that transactions are properly authorized, recorded and reported. The system is supported by "
    "written policies and procedures, by the careful selection and training of qualified personnel, by an "
    "appropriate segregation of duties, and by a program of internal audits. Our Code of Business Conduct requires "
    "all employees to maintain high ethical standards in the conduct of the Company\u2019s affairs.",
    "The Audit Committee of the Board of Directors, which is composed solely of independent directors, meets "
    "regularly with management, the internal auditors and the independent registered public accounting firm to "
    "review accounting, auditing, internal control and financial reporting matters. The internal auditors and the "
    "independent registered public accounting firm have full and free access to the Audit Committee, with and "
    "without management present.",
    "Management assessed the effectiveness of the Company\u2019s internal control over financial reporting as of "
    "{fye}, using the criteria set forth in __Internal Control\u2014Integrated Framework (2013)__ issued by the "
    "Committee of Sponsoring Organizations of the Treadway Commission. Based on this assessment, management "
    "concluded that the Company\u2019s internal control over financial reporting was effective as of {fye}. "
    "{auditor}, an independent registered public accounting firm, has audited the consolidated financial "
    "statements and the effectiveness of the Company\u2019s internal control over financial reporting, as stated in "
    "its reports included herein.",
};

} // namespace

void SampleReportGenerator::auditorReport()
{
    auto& d = m_doc;
    auto signature = [&]() { signatureBlock({ "/s/ {auditor}", "{hqcity}, {hqstate}", "February 24, {nfy}" }, 6); };
    // Both auditor reports open alike: title, addressee, the opinion, then the basis for it.
    auto reportStart = [&](const std::string& anchor, const std::string& opinionHeading,
                           std::span<const std::string_view> opinion, std::span<const std::string_view> basis) {
        d.startPage(anchor);
        d.centered("REPORT OF INDEPENDENT REGISTERED PUBLIC ACCOUNTING FIRM", 10, true, 8);
        para("To the Stockholders and the Board of Directors of {company}");
        d.heading(opinionHeading, 3);
        for (auto p : opinion)
            para(p);
        d.heading("Basis for Opinion", 3);
        for (auto p : basis)
            para(p);
    };

    d.startPage("management-report");
    d.centered(
        "MANAGEMENT\u2019S REPORT ON FINANCIAL STATEMENTS AND INTERNAL CONTROL OVER FINANCIAL REPORTING", 10, true, 8);
    for (auto p : kManagement)
        para(p);
    signatureBlock({ "/s/ {ceo}", "Chairman, President and Chief Executive Officer" }, 6);
    signatureBlock({ "/s/ {cfo}", "Executive Vice President and Chief Financial Officer" }, 6);

    reportStart("auditor-report", "Opinion on the Financial Statements", kFinancialOpinion, kFinancialBasis);
    d.heading("Critical Audit Matters", 3);
    para("The critical audit matters communicated below are matters arising from the current period audit of the "
         "financial statements that were communicated or required to be communicated to the audit committee and that "
         "(1) relate to accounts or disclosures that are material to the financial statements and (2) involved our "
         "especially challenging, subjective or complex judgments. The communication of critical audit matters does "
         "not alter in any way our opinion on the consolidated financial statements, taken as a whole, and we are "
         "not, by communicating the critical audit matters below, providing separate opinions on the critical audit "
         "matters or on the accounts or disclosures to which they relate.");
    para("**Goodwill Impairment Assessment \u2014 Reporting Unit Including {acq}**");
    para(
        "__Description of the Matter.__ As described in {note_goodwill} to the consolidated financial statements, the "
        "Company\u2019s goodwill balance was {gw} at {fye}. Goodwill is tested for impairment at least annually at the "
        "reporting unit level. Auditing management\u2019s impairment test for the reporting unit that includes {acq} "
        "was complex and highly judgmental because the estimated fair value of the reporting unit exceeded its "
        "carrying value by a smaller margin than the Company\u2019s other reporting units, and because the fair value "
        "estimate was sensitive to significant assumptions, including revenue growth rates, operating margins and "
        "the discount rate.");
    para("__How We Addressed the Matter in Our Audit.__ We obtained an understanding, evaluated the design and tested "
         "the operating effectiveness of controls over the Company\u2019s goodwill impairment review process, "
         "including controls over management\u2019s review of the significant assumptions. Our procedures included, "
         "among others, evaluating the methodologies used, comparing the revenue growth rates and operating margins "
         "with the historical results of the reporting unit and with current industry and economic trends, and "
         "performing sensitivity analyses to evaluate the changes in fair value that would result from changes in the "
         "assumptions. We involved our valuation specialists to assist in evaluating the discount rate and the market "
         "approach used in the valuation.");
    para("**Unrecognized Tax Benefits**");
    para("__Description of the Matter.__ As described in {note_taxes} to the consolidated financial statements, the "
         "Company operates in multiple tax jurisdictions and had unrecognized tax benefits of {utb} at {fye}. Auditing "
         "the measurement of unrecognized tax benefits was challenging because the evaluation of whether a tax "
         "position is more likely than not to be sustained, and the measurement of the benefit, involve significant "
         "judgment and are based on interpretations of complex tax laws and legal rulings.");
    para("__How We Addressed the Matter in Our Audit.__ We tested the controls over the Company\u2019s process to "
         "assess "
         "the technical merits of tax positions and to measure the benefit of those positions. With the assistance of "
         "our tax professionals, we evaluated the Company\u2019s assessment of the technical merits of its tax "
         "positions, including the analyses prepared by management and its external advisors, and we assessed the "
         "measurement of the unrecognized tax benefits, including the effect of tax examinations and changes in tax "
         "law.");
    d.paragraph(
        fill("We have served as the Company\u2019s auditor since " + std::to_string(m_company.auditorSince) + "."),
        TextAlign::Left, 10, 6);
    signature();

    reportStart(
        "auditor-report-icfr", "Opinion on Internal Control over Financial Reporting", kControlOpinion, kControlBasis);
    d.heading("Definition and Limitations of Internal Control over Financial Reporting", 3);
    for (auto p : kControlLimits)
        para(p);
    signature();
}

} // namespace moescope

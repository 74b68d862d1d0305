// Exhibits filed with the report: the description of securities, subsidiaries, the auditor's consent and the
// Section 302 and 906 certifications.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"
#include "docs/texttable.h"

namespace moescope {

namespace {

constexpr std::string_view kSecurities[] = {
    "The following is a summary of the material terms of the common stock of {company} (the \u201cCompany,\u201d "
    "\u201cwe,\u201d \u201cus\u201d or \u201cour\u201d), which is the only class of our securities registered under "
    "Section 12 of the Securities Exchange Act of 1934, as amended. This summary does not purport to be complete and "
    "is "
    "qualified in its entirety by reference to our Amended and Restated Certificate of Incorporation (the "
    "\u201cCertificate of Incorporation\u201d) and our Amended and Restated Bylaws (the \u201cBylaws\u201d), each of "
    "which is incorporated by reference as an exhibit to our Annual Report on Form 10-K, and to the applicable "
    "provisions of the Delaware General Corporation Law (the \u201cDGCL\u201d).",
    "**Authorized Capital Stock.** Our authorized capital stock consists of 400,000,000 shares of common stock, par "
    "value $0.01 per share, and 10,000,000 shares of preferred stock, par value $0.01 per share.",
    "**Voting Rights.** Holders of our common stock are entitled to one vote for each share held of record on all "
    "matters submitted to a vote of stockholders. Holders of common stock do not have cumulative voting rights. "
    "Directors are elected by a majority of the votes cast in uncontested elections and by a plurality of the votes "
    "cast in contested elections.",
    "**Dividend Rights.** Subject to the rights of holders of any outstanding preferred stock, holders of common stock "
    "are entitled to receive dividends when, as and if declared by our Board of Directors out of funds legally "
    "available for that purpose.",
    "**Liquidation Rights.** Upon our liquidation, dissolution or winding up, holders of common stock are entitled to "
    "share ratably in the assets remaining after payment of our liabilities and the liquidation preference of any "
    "outstanding preferred stock.",
    "**Other Rights and Preferences.** Holders of common stock have no preemptive, conversion, subscription or "
    "redemption rights, and there are no sinking fund provisions applicable to the common stock. The outstanding "
    "shares of common stock are fully paid and nonassessable.",
    "**Preferred Stock.** Our Board of Directors is authorized, without further action by stockholders, to issue "
    "preferred stock in one or more series and to fix the designations, powers, preferences and rights of each series, "
    "which may be superior to those of the common stock. The issuance of preferred stock could have the effect of "
    "delaying, deferring or preventing a change in control of the Company.",
    "**Anti-Takeover Provisions.** Certain provisions of the Certificate of Incorporation, the Bylaws and the DGCL may "
    "have the effect of delaying or discouraging a takeover attempt. The Bylaws establish advance notice procedures "
    "for stockholder proposals and director nominations, permit stockholders holding at least 25% of our outstanding "
    "common stock to call a special meeting, and provide for proxy access for eligible stockholders. We are subject to "
    "Section 203 of the DGCL, which, subject to certain exceptions, prohibits a Delaware corporation from engaging in "
    "a "
    "business combination with an interested stockholder for three years after the stockholder became an interested "
    "stockholder.",
    "**Exclusive Forum.** The Bylaws provide that, unless we consent in writing to an alternative forum, the Court of "
    "Chancery of the State of Delaware will be the sole and exclusive forum for certain stockholder litigation, and "
    "that the federal district courts of the United States will be the exclusive forum for claims arising under the "
    "Securities Act of 1933.",
    "**Listing.** Our common stock is listed on the {exchange} under the symbol \u201c{ticker}.\u201d",
    "**Transfer Agent and Registrar.** The transfer agent and registrar for our common stock is a national stock "
    "transfer company, which maintains records of registered holders and processes transfers of shares.",
};

// "Exhibit N" at the top right of an exhibit's first page, then its bold centred title when it has one.
void exhibitLabel(ReportComposer& d, const std::string& number, const std::string& title = {})
{
    d.paragraph("**Exhibit " + number + "**", TextAlign::Right, 10, 8);
    if (!title.empty())
        d.centered(title, 10, true, 8);
}

} // namespace

void SampleReportGenerator::exhibitDocument(const std::string& number, const std::vector<std::string>& titles,
    std::string_view subtitle, std::span<const SampleDocSection> sections, std::string_view intro)
{
    auto& d = m_doc;
    d.startPage("exhibit-" + number);
    exhibitLabel(d, number);
    for (std::size_t i = 0; i < titles.size(); ++i)
        d.centered(fill(titles[i]), 11, true, i + 1 == titles.size() && subtitle.empty() ? 10 : 2);
    if (!subtitle.empty())
        d.centered(fill(subtitle), 10, false, 10);
    if (!intro.empty())
        para(intro);
    for (const auto& s : sections) {
        d.heading(std::string(s.heading), 2);
        para(s.text);
    }
}

void SampleReportGenerator::signatureBlock(const std::vector<std::string>& lines, double spaceAfter)
{
    for (std::size_t i = 0; i < lines.size(); ++i)
        m_doc.paragraph(fill(lines[i]), TextAlign::Left, 10, i + 1 == lines.size() ? spaceAfter : 0);
}

void SampleReportGenerator::exhibitDocuments()
{
    auto& d = m_doc;
    const auto& c = m_company;
    const std::string date = "February 24, " + std::to_string(c.fiscalYear + 1);

    d.startPage("exhibit-4.6");
    exhibitLabel(d, "4.6",
        "DESCRIPTION OF THE REGISTRANT\u2019S SECURITIES REGISTERED PURSUANT TO SECTION 12 OF THE SECURITIES "
        "EXCHANGE ACT OF 1934");
    for (auto p : kSecurities)
        para(p);
    d.heading("DESCRIPTION OF SENIOR NOTES", 2);
    para("The Company has issued several series of senior notes under an indenture between the Company and a national "
         "banking association, as trustee, as supplemented. The notes are not registered under Section 12 of the "
         "Exchange Act and are described here for convenience. Each series of notes is a senior unsecured obligation "
         "of the Company and ranks equally in right of payment with all of the Company\u2019s existing and future "
         "senior unsecured indebtedness, and is effectively subordinated to any secured indebtedness to the extent of "
         "the value of the collateral and structurally subordinated to the liabilities of the Company\u2019s "
         "subsidiaries.");
    para("Interest on each series is payable semiannually in arrears. The Company may redeem the notes of any series "
         "at its option, in whole or in part, at any time before the applicable par call date at a redemption price "
         "equal to the greater of 100% of the principal amount and the sum of the present values of the remaining "
         "scheduled payments discounted at the applicable treasury rate plus a spread, and on or after the par call "
         "date at 100% of the principal amount, in each case plus accrued and unpaid interest. If a change of control "
         "triggering event occurs, holders may require the Company to repurchase their notes at 101% of the "
         "principal amount plus accrued and unpaid interest.");
    para("The indenture contains covenants that, among other things, limit the ability of the Company and its "
         "subsidiaries to create liens on principal properties and to enter into sale and leaseback transactions, and "
         "limit the ability of the Company to consolidate, merge or transfer all or substantially all of its assets. "
         "These covenants are subject to important exceptions and qualifications. The indenture provides for "
         "customary events of default, including failure to pay principal or interest, breach of covenants, and "
         "certain events of bankruptcy, insolvency or reorganization.");

    planExhibits();
    incentiveExhibits();
    agreementExhibits();
    policyExhibits();

    d.startPage("exhibit-21.1");
    exhibitLabel(d, "21.1", "SUBSIDIARIES OF " + c.name);
    para("The following is a list of significant subsidiaries of {company} as of {fye}, and the jurisdictions in which "
         "they are organized. Certain subsidiaries are omitted because, considered in the aggregate, they would not "
         "constitute a significant subsidiary as of the end of the year covered by this report.");
    TextTable subs(m_textWidth, { { 0.62 }, { 0.38 } }, { "Name of Subsidiary", "Jurisdiction of Organization" });
    subs.table().keepTogether = false;
    for (const auto& [name, place] : c.subsidiaries)
        subs.row({ name, place });
    d.table(subs.take());

    d.startPage("exhibit-23.1");
    exhibitLabel(d, "23.1", "CONSENT OF INDEPENDENT REGISTERED PUBLIC ACCOUNTING FIRM");
    para("We consent to the incorporation by reference in the following Registration Statements of {company}: "
         "Registration Statement (Form S-3 No. 333-2[61|74|80]418) pertaining to the registration of debt securities, "
         "common stock and preferred stock; Registration Statement (Form S-8 No. 333-25[5|6]190) pertaining to the "
         "{company} 2021 Omnibus Incentive Plan; and Registration Statement (Form S-8 No. 333-2[18|21]734) pertaining "
         "to the {company} Retirement Savings Plan; of our report dated "
        + date
        + ", with respect to the consolidated financial statements and schedule of {company} and the effectiveness of "
          "internal control over financial reporting of {company}, included in this Annual Report (Form 10-K) for the "
          "year ended {fye}.");
    signatureBlock({ "/s/ {auditor}", "{hqcity}, {hqstate}", date }, 6);

    const std::string cfoTitle = "Executive Vice President and Chief Financial Officer";
    for (int i = 0; i < 2; ++i) {
        const SamplePerson& officer = i == 0 ? c.ceo() : c.cfo();
        const std::string title = i == 0 ? "Chief Executive Officer" : cfoTitle;
        d.startPage("exhibit-31." + std::to_string(i + 1));
        exhibitLabel(d, "31." + std::to_string(i + 1),
            "CERTIFICATION PURSUANT TO RULE 13a-14(a) UNDER THE SECURITIES EXCHANGE ACT OF 1934, AS ADOPTED "
            "PURSUANT TO SECTION 302 OF THE SARBANES-OXLEY ACT OF 2002");
        para("I, " + officer.name + ", certify that:");
        std::vector<std::string> items = {
            fill("1. I have reviewed this Annual Report on Form 10-K of {company};"),
            "2. Based on my knowledge, this report does not contain any untrue statement of a material fact or omit to "
            "state a material fact necessary to make the statements made, in light of the circumstances under which "
            "such statements were made, not misleading with respect to the period covered by this report;",
            "3. Based on my knowledge, the financial statements, and other financial information included in this "
            "report, fairly present in all material respects the financial condition, results of operations and cash "
            "flows of the registrant as of, and for, the periods presented in this report;",
            "4. The registrant\u2019s other certifying officer and I are responsible for establishing and maintaining "
            "disclosure controls and procedures (as defined in Exchange Act Rules 13a-15(e) and 15d-15(e)) and "
            "internal control over financial reporting (as defined in Exchange Act Rules 13a-15(f) and 15d-15(f)) for "
            "the registrant and have: (a) designed such disclosure controls and procedures, or caused such disclosure "
            "controls and procedures to be designed under our supervision, to ensure that material information "
            "relating to the registrant, including its consolidated subsidiaries, is made known to us by others within "
            "those entities, particularly during the period in which this report is being prepared; (b) designed such "
            "internal control over financial reporting, or caused such internal control over financial reporting to "
            "be designed under our supervision, to provide reasonable assurance regarding the reliability of financial "
            "reporting and the preparation of financial statements for external purposes in accordance with generally "
            "accepted accounting principles; (c) evaluated the effectiveness of the registrant\u2019s disclosure "
            "controls and procedures and presented in this report our conclusions about the effectiveness of the "
            "disclosure controls and procedures, as of the end of the period covered by this report based on such "
            "evaluation; and (d) disclosed in this report any change in the registrant\u2019s internal control over "
            "financial reporting that occurred during the registrant\u2019s most recent fiscal quarter that has "
            "materially affected, or is reasonably likely to materially affect, the registrant\u2019s internal control "
            "over financial reporting; and",
            "5. The registrant\u2019s other certifying officer and I have disclosed, based on our most recent "
            "evaluation "
            "of internal control over financial reporting, to the registrant\u2019s auditors and the audit committee "
            "of "
            "the registrant\u2019s board of directors: (a) all significant deficiencies and material weaknesses in the "
            "design or operation of internal control over financial reporting which are reasonably likely to adversely "
            "affect the registrant\u2019s ability to record, process, summarize and report financial information; and "
            "(b) any fraud, whether or not material, that involves management or other employees who have a "
            "significant role in the registrant\u2019s internal control over financial reporting.",
        };
        for (const auto& it : items)
            d.paragraph(it);
        d.paragraph("Date: " + date, TextAlign::Left, 10, 10);
        signatureBlock({ "/s/ " + officer.name, officer.name, title }, 8);
    }
    d.startPage("exhibit-32");
    for (int i = 0; i < 2; ++i) {
        const SamplePerson& officer = i == 0 ? c.ceo() : c.cfo();
        const std::string title = i == 0 ? "Chief Executive Officer" : cfoTitle;
        exhibitLabel(d, "32." + std::to_string(i + 1),
            "CERTIFICATION PURSUANT TO 18 U.S.C. SECTION 1350, AS ADOPTED PURSUANT TO SECTION 906 OF THE "
            "SARBANES-OXLEY ACT OF 2002");
        para("In connection with the Annual Report of {company} (the \u201cCompany\u201d) on Form 10-K for the year "
             "ended "
             "{fye}, as filed with the Securities and Exchange Commission on the date hereof (the \u201cReport\u201d), "
             "I, "
            + officer.name + ", " + title
            + " of the Company, certify, pursuant to 18 U.S.C. \u00a7 1350, as adopted pursuant to \u00a7 906 of the "
              "Sarbanes-Oxley Act of 2002, that, to my knowledge: (1) the Report fully complies with the requirements "
              "of Section 13(a) or 15(d) of the Securities Exchange Act of 1934; and (2) the information contained in "
              "the Report fairly presents, in all material respects, the financial condition and results of "
              "operations of the Company.");
        d.paragraph("Date: " + date, TextAlign::Left, 10, 10);
        signatureBlock({ "/s/ " + officer.name, officer.name, title }, 14);
    }
}

} // namespace moescope

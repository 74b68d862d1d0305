// The cover page, the table of contents and the cautionary note on forward-looking statements.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <algorithm>

namespace moescope {

namespace {

TableCell centeredCell(const std::string& text, bool bold = false, bool underline = false)
{
    TableCell c;
    c.text = text;
    c.align = TextAlign::Center;
    c.bold = bold;
    c.underline = underline;
    return c;
}

const char* kChecked = "[X]";
const char* kUnchecked = "[  ]";

} // namespace

void SampleReportGenerator::cover()
{
    auto& d = m_doc;
    const auto& c = m_company;
    std::string upperName = c.name;
    std::transform(upperName.begin(), upperName.end(), upperName.begin(),
        [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    d.centered("UNITED STATES", 12, true, 1);
    d.centered("SECURITIES AND EXCHANGE COMMISSION", 12, true, 1);
    d.centered("Washington, D.C. 20549", 10, false, 6);
    d.rule(1.0, 0);
    d.centered("FORM 10-K", 16, true, 6);
    d.rule(1.0, 0);
    d.paragraph("(Mark One)", TextAlign::Left, 9, 4);
    d.paragraph(std::string(kChecked)
            + " **ANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934**",
        TextAlign::Left, 9, 2);
    d.centered("For the fiscal year ended " + m_text.get("fye"), 9, true, 2);
    d.centered("OR", 9, false, 2);
    d.paragraph(std::string(kUnchecked)
            + " **TRANSITION REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES EXCHANGE ACT OF 1934**",
        TextAlign::Left, 9, 2);
    d.centered("For the transition period from __________ to __________", 9, false, 4);
    d.centered("Commission File Number: " + c.commissionFile, 9, false, 8);
    d.centered(upperName, 16, true, 1);
    d.centered("(Exact name of registrant as specified in its charter)", 8, false, 6);

    const double half = m_textWidth / 2;
    TableBlock id;
    id.columns = { { half, TextAlign::Center, true }, { half, TextAlign::Center, true } };
    id.fontSize = 9;
    id.rowHeight = 11;
    id.spaceBefore = 0;
    id.spaceAfter = 6;
    auto pair = [&](const std::string& a, const std::string& b, bool small, bool underline) {
        TableRow r;
        TableCell x = centeredCell(a, false, underline), y = centeredCell(b, false, underline);
        r.cells = { x, y };
        if (small)
            r.spaceBefore = 0;
        id.rows.push_back(r);
    };
    pair(c.stateOfIncorporation, c.irsNumber, false, true);
    pair("(State or other jurisdiction of incorporation or organization)", "(I.R.S. Employer Identification No.)", true,
        false);
    pair(c.street + ", " + c.city + ", " + c.state, c.zip, false, true);
    pair("(Address of principal executive offices)", "(Zip Code)", true, false);
    d.table(std::move(id));
    d.centered(c.phone, 9, false, 1);
    d.centered("(Registrant\u2019s telephone number, including area code)", 8, false, 6);
    d.centered("Securities registered pursuant to Section 12(b) of the Act:", 9, false, 3);

    TableBlock sec;
    sec.columns = { { m_textWidth * 0.4, TextAlign::Center, true }, { m_textWidth * 0.2, TextAlign::Center, true },
        { m_textWidth * 0.4, TextAlign::Center, true } };
    sec.fontSize = 9;
    sec.rowHeight = 11;
    sec.spaceBefore = 0;
    sec.spaceAfter = 6;
    sec.rows.push_back(
        { .cells = { centeredCell("Title of each class", true, true), centeredCell("Trading Symbol(s)", true, true),
              centeredCell("Name of each exchange on which registered", true, true) } });
    sec.rows.push_back({ .cells = { centeredCell("Common Stock, $0.01 par value per share"), centeredCell(c.ticker),
                             centeredCell(c.exchange) } });
    d.table(std::move(sec));
    d.centered("Securities registered pursuant to Section 12(g) of the Act: None", 9, false, 8);

    auto yesNo = [&](const std::string& question, bool yes) {
        d.paragraph(question + " Yes " + (yes ? kChecked : kUnchecked) + " No " + (yes ? kUnchecked : kChecked),
            TextAlign::Justify, 8.5, 4);
    };
    yesNo("Indicate by check mark if the registrant is a well-known seasoned issuer, as defined in Rule 405 of the "
          "Securities Act.",
        true);
    yesNo("Indicate by check mark if the registrant is not required to file reports pursuant to Section 13 or Section "
          "15(d) of the Act.",
        false);
    yesNo("Indicate by check mark whether the registrant (1) has filed all reports required to be filed by Section 13 "
          "or 15(d) of the Securities Exchange Act of 1934 during the preceding 12 months (or for such shorter period "
          "that the registrant was required to file such reports), and (2) has been subject to such filing "
          "requirements for the past 90 days.",
        true);
    yesNo("Indicate by check mark whether the registrant has submitted electronically every Interactive Data File "
          "required to be submitted pursuant to Rule 405 of Regulation S-T (\u00a7232.405 of this chapter) during the "
          "preceding 12 months (or for such shorter period that the registrant was required to submit such files).",
        true);
    d.paragraph("Indicate by check mark whether the registrant is a large accelerated filer, an accelerated filer, a "
                "non-accelerated filer, a smaller reporting company, or an emerging growth company. See the "
                "definitions of \u201clarge accelerated filer,\u201d \u201caccelerated filer,\u201d \u201csmaller "
                "reporting company,\u201d and \u201cemerging growth company\u201d in Rule 12b-2 of the Exchange Act.",
        TextAlign::Justify, 8.5, 3);
    d.paragraph(std::string("Large accelerated filer ") + kChecked + "    Accelerated filer " + kUnchecked
            + "    Non-accelerated filer " + kUnchecked + "    Smaller reporting company " + kUnchecked
            + "    Emerging growth company " + kUnchecked,
        TextAlign::Left, 8.5, 4);
    d.paragraph(std::string("If an emerging growth company, indicate by check mark if the registrant has elected not "
                            "to use the extended transition period for complying with any new or revised financial "
                            "accounting standards provided pursuant to Section 13(a) of the Exchange Act. ")
            + kUnchecked,
        TextAlign::Justify, 8.5, 4);
    yesNo(
        "Indicate by check mark whether the registrant has filed a report on and attestation to its management\u2019s "
        "assessment of the effectiveness of its internal control over financial reporting under Section 404(b) of "
        "the Sarbanes-Oxley Act (15 U.S.C. 7262(b)) by the registered public accounting firm that prepared or "
        "issued its audit report.",
        true);
    d.paragraph(std::string("If securities are registered pursuant to Section 12(b) of the Act, indicate by check "
                            "mark whether the financial statements of the registrant included in the filing reflect "
                            "the correction of an error to previously issued financial statements. ")
            + kUnchecked,
        TextAlign::Justify, 8.5, 4);
    d.paragraph(std::string("Indicate by check mark whether any of those error corrections are restatements that "
                            "required a recovery analysis of incentive-based compensation received by any of the "
                            "registrant\u2019s executive officers during the relevant recovery period pursuant to "
                            "\u00a7240.10D-1(b). ")
            + kUnchecked,
        TextAlign::Justify, 8.5, 4);
    yesNo("Indicate by check mark whether the registrant is a shell company (as defined in Rule 12b-2 of the Act).",
        false);
    d.paragraph(fill("The aggregate market value of the registrant\u2019s common stock held by non-affiliates of the "
                     "registrant was approximately {marketcap} as of June 30, {fy}, the last business day of the "
                     "registrant\u2019s most recently completed second fiscal quarter, based on the closing sale price "
                     "of the registrant\u2019s common stock on that date as reported by the {exchange}."),
        TextAlign::Justify, 8.5, 4);
    d.paragraph(fill("As of February 13, {nfy}, there were " + formatShareCount(fy(0).sharesOutstanding - 150)
                    + " shares of the registrant\u2019s common stock, $0.01 par value per share, outstanding."),
        TextAlign::Justify, 8.5, 6);
    d.centered("DOCUMENTS INCORPORATED BY REFERENCE", 9, true, 3);
    d.paragraph(fill("Portions of the registrant\u2019s definitive Proxy Statement for its {nfy} Annual Meeting of "
                     "Stockholders, which will be filed with the Securities and Exchange Commission within 120 days "
                     "after the end of the fiscal year to which this report relates, are incorporated by reference "
                     "into Part III of this Annual Report on Form 10-K."),
        TextAlign::Justify, 8.5, 4);
}

void SampleReportGenerator::contents()
{
    m_doc.startPage("contents");
    m_doc.centered(m_company.name, 11, true, 2);
    m_doc.centered("ANNUAL REPORT ON FORM 10-K", 10, true, 2);
    m_doc.centered("For the Fiscal Year Ended " + m_text.get("fye"), 10, false, 8);
    m_doc.centered("TABLE OF CONTENTS", 10, true, 6);
    TableBlock t;
    t.columns = { { 70, TextAlign::Left, true }, { m_textWidth - 120, TextAlign::Left, true },
        { 50, TextAlign::Right, false } };
    t.fontSize = 10;
    t.rowHeight = 14;
    t.keepTogether = false;
    t.spaceBefore = 0;
    {
        TableRow h;
        h.header = true;
        TableCell page;
        page.text = "Page";
        page.bold = true;
        h.cells = { TableCell {}, TableCell {}, page };
        t.rows.push_back(h);
    }
    auto row = [&](const std::string& label, const std::string& title, const std::string& anchor, bool bold) {
        TableRow r;
        r.bold = bold;
        TableCell a, b, p;
        a.text = label;
        b.text = title;
        p.pageRef = anchor;
        r.cells = { a, b, p };
        if (bold)
            r.spaceBefore = 6;
        t.rows.push_back(r);
    };
    row("", "Cautionary Note Regarding Forward-Looking Statements", "forward-looking", false);
    struct Entry {
        const char* part;
        const char* item;
        const char* title;
    };
    static const Entry kEntries[] = { { "I", "1", "Business" }, { "I", "1A", "Risk Factors" },
        { "I", "1B", "Unresolved Staff Comments" }, { "I", "1C", "Cybersecurity" }, { "I", "2", "Properties" },
        { "I", "3", "Legal Proceedings" }, { "I", "4", "Mine Safety Disclosures" },
        { "II", "5",
            "Market for Registrant\u2019s Common Equity, Related Stockholder Matters and Issuer Purchases of Equity "
            "Securities" },
        { "II", "6", "[Reserved]" },
        { "II", "7", "Management\u2019s Discussion and Analysis of Financial Condition and Results of Operations" },
        { "II", "7A", "Quantitative and Qualitative Disclosures About Market Risk" },
        { "II", "8", "Financial Statements and Supplementary Data" },
        { "II", "9", "Changes in and Disagreements with Accountants on Accounting and Financial Disclosure" },
        { "II", "9A", "Controls and Procedures" }, { "II", "9B", "Other Information" },
        { "II", "9C", "Disclosure Regarding Foreign Jurisdictions that Prevent Inspections" },
        { "III", "10", "Directors, Executive Officers and Corporate Governance" },
        { "III", "11", "Executive Compensation" },
        { "III", "12",
            "Security Ownership of Certain Beneficial Owners and Management and Related Stockholder Matters" },
        { "III", "13", "Certain Relationships and Related Transactions, and Director Independence" },
        { "III", "14", "Principal Accountant Fees and Services" },
        { "IV", "15", "Exhibits and Financial Statement Schedules" }, { "IV", "16", "Form 10-K Summary" } };
    std::string part;
    for (const auto& e : kEntries) {
        if (part != e.part) {
            part = e.part;
            row("PART " + part, "", "part-" + part, true);
        }
        std::string anchor = std::string("item-") + e.item;
        std::transform(anchor.begin(), anchor.end(), anchor.begin(),
            [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        row(std::string("Item ") + e.item + ".", e.title, anchor, false);
        if (std::string_view(e.item) == "8") {
            // The parts of Item 8 and each note, as filings list them.
            auto sub = [&](const std::string& title, const std::string& anchorName) {
                row("", title, anchorName, false);
                t.rows.back().cells[1].indent = 14;
                t.rows.back().cells[1].text = title;
            };
            sub("Management\u2019s Report on Financial Statements and Internal Control over Financial Reporting",
                "management-report");
            sub("Reports of Independent Registered Public Accounting Firm", "auditor-report");
            sub("Consolidated Statements of Income", "income-statement");
            sub("Consolidated Statements of Comprehensive Income", "comprehensive-income");
            sub("Consolidated Balance Sheets", "balance-sheet");
            sub("Consolidated Statements of Cash Flows", "cash-flows");
            sub("Consolidated Statements of Stockholders\u2019 Equity", "stockholders-equity");
            sub("Notes to Consolidated Financial Statements", "notes");
            const auto titles = noteTitles();
            for (std::size_t n = 0; n < titles.size(); ++n)
                sub("Note " + std::to_string(n + 1) + ". " + titles[n], "note-" + std::to_string(n + 1));
        }
    }
    row("", "Signatures", "signatures", true);
    m_doc.table(std::move(t));
}

void SampleReportGenerator::forwardLooking()
{
    m_doc.startPage("forward-looking");
    m_doc.heading("CAUTIONARY NOTE REGARDING FORWARD-LOOKING STATEMENTS", 1);
    para("This Annual Report on Form 10-K (this \u201cAnnual Report\u201d) contains forward-looking statements within "
         "the meaning of Section 27A of the Securities Act of 1933, as amended (the \u201cSecurities Act\u201d), and "
         "Section 21E of the Securities Exchange Act of 1934, as amended (the \u201cExchange Act\u201d), that are "
         "subject to risks and uncertainties. All statements other than statements of historical fact are "
         "forward-looking statements, including statements regarding our future financial performance, our expected "
         "revenue growth and margins, the expected benefits of the acquisition of {acq} and of our {program} "
         "restructuring program, our capital allocation priorities, our liquidity, and the anticipated impact of "
         "economic conditions on our business. Words such as \u201canticipate,\u201d \u201cbelieve,\u201d "
         "\u201ccontinue,\u201d \u201ccould,\u201d \u201cestimate,\u201d \u201cexpect,\u201d \u201cintend,\u201d "
         "\u201cmay,\u201d \u201cplan,\u201d \u201cpotential,\u201d \u201cshould,\u201d \u201ctarget,\u201d "
         "\u201cwill\u201d and similar expressions are intended to identify forward-looking statements.");
    para("Forward-looking statements are based on management\u2019s current expectations and assumptions and are "
         "not guarantees of future performance. Actual results may differ materially from those expressed or implied "
         "by forward-looking statements as a result of a number of factors, including, but not limited to, the "
         "following:");
    m_doc.bullets({ fill("changes in general economic conditions, including inflation, interest rates and the level "
                         "of industrial production in the markets we serve;"),
        fill("the cyclical nature of demand in our end markets and the timing of capital spending by our customers;"),
        fill("our ability to develop and introduce new products and services that achieve market acceptance;"),
        fill("competitive pressures, including pricing pressure and the entry of new competitors;"),
        fill("disruptions in our supply chain, shortages of components and increases in the cost of raw materials, "
             "freight and energy;"),
        fill("our ability to integrate {acq} and to realize the expected revenue and cost synergies of the "
             "acquisition;"),
        fill("our ability to execute the {program} program and to achieve the expected savings;"),
        fill("cybersecurity incidents and disruptions of our information technology systems;"),
        fill("changes in trade policy, tariffs and export controls, and geopolitical conflicts;"),
        fill("fluctuations in foreign currency exchange rates;"),
        fill("our indebtedness and our ability to access capital markets on acceptable terms;"),
        fill("the outcome of legal proceedings, investigations and regulatory matters; and"),
        fill("the other risks described in Part I, Item 1A, \u201cRisk Factors,\u201d of this Annual Report.") });
    para("Forward-looking statements speak only as of the date of this Annual Report. Except as required by law, we "
         "undertake no obligation to update or revise any forward-looking statement, whether as a result of new "
         "information, future events or otherwise. Unless the context requires otherwise, references in this Annual "
         "Report to \u201c{short},\u201d the \u201cCompany,\u201d \u201cwe,\u201d \u201cus\u201d and \u201cour\u201d "
         "refer to {company} and its consolidated subsidiaries.");
}

} // namespace moescope

// Part III (Items 10-14), Part IV (Items 15 and 16), signatures.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"
#include "docs/texttable.h"

#include <cmath>

namespace moescope {

namespace {

struct Exhibit {
    std::string_view number;
    std::string_view description;
};

// Exhibits filed or incorporated by reference; dates and file numbers refer to the company's own (fictional) filings.
constexpr Exhibit kExhibits[] = {
    { "3.1",
        "Amended and Restated Certificate of Incorporation of {company} (incorporated by reference to Exhibit 3.1 "
        "to the Company\u2019s Current Report on Form 8-K filed on May 8, 2019, File No. {file})" },
    { "3.2",
        "Amended and Restated Bylaws of {company}, effective February 14, {py} (incorporated by reference to "
        "Exhibit 3.1 to the Company\u2019s Current Report on Form 8-K filed on February 16, {py}, File No. {file})" },
    { "4.1",
        "Indenture, dated as of March 3, 2014, between {company} and the trustee named therein, relating to the "
        "Company\u2019s senior debt securities (incorporated by reference to Exhibit 4.1 to the Company\u2019s "
        "Registration Statement on Form S-3 filed on March 3, 2014)" },
    { "4.2",
        "First Supplemental Indenture, dated as of March 10, 2014, including the form of note (incorporated by "
        "reference to Exhibit 4.2 to the Company\u2019s Current Report on Form 8-K filed on March 10, 2014, File "
        "No. {file})" },
    { "4.3",
        "Second Supplemental Indenture, dated as of September 15, 2017, including the form of note "
        "(incorporated by reference to Exhibit 4.2 to the Company\u2019s Current Report on Form 8-K filed on "
        "September 15, 2017, File No. {file})" },
    { "4.4",
        "Third Supplemental Indenture, dated as of May 20, 2020, including the form of note (incorporated by "
        "reference to Exhibit 4.2 to the Company\u2019s Current Report on Form 8-K filed on May 20, 2020, File No. "
        "{file})" },
    { "4.5",
        "Fourth Supplemental Indenture, dated as of June 12, {acqyear}, including the form of note (incorporated "
        "by reference to Exhibit 4.2 to the Company\u2019s Current Report on Form 8-K filed on June 12, {acqyear}, "
        "File No. {file})" },
    { "4.6*",
        "Description of the Registrant\u2019s Securities Registered Pursuant to Section 12 of the Securities "
        "Exchange Act of 1934" },
    { "10.1",
        "Credit Agreement, dated as of April 28, {ppy}, among {company}, the lenders party thereto and the "
        "administrative agent named therein (incorporated by reference to Exhibit 10.1 to the Company\u2019s "
        "Current Report on Form 8-K filed on May 1, {ppy}, File No. {file})" },
    { "10.2",
        "First Amendment to Credit Agreement, dated as of June 5, {acqyear} (incorporated by reference to "
        "Exhibit 10.1 to the Company\u2019s Quarterly Report on Form 10-Q for the quarter ended June 30, "
        "{acqyear}, File No. {file})" },
    { "10.3\u2020",
        "{company} 2021 Omnibus Incentive Plan (incorporated by reference to Appendix A to the "
        "Company\u2019s Definitive Proxy Statement on Schedule 14A filed on March 26, 2021, File No. {file})" },
    { "10.4*\u2020",
        "Form of Restricted Stock Unit Award Agreement under the 2021 Omnibus Incentive Plan (as amended "
        "{fy})" },
    { "10.5*\u2020",
        "Form of Performance Share Unit Award Agreement under the 2021 Omnibus Incentive Plan (as amended "
        "{fy})" },
    { "10.6\u2020",
        "Form of Non-Employee Director Restricted Stock Unit Award Agreement (incorporated by reference to "
        "Exhibit 10.3 to the Company\u2019s Quarterly Report on Form 10-Q for the quarter ended June 30, "
        "2021, File No. {file})" },
    { "10.7*\u2020", "{company} Executive Severance Plan, as amended and restated effective January 1, {py}" },
    { "10.8\u2020",
        "Form of Change in Control Agreement between {company} and certain executive officers (incorporated "
        "by reference to Exhibit 10.8 to the Company\u2019s Annual Report on Form 10-K for the year ended "
        "December 31, 2022, File No. {file})" },
    { "10.9*\u2020", "{company} Deferred Compensation Plan, as amended and restated effective January 1, {fy}" },
    { "10.10*\u2020", "{company} Annual Incentive Plan, as amended and restated effective January 1, {fy}" },
    { "10.11\u2020",
        "Offer Letter between {company} and {cfo} (incorporated by reference to Exhibit 10.1 to the "
        "Company\u2019s Current Report on Form 8-K filed on the date of the officer\u2019s appointment, "
        "File No. {file})" },
    { "10.12*\u2020",
        "Form of Indemnification Agreement between {company} and its directors and executive officers (as "
        "amended {fy})" },
    { "10.13",
        "Equity Purchase Agreement, dated as of May 6, {acqyear}, among {company}, {acq} and the sellers named "
        "therein (incorporated by reference to Exhibit 2.1 to the Company\u2019s Current Report on Form 8-K "
        "filed on May 7, {acqyear}, File No. {file})" },
    { "19.1*", "{company} Insider Trading Policy" },
    { "21.1*", "Subsidiaries of {company}" },
    { "23.1*", "Consent of {auditor}, Independent Registered Public Accounting Firm" },
    { "24.1*", "Power of Attorney (included on the signature page of this Annual Report)" },
    { "31.1*",
        "Certification of the Chief Executive Officer pursuant to Rule 13a-14(a) under the Securities Exchange "
        "Act of 1934, as adopted pursuant to Section 302 of the Sarbanes-Oxley Act of 2002" },
    { "31.2*",
        "Certification of the Chief Financial Officer pursuant to Rule 13a-14(a) under the Securities Exchange "
        "Act of 1934, as adopted pursuant to Section 302 of the Sarbanes-Oxley Act of 2002" },
    { "32.1**",
        "Certification of the Chief Executive Officer pursuant to 18 U.S.C. Section 1350, as adopted pursuant "
        "to Section 906 of the Sarbanes-Oxley Act of 2002" },
    { "32.2**",
        "Certification of the Chief Financial Officer pursuant to 18 U.S.C. Section 1350, as adopted pursuant "
        "to Section 906 of the Sarbanes-Oxley Act of 2002" },
    { "97.1*", "{company} Compensation Recovery Policy" },
    { "101.INS*",
        "Inline XBRL Instance Document \u2014 the instance document does not appear in the Interactive Data "
        "File because its XBRL tags are embedded within the Inline XBRL document" },
    { "101.SCH*", "Inline XBRL Taxonomy Extension Schema Document" },
    { "101.CAL*", "Inline XBRL Taxonomy Extension Calculation Linkbase Document" },
    { "101.DEF*", "Inline XBRL Taxonomy Extension Definition Linkbase Document" },
    { "101.LAB*", "Inline XBRL Taxonomy Extension Label Linkbase Document" },
    { "101.PRE*", "Inline XBRL Taxonomy Extension Presentation Linkbase Document" },
    { "104*", "Cover Page Interactive Data File (formatted as Inline XBRL and contained in Exhibit 101)" },
};

} // namespace

void SampleReportGenerator::partThree()
{
    auto& d = m_doc;
    d.item("III", "10", "Directors, Executive Officers and Corporate Governance");
    para("The information required by this Item with respect to our directors, the Audit Committee of our Board of "
         "Directors, our audit committee financial experts and our director nomination process will be included under "
         "the captions \u201cProposal 1 \u2014 Election of Directors,\u201d \u201cCorporate Governance\u201d and "
         "\u201cBoard Committees\u201d in our definitive Proxy Statement for the {nfy} Annual Meeting of Stockholders "
         "(the \u201cProxy Statement\u201d), which will be filed with the SEC within 120 days after the end of our "
         "fiscal year, and is incorporated herein by reference. Information about our executive officers is included "
         "in Part I of this Annual Report under \u201cInformation About Our Executive Officers.\u201d");
    para("We have adopted a Code of Business Conduct that applies to all of our directors, officers and employees, "
         "including our Chief Executive Officer, Chief Financial Officer and Chief Accounting Officer. The Code of "
         "Business Conduct is available on our website at {website}. We intend to disclose any amendment to, or waiver "
         "from, a provision of the Code of Business Conduct that applies to these officers by posting such information "
         "on our website.");
    para("We have adopted an insider trading policy governing the purchase, sale and other disposition of our "
         "securities by our directors, officers and employees that we believe is reasonably designed to promote "
         "compliance with insider trading laws, rules and regulations and the listing standards of the {exchange}. A "
         "copy of the policy is filed as Exhibit 19.1 to this Annual Report.");
    governanceDetails();
    para("Our Board of Directors currently consists of the following members:");
    TextTable board(m_textWidth, { { 0.36 }, { 0.64 } }, { "Director", "Principal Occupation" });
    for (const auto& p : m_company.directors)
        board.row({ p.name, p.background.empty() ? m_company.ceo().title + ", " + m_company.name : p.background });
    d.table(board.take());
    para("Biographical information about our directors who are not executive officers is set forth below.");
    for (std::size_t i = 1; i < m_company.directors.size(); ++i) {
        const auto& p = m_company.directors[i];
        m_text.set("dname", p.name);
        m_text.set("dage", std::to_string(p.age));
        m_text.set("dsince", std::to_string(p.since));
        std::string lower = p.background; // occupations are generic titles, no proper nouns
        for (auto& ch : lower)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        m_text.set("dbackground_lower", "a " + lower);
        para("**{dname}**, age {dage}, has served as a director since {dsince}. [The director|This director] is "
             "{dbackground_lower}. [The director brings|This director contributes] [extensive experience in "
             "operations, strategy and global business management|expertise in finance, accounting and capital "
             "markets|deep knowledge of technology, innovation and product development|experience in governance, "
             "risk oversight and executive compensation] to our Board and serves on the [Audit|Compensation|"
             "Nominating and Governance] Committee.");
    }
    d.item("III", "11", "Executive Compensation");
    para(
        "The information required by this Item will be included under the captions \u201cExecutive Compensation,\u201d "
        "\u201cCompensation Discussion and Analysis,\u201d \u201cDirector Compensation,\u201d \u201cPay Versus "
        "Performance\u201d and \u201cCompensation Committee Report\u201d in the Proxy Statement and is incorporated "
        "herein by reference.");
    d.item(
        "III", "12", "Security Ownership of Certain Beneficial Owners and Management and Related Stockholder Matters");
    para("The information required by this Item with respect to security ownership will be included under the caption "
         "\u201cSecurity Ownership of Certain Beneficial Owners and Management\u201d in the Proxy Statement and is "
         "incorporated herein by reference. The following table provides information as of {fye} about our equity "
         "compensation plans:");
    TableBlock e;
    e.columns = { { m_textWidth - 3 * 95, TextAlign::Left, true }, { 95, TextAlign::Right, true },
        { 95, TextAlign::Right, true }, { 95, TextAlign::Right, true } };
    e.fontSize = 8.5;
    e.rowHeight = 10.5;
    TableRow eh;
    eh.header = true;
    eh.bold = true;
    for (auto s : { "Plan Category",
             "(a) Number of Securities to Be Issued upon Exercise of Outstanding Options, Warrants and Rights",
             "(b) Weighted-Average Exercise Price of Outstanding Options, Warrants and Rights",
             "(c) Number of Securities Remaining Available for Future Issuance (Excluding Securities Reflected in "
             "Column (a))" }) {
        TableCell c;
        c.text = s;
        c.align = TextAlign::Center;
        c.underline = true;
        eh.cells.push_back(c);
    }
    eh.cells[0].align = TextAlign::Left;
    e.rows.push_back(eh);
    const std::int64_t outstanding = 1800000 + static_cast<std::int64_t>(m_seed % 7) * 130000;
    const std::int64_t available = 6200000 + static_cast<std::int64_t>(m_seed % 5) * 410000;
    TableRow e1, e2, e3;
    e1.cells = { TableCell { "Equity compensation plans approved by security holders" },
        TableCell { formatGrouped(outstanding) }, TableCell { "71.45" }, TableCell { formatGrouped(available) } };
    e1.cells[2].dollar = true;
    e2.cells = { TableCell { "Equity compensation plans not approved by security holders" }, TableCell { "\u2014" },
        TableCell { "\u2014" }, TableCell { "\u2014" } };
    e3.ruleAbove = TableRule::Single;
    e3.cells = { TableCell { "Total" }, TableCell { formatGrouped(outstanding) }, TableCell { "71.45" },
        TableCell { formatGrouped(available) } };
    e3.cells[2].dollar = true;
    e.rows.push_back(e1);
    e.rows.push_back(e2);
    e.rows.push_back(e3);
    d.table(std::move(e));
    para("Column (a) includes restricted stock units and performance share units (at target), which have no exercise "
         "price; the weighted-average exercise price in column (b) relates only to outstanding stock options.");
    d.item("III", "13", "Certain Relationships and Related Transactions, and Director Independence");
    para("The information required by this Item will be included under the captions \u201cCertain Relationships and "
         "Related Person Transactions\u201d and \u201cDirector Independence\u201d in the Proxy Statement and is "
         "incorporated herein by reference.");
    d.item("III", "14", "Principal Accountant Fees and Services");
    para(
        "The information required by this Item will be included under the caption \u201cRatification of Appointment of "
        "Independent Registered Public Accounting Firm\u201d in the Proxy Statement and is incorporated herein by "
        "reference. Our independent registered public accounting firm is {auditor}, {hqcity}, {hqstate}. The "
        "following table presents the fees billed by {auditor} for the last two years:");
    {
        SampleRng fees = m_rng.fork("audit-fees");
        auto t = yearTable(2, "(in thousands)", "", 80);
        std::vector<Money> audit, related, tax, other, total;
        for (int b = 0; b < 2; ++b) {
            const double scale = static_cast<double>(fy(b).revenue);
            audit.push_back(std::llround(scale * fees.uniform(1.05, 1.25)));
            related.push_back(std::llround(scale * fees.uniform(0.05, 0.12)));
            tax.push_back(std::llround(scale * fees.uniform(0.10, 0.22)));
            other.push_back(std::llround(fees.uniform(5, 30)));
            total.push_back(audit.back() + related.back() + tax.back() + other.back());
        }
        t.row("Audit fees", audit, { .dollar = true });
        t.row("Audit-related fees", related);
        t.row("Tax fees", tax);
        t.row("All other fees", other);
        t.total("Total", total, true);
        d.table(t.build());
    }
    para("Audit fees include fees for the audit of our annual financial statements and internal control over financial "
         "reporting, reviews of quarterly financial statements and statutory audits of foreign subsidiaries. "
         "Audit-related fees relate primarily to employee benefit plan audits and due diligence. Tax fees relate to "
         "tax compliance and advisory services. The Audit Committee pre-approves all audit and permitted non-audit "
         "services provided by the independent registered public accounting firm.");
}

void SampleReportGenerator::exhibits()
{
    auto& d = m_doc;
    d.item("IV", "15", "Exhibits and Financial Statement Schedules");
    para("(a) The following documents are filed as part of this Annual Report:");
    para("(1) __Financial Statements.__ The consolidated financial statements of {company} and the report of the "
         "independent registered public accounting firm are included in Part II, Item 8 of this Annual Report.");
    para(
        "(2) __Financial Statement Schedule.__ Schedule II \u2014 Valuation and Qualifying Accounts is included below. "
        "All other schedules have been omitted because they are not required, are not applicable, or the required "
        "information is included in the consolidated financial statements or notes thereto.");
    scheduleTwo();
    para("(3) __Exhibits.__ The exhibits listed in the following Exhibit Index are filed or furnished as part of, or "
         "incorporated by reference into, this Annual Report.");
    d.heading("EXHIBIT INDEX", 1, "exhibit-index");
    TextTable t(m_textWidth, { { 62, TextAlign::Left, false }, { m_textWidth - 62 } }, { "Exhibit No.", "Description" },
        9, 11.2);
    t.table().keepTogether = false;
    m_text.set("file", m_company.commissionFile);
    for (const auto& e : kExhibits)
        t.row({ std::string(e.number), fill(e.description) }, 3);
    d.table(t.take());
    para("* Filed herewith.");
    para("** Furnished herewith.");
    para("\u2020 Management contract or compensatory plan or arrangement.");
    para("Certain instruments defining the rights of holders of long-term debt of the Company and its subsidiaries are "
         "not filed as exhibits because the total amount of securities authorized under any such instrument does not "
         "exceed 10% of the total assets of the Company and its subsidiaries on a consolidated basis. The Company "
         "agrees to furnish a copy of any such instrument to the SEC upon request.");
}

void SampleReportGenerator::scheduleTwo()
{
    auto& d = m_doc;
    d.centered("SCHEDULE II \u2014 VALUATION AND QUALIFYING ACCOUNTS", 10, true, 2);
    d.centered("(in millions)", 9, false, 4);
    TextTable schedule(m_textWidth,
        { { m_textWidth - 4 * 72 }, { 72, TextAlign::Center, true }, { 72, TextAlign::Center, true },
            { 72, TextAlign::Center, true }, { 72, TextAlign::Center, true } },
        { "Description", "Balance at Beginning of Year", "Charged to Costs and Expenses", "Deductions and Other",
            "Balance at End of Year" },
        9);
    TableBlock& t = schedule.table();
    for (std::size_t c = 1; c < t.columns.size(); ++c)
        t.columns[c] = { 72, TextAlign::Right, false }; // figures below the centred headings
    auto section = [&](const std::string& title) {
        TableRow r;
        r.bold = true;
        r.spaceBefore = 3;
        r.cells.push_back({ title });
        t.rows.push_back(r);
    };
    auto line = [&](int year, Money begin, Money charged, Money deductions, Money end) {
        TableRow r;
        r.indent = 10;
        r.cells.push_back({ "Year ended December 31, " + std::to_string(year) });
        for (Money v : { begin, charged, deductions, end }) {
            TableCell c;
            c.text = formatAmount(v);
            c.dollar = true;
            r.cells.push_back(c);
        }
        t.rows.push_back(r);
    };
    section("Allowance for credit losses:");
    for (int b = 0; b < 3; ++b)
        line(fy(b).year, fy(b + 1).allowance, fy(b).allowanceProvision, -fy(b).allowanceWriteoffs, fy(b).allowance);
    section("Deferred tax asset valuation allowance:");
    for (int b = 0; b < 3; ++b) {
        const Money begin = b + 1 <= 2 ? fy(b + 1).tax.valuationAllowance : std::llround(fy(3).revenue * 0.004 * 0.55);
        const Money end = fy(b).tax.valuationAllowance;
        const Money charged = std::max<Money>(0, end - begin) + 1;
        line(fy(b).year, begin, charged, end - begin - charged, end);
    }
    d.table(std::move(t));
}

void SampleReportGenerator::formSummary()
{
    m_doc.item("IV", "16", "Form 10-K Summary");
    para("None.");
}

void SampleReportGenerator::signatures()
{
    auto& d = m_doc;
    d.endItem();
    d.startPage("signatures");
    d.centered("SIGNATURES", 11, true, 8);
    para("Pursuant to the requirements of Section 13 or 15(d) of the Securities Exchange Act of 1934, the registrant "
         "has duly caused this report to be signed on its behalf by the undersigned, thereunto duly authorized.");
    TextTable s(m_textWidth, { { 0.5 }, { 0.5 } }, {}, 10, 13);
    s.row({ "", m_company.name });
    s.row({ "Date: February 24, " + std::to_string(m_company.fiscalYear + 1), "By: /s/ " + m_company.ceo().name });
    s.row({ "", m_company.ceo().title });
    d.table(s.take());
    para("**POWER OF ATTORNEY**");
    para("KNOW ALL PERSONS BY THESE PRESENTS, that each person whose signature appears below constitutes and appoints "
         "{ceo} and {cfo}, and each of them, as his or her true and lawful attorneys-in-fact and agents, with full "
         "power of substitution and resubstitution, for him or her and in his or her name, place and stead, in any and "
         "all capacities, to sign any and all amendments to this Annual Report on Form 10-K, and to file the same, "
         "with all exhibits thereto and other documents in connection therewith, with the Securities and Exchange "
         "Commission, granting unto said attorneys-in-fact and agents full power and authority to do and perform each "
         "and every act and thing requisite and necessary to be done, as fully to all intents and purposes as he or "
         "she might or could do in person, hereby ratifying and confirming all that said attorneys-in-fact and agents, "
         "or their substitutes, may lawfully do or cause to be done by virtue hereof.");
    para(
        "Pursuant to the requirements of the Securities Exchange Act of 1934, this report has been signed below by the "
        "following persons on behalf of the registrant and in the capacities and on the dates indicated.");
    TextTable t(m_textWidth, { { 0.34 }, { 0.46 }, { 0.2 } }, { "Signature", "Title", "Date" });
    const std::string date = "February 24, " + std::to_string(m_company.fiscalYear + 1);
    auto sig = [&](const std::string& name, const std::string& title) { t.row({ "/s/ " + name, title, date }, 8); };
    sig(m_company.ceo().name, "Chairman, President and Chief Executive Officer (Principal Executive Officer)");
    sig(m_company.cfo().name, "Executive Vice President and Chief Financial Officer (Principal Financial Officer)");
    sig(m_company.officers.at(3).name,
        "Vice President, Corporate Controller and Chief Accounting Officer (Principal Accounting Officer)");
    for (std::size_t i = 1; i < m_company.directors.size(); ++i)
        sig(m_company.directors[i].name, "Director");
    d.table(t.take());
}

} // namespace moescope

// Part I, Items 1B through 4, and the information about our executive officers.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"
#include "docs/texttable.h"

namespace moescope {

namespace {

// "Ms. Lindgren" / "Mr. Okafor", from the first names the company generator uses.
std::string honorific(const std::string& name)
{
    static const char* kFemale[] = { "Margaret", "Elena", "Priya", "Karen", "Susan", "Laura", "Angela", "Rebecca",
        "Nicole", "Diane", "Catherine", "Rachel", "Julia", "Amanda", "Helen", "Teresa", "Lydia", "Naomi" };
    const std::string first = name.substr(0, name.find(' '));
    const std::string last = name.substr(name.rfind(' ') + 1);
    for (const char* f : kFemale)
        if (first == f)
            return "Ms. " + last;
    return "Mr. " + last;
}

constexpr std::string_view kCyberProgram[] = {
    "We maintain a cybersecurity risk management program that is designed to identify, assess and manage material "
    "risks from cybersecurity threats to our information systems, operational technology, products and data.",
    "Our program is aligned with the National Institute of Standards and Technology Cybersecurity Framework and is "
    "integrated into our enterprise risk management process, through which management assesses and prioritizes "
    "the most significant risks to the Company.",
    "Key elements of the program include risk assessments, security monitoring by a security operations center "
    "that operates around the clock, vulnerability management, identity and access controls, network "
    "segmentation of our manufacturing systems, data backup and recovery, and regular training of our employees, "
    "including simulated phishing exercises.",
    "We maintain a written incident response plan that defines roles and escalation procedures, and we test the "
    "plan through tabletop exercises involving senior management at least annually.",
    "We engage third-party assessors, consultants and auditors to evaluate our controls, conduct penetration "
    "testing and benchmark our program against industry practices.",
    "We also assess the cybersecurity practices of vendors and service providers that have access to our systems or "
    "data, through security questionnaires, contractual requirements and, for critical providers, independent "
    "assurance reports.",
    "Our product security team reviews the design of the software and connectivity features of our products and "
    "manages the disclosure and remediation of vulnerabilities reported by researchers and customers.",
};

constexpr std::string_view kCyberGovernance[] = {
    "Our Board of Directors oversees the Company\u2019s risk management, and it has delegated oversight of "
    "cybersecurity risk to its Audit Committee.",
    "The Audit Committee receives reports on cybersecurity at each regular meeting from our Chief Information "
    "Security Officer, and the full Board receives an update on the program at least annually.",
    "Our Chief Information Security Officer, who reports to our Chief Information Officer, has more than [twenty|"
    "twenty-five] years of experience in information security, including leadership roles at global industrial and "
    "technology companies, and holds industry certifications including Certified Information Systems Security "
    "Professional.",
    "Management\u2019s cybersecurity steering committee, which includes our Chief Financial Officer and General "
    "Counsel, meets quarterly to review threats, incidents and the progress of security initiatives.",
    "Under our incident response plan, incidents that meet defined severity thresholds are escalated promptly to "
    "senior management and, where appropriate, to the Audit Committee.",
};

constexpr std::string_view kLegal[] = {
    "From time to time, we are involved in legal proceedings, claims and investigations that arise in the ordinary "
    "course of business, including matters relating to commercial transactions, product liability, intellectual "
    "property, employment, environmental matters and compliance with laws and regulations.",
    "Although the outcome of these matters cannot be predicted with certainty, we do not believe that any pending "
    "legal proceeding, individually or in the aggregate, will have a material adverse effect on our consolidated "
    "financial position, results of operations or cash flows.",
    "Information regarding certain legal proceedings and contingencies is included in {note_commitments}, "
    "\u201c{notetitle_commitments},\u201d of the Notes to Consolidated Financial Statements in Part II, Item 8 of "
    "this Annual Report, and is incorporated herein by reference.",
    "Item 103 of Regulation S-K requires disclosure of certain environmental proceedings involving potential "
    "monetary sanctions of $1 million or more; we use this threshold for such disclosures, and there were no such "
    "proceedings to disclose for the period covered by this Annual Report.",
};

} // namespace

void SampleReportGenerator::unresolvedStaffComments()
{
    m_doc.item("I", "1B", "Unresolved Staff Comments");
    para("None.");
}

void SampleReportGenerator::cybersecurity()
{
    auto& d = m_doc;
    d.item("I", "1C", "Cybersecurity");
    d.heading("Risk Management and Strategy", 2);
    paraPick(std::span(kCyberProgram).first(4), 4);
    paraPick(std::span(kCyberProgram).subspan(4), 3);
    para("As of the date of this Annual Report, we are not aware of any cybersecurity incident that has materially "
         "affected, or is reasonably likely to materially affect, the Company, including its business strategy, "
         "results of operations or financial condition. Like other companies, we face a variety of threats and have "
         "experienced attempted attacks on our systems in the past; see \u201cCybersecurity incidents and other "
         "disruptions of our information technology systems could adversely affect our business and "
         "reputation\u201d in Item 1A, \u201cRisk Factors.\u201d");
    d.heading("Governance", 2);
    paraPick(kCyberGovernance, 5);
}

void SampleReportGenerator::properties()
{
    auto& d = m_doc;
    d.item("I", "2", "Properties", true);
    para("Our corporate headquarters is located in {hqcity}, {hqstate}. As of {fye}, we operated [approximately 70|"
         "more than 80|approximately 90] manufacturing, engineering, distribution, service and administrative "
         "facilities in {countries} countries, with an aggregate floor area of approximately [6.1|6.8|7.4] million "
         "square feet, of which approximately [58%|62%|65%] was owned and the remainder leased. Our principal "
         "properties, which are used by the segments indicated, are listed below:");
    TextTable t(m_textWidth,
        { { 0.32 }, { 0.3 }, { 0.2 }, { 0.1, TextAlign::Right, false }, { 0.08, TextAlign::Center, false } },
        { "Location", "Principal Use", "Segment", "Sq. Ft.", "Tenure" }, 9, 11.5);
    for (const auto& p : m_company.properties)
        t.row({ p.location, p.use, p.segment, formatGrouped(p.squareFeet * 1000), p.owned ? "Owned" : "Leased" });
    d.table(t.take());
    para("We believe that our facilities are well maintained, in good operating condition and suitable for their "
         "present uses. We regularly evaluate our footprint and, under the {program} program, we are consolidating "
         "certain facilities. We believe that we have sufficient capacity to meet our current and anticipated "
         "needs, and that additional space can be obtained on acceptable terms if required.");
}

void SampleReportGenerator::legalProceedings()
{
    m_doc.item("I", "3", "Legal Proceedings");
    paraPick(kLegal, 4);
}

void SampleReportGenerator::mineSafety()
{
    m_doc.item("I", "4", "Mine Safety Disclosures");
    para("Not applicable.");
}

void SampleReportGenerator::executiveOfficers()
{
    auto& d = m_doc;
    d.heading("Information About Our Executive Officers", 1);
    para("The following table sets forth information regarding our executive officers as of February 20, {nfy}. "
         "Executive officers are elected annually by the Board of Directors and serve at the discretion of the "
         "Board.");
    TextTable t(m_textWidth, { { 0.33 }, { 0.09, TextAlign::Center, false }, { 0.58 } }, { "Name", "Age", "Position" });
    for (const auto& o : m_company.officers)
        t.row({ o.name, std::to_string(o.age), o.title });
    d.table(t.take());
    for (const auto& o : m_company.officers) {
        m_text.set("oname", o.name);
        m_text.set("otitle", o.title);
        m_text.set("osince", std::to_string(o.since));
        m_text.set("oprev", std::to_string(o.since - m_text.rng().integer(3, 7)));
        m_text.set("obackground", o.background);
        m_text.set("pronoun", honorific(o.name));
        m_text.set("pronoun_cap", honorific(o.name));
        para("**{oname}** has served as our {otitle} since {osince}. From {oprev} to {osince}, {pronoun} "
             "{obackground}. [{pronoun_cap} holds|{pronoun_cap} earned] a bachelor’s degree in "
             "[engineering|economics|accounting|business administration] and [a master of business administration|a "
             "master’s degree in engineering|a juris doctor degree].");
    }
    para("There are no family relationships among any of our executive officers or directors.");
}

} // namespace moescope

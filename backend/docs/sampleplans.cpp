// Exhibits 10.7 (executive severance plan) and 10.4 (form of restricted stock unit award agreement), filed with
// the report because they were amended during the year; and the glossary that follows the cautionary note.

#include "docs/samplereportgenerator.h"
#include "docs/texttable.h"

namespace moescope {

namespace {

constexpr SampleDocSection kSeverancePlan[] = {
    { "Section 1. Purpose",
        "The purpose of the {company} Executive Severance Plan (the \u201cPlan\u201d) is to provide severance benefits "
        "to eligible executives of {company} (the \u201cCompany\u201d) whose employment is terminated under the "
        "circumstances described in the Plan, in order to attract and retain executive talent and to provide "
        "transition assistance. The Plan is intended to be a \u201ctop hat\u201d welfare benefit plan under the "
        "Employee Retirement Income Security Act of 1974, as amended (\u201cERISA\u201d)." },
    { "Section 2. Definitions",
        "For purposes of the Plan: (a) \u201cBase Salary\u201d means the Participant\u2019s annual rate of base salary "
        "in effect immediately before the Termination Date, disregarding any reduction that constitutes Good Reason; "
        "(b) \u201cTarget Bonus\u201d means the Participant\u2019s target annual cash incentive opportunity for the "
        "year "
        "in which the Termination Date occurs; (c) \u201cCause\u201d means the Participant\u2019s willful failure to "
        "perform material duties, conviction of or plea of nolo contendere to a felony, willful misconduct that is "
        "materially injurious to the Company, or material violation of the Company\u2019s Code of Business Conduct; "
        "(d) \u201cGood Reason\u201d means, without the Participant\u2019s consent, a material reduction in Base "
        "Salary "
        "or Target Bonus, a material diminution in authority or duties, or a relocation of the Participant\u2019s "
        "principal place of employment by more than fifty miles, in each case that is not cured within thirty days "
        "after written notice; and (e) \u201cQualifying Termination\u201d means a termination of the "
        "Participant\u2019s "
        "employment by the Company other than for Cause, death or disability, or by the Participant for Good Reason." },
    { "Section 3. Eligibility",
        "The Compensation Committee of the Board of Directors (the \u201cCommittee\u201d) designates the executives "
        "who "
        "participate in the Plan (each, a \u201cParticipant\u201d) and assigns each Participant to a tier. The Chief "
        "Executive Officer is a Tier I Participant; executive officers who report directly to the Chief Executive "
        "Officer are Tier II Participants; and other designated executives are Tier III Participants. A Participant "
        "who is party to an individual agreement providing for severance benefits is not eligible for benefits under "
        "the Plan unless the Participant waives the benefits under that agreement." },
    { "Section 4. Severance Benefits",
        "Upon a Qualifying Termination, and subject to Section 6, a Participant will receive: (a) a cash severance "
        "payment equal to the sum of Base Salary and Target Bonus multiplied by 2.0 for a Tier I Participant, 1.5 for "
        "a "
        "Tier II Participant and 1.0 for a Tier III Participant, payable in installments over the severance period in "
        "accordance with the Company\u2019s payroll practices; (b) a prorated annual bonus for the year of termination "
        "based on actual performance, payable when bonuses are paid to other executives; (c) continued medical, dental "
        "and vision coverage at active-employee rates for a period of up to eighteen months; and (d) outplacement "
        "services for up to twelve months. Equity awards are treated in accordance with the terms of the applicable "
        "award agreements." },
    { "Section 5. Change in Control",
        "If a Qualifying Termination occurs during the period beginning three months before and ending twenty-four "
        "months after a Change in Control (as defined in the Company\u2019s 2021 Omnibus Incentive Plan), the cash "
        "severance multiple is increased to 3.0 for a Tier I Participant, 2.0 for a Tier II Participant and 1.5 for a "
        "Tier III Participant, the cash severance is paid in a lump sum, and the Participant\u2019s outstanding equity "
        "awards vest in full, with performance-based awards vesting at the greater of target and actual performance "
        "through the date of the Change in Control." },
    { "Section 6. Release and Restrictive Covenants",
        "As a condition of receiving benefits under the Plan, a Participant must execute and not revoke a general "
        "release of claims in favor of the Company, and must comply with the confidentiality, non-competition, "
        "non-solicitation and non-disparagement covenants set forth in the release, for the period specified therein. "
        "Benefits cease, and the Company may recover benefits previously paid, if the Participant breaches any of "
        "these covenants." },
    { "Section 7. Section 280G",
        "If any payment or benefit to a Participant would constitute a parachute payment within the meaning of Section "
        "280G of the Internal Revenue Code of 1986, as amended (the \u201cCode\u201d), and would be subject to the "
        "excise tax imposed by Section 4999 of the Code, the payments and benefits will be reduced to the extent "
        "necessary so that no portion is subject to the excise tax, but only if the reduction would result in a "
        "greater after-tax benefit to the Participant. The Plan does not provide any excise tax gross-up." },
    { "Section 8. Section 409A",
        "The Plan is intended to comply with, or be exempt from, Section 409A of the Code and will be interpreted "
        "accordingly. Each installment payment is a separate payment for purposes of Section 409A. If a Participant is "
        "a specified employee on the Termination Date, payments of deferred compensation that would otherwise be paid "
        "within six months after the Termination Date will be delayed until the first business day after that "
        "six-month period." },
    { "Section 9. Amendment and Termination",
        "The Committee may amend or terminate the Plan at any time, except that no amendment or termination that "
        "adversely affects the rights of a Participant will be effective without the Participant\u2019s consent if it "
        "is adopted during the period beginning three months before and ending twenty-four months after a Change in "
        "Control, or within one year after the Participant is notified of the amendment." },
    { "Section 10. Claims Procedure and Governing Law",
        "Claims for benefits are administered in accordance with the claims procedures required by ERISA. The Plan is "
        "governed by ERISA and, to the extent not preempted, by the laws of the State of Delaware." },
};

constexpr SampleDocSection kRsuAgreement[] = {
    { "1. Grant of Restricted Stock Units",
        "{company} (the \u201cCompany\u201d) hereby grants to the participant named in the grant notice (the "
        "\u201cParticipant\u201d) the number of restricted stock units (\u201cRSUs\u201d) set forth in the grant "
        "notice, "
        "subject to the terms of the Company\u2019s 2021 Omnibus Incentive Plan (the \u201cPlan\u201d) and this "
        "agreement. Each RSU represents the right to receive one share of the Company\u2019s common stock upon "
        "vesting." },
    { "2. Vesting",
        "Subject to the Participant\u2019s continued employment, one-third of the RSUs will vest on each of the first "
        "three anniversaries of the grant date. If the Participant\u2019s employment terminates because of death or "
        "disability, the RSUs will vest in full. If the Participant retires after attaining age 60 with at least ten "
        "years of service, the RSUs will continue to vest on the original schedule, provided the Participant complies "
        "with the restrictive covenants in Section 7. Upon any other termination, unvested RSUs are forfeited." },
    { "3. Settlement",
        "Vested RSUs will be settled in shares of common stock within thirty days after the applicable vesting date. "
        "The Company will withhold shares otherwise deliverable to satisfy applicable tax withholding obligations, "
        "unless the Committee permits another method of withholding." },
    { "4. Dividend Equivalents",
        "The Participant will be credited with dividend equivalents equal to the dividends paid on the shares "
        "underlying unvested RSUs. Dividend equivalents are subject to the same vesting conditions as the related RSUs "
        "and are paid in cash when the RSUs are settled." },
    { "5. Change in Control",
        "If a Change in Control occurs and the RSUs are assumed or replaced with equivalent awards, the RSUs will vest "
        "in full if the Participant\u2019s employment is terminated without cause or for good reason within "
        "twenty-four "
        "months after the Change in Control. If the RSUs are not assumed or replaced, they will vest in full upon the "
        "Change in Control." },
    { "6. No Rights as a Stockholder",
        "The Participant will have no rights as a stockholder with respect to the RSUs until shares are issued in "
        "settlement of the RSUs." },
    { "7. Restrictive Covenants",
        "In consideration of the grant, the Participant agrees not to solicit the Company\u2019s employees or "
        "customers, or to disclose its confidential information, during employment and for twelve months after "
        "termination. If the Participant breaches these covenants, unvested RSUs will be forfeited and the Company may "
        "recover shares delivered in the preceding twelve months." },
    { "8. Compensation Recovery",
        "The RSUs are subject to the Company\u2019s Compensation Recovery Policy and any other recoupment policy "
        "adopted by the Company, as in effect from time to time." },
    { "9. Miscellaneous",
        "This agreement and the Plan constitute the entire agreement with respect to the RSUs. In the event of a "
        "conflict, the Plan controls. This agreement is governed by the laws of the State of Delaware." },
};

constexpr SampleDocSection kPsuAgreement[] = {
    { "1. Grant of Performance Share Units",
        "{company} (the \u201cCompany\u201d) hereby grants to the participant named in the grant notice (the "
        "\u201cParticipant\u201d) the target number of performance share units (\u201cPSUs\u201d) set forth in the "
        "grant notice, subject to the terms of the 2021 Omnibus Incentive Plan (the \u201cPlan\u201d) and this "
        "agreement. Each earned PSU represents the right to receive one share of the Company\u2019s common stock." },
    { "2. Performance Period and Performance Goals",
        "The performance period is the three-year period beginning on January 1 of the year of grant. The number of "
        "PSUs earned will be determined by the Compensation Committee (the \u201cCommittee\u201d) based on the "
        "Company\u2019s cumulative organic revenue growth and average return on invested capital over the performance "
        "period, each weighted 50%, as set forth in the performance matrix attached to the grant notice, and may "
        "range from 0% to 200% of the target number of PSUs. The number of PSUs earned is then adjusted by a relative "
        "total stockholder return modifier of plus or minus 20%, provided that the number of PSUs earned may not "
        "exceed 200% of target." },
    { "3. Adjustments",
        "In determining the achievement of the performance goals, the Committee will exclude the effects of "
        "acquisitions and divestitures, restructuring charges, changes in accounting principles, and other unusual or "
        "infrequent items, in each case as specified in the performance matrix or determined by the Committee in a "
        "manner consistent with the Plan." },
    { "4. Vesting and Settlement",
        "Earned PSUs vest on the date the Committee certifies the achievement of the performance goals, which will "
        "occur within seventy-five days after the end of the performance period, subject to the Participant\u2019s "
        "continued employment through the end of the performance period. Vested PSUs will be settled in shares of "
        "common stock as soon as practicable after vesting." },
    { "5. Termination of Employment",
        "If the Participant\u2019s employment terminates because of death or disability, the Participant will earn a "
        "prorated number of PSUs based on actual performance. If the Participant retires after attaining age 60 with "
        "at least ten years of service, and at least six months after the grant date, the Participant will earn a "
        "prorated number of PSUs based on actual performance. Upon any other termination before the end of the "
        "performance period, the PSUs are forfeited." },
    { "6. Change in Control",
        "Upon a Change in Control, the performance period will end and the number of PSUs earned will be determined "
        "based on the greater of target and actual performance through the date of the Change in Control. The earned "
        "PSUs will vest at the end of the original performance period, subject to continued employment, or earlier "
        "upon a qualifying termination of employment." },
    { "7. Other Terms",
        "Dividend equivalents accrue on earned PSUs and are paid in cash upon settlement. The PSUs are subject to the "
        "Company\u2019s Compensation Recovery Policy, to the restrictive covenants set forth in the restricted stock "
        "unit award agreement, and to the terms of the Plan, which control in the event of a conflict." },
};

constexpr SampleDocSection kIncentivePlan[] = {
    { "1. Purpose",
        "The {company} Annual Incentive Plan (the \u201cPlan\u201d) is designed to motivate and reward eligible "
        "employees for achieving annual financial and strategic objectives that support the creation of long-term "
        "stockholder value." },
    { "2. Eligibility and Target Awards",
        "Executive officers and other employees designated by the Compensation Committee (the \u201cCommittee\u201d) "
        "or its delegate are eligible to participate. Each participant is assigned a target award expressed as a "
        "percentage of base salary earned during the year." },
    { "3. Performance Measures",
        "For each year, the Committee establishes the performance measures, weightings and goals that determine the "
        "funding of awards. For {fy}, the measures were adjusted operating income (50%), free cash flow (30%) and "
        "organic revenue growth (20%) at the Company or segment level, as applicable. Funding may range from 0% to "
        "200% of target based on performance against threshold, target and maximum goals." },
    { "4. Individual Performance",
        "The Committee may adjust an individual participant\u2019s award by up to 25% above or below the funded amount "
        "based on the participant\u2019s individual performance and contributions, provided that the aggregate awards "
        "may not exceed the funded amount." },
    { "5. Payment",
        "Awards are paid in cash no later than March 15 of the year following the performance year. A participant "
        "must be employed on the payment date to receive an award, except in the case of death, disability or "
        "retirement, in which case a prorated award based on actual performance will be paid." },
    { "6. Administration, Recovery and Amendment",
        "The Committee administers the Plan and has full authority to interpret it. Awards are subject to the "
        "Company\u2019s Compensation Recovery Policy. The Committee may amend or terminate the Plan at any time." },
};

constexpr std::string_view kGlossary[][2] = {
    { "AOCI", "Accumulated other comprehensive income (loss)" },
    { "ASC", "Accounting Standards Codification of the FASB" },
    { "ASU", "Accounting Standards Update issued by the FASB" },
    { "Backlog", "Firm orders for products and services not yet delivered or performed" },
    { "Book-to-bill ratio", "Orders received in a period divided by net revenue for the period" },
    { "CODM", "Chief operating decision maker" },
    { "COSO", "Committee of Sponsoring Organizations of the Treadway Commission" },
    { "DSO", "Days sales outstanding" },
    { "EBITDA", "Earnings before interest, taxes, depreciation and amortization" },
    { "EPS", "Earnings per share" },
    { "ERP", "Enterprise resource planning" },
    { "Exchange Act", "The Securities Exchange Act of 1934, as amended" },
    { "FASB", "Financial Accounting Standards Board" },
    { "FDII", "Foreign-derived intangible income" },
    { "Free cash flow", "Net cash provided by operating activities less capital expenditures" },
    { "GAAP", "Accounting principles generally accepted in the United States" },
    { "ICFR", "Internal control over financial reporting" },
    { "Organic revenue",
        "Net revenue excluding the effects of acquisitions, divestitures and foreign currency "
        "translation" },
    { "PCAOB", "Public Company Accounting Oversight Board" },
    { "PSU", "Performance share unit" },
    { "ROIC", "Return on invested capital" },
    { "ROU", "Right-of-use (asset)" },
    { "RPO", "Remaining performance obligations" },
    { "RSU", "Restricted stock unit" },
    { "SEC", "Securities and Exchange Commission" },
    { "Securities Act", "The Securities Act of 1933, as amended" },
    { "SG&A", "Selling, general and administrative (expense)" },
    { "SOFR", "Secured Overnight Financing Rate" },
    { "USMCA", "United States-Mexico-Canada Agreement" },
};

} // namespace

void SampleReportGenerator::planExhibits()
{
    exhibitDocument("10.7", { "{company}", "EXECUTIVE SEVERANCE PLAN" },
        "As Amended and Restated Effective January 1, {py}", kSeverancePlan);
    exhibitDocument("10.4",
        { "{company}", "2021 OMNIBUS INCENTIVE PLAN", "FORM OF RESTRICTED STOCK UNIT AWARD AGREEMENT" }, {},
        kRsuAgreement);
}

void SampleReportGenerator::incentiveExhibits()
{
    exhibitDocument("10.5",
        { "{company}", "2021 OMNIBUS INCENTIVE PLAN", "FORM OF PERFORMANCE SHARE UNIT AWARD AGREEMENT" }, {},
        kPsuAgreement);
    exhibitDocument("10.10", { "{company}", "ANNUAL INCENTIVE PLAN" },
        "As Amended and Restated Effective January 1, {fy}", kIncentivePlan);
}

void SampleReportGenerator::glossary()
{
    auto& d = m_doc;
    d.startPage("glossary");
    d.heading("GLOSSARY OF TERMS AND ABBREVIATIONS", 1);
    para("The following terms and abbreviations are used in this Annual Report:");
    TextTable t(m_textWidth, { { 0.28 }, { 0.72 } }, { "Term", "Definition" }, 10, 13);
    t.table().keepTogether = false;
    for (const auto& g : kGlossary) {
        t.row({ std::string(g[0]), std::string(g[1]) }, 2);
        t.table().rows.back().cells[0].bold = true;
    }
    d.table(t.take());
}

} // namespace moescope

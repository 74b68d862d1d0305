// Exhibits 10.9 (deferred compensation plan) and 10.12 (form of indemnification agreement), filed with the report
// because they were amended during the year.

#include "docs/samplereportgenerator.h"

namespace moescope {

namespace {

constexpr SampleDocSection kIndemnification[] = {
    { "1. Indemnification",
        "The Company shall indemnify and hold harmless the Indemnitee, to the fullest extent permitted by the Delaware "
        "General Corporation Law as in effect on the date hereof or as it may be amended to provide broader rights, "
        "against all expenses, judgments, fines, penalties and amounts paid in settlement actually and reasonably "
        "incurred by the Indemnitee in connection with any threatened, pending or completed action, suit, "
        "arbitration, investigation or other proceeding, whether civil, criminal, administrative or investigative "
        "(a \u201cProceeding\u201d), by reason of the fact that the Indemnitee is or was a director or officer of the "
        "Company, or is or was serving at the request of the Company as a director, officer, employee or agent of "
        "another enterprise." },
    { "2. Advancement of Expenses",
        "The Company shall advance all expenses incurred by the Indemnitee in connection with any Proceeding within "
        "thirty days after receipt of a written request, accompanied by reasonable documentation, and an undertaking "
        "by the Indemnitee to repay the amounts advanced if it is ultimately determined by a court of competent "
        "jurisdiction that the Indemnitee is not entitled to be indemnified. Advances shall be unsecured and interest "
        "free and shall be made without regard to the Indemnitee\u2019s ability to repay." },
    { "3. Procedure for Determination of Entitlement",
        "To obtain indemnification, the Indemnitee shall submit a written request to the Secretary of the Company. A "
        "determination of entitlement shall be made by a majority vote of the disinterested directors, by a committee "
        "of disinterested directors, or, if there are no disinterested directors or if they so direct, by independent "
        "legal counsel in a written opinion. The Indemnitee shall be presumed to be entitled to indemnification, and "
        "the Company shall have the burden of proof to overcome that presumption." },
    { "4. Exclusions",
        "The Company shall not be obligated to indemnify the Indemnitee (a) for amounts actually paid to the "
        "Indemnitee under an insurance policy; (b) for an accounting of profits under Section 16(b) of the Exchange "
        "Act; (c) for reimbursement of compensation required under the Company\u2019s Compensation Recovery Policy or "
        "Section 304 of the Sarbanes-Oxley Act of 2002; or (d) in connection with a Proceeding initiated by the "
        "Indemnitee, other than a Proceeding to enforce this agreement, unless the Board of Directors authorized the "
        "Proceeding." },
    { "5. Insurance",
        "For so long as the Indemnitee serves as a director or officer and for six years thereafter, the Company shall "
        "maintain directors\u2019 and officers\u2019 liability insurance providing coverage for the Indemnitee that is "
        "at least as favorable as that provided to any other director or officer of the Company." },
    { "6. Non-Exclusivity; Subrogation",
        "The rights provided by this agreement are in addition to any other rights to which the Indemnitee may be "
        "entitled under the Company\u2019s certificate of incorporation, bylaws, any agreement, a vote of stockholders "
        "or otherwise. In the event of any payment under this agreement, the Company shall be subrogated to the extent "
        "of such payment to all of the rights of recovery of the Indemnitee." },
    { "7. Duration; Successors",
        "This agreement shall continue until the later of ten years after the Indemnitee ceases to serve as a director "
        "or officer and the final termination of any Proceeding then pending. This agreement shall be binding upon "
        "the Company and its successors and assigns, including any successor by merger or acquisition of all or "
        "substantially all of the Company\u2019s assets." },
    { "8. Governing Law and Severability",
        "This agreement shall be governed by the laws of the State of Delaware. If any provision is held invalid, the "
        "remaining provisions shall remain in effect, and the invalid provision shall be construed to provide the "
        "maximum protection permitted by law." },
};

constexpr SampleDocSection kDeferredComp[] = {
    { "Article I. Purpose and Eligibility",
        "The {company} Deferred Compensation Plan (the \u201cPlan\u201d) permits a select group of management or "
        "highly "
        "compensated employees and non-employee directors to defer the receipt of compensation and to receive "
        "credits that restore matching contributions limited by the Internal Revenue Code. The Plan is intended to be "
        "an unfunded plan maintained primarily for the purpose of providing deferred compensation for a select group "
        "of management or highly compensated employees." },
    { "Article II. Deferral Elections",
        "A participant may elect to defer up to 80% of base salary and up to 100% of annual incentive awards and, in "
        "the "
        "case of directors, up to 100% of cash retainers. Elections must be made before the beginning of the calendar "
        "year in which the compensation is earned, or within thirty days after first becoming eligible with respect to "
        "compensation earned after the election, and are irrevocable for that year." },
    { "Article III. Company Credits",
        "The Company credits each participant\u2019s account with restoration matching credits equal to the matching "
        "contributions that would have been made under the Company\u2019s qualified retirement savings plan but for "
        "the limits of the Internal Revenue Code. Company credits vest on the same schedule as matching contributions "
        "under the qualified plan." },
    { "Article IV. Investment Crediting",
        "Accounts are credited with gains and losses based on the performance of investment options selected by the "
        "participant from a menu designated by the administrative committee, which generally mirrors the options "
        "available under the qualified plan. Participants do not have any ownership interest in the investments, which "
        "serve only as measures of the value of their accounts." },
    { "Article V. Distributions",
        "Distributions are made upon separation from service, a specified date elected by the participant, or a change "
        "in control, in a lump sum or in annual installments over up to fifteen years, as elected by the participant. "
        "Distributions to specified employees upon separation from service are delayed for six months as required by "
        "Section 409A of the Internal Revenue Code." },
    { "Article VI. Funding",
        "The Plan is unfunded, and participants are general unsecured creditors of the Company. The Company has "
        "established a grantor trust to hold assets from which benefits may be paid, but the assets of the trust "
        "remain "
        "subject to the claims of the Company\u2019s creditors in the event of insolvency." },
    { "Article VII. Amendment and Termination",
        "The Compensation Committee may amend or terminate the Plan at any time, provided that no amendment or "
        "termination may reduce the balance of any participant\u2019s account as of the date of the amendment or "
        "termination, and any termination and liquidation of the Plan must comply with Section 409A." },
};

} // namespace

void SampleReportGenerator::agreementExhibits()
{
    exhibitDocument("10.9", { "{company}", "DEFERRED COMPENSATION PLAN" },
        "As Amended and Restated Effective January 1, {fy}", kDeferredComp);
    exhibitDocument("10.12", { "FORM OF INDEMNIFICATION AGREEMENT" }, {}, kIndemnification,
        "This Indemnification Agreement is entered into as of the date set forth on the signature page by and between "
        "{company}, a Delaware corporation (the \u201cCompany\u201d), and the director or officer of the Company named "
        "on the signature page (the \u201cIndemnitee\u201d). The Company and the Indemnitee recognize the difficulty "
        "of obtaining liability insurance for directors and officers on acceptable terms and the significant expense "
        "of defending litigation, and the Company desires to attract and retain highly qualified individuals by "
        "providing them with protection against such risks. Accordingly, the parties agree as follows:");
}

} // namespace moescope

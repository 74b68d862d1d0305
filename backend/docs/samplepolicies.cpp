// Exhibits 19.1 (insider trading policy) and 97.1 (compensation recovery policy), filed with the report.

#include "docs/samplereportgenerator.h"

namespace moescope {

namespace {

constexpr SampleDocSection kInsiderTrading[] = {
    { "1. Purpose",
        "This Insider Trading Policy (this \u201cPolicy\u201d) of {company} (together with its subsidiaries, the "
        "\u201cCompany\u201d) is designed to promote compliance with federal and state securities laws that prohibit "
        "persons who are aware of material nonpublic information about a company from trading in securities of that "
        "company or providing material nonpublic information to others who may trade on the basis of that "
        "information. Violations of insider trading laws can result in significant civil and criminal penalties for "
        "the individuals involved and for the Company, and can damage the Company\u2019s reputation." },
    { "2. Persons Covered",
        "This Policy applies to all directors, officers and employees of the Company, and to consultants and "
        "contractors who have access to material nonpublic information about the Company. It also applies to family "
        "members who reside with a covered person, anyone else who lives in the covered person\u2019s household, and "
        "entities over which a covered person exercises control, such as trusts and partnerships. Covered persons "
        "are responsible for the compliance of these related persons." },
    { "3. Statement of Policy",
        "No covered person who is aware of material nonpublic information relating to the Company may, directly or "
        "indirectly, (a) purchase or sell securities of the Company, other than pursuant to a trading plan that "
        "complies with Rule 10b5-1 under the Securities Exchange Act of 1934; (b) recommend the purchase or sale of "
        "any Company securities; or (c) disclose material nonpublic information to any other person, including family "
        "members and friends, except as required in the performance of the covered person\u2019s duties for the "
        "Company. The same prohibitions apply to material nonpublic information about any other company, including "
        "our customers, suppliers and potential acquisition targets, obtained in the course of employment with the "
        "Company." },
    { "4. Material Nonpublic Information",
        "Information is material if there is a substantial likelihood that a reasonable investor would consider it "
        "important in making a decision to buy, hold or sell securities, or if it could reasonably be expected to "
        "affect the price of the securities. Examples include financial results and projections, significant "
        "changes in the outlook for the business, pending acquisitions or divestitures, changes in dividend policy "
        "or share repurchase programs, significant cybersecurity incidents, major litigation or investigations, "
        "changes in senior management, and significant new products, contracts or customers. Information is "
        "nonpublic until it has been widely disseminated to the public and the market has had a reasonable "
        "opportunity to absorb it, generally through the end of the first full trading day after its release." },
    { "5. Blackout Periods",
        "Directors, executive officers and employees designated by the General Counsel may not trade in Company "
        "securities during quarterly blackout periods, which begin at the close of trading on the fifteenth day of "
        "the third month of each fiscal quarter and end after the first full trading day following the public "
        "release of the Company\u2019s financial results for that quarter. The General Counsel may impose additional "
        "event-specific blackout periods at any time, and persons subject to such a blackout may not disclose its "
        "existence to others." },
    { "6. Pre-Clearance of Trades",
        "Directors, executive officers and other designated persons must obtain the approval of the General Counsel "
        "before engaging in any transaction in Company securities, including gifts, transfers to trusts and "
        "exercises of stock options, even outside a blackout period. Pre-clearance is valid for three trading days, "
        "and a person who receives pre-clearance but becomes aware of material nonpublic information before "
        "completing the transaction may not proceed." },
    { "7. Prohibited Transactions",
        "Covered persons may not engage in short sales of Company securities, transactions in puts, calls or other "
        "derivative securities relating to Company securities, or hedging or monetization transactions, such as "
        "prepaid variable forwards, equity swaps, collars and exchange funds. Directors and executive officers may "
        "not hold Company securities in a margin account or pledge Company securities as collateral for a loan." },
    { "8. Rule 10b5-1 Trading Plans",
        "Covered persons may adopt written trading plans that comply with Rule 10b5-1, which permit trades to occur "
        "under pre-established instructions even when the person is aware of material nonpublic information. Plans "
        "must be adopted when the person is not aware of material nonpublic information and outside a blackout "
        "period, must be pre-cleared by the General Counsel, and are subject to the cooling-off periods, good-faith "
        "requirements and other conditions of Rule 10b5-1. The Company discloses the adoption and termination of "
        "trading plans by directors and executive officers as required by Item 408 of Regulation S-K." },
    { "9. Post-Termination Transactions",
        "A person who is aware of material nonpublic information when his or her service with the Company ends may "
        "not trade in Company securities until that information has become public or is no longer material. "
        "Blackout periods and pre-clearance requirements continue to apply until the end of any blackout period in "
        "effect at the time of termination." },
    { "10. Company Transactions",
        "It is the Company\u2019s policy to comply with applicable securities laws, including laws relating to "
        "insider trading, when engaging in transactions in its own securities, including share repurchases." },
    { "11. Consequences of Violations and Administration",
        "Any person who violates this Policy will be subject to disciplinary action, up to and including termination "
        "of employment or service, whether or not the violation also results in a violation of law. The General "
        "Counsel administers this Policy, may interpret its provisions and may grant exceptions in appropriate "
        "circumstances. Questions about this Policy should be directed to the Office of the General Counsel. The "
        "Board of Directors reviews this Policy periodically and may amend it at any time." },
};

constexpr SampleDocSection kClawback[] = {
    { "1. Purpose",
        "The Board of Directors (the \u201cBoard\u201d) of {company} (the \u201cCompany\u201d) has adopted this "
        "Compensation Recovery Policy (this \u201cPolicy\u201d), which provides for the recovery of certain "
        "incentive-based compensation in the event of an accounting restatement. This Policy is intended to comply "
        "with Section 10D of the Securities Exchange Act of 1934, Rule 10D-1 thereunder and the listing standards of "
        "the {exchange} (collectively, the \u201cDodd-Frank Rules\u201d), and will be interpreted consistently with "
        "them." },
    { "2. Administration",
        "This Policy is administered by the Compensation Committee of the Board (the \u201cCommittee\u201d). The "
        "Committee has full authority to interpret and make all determinations under this Policy, and its "
        "determinations are final and binding on all persons." },
    { "3. Covered Executives",
        "This Policy applies to the Company\u2019s current and former executive officers, as determined by the "
        "Committee in accordance with the Dodd-Frank Rules, and to such other senior executives as the Committee may "
        "designate (each, a \u201cCovered Executive\u201d)." },
    { "4. Recovery upon a Restatement",
        "If the Company is required to prepare an accounting restatement due to its material noncompliance with any "
        "financial reporting requirement under the securities laws, including a restatement to correct an error "
        "that is material to previously issued financial statements or that would result in a material misstatement "
        "if the error were corrected in the current period or left uncorrected in the current period, the Company "
        "will reasonably promptly recover from each Covered Executive the amount of erroneously awarded compensation "
        "received during the three completed fiscal years immediately preceding the date on which the Company is "
        "required to prepare the restatement. Recovery is required regardless of whether the Covered Executive "
        "engaged in misconduct or was responsible for the error." },
    { "5. Incentive-Based Compensation",
        "Incentive-based compensation means any compensation that is granted, earned or vested based wholly or in "
        "part upon the attainment of a financial reporting measure, including measures derived from the "
        "Company\u2019s financial statements, stock price and total stockholder return. It includes annual cash "
        "incentive awards and performance share units, but does not include base salary, time-vested equity awards "
        "or discretionary bonuses that are not based on financial reporting measures." },
    { "6. Amount Subject to Recovery",
        "The amount to be recovered is the amount of incentive-based compensation received that exceeds the amount "
        "that would have been received had it been determined based on the restated amounts, computed without regard "
        "to any taxes paid. For compensation based on stock price or total stockholder return, where the amount of "
        "erroneously awarded compensation is not subject to mathematical recalculation directly from the information "
        "in the restatement, the amount will be based on a reasonable estimate of the effect of the restatement, "
        "and the Company will maintain documentation of the determination of that estimate." },
    { "7. Method of Recovery",
        "The Committee will determine the method of recovery, which may include requiring repayment, offsetting "
        "amounts against other compensation, cancelling outstanding awards or any other method permitted by law. "
        "Recovery is not required only if the Committee determines that recovery would be impracticable and one of "
        "the conditions specified in the Dodd-Frank Rules is met." },
    { "8. No Indemnification",
        "The Company will not indemnify any Covered Executive against the loss of erroneously awarded compensation, "
        "and will not pay or reimburse any Covered Executive for insurance purchased to cover such losses." },
    { "9. Other Remedies; Amendment",
        "The rights of the Company under this Policy are in addition to any other rights of recovery that may be "
        "available to the Company, including under Section 304 of the Sarbanes-Oxley Act of 2002. The Board may amend "
        "this Policy at any time, and will amend it as necessary to comply with the Dodd-Frank Rules." },
};

} // namespace

void SampleReportGenerator::policyExhibits()
{
    exhibitDocument("19.1", { "{company}", "INSIDER TRADING POLICY" },
        "As amended by the Board of Directors on February [12|14], {py}", kInsiderTrading);
    exhibitDocument("97.1", { "{company}", "COMPENSATION RECOVERY POLICY" }, "Effective October 2, 2023", kClawback);
}

} // namespace moescope

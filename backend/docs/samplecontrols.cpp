// Part II, Items 7A, 9, 9A, 9B and 9C.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

namespace moescope {

void SampleReportGenerator::marketRisk()
{
    auto& d = m_doc;
    d.item("II", "7A", "Quantitative and Qualitative Disclosures About Market Risk", true);
    para("We are exposed to market risks in the ordinary course of business, including changes in interest rates, "
         "foreign currency exchange rates and commodity prices. We manage these exposures through our regular "
         "operating and financing activities and, when appropriate, through the use of derivative financial "
         "instruments. We do not use derivative instruments for trading or speculative purposes.");
    d.heading("Interest Rate Risk", 2);
    para("Our exposure to interest rate risk relates primarily to our debt and our cash and cash equivalents. As of "
         "{fye}, all of our senior notes bore interest at fixed rates, and the estimated fair value of our total debt "
         "was {fairdebt}. A hypothetical 100 basis point increase in market interest rates would decrease the fair "
         "value of our fixed-rate debt by approximately {ratesens}; such a change would not affect our results of "
         "operations or cash flows unless we were to repurchase the debt before maturity. Borrowings under our "
         "revolving credit facility bear interest at variable rates based on the Secured Overnight Financing Rate. "
         "A hypothetical 100 basis point change in interest rates would change the annual interest income earned on "
         "our cash and cash equivalents by approximately {floatsens}.");
    d.heading("Foreign Currency Exchange Rate Risk", 2);
    para("We conduct business in many currencies, and our results are affected by changes in exchange rates, "
         "principally of the euro, the Chinese renminbi, the British pound, the Mexican peso and the Japanese yen "
         "against the U.S. dollar. Approximately {intlshare} of our net revenue in {fy} was generated outside the "
         "United States. We use foreign currency forward contracts, designated as cash flow hedges, to hedge a "
         "portion of forecasted intercompany purchases and sales; the notional amount of these contracts was "
         "approximately {hedgenotional} at {fye}. We also use forward contracts that are not designated as hedges "
         "to offset the remeasurement of certain monetary assets and liabilities.");
    para("We estimate that a hypothetical 10% adverse change in the exchange rates of the currencies in which our "
         "foreign subsidiaries operate, relative to the U.S. dollar, would have reduced our operating income for "
         "{fy} by approximately {fxsens}. This analysis does not consider the offsetting effect of our hedges or any "
         "actions we might take in response to such changes.");
    currencyExposure();
    d.heading("Commodity Price Risk", 2);
    para("We purchase raw materials and components, including steel, specialty alloys, copper, aluminum and "
         "electronic components, whose prices fluctuate with market conditions. We manage this exposure through "
         "supplier agreements, pricing actions and, from time to time, product redesign. We did not have material "
         "commodity derivative contracts outstanding at {fye}. A hypothetical 10% increase in the prices of our "
         "principal commodities, if not offset by pricing actions, would not have had a material effect on our "
         "gross margin for {fy}.");
}

void SampleReportGenerator::changesInAccountants()
{
    m_doc.item("II", "9", "Changes in and Disagreements with Accountants on Accounting and Financial Disclosure", true);
    para("None.");
}

void SampleReportGenerator::controls()
{
    auto& d = m_doc;
    d.item("II", "9A", "Controls and Procedures");
    d.heading("Evaluation of Disclosure Controls and Procedures", 2);
    para("Our management, with the participation of our Chief Executive Officer and Chief Financial Officer, has "
         "evaluated the effectiveness of our disclosure controls and procedures (as defined in Rules 13a-15(e) and "
         "15d-15(e) under the Exchange Act) as of the end of the period covered by this Annual Report. Based on that "
         "evaluation, our Chief Executive Officer and Chief Financial Officer have concluded that, as of {fye}, our "
         "disclosure controls and procedures were effective to provide reasonable assurance that information "
         "required to be disclosed in the reports we file or submit under the Exchange Act is recorded, processed, "
         "summarized and reported within the time periods specified in the SEC\u2019s rules and forms, and is "
         "accumulated and communicated to our management, including our Chief Executive Officer and Chief Financial "
         "Officer, as appropriate to allow timely decisions regarding required disclosure.");
    d.heading("Management\u2019s Annual Report on Internal Control over Financial Reporting", 2);
    para("Our management is responsible for establishing and maintaining adequate internal control over financial "
         "reporting, as defined in Rules 13a-15(f) and 15d-15(f) under the Exchange Act. Our internal control over "
         "financial reporting is a process designed to provide reasonable assurance regarding the reliability of "
         "financial reporting and the preparation of financial statements for external purposes in accordance with "
         "GAAP. Because of its inherent limitations, internal control over financial reporting may not prevent or "
         "detect misstatements. Projections of any evaluation of effectiveness to future periods are subject to the "
         "risk that controls may become inadequate because of changes in conditions, or that the degree of "
         "compliance with policies or procedures may deteriorate.");
    para(
        "Management assessed the effectiveness of our internal control over financial reporting as of {fye}, based "
        "on the criteria set forth in __Internal Control\u2014Integrated Framework (2013)__ issued by the Committee of "
        "Sponsoring Organizations of the Treadway Commission. Based on this assessment, management concluded that "
        "our internal control over financial reporting was effective as of {fye}.");
    para("The effectiveness of our internal control over financial reporting as of {fye} has been audited by "
         "{auditor}, an independent registered public accounting firm, as stated in its report included in Part II, "
         "Item 8 of this Annual Report.");
    d.heading("Inherent Limitations on the Effectiveness of Controls", 2);
    para("Our management, including our Chief Executive Officer and Chief Financial Officer, does not expect that our "
         "disclosure controls and procedures or our internal control over financial reporting will prevent or detect "
         "all errors and all fraud. A control system, no matter how well designed and operated, can provide only "
         "reasonable, not absolute, assurance that its objectives will be met. The design of a control system must "
         "reflect the fact that there are resource constraints, and the benefits of controls must be considered "
         "relative to their costs. Because of the inherent limitations in all control systems, no evaluation of "
         "controls can provide absolute assurance that all control issues and instances of fraud, if any, have been "
         "detected.");
    d.heading("Changes in Internal Control over Financial Reporting", 2);
    para("During the quarter ended {fye}, we completed the integration of {acq} into our internal control over "
         "financial reporting and continued the phased implementation of our new enterprise resource planning "
         "system, which we have determined does not represent a material change in our internal control. Other than "
         "these matters, there were no changes in our internal control over financial reporting during the quarter "
         "ended {fye} that have materially affected, or are reasonably likely to materially affect, our internal "
         "control over financial reporting.");
}

void SampleReportGenerator::otherInformation()
{
    m_doc.item("II", "9B", "Other Information");
    para("During the three months ended {fye}, none of our directors or officers (as defined in Rule 16a-1(f) under "
         "the Exchange Act) adopted or terminated a \u201cRule 10b5-1 trading arrangement\u201d or "
         "\u201cnon-Rule 10b5-1 trading arrangement,\u201d as each term is defined in Item 408 of Regulation S-K, "
         "except as follows: on November [12|14|18], {fy}, {cfo}, our Executive Vice President and Chief Financial "
         "Officer, adopted a Rule 10b5-1 trading arrangement providing for the sale of up to [12,000|15,000|18,000] "
         "shares of our common stock, which arrangement is intended to satisfy the affirmative defense of Rule "
         "10b5-1(c) and will terminate on the earlier of the completion of all sales or [December 31|November 30], "
         "{nfy}.");
}

void SampleReportGenerator::foreignJurisdictions()
{
    m_doc.item("II", "9C", "Disclosure Regarding Foreign Jurisdictions that Prevent Inspections");
    para("Not applicable.");
}

} // namespace moescope

// Notes to the consolidated financial statements, part one: accounting policies, revenue and the acquisition.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"

#include <cmath>

namespace moescope {

namespace {

struct Policy {
    std::string_view title;
    std::string_view text;
};

constexpr Policy kPolicies[] = {
    { "Nature of Operations",
        "{company} is a global provider of engineered products, instrumentation and services used in industrial and "
        "technology markets. The Company reports its results in {segcount} segments: {seglist}." },
    { "Basis of Presentation and Principles of Consolidation",
        "The consolidated financial statements have been prepared in accordance with accounting principles generally "
        "accepted in the United States (\u201cGAAP\u201d) and include the accounts of {company} and its majority-owned "
        "subsidiaries. All intercompany balances and transactions have been eliminated in consolidation. Certain "
        "prior-year amounts have been reclassified to conform to the current-year presentation." },
    { "Use of Estimates",
        "The preparation of financial statements in conformity with GAAP requires management to make estimates and "
        "assumptions that affect the reported amounts of assets and liabilities, the disclosure of contingent assets "
        "and liabilities at the date of the financial statements, and the reported amounts of revenue and expenses "
        "during the reporting period. Significant estimates include those related to revenue recognized over time, "
        "the allowance for credit losses, inventory valuation, the valuation of goodwill, intangible assets and "
        "other long-lived assets, business combinations, warranty obligations, income taxes, stock-based compensation "
        "and contingencies. Actual results could differ from those estimates." },
    { "Foreign Currency Translation",
        "The functional currency of most of the Company\u2019s foreign subsidiaries is the local currency. Assets and "
        "liabilities of these subsidiaries are translated into U.S. dollars at exchange rates in effect at the "
        "balance sheet date, and revenue and expenses are translated at average exchange rates for the period. The "
        "resulting translation adjustments are recorded in accumulated other comprehensive loss. Gains and losses "
        "from foreign currency transactions are included in interest income and other, net, and were not material "
        "in any period presented." },
    { "Cash and Cash Equivalents",
        "Cash equivalents consist of highly liquid investments, principally money market funds and bank deposits, "
        "with original maturities of three months or less at the date of purchase. The carrying amounts of cash "
        "equivalents approximate their fair values." },
    { "Accounts Receivable and Allowance for Credit Losses",
        "Accounts receivable are recorded at the invoiced amount and do not bear interest. The Company maintains an "
        "allowance for credit losses based on its assessment of the collectability of receivables over their "
        "expected lives, considering historical loss experience, the aging of balances, the credit quality of "
        "customers, and current and forecasted economic conditions. Receivables are written off when they are "
        "determined to be uncollectible. The allowance for credit losses was {allowance} at {fye}." },
    { "Inventories",
        "Inventories are stated at the lower of cost or net realizable value. Cost is determined primarily on a "
        "first-in, first-out basis. The Company reduces the carrying value of inventories for estimated excess and "
        "obsolete items based on historical usage, forecasted demand and product life cycles." },
    { "Property, Plant and Equipment",
        "Property, plant and equipment is stated at cost less accumulated depreciation. Depreciation is computed "
        "using the straight-line method over the estimated useful lives of the assets, which range from 20 to 40 "
        "years for buildings, 3 to 15 years for machinery and equipment, and 3 to 7 years for computer equipment and "
        "software. Leasehold improvements are depreciated over the shorter of their estimated useful lives or the "
        "remaining lease term. Expenditures for maintenance and repairs are expensed as incurred." },
    { "Leases",
        "The Company determines whether an arrangement is a lease at inception. Operating lease right-of-use assets "
        "and liabilities are recognized at the commencement date based on the present value of lease payments over "
        "the lease term, using the Company\u2019s incremental borrowing rate because the rate implicit in most leases "
        "is not readily determinable. Lease terms include options to extend or terminate a lease when it is "
        "reasonably certain that the Company will exercise the option. Leases with an initial term of twelve months "
        "or less are not recorded on the balance sheet, and the Company accounts for lease and non-lease components "
        "together." },
    { "Goodwill and Intangible Assets",
        "Goodwill represents the excess of the purchase price of acquired businesses over the fair value of the net "
        "assets acquired. Goodwill is not amortized but is tested for impairment annually as of October 1 at the "
        "reporting unit level, and more frequently if indicators of impairment exist. The Company may first assess "
        "qualitative factors to determine whether it is more likely than not that the fair value of a reporting unit "
        "is less than its carrying amount; otherwise, it compares the fair value of the reporting unit, estimated "
        "using discounted cash flow and market approaches, with its carrying value. No impairment of goodwill was "
        "recognized in {fy}, {py} or {ppy}. Intangible assets with finite lives are amortized on a straight-line "
        "basis over their estimated useful lives, which range from 5 to 15 years for customer relationships, 5 to 12 "
        "years for developed technology and 3 to 10 years for trade names." },
    { "Impairment of Long-Lived Assets",
        "The Company reviews property, plant and equipment, right-of-use assets and finite-lived intangible assets for "
        "impairment whenever events or changes in circumstances indicate that the carrying amount of an asset group "
        "may not be recoverable. If the undiscounted cash flows expected to result from the use and eventual "
        "disposition of an asset group are less than its carrying amount, an impairment loss is recognized for the "
        "amount by which the carrying amount exceeds fair value." },
    { "Revenue Recognition",
        "The Company recognizes revenue when control of promised goods or services is transferred to customers, in an "
        "amount that reflects the consideration to which the Company expects to be entitled in exchange for those "
        "goods or services. Revenue from product sales is generally recognized at a point in time, when title and "
        "risk of loss pass to the customer, which is typically upon shipment or delivery. Revenue from installation, "
        "calibration, repair and maintenance services is recognized as the services are performed. Revenue from "
        "software subscriptions and remote monitoring services is recognized ratably over the contract term. For "
        "certain engineered systems built to customer specifications with no alternative use and for which the "
        "Company has an enforceable right to payment for performance completed to date, revenue is recognized over "
        "time based on costs incurred relative to total estimated costs. When a contract includes multiple "
        "performance obligations, the transaction price is allocated to each obligation based on its relative "
        "standalone selling price. Variable consideration, such as volume rebates and early payment discounts, is "
        "estimated and recorded as a reduction of revenue. Taxes collected from customers and remitted to "
        "governmental authorities are excluded from revenue. The Company has elected to account for shipping and "
        "handling activities performed after control has transferred as fulfillment costs, and it expenses sales "
        "commissions when the amortization period would be one year or less. Payment terms are generally 30 to 90 "
        "days, and contracts do not include significant financing components." },
    { "Business Combinations",
        "The Company accounts for business combinations using the acquisition method. The purchase price is allocated "
        "to the assets acquired and liabilities assumed based on their estimated fair values at the acquisition date, "
        "and any excess is recorded as goodwill. Measurement-period adjustments are recognized in the period in which "
        "they are determined, and acquisition-related costs are expensed as incurred." },
    { "Capitalized Software",
        "The Company capitalizes certain costs incurred to develop or obtain internal-use software, including cloud "
        "computing implementation costs, during the application development stage. Capitalized costs are amortized "
        "on a straight-line basis over the expected useful life of the software, generally three to seven years. "
        "Costs to develop software to be sold are expensed as research and development until technological "
        "feasibility is established, after which such costs have not been material." },
    { "Shipping and Handling Costs",
        "Amounts billed to customers for shipping and handling are included in net revenue, and the related costs are "
        "included in cost of revenue." },
    { "Advertising Costs",
        "Advertising costs are expensed as incurred and were not material in any period presented." },
    { "Government Assistance",
        "The Company receives government grants and incentives in certain jurisdictions, principally for capital "
        "investment, research and development and employment. Grants related to assets reduce the carrying amount of "
        "the related assets, and grants related to income reduce the related expense. Government assistance was not "
        "material in any period presented." },
    { "Treasury Stock",
        "Repurchased shares of common stock are recorded as treasury stock at cost, including the excise tax on net "
        "repurchases and direct costs. Shares issued from treasury are recorded using the weighted-average cost "
        "method." },
    { "Contingencies",
        "The Company records a liability for loss contingencies when a loss is probable and the amount can be "
        "reasonably estimated. When a range of loss is estimated and no amount within the range is a better estimate "
        "than any other, the minimum amount is accrued. Legal costs are expensed as incurred." },
    { "Product Warranties",
        "The Company provides standard warranties on most of its products, generally for periods of one to three "
        "years, which assure that products comply with agreed specifications. The Company accrues estimated warranty "
        "costs at the time of sale based on historical claims experience and known product issues." },
    { "Research and Development",
        "Research and development costs are expensed as incurred and consist primarily of salaries and benefits of "
        "engineering personnel, materials, prototypes and outside services." },
    { "Stock-Based Compensation",
        "The Company measures compensation cost for stock-based awards at their grant-date fair value and recognizes "
        "it on a straight-line basis over the requisite service period, which is generally the vesting period. The "
        "fair value of restricted stock units is based on the closing price of the Company\u2019s common stock on the "
        "grant date. Forfeitures are recognized as they occur." },
    { "Income Taxes",
        "The Company accounts for income taxes under the asset and liability method. Deferred tax assets and "
        "liabilities are recognized for the expected future tax consequences of temporary differences between the "
        "financial statement carrying amounts and the tax bases of assets and liabilities, using enacted tax rates. "
        "A valuation allowance is recorded when it is more likely than not that some portion of a deferred tax asset "
        "will not be realized. The Company recognizes the tax benefit of an uncertain tax position only if it is more "
        "likely than not to be sustained upon examination, and it records interest and penalties related to "
        "unrecognized tax benefits in the provision for income taxes. The Company accounts for the tax on global "
        "intangible low-taxed income as a period cost." },
    { "Derivative Instruments and Hedging Activities",
        "The Company uses foreign currency forward contracts to manage exposures to changes in exchange rates. All "
        "derivatives are recorded on the balance sheet at fair value. For derivatives designated as cash flow "
        "hedges, gains and losses are recorded in accumulated other comprehensive loss and reclassified into "
        "earnings in the same period in which the hedged transaction affects earnings. Gains and losses on "
        "derivatives not designated as hedges are recognized in earnings immediately. The Company does not enter "
        "into derivative instruments for trading or speculative purposes." },
    { "Fair Value Measurements",
        "Fair value is the price that would be received to sell an asset or paid to transfer a liability in an "
        "orderly transaction between market participants at the measurement date. The fair value hierarchy "
        "prioritizes the inputs to valuation techniques: Level 1 inputs are quoted prices in active markets for "
        "identical assets or liabilities; Level 2 inputs are observable inputs other than quoted prices in active "
        "markets; and Level 3 inputs are unobservable inputs that reflect the Company\u2019s own assumptions." },
    { "Restructuring",
        "Restructuring costs consist primarily of employee severance and related benefits and costs to exit "
        "facilities. One-time termination benefits are recognized when the plan has been communicated to employees, "
        "and ongoing benefits are recognized when they are probable and estimable." },
    { "Concentrations of Credit Risk",
        "Financial instruments that potentially subject the Company to concentrations of credit risk consist "
        "primarily of cash and cash equivalents, accounts receivable and derivative instruments. The Company places "
        "its cash with high-quality financial institutions and limits the amount of credit exposure to any one "
        "institution. Concentrations of credit risk with respect to accounts receivable are limited because of the "
        "large number of customers and their dispersion across industries and geographies." },
};

constexpr std::string_view kAdopted
    = "In November 2023, the Financial Accounting Standards Board (\u201cFASB\u201d) issued Accounting Standards "
      "Update "
      "(\u201cASU\u201d) 2023-07, __Segment Reporting (Topic 280): Improvements to Reportable Segment Disclosures__, "
      "which requires disclosure of significant segment expenses regularly provided to the chief operating decision "
      "maker and other segment items. The Company adopted the standard retrospectively in the fourth quarter of "
      "{py}; its adoption affected only the Company\u2019s disclosures. See {note_segments}.";
constexpr std::string_view kIssued[] = {
    "In December 2023, the FASB issued ASU 2023-09, __Income Taxes (Topic 740): Improvements to Income Tax "
    "Disclosures__, which requires disaggregated information about the effective tax rate reconciliation and income "
    "taxes paid. The Company adopted the standard prospectively for the year ended {fye}, and it affected only the "
    "Company\u2019s income tax disclosures.",
    "In November 2024, the FASB issued ASU 2024-03, __Income Statement\u2014Reporting Comprehensive "
    "Income\u2014Expense "
    "Disaggregation Disclosures (Subtopic 220-40)__, which requires disclosure of specified categories of expenses "
    "included in relevant income statement captions. The standard is effective for annual periods beginning after "
    "December 15, 2026. The Company is evaluating the effect of the standard on its disclosures.",
    "In July 2025, the FASB issued ASU 2025-05, __Financial Instruments\u2014Credit Losses (Topic 326): Measurement of "
    "Credit Losses for Accounts Receivable and Contract Assets__, which provides a practical expedient for "
    "estimating expected credit losses on current accounts receivable. The Company does not expect the standard to "
    "have a material effect on its consolidated financial statements.",
};

} // namespace

void SampleReportGenerator::notePolicies()
{
    m_doc.startPage("notes");
    m_doc.centered(m_company.name, 10, true, 2);
    m_doc.centered("NOTES TO CONSOLIDATED FINANCIAL STATEMENTS", 10, true, 8);
    noteHeading("policies");
    for (const auto& p : kPolicies) {
        m_doc.paragraph("**" + std::string(p.title) + ".** " + fill(p.text));
    }
    m_doc.paragraph("**Recently Adopted Accounting Standards.** " + fill(kAdopted));
    m_doc.paragraph("**Recently Issued Accounting Standards.** " + fill(kIssued[0]) + " " + fill(kIssued[1]));
    para(kIssued[2]);
}

void SampleReportGenerator::noteRevenue()
{
    auto& d = m_doc;
    noteHeading("revenue");
    para("The Company disaggregates revenue by reportable segment, by type of product or service and by geographic "
         "area, based on the location of the customer, because it believes these categories best depict how the "
         "nature, amount, timing and uncertainty of revenue and cash flows are affected by economic factors. The "
         "following table presents net revenue by segment and type:");
    auto t = yearTable(3, "(in millions)");
    for (std::size_t s = 0; s < m_company.segments.size(); ++s) {
        t.section(m_company.segments[s].name + ":", { .spaceBefore = s ? 3.0 : 0.0 });
        std::vector<Money> prod, serv, tot;
        for (int b = 0; b < 3; ++b) {
            prod.push_back(fy(b).segments[s].productRevenue);
            serv.push_back(fy(b).segments[s].serviceRevenue);
            tot.push_back(fy(b).segments[s].revenue);
        }
        t.row("Products", prod, { .indent = 1, .dollar = s == 0 });
        t.row("Services", serv, { .indent = 1 });
        t.total("Total " + m_company.segments[s].name, tot, false, 2);
    }
    t.total("Total net revenue", values(&YearFinancials::revenue, 3), true);
    d.table(t.build());
    para("The following tables present net revenue by geographic area and segment:");
    const char* regions[kRegions] = { "United States", "Europe", "Asia Pacific", "Rest of world" };
    for (int b = 0; b < 3; ++b) {
        const auto& y = fy(b);
        std::vector<std::string> cols;
        for (const auto& seg : m_company.segments)
            cols.push_back(seg.name);
        cols.push_back("Total");
        FinancialTable g(cols, "Year Ended December 31, " + std::to_string(y.year), "(in millions)", m_textWidth,
            cols.size() > 3 ? 76 : 90);
        for (int r = 0; r < kRegions; ++r) {
            std::vector<Money> v;
            for (const auto& sy : y.segments)
                v.push_back(sy.regionRevenue[static_cast<std::size_t>(r)]);
            v.push_back(y.regionRevenue[static_cast<std::size_t>(r)]);
            g.row(regions[r], v, { .dollar = r == 0 });
        }
        std::vector<Money> tot;
        for (const auto& sy : y.segments)
            tot.push_back(sy.revenue);
        tot.push_back(y.revenue);
        g.total("Total net revenue", tot, true);
        d.table(g.build());
    }
    para("Net revenue from customers in the United States was {usrev}, {usrev_py} and {usrev_ppy} in {fy}, {py} and "
         "{ppy}, respectively. No other individual country accounted for more than 10% of net revenue in any period "
         "presented.");
    noteRevenueDetail();
    d.heading("Contract Balances", 2);
    para("Contract liabilities consist of advance payments from customers and billings in excess of revenue "
         "recognized, and are included in other accrued liabilities. Contract liabilities were {contractliab} at "
         "{fye} and {contractliab_py} at {pye}. Substantially all of the contract liabilities at the beginning of "
         "each year were recognized as revenue during that year. Contract assets, which consist of unbilled "
         "receivables for revenue recognized over time, were not material at either date.");
    noteContractTables();
    d.heading("Remaining Performance Obligations", 2);
    para("Remaining performance obligations represent the transaction price of firm orders for which work has not "
         "been performed, and exclude unexercised contract options. As of {fye}, the aggregate amount of the "
         "transaction price allocated to remaining performance obligations was {rpo}, of which the Company expects to "
         "recognize approximately [78%|81%|84%] as revenue within the next twelve months and substantially all of the "
         "remainder within the following three years.");
}

void SampleReportGenerator::noteAcquisition()
{
    auto& d = m_doc;
    const auto& a = fy(1); // the acquisition year
    noteHeading("acquisition");
    para(
        "On July 1, {acqyear}, the Company acquired all of the outstanding equity interests of {acq}, a provider of "
        "[complementary products and software|specialized technologies and services] that expanded the Company\u2019s "
        "{acqseg} segment, for cash consideration of {acqprice}, net of cash acquired. The acquisition was funded with "
        "cash on hand and the proceeds of the Company\u2019s senior notes issued in {acqyear} (see {note_debt}). The "
        "results of {acq} have been included in the {acqseg} segment since the acquisition date.");
    para("The acquisition was accounted for as a business combination. The following table summarizes the final "
         "allocation of the purchase price to the assets acquired and liabilities assumed:");
    FinancialTable t({ "Amount" }, "", "(in millions)", m_textWidth, 80);
    t.row("Accounts receivable", { a.acqReceivables }, { .dollar = true });
    t.row("Inventories", { a.acqInventories });
    t.row("Property, plant and equipment", { a.acqProperty });
    t.row("Customer relationships", { a.acqCustomer });
    t.row("Developed technology", { a.acqTechnology });
    t.row("Trade names", { a.acqTrade });
    t.row("Goodwill", { a.acqGoodwill });
    t.row("Accounts payable and accrued liabilities", { -a.acqLiabilities });
    t.total("Total purchase price, net of cash acquired", { a.acqPrice }, true);
    d.table(t.build());
    para("The intangible assets acquired are being amortized over weighted-average useful lives of [12|13] years for "
         "customer relationships, [9|10] years for developed technology and [7|8] years for trade names. Goodwill of "
         "{acqgw} is attributable primarily to the assembled workforce of {acq} and the revenue and cost synergies "
         "expected from combining its operations with those of the Company, and is deductible for tax purposes. The "
         "fair values of customer relationships and developed technology were estimated using the multi-period excess "
         "earnings method and the relief-from-royalty method, respectively, which required significant assumptions "
         "about forecasted revenue, customer attrition, royalty rates and discount rates.");
    acquiredIntangibleTable();
    const Money fullYear = std::llround(a.acqPrice * 0.55);
    m_text.set("pfrev_py", formatMillions(fy(1).revenue + fullYear / 2));
    m_text.set("pfrev_ppy", formatMillions(fy(2).revenue + fullYear));
    m_text.set("pfni_py", formatMillions(fy(1).netIncome + std::llround(fullYear / 2 * 0.04)));
    m_text.set("pfni_ppy", formatMillions(fy(2).netIncome + std::llround(fullYear * 0.03)));
    para("Net revenue of {acq} included in the Company\u2019s results was {acqrev} for the period from the acquisition "
         "date through {pye}. On an unaudited pro forma basis, as if the acquisition had been completed on January 1, "
         "{ppy}, the Company\u2019s net revenue would have been {pfrev_py} and {pfrev_ppy}, and net income would have "
         "been {pfni_py} and {pfni_ppy}, for {py} and {ppy}, respectively. The pro forma information includes "
         "adjustments for amortization of acquired intangible assets, interest expense on the acquisition financing "
         "and related income tax effects, and is not necessarily indicative of the results that would have been "
         "achieved had the acquisition occurred at the beginning of {ppy}. Acquisition-related costs of [$6 million|$8 "
         "million|$9 million] were included in selling, general and administrative expense in {py}.");
}

} // namespace moescope

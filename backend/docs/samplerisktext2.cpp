// Risk factors, part two: legal and regulatory, financial, common stock and general risks.

#include "docs/samplerisktext.h"

namespace moescope {

namespace {

constexpr std::string_view kLegal = "Legal and Regulatory Risks";
constexpr std::string_view kFinancial = "Financial Risks";
constexpr std::string_view kStock = "Risks Related to Our Common Stock";
constexpr std::string_view kGeneral = "General Risk Factors";

constexpr SampleRisk kRisks[] = {
    { kLegal,
        "We are subject to a wide range of laws and regulations, and violations could result in significant "
        "penalties and harm to our reputation.",
        { "Our global operations require us to comply with numerous and evolving laws and regulations, including "
          "those relating to anti-corruption, export controls and economic sanctions, competition, data privacy, "
          "product safety, employment, and government contracting. Although we maintain policies and training "
          "programs designed to ensure compliance, our employees, distributors or agents could take actions that "
          "violate these laws.",
            "Violations could result in criminal and civil penalties, disgorgement, debarment from government "
            "contracts, restrictions on our ability to export products, and damage to our reputation. Changes in "
            "laws and regulations, or in their interpretation or enforcement, could also increase our costs of "
            "compliance or restrict our business activities.",
            "" },
        true },
    { kLegal,
        "We are subject to export control and economic sanctions laws that could limit our ability to sell products "
        "in certain markets.",
        { "Certain of our products and technologies are subject to export controls administered by the U.S. "
          "Department of Commerce and to economic sanctions administered by the U.S. Department of the Treasury, as "
          "well as to similar regimes in other countries. These regulations have become more restrictive in recent "
          "years, particularly with respect to advanced technologies and certain countries, and may require us to "
          "obtain licenses, which may be delayed or denied, or prohibit sales altogether. Failure to comply with "
          "these regulations could result in significant penalties.",
            "", "" } },
    { kLegal,
        "We are involved in legal proceedings, and unfavorable outcomes could adversely affect our financial "
        "condition and results of operations.",
        { "From time to time, we are involved in lawsuits, claims, investigations and other proceedings relating to "
          "commercial disputes, product liability, intellectual property, employment, environmental and other "
          "matters, as described in Item 3, \u201cLegal Proceedings,\u201d and in {note_commitments} to our "
          "consolidated financial statements. Litigation is inherently uncertain, and adverse outcomes could result "
          "in significant monetary damages or injunctive relief. Even claims without merit can be costly to defend "
          "and divert management\u2019s attention.",
            "", "" } },
    { kLegal, "Data privacy and security laws could increase our costs and expose us to liability.",
        { "We collect, store and process personal information of our employees, customers and business partners, "
          "and some of our connected products and software services process data about our customers\u2019 "
          "operations. Laws and regulations governing data privacy and security, including the European Union\u2019s "
          "General Data Protection Regulation, China\u2019s Personal Information Protection Law and U.S. state "
          "privacy laws, are complex, vary by jurisdiction and continue to evolve. Compliance with these laws may "
          "increase our costs and limit the way we use data, and a failure to comply could result in fines, "
          "litigation and reputational harm.",
            "", "" } },
    { kFinancial,
        "Changes in tax laws or their interpretation, and the resolution of tax examinations, could adversely affect "
        "our effective tax rate and results of operations.",
        { "We are subject to income and other taxes in the United States and numerous foreign jurisdictions. Our "
          "effective tax rate was {etr} in {fy} and {etr_py} in {py}, and it could be affected by changes in the mix "
          "of earnings among jurisdictions with different statutory rates, changes in the valuation of our deferred "
          "tax assets and liabilities, and changes in tax laws and regulations.",
            "Many countries have enacted legislation implementing the Organisation for Economic Co-operation and "
            "Development\u2019s global minimum tax framework, and the U.S. tax law continues to change. We are also "
            "subject to regular examination by tax authorities, and the outcome of these examinations could differ "
            "from the amounts we have recorded, which could adversely affect our results in the period in which "
            "the matter is resolved.",
            "" },
        true },
    { kFinancial,
        "Fluctuations in foreign currency exchange rates could adversely affect our results of operations and "
        "financial condition.",
        { "A significant portion of our revenue, costs, assets and liabilities is denominated in currencies other "
          "than the U.S. dollar, principally the euro, the Chinese renminbi, the British pound, the Mexican peso and "
          "the Japanese yen. Because our consolidated financial statements are presented in U.S. dollars, changes in "
          "exchange rates affect our reported results. In {fy}, the translation of foreign currency revenue had "
          "{fx_aword} effect on our net revenue of approximately {fx_pct}.",
            "Although we use derivative instruments to hedge certain exposures, our hedging activities may not be "
            "effective in offsetting the effect of exchange rate changes, and we do not hedge all of our exposures.",
            "" } },
    { kFinancial, "Our indebtedness could limit our flexibility and adversely affect our financial condition.",
        { "As of {fye}, we had {debt} of total debt outstanding, and we had {revolveravail} of borrowing capacity "
          "available under our revolving credit facility. Our indebtedness requires us to dedicate a portion of our "
          "cash flow to the payment of interest and principal, could limit our ability to obtain additional "
          "financing, and could make us more vulnerable to adverse economic conditions.",
            "Our credit agreement and the indentures governing our senior notes contain covenants that limit our "
            "ability to incur liens, enter into sale and leaseback transactions and merge or consolidate, and our "
            "credit agreement requires us to maintain a maximum leverage ratio. A breach of these covenants could "
            "result in an event of default. In addition, a downgrade of our credit ratings could increase our "
            "borrowing costs and limit our access to capital markets.",
            "" },
        true },
    { kFinancial, "We may be required to record impairment charges for goodwill or other intangible assets.",
        { "As of {fye}, we had goodwill of {gw} and other intangible assets, net, of {intang}, which together "
          "represented a significant portion of our total assets. We test goodwill and indefinite-lived intangible "
          "assets for impairment at least annually, and we review other long-lived assets whenever events indicate "
          "that their carrying value may not be recoverable. A decline in expected future cash flows, an increase in "
          "discount rates, a sustained decline in our stock price or adverse changes in the markets served by a "
          "reporting unit could result in an impairment charge, which could be material to our results of "
          "operations in the period recorded.",
            "", "" } },
    { kFinancial, "Our customers\u2019 financial difficulties could adversely affect our results.",
        { "Some of our customers may experience financial difficulties as a result of economic conditions, higher "
          "interest rates or industry-specific factors. Financial difficulties of customers could result in reduced "
          "orders, delayed payments or an inability to pay amounts owed to us, and we may be required to increase "
          "our allowance for credit losses, which was {allowance} at {fye}.",
            "", "" } },
    { kFinancial,
        "Changes in accounting standards or in our estimates and assumptions could adversely affect our reported "
        "results.",
        { "Our consolidated financial statements are prepared in accordance with accounting principles generally "
          "accepted in the United States, which require us to make estimates and assumptions about matters that "
          "are inherently uncertain, including revenue recognized over time, the valuation of goodwill and "
          "intangible assets, income taxes and contingencies. Changes in accounting standards, or actual results "
          "that differ from our estimates, could materially affect our reported financial condition and results "
          "of operations.",
            "", "" } },
    { kStock, "The market price of our common stock may be volatile.",
        { "The market price of our common stock has fluctuated and may continue to fluctuate significantly in "
          "response to factors such as variations in our quarterly results, changes in financial estimates by "
          "securities analysts, announcements by us or our competitors of significant contracts, acquisitions or "
          "new products, changes in general economic and market conditions, and other factors, many of which are "
          "beyond our control. Broad market fluctuations may also adversely affect the trading price of our common "
          "stock regardless of our operating performance.",
            "", "" } },
    { kStock,
        "There can be no assurance that we will continue to pay dividends or repurchase shares at current levels.",
        { "We paid cash dividends of {dps} per share in {fy}, and we repurchased {repurch} of our common stock during "
          "the year. The declaration of future dividends and the amount and timing of share repurchases are at the "
          "discretion of our Board of Directors and depend on our results of operations, cash flows, financial "
          "condition, capital requirements and other factors. A reduction or suspension of our dividend or share "
          "repurchases could adversely affect the market price of our common stock.",
            "", "" } },
    { kStock, "Provisions in our charter documents and Delaware law could delay or prevent a change in control.",
        { "Our certificate of incorporation and bylaws contain provisions that could make it more difficult for a "
          "third party to acquire us without the consent of our Board of Directors, including provisions that "
          "authorize the issuance of preferred stock without stockholder approval and that establish advance "
          "notice requirements for stockholder proposals. In addition, Section 203 of the Delaware General "
          "Corporation Law restricts certain business combinations with interested stockholders. These provisions "
          "could discourage takeover attempts that stockholders might consider to be in their best interests.",
            "", "" } },
    { kGeneral, "Our insurance coverage may not be adequate to cover all losses.",
        { "We maintain insurance coverage for property damage, business interruption, product liability, cyber and "
          "other risks, subject to deductibles and limits. The insurance market has become more restrictive, and "
          "coverage may not be available on acceptable terms or in sufficient amounts. Losses not covered by "
          "insurance could adversely affect our financial condition and results of operations.",
            "", "" } },
    { kGeneral,
        "If we fail to maintain effective internal control over financial reporting, our ability to produce "
        "accurate financial statements could be impaired.",
        { "Effective internal control over financial reporting is necessary for us to provide reliable financial "
          "reports. Any failure to maintain effective internal controls, including in connection with the "
          "integration of acquired businesses or the implementation of new systems, could cause us to fail to meet "
          "our reporting obligations, result in misstatements in our financial statements and cause investors to "
          "lose confidence in our reported financial information.",
            "", "" } },
    { kGeneral,
        "Increasing scrutiny of environmental, social and governance matters could adversely affect our business.",
        { "Investors, customers, regulators and other stakeholders are increasingly focused on environmental, "
          "social and governance matters, and their expectations, and the related disclosure requirements, are "
          "evolving and sometimes conflicting. Our failure, or perceived failure, to meet these expectations, or "
          "to achieve our publicly announced goals, could harm our reputation and our ability to attract customers, "
          "employees and investors, and could increase our costs of compliance.",
            "", "" } },
};

} // namespace

std::span<const SampleRisk> sampleFinancialRisks()
{
    return kRisks;
}

std::span<const std::string_view> sampleRiskCategories()
{
    static constexpr std::string_view kOrder[]
        = { "Risks Related to Our Business and Industry", "Risks Related to Our Operations",
              "Risks Related to Cybersecurity and Technology", kLegal, kFinancial, kStock, kGeneral };
    return kOrder;
}

} // namespace moescope

// Risk factors, part three: further risks in every category, merged with the others by category.

#include "docs/samplerisktext.h"

namespace moescope {

namespace {

constexpr std::string_view kMarket = "Risks Related to Our Business and Industry";
constexpr std::string_view kOperations = "Risks Related to Our Operations";
constexpr std::string_view kTechnology = "Risks Related to Cybersecurity and Technology";
constexpr std::string_view kLegal = "Legal and Regulatory Risks";
constexpr std::string_view kFinancial = "Financial Risks";
constexpr std::string_view kGeneral = "General Risk Factors";

constexpr SampleRisk kRisks[] = {
    { kMarket,
        "A significant portion of our revenue depends on original equipment manufacturers and distributors whose "
        "purchasing decisions we do not control.",
        { "We sell many of our products to original equipment manufacturers, which incorporate them into their own "
          "equipment, and to industrial distributors, which resell them to end users. The demand we experience from "
          "these customers depends on their own sales, production schedules and inventory policies. Original "
          "equipment manufacturers may decide to develop competing products internally, qualify alternative "
          "suppliers or redesign their equipment in ways that no longer use our products.",
            "Distributors may reduce the inventory they hold, which can cause our revenue to decline even when end "
            "demand is stable, as we experienced in certain product lines during {py} and {fy}. The loss of, or a "
            "significant reduction in purchases by, a large original equipment manufacturer or distributor, or a "
            "consolidation among our distributors, could adversely affect our revenue and results of operations.",
            "" } },
    { kMarket,
        "Our results may fluctuate from quarter to quarter, which could cause the price of our common stock to "
        "decline.",
        { "Our quarterly results have varied in the past and may vary significantly in the future as a result of "
          "factors such as the timing of large orders and project shipments, seasonal patterns in customer spending, "
          "changes in product mix, the timing of price increases, fluctuations in foreign currency exchange rates and "
          "the timing of restructuring and acquisition-related costs. Because a significant portion of our operating "
          "expenses is relatively fixed in the short term, a shortfall in revenue in a quarter could have a "
          "disproportionate effect on our operating results for that quarter, and our results may fall below the "
          "expectations of securities analysts or investors.",
            "", "" } },
    { kMarket, "Changes in government spending and policy could reduce demand for certain of our products.",
        { "Demand for some of our products depends on public spending on water and wastewater infrastructure, "
          "energy and utility grids, research institutions and transportation, and on government incentives for "
          "energy efficiency, domestic semiconductor production and clean energy. Changes in appropriations, the "
          "expiration or repeal of tax credits and other incentives, delays in the award of government-funded "
          "projects and changes in policy priorities following elections could reduce or delay orders from our "
          "customers.",
            "", "" } },
    { kMarket,
        "Our strategy depends in part on the successful growth of our software and digital services, which involve "
        "risks that differ from those of our traditional businesses.",
        { "We are investing in software, connectivity and data analytics offerings, many of which are sold on a "
          "subscription basis. These businesses require different sales, delivery and support capabilities than our "
          "equipment businesses, and they compete with large, well-funded software companies. Customers may be slow "
          "to adopt subscription models, may be concerned about the security of connecting their operations to "
          "cloud-based systems, or may not renew their subscriptions.",
            "Software revenue recognized ratably over the subscription term means that a decline in new subscriptions "
            "may not be immediately reflected in our results. If we are unable to grow these businesses profitably, "
            "we may not realize the return on our investments, and our long-term growth and margin objectives could "
            "be adversely affected.",
            "" } },
    { kMarket, "Pricing pressure from customers and competitors could reduce our margins.",
        { "Many of our customers, particularly large original equipment manufacturers and procurement organizations "
          "of global industrial companies, seek price reductions, extended payment terms and other concessions. As "
          "inflation has moderated, some customers have requested that we reverse price increases implemented in "
          "prior years. If we are unable to offset pricing pressure through cost reductions, productivity "
          "improvements and new products with higher value, our gross margins and profitability could decline.",
            "", "" } },
    { kOperations,
        "We depend on a limited number of suppliers for certain critical components, and the loss of a supplier could "
        "disrupt our production.",
        { "Certain semiconductors, sensors, precision castings and other critical components are available only from "
          "one or a small number of qualified suppliers, and qualifying a new supplier can take many months and "
          "require customer approval. If a critical supplier were to experience financial difficulties, capacity "
          "constraints, quality problems or a disruption of its operations, or were to decide to stop supplying us, "
          "we could be unable to obtain sufficient quantities of these components on acceptable terms, which could "
          "delay our shipments, increase our costs and damage our relationships with customers.",
            "", "" } },
    { kOperations, "Our operations in Mexico, China and other emerging markets are subject to additional risks.",
        { "We have significant manufacturing and engineering operations in Mexico, China, India and Eastern Europe, "
          "and we expect the importance of these operations to increase. Operations in these countries are subject to "
          "risks including less developed legal systems and intellectual property protection, changes in labor laws "
          "and wage levels, currency controls, political instability, security concerns and the possibility of "
          "expropriation. Changes in the trade relationship between the United States and these countries, including "
          "changes to the United States-Mexico-Canada Agreement, could increase the cost of products we manufacture "
          "there.",
            "", "" } },
    { kOperations, "Labor disputes, work stoppages or increases in labor costs could adversely affect our operations.",
        { "Some of our employees, primarily outside the United States, are represented by labor unions or works "
          "councils. We may experience strikes, work stoppages or other labor actions in the future, particularly in "
          "connection with the negotiation of collective bargaining agreements or the implementation of restructuring "
          "actions, and the employees of our suppliers and logistics providers may do so as well. In addition, "
          "minimum wage increases and competition for skilled production workers have increased our labor costs in "
          "several regions. Any of these developments could disrupt our operations and increase our costs.",
            "", "" } },
    { kOperations,
        "Our products are used in hazardous environments, which exposes us to the risk of significant liability.",
        { "Many of our products are used in refineries, chemical plants, power generation facilities and other "
          "environments where a failure could contribute to fires, explosions, releases of hazardous materials or "
          "personal injury. Although we design our products to meet applicable safety standards and limit our "
          "liability contractually where possible, we could be named in lawsuits arising from such events, and the "
          "costs of defending and resolving such claims could be significant and might not be fully covered by "
          "insurance.",
            "", "" } },
    { kOperations,
        "We may not be able to maintain the quality and reliability of our products as we increase production and "
        "change our manufacturing footprint.",
        { "We are consolidating certain manufacturing facilities, transferring production lines between sites and "
          "introducing new automated processes. These changes involve the risk of quality problems, production delays "
          "and higher costs during the transition, particularly when products or processes are transferred to sites "
          "with less experience manufacturing them. Quality problems could result in warranty claims, recalls, lost "
          "sales and damage to our reputation with customers who rely on the reliability of our products.",
            "", "" } },
    { kTechnology,
        "Vulnerabilities in the software and connectivity features of our products could expose us and our customers "
        "to security risks.",
        { "An increasing number of our products include embedded software, network connectivity and remote access "
          "capabilities, and some are used in critical infrastructure. Vulnerabilities in these products, whether in "
          "our own code or in third-party and open-source components, could be exploited to disrupt our "
          "customers\u2019 operations, gain access to their networks or cause physical harm. Addressing "
          "vulnerabilities may require costly remediation, and a significant security incident involving our "
          "products could expose us to liability and regulatory scrutiny and harm our reputation.",
            "", "" } },
    { kTechnology,
        "We rely on third-party service providers for important information technology and business process services.",
        { "We use third parties to host applications, provide cloud computing services, process payroll, support our "
          "enterprise resource planning systems and perform other functions. We have limited control over the "
          "security and reliability of these providers, and a failure or security breach at a provider could disrupt "
          "our operations or expose our confidential information. If our agreements with these providers were "
          "terminated, we might be unable to find alternative providers on acceptable terms or in a timely manner.",
            "", "" } },
    { kLegal,
        "We could incur significant costs as a result of product safety, hazardous substance and product "
        "stewardship regulations.",
        { "Our products are subject to regulations governing their safety, energy efficiency, electromagnetic "
          "compatibility and the substances they contain, including the European Union\u2019s Restriction of "
          "Hazardous Substances and REACH regulations and emerging restrictions on per- and polyfluoroalkyl "
          "substances. Compliance with these regulations may require us to redesign products, find alternative "
          "materials and incur additional testing and certification costs, and a failure to comply could result in "
          "fines or restrictions on the sale of our products.",
            "", "" } },
    { kLegal, "Government contracts subject us to additional regulatory requirements and risks.",
        { "A portion of our revenue is derived from sales to government agencies and to contractors serving "
          "government customers. Government contracts are subject to extensive procurement regulations and may be "
          "terminated for convenience, and they may subject us to audits and investigations. A failure to comply "
          "with applicable requirements could result in the termination of contracts, penalties, suspension or "
          "debarment from future government contracting.",
            "", "" } },
    { kLegal,
        "Changes in regulations relating to climate and sustainability disclosure could increase our compliance "
        "costs.",
        { "Jurisdictions in which we operate, including the European Union and the State of California, have adopted "
          "or proposed rules requiring companies to disclose information about greenhouse gas emissions, "
          "climate-related risks and other sustainability matters, and in some cases to obtain assurance over such "
          "disclosures. These requirements are complex, may be inconsistent across jurisdictions and continue to "
          "change, and compliance will require significant management time and expense. Our disclosures could also "
          "become the subject of litigation or enforcement actions.",
            "", "" } },
    { kFinancial,
        "Rising interest rates and tighter credit conditions could increase our borrowing costs and reduce demand for "
        "our products.",
        { "Interest rates remain higher than in the decade before {ppy}. Future borrowings, including refinancing of "
          "our senior notes as they mature, may bear interest at rates higher than those on our existing debt, which "
          "would increase our interest expense. Higher interest rates and tighter credit conditions also increase "
          "the cost of capital for our customers and may cause them to delay or cancel capital projects, and they can "
          "reduce the valuation of our reporting units for purposes of goodwill impairment testing.",
            "", "" } },
    { kFinancial, "We may need additional capital in the future, which may not be available on acceptable terms.",
        { "We may require additional financing to fund acquisitions, refinance maturing debt or respond to unforeseen "
          "developments. Our ability to obtain financing will depend on conditions in the capital and credit markets, "
          "our credit ratings and our financial performance. If financing is not available on acceptable terms, we "
          "may be unable to pursue acquisitions, invest in our business or return capital to stockholders at the "
          "levels we anticipate.",
            "", "" } },
    { kFinancial, "Our ability to use our deferred tax assets may be limited.",
        { "We have deferred tax assets, including net operating loss and tax credit carryforwards in certain "
          "jurisdictions, the realization of which depends on our ability to generate sufficient taxable income in "
          "those jurisdictions before the carryforwards expire. If our expectations of future taxable income change, "
          "we may need to record additional valuation allowances, which would increase our income tax expense in the "
          "period in which the allowance is recorded.",
            "", "" } },
    { kGeneral, "Our business could be adversely affected by activist stockholders.",
        { "Publicly traded companies are increasingly subject to campaigns by activist investors advocating changes "
          "in corporate strategy, capital allocation, governance or board composition. Responding to such campaigns "
          "can be costly and time-consuming, disrupt our operations and divert the attention of management and our "
          "Board of Directors. Perceived uncertainty about our future direction could also affect our relationships "
          "with customers, suppliers and employees and cause volatility in the price of our common stock.",
            "", "" } },
    { kGeneral, "Negative publicity could damage our reputation and adversely affect our business.",
        { "Our reputation is important to our ability to attract and retain customers, employees and investors. "
          "Negative publicity, whether or not justified, relating to product failures, safety incidents, "
          "cybersecurity incidents, labor practices, environmental matters or the conduct of our employees or "
          "business partners could spread rapidly through social media and other channels and damage our "
          "reputation, which could reduce demand for our products and adversely affect our results.",
            "", "" } },
};

} // namespace

std::span<const SampleRisk> sampleAdditionalRisks()
{
    return kRisks;
}

} // namespace moescope

// Risk factors, part one: business, industry, operations and technology.

#include "docs/samplerisktext.h"

namespace moescope {

namespace {

constexpr std::string_view kMarket = "Risks Related to Our Business and Industry";
constexpr std::string_view kOperations = "Risks Related to Our Operations";
constexpr std::string_view kTechnology = "Risks Related to Cybersecurity and Technology";

constexpr SampleRisk kRisks[] = {
    { kMarket,
        "Our business is affected by general economic conditions and by the cyclical nature of the markets we serve, "
        "and a downturn could reduce demand for our products and services.",
        { "Demand for our products depends to a significant extent on the level of capital spending and industrial "
          "activity in our end markets, including {markets}. These markets are cyclical and are affected by general "
          "economic conditions, interest rates, commodity prices, government spending and the availability of "
          "credit. During economic downturns, customers may delay or cancel capital projects, reduce inventories, "
          "defer maintenance or seek more favorable pricing, any of which could reduce our revenue and "
          "profitability.",
            "Economic conditions remained uneven in {fy}, with [elevated interest rates|persistent inflation], slower "
            "industrial production in certain regions and continued uncertainty about trade policy. If economic "
            "conditions deteriorate, our customers\u2019 ability to pay amounts owed to us could also be impaired, "
            "which could increase our credit losses. Because a portion of our costs is fixed, a decline in revenue "
            "can have a disproportionate effect on our operating income.",
            "" },
        true },
    { kMarket,
        "We face intense competition, and if we are unable to compete effectively, we may lose market share and our "
        "margins could decline.",
        { "The markets for our products and services are highly competitive. We compete with large multinational "
          "companies that have substantial financial, technical and marketing resources, as well as with smaller "
          "companies that focus on particular products, technologies or geographic regions. Competitors may develop "
          "products that are superior to ours, adapt more quickly to new technologies or changes in customer "
          "requirements, or offer lower prices.",
            "We also face increasing competition from companies based in lower-cost regions and from new entrants "
            "offering software and data-driven solutions. Competitive pressure could require us to reduce prices, "
            "increase spending on research and development or marketing, or accept less favorable contract terms, "
            "which could adversely affect our revenue, gross margins and operating results.",
            "" } },
    { kMarket,
        "If we fail to develop new products and technologies, or if our new products do not achieve market "
        "acceptance, our business could be harmed.",
        { "Our future success depends on our ability to anticipate changes in technology and customer requirements "
          "and to develop and introduce new products and services on a timely and cost-effective basis. We invest "
          "significant resources in research and development, which was {rnd_c} in {fy}, and these investments may "
          "not result in commercially successful products.",
            "The development of new products involves significant technical and market risks, including delays, cost "
            "overruns and the risk that competitors introduce similar or superior products first. Technologies such "
            "as artificial intelligence, advanced analytics and new sensing methods could change the way our "
            "customers buy and use our products, and if we are unable to incorporate such technologies into our "
            "offerings, demand for our products could decline.",
            "" } },
    { kMarket,
        "Our growth strategy includes acquisitions, and we may not be able to identify suitable targets, complete "
        "transactions on acceptable terms or integrate acquired businesses successfully.",
        { "Acquisitions are an important element of our growth strategy. In {acqyear}, we completed the acquisition "
          "of {acq} for {acqprice}. We may not be able to identify suitable acquisition candidates in the future, "
          "and competition for attractive targets may increase the prices we must pay. We may also be unable to "
          "obtain necessary regulatory approvals or financing.",
            "The integration of acquired businesses involves numerous risks, including the diversion of management "
            "attention, difficulties in combining operations, systems and cultures, the loss of key employees, "
            "customers or suppliers of the acquired business, and unanticipated liabilities. If we are unable to "
            "integrate acquired businesses successfully or to realize the expected synergies, our results of "
            "operations could be adversely affected and we could be required to record impairment charges.",
            "" },
        true },
    { kMarket, "Our international operations subject us to risks that could adversely affect our business.",
        { "We have significant operations outside the United States, and a substantial portion of our net revenue "
          "is derived from customers located outside the United States. Our international operations are subject "
          "to risks including changes in foreign laws and regulations, tariffs and other trade barriers, export "
          "controls and economic sanctions, difficulties in staffing and managing foreign operations, longer payment "
          "cycles, potentially adverse tax consequences, and political, social and economic instability.",
            "Geopolitical conflicts, including the ongoing conflicts in Eastern Europe and the Middle East and "
            "tensions between the United States and China, have disrupted trade, increased energy costs and created "
            "uncertainty for our customers and suppliers. An escalation of these conflicts or the imposition of "
            "additional sanctions or trade restrictions could disrupt our operations and reduce demand for our "
            "products.",
            "" } },
    { kMarket,
        "Changes in trade policy, including the imposition of tariffs, could increase our costs and reduce demand "
        "for our products.",
        { "The United States and other countries have imposed tariffs on a wide range of goods, including certain "
          "raw materials and components that we purchase and certain products that we sell. Additional tariffs, "
          "retaliatory measures by other countries or other changes in trade policy could increase the cost of our "
          "products, disrupt our supply chain and make our products less competitive in certain markets.",
            "Although we have taken actions to mitigate the effect of tariffs, including price increases, changes in "
            "sourcing and adjustments to our manufacturing footprint, these actions may not be sufficient or may not "
            "be implemented in time to offset the full effect of future changes in trade policy.",
            "" } },
    { kMarket,
        "Our results could be adversely affected if we are unable to maintain and grow our service and aftermarket "
        "business.",
        { "Services, software and aftermarket parts are an important source of revenue and profit for us. Our "
          "ability to grow this business depends on the size and age of our installed base, our ability to compete "
          "with independent service providers and producers of replacement parts, and customer demand for "
          "maintenance and digital services. If customers choose to perform maintenance themselves, use "
          "lower-cost alternative parts or extend the intervals between service events, our service revenue and "
          "margins could decline.",
            "", "" } },
    { kMarket, "Our backlog may not be indicative of future revenue, and orders may be delayed or cancelled.",
        { "We report backlog based on firm orders for products and services. Customers may cancel or reschedule "
          "orders, sometimes without significant penalty, and the timing of revenue from orders can be affected by "
          "project delays, changes in customer requirements and supply constraints. As a result, our backlog at any "
          "date may not be a reliable indicator of our future revenue or profitability.",
            "", "" } },
    { kOperations,
        "Disruptions in our supply chain or increases in the cost of raw materials and components could adversely "
        "affect our results of operations.",
        { "We depend on suppliers for raw materials, components and subassemblies, including {materials}. Some of "
          "these items are available only from a single source or a limited number of suppliers. Supply "
          "disruptions, whether caused by supplier financial difficulties, capacity constraints, natural disasters, "
          "labor disputes, geopolitical events or other factors, could delay our production and shipments and "
          "increase our costs.",
            "The prices of many of the materials we use, as well as freight and energy costs, are volatile. We may "
            "not be able to pass cost increases on to our customers on a timely basis or at all, particularly under "
            "fixed-price contracts, and pricing actions may reduce demand for our products. During recent years, "
            "shortages of semiconductors and other electronic components extended our lead times and increased our "
            "costs.",
            "" },
        true },
    { kOperations,
        "Our manufacturing operations are concentrated in certain facilities, and a disruption at one of these "
        "facilities could adversely affect our business.",
        { "Certain of our products are manufactured at a single facility or a small number of facilities. A "
          "significant disruption at any of these facilities as a result of fire, flood, severe weather, earthquake, "
          "equipment failure, pandemic, labor disputes, cyberattack or other events could impair our ability to "
          "manufacture and deliver products for an extended period. Although we maintain insurance and business "
          "continuity plans, these may not be sufficient to cover all of our losses or to avoid the loss of "
          "customers.",
            "", "" } },
    { kOperations, "We may not realize the expected benefits of our restructuring and productivity initiatives.",
        { "In {py}, we initiated the {program} program, which includes the consolidation of certain manufacturing "
          "and administrative facilities and a reduction of our workforce. We recorded restructuring charges of "
          "{restr} in {fy} and {restr_py} in {py}. We may incur additional charges, and the program may not achieve "
          "the anticipated savings within the expected time frame or at all.",
            "Restructuring activities can disrupt our operations, harm employee morale, cause the loss of key "
            "personnel and affect our relationships with customers and suppliers. If we are unable to execute our "
            "restructuring and productivity initiatives effectively, our results of operations and competitive "
            "position could be adversely affected.",
            "" } },
    { kOperations,
        "Our success depends on our ability to attract, develop and retain qualified employees, including key "
        "members of management.",
        { "Our performance depends on the skills and contributions of our employees, including our executive "
          "officers, engineers, skilled production workers and sales and service personnel. Competition for "
          "qualified personnel is intense in many of the regions where we operate, and labor shortages and wage "
          "inflation have increased our costs. The loss of key employees or our inability to recruit and retain "
          "qualified personnel could impair our ability to execute our strategy.",
            "", "" } },
    { kOperations,
        "Product defects, warranty claims and product liability claims could harm our reputation and adversely "
        "affect our financial results.",
        { "Many of our products are used in critical applications, and a failure of our products could result in "
          "property damage, personal injury, environmental harm or the interruption of our customers\u2019 "
          "operations. We could be subject to warranty claims, product recalls and product liability claims, which "
          "could be costly to resolve and damage our reputation. Our product warranty reserve was {warranty} at "
          "{fye}; actual warranty costs could exceed our estimates.",
            "Although we maintain insurance coverage for product liability claims, our insurance may not be adequate "
            "to cover all claims, and insurance may not continue to be available on acceptable terms.",
            "" } },
    { kOperations,
        "Our business could be adversely affected by climate change and by laws and regulations intended to address "
        "it.",
        { "Climate change may increase the frequency and severity of extreme weather events, which could damage our "
          "facilities, disrupt our supply chain and affect the operations of our customers. Increasing regulation "
          "of greenhouse gas emissions, including carbon pricing, energy efficiency standards and disclosure "
          "requirements, could increase our costs of compliance, energy and raw materials.",
            "At the same time, customers, investors and other stakeholders increasingly expect companies to reduce "
            "their environmental impact. If we are unable to meet our sustainability targets or stakeholder "
            "expectations, our reputation and our ability to compete for business could be affected. Conversely, "
            "changes in policy could reduce demand for some of the energy-efficiency products we sell.",
            "" } },
    { kOperations,
        "We are subject to environmental, health and safety laws and could incur significant costs to comply with "
        "them or to remediate contamination.",
        { "Our operations are subject to environmental laws and regulations governing, among other things, air "
          "emissions, wastewater discharges, the handling and disposal of hazardous materials and the cleanup of "
          "contaminated sites. We have been, and may in the future be, identified as a potentially responsible "
          "party at sites where hazardous substances were disposed of. Environmental costs could increase as a "
          "result of new laws, stricter enforcement or the discovery of previously unknown contamination.",
            "", "" } },
    { kOperations,
        "Natural disasters, public health crises and other catastrophic events could disrupt our operations.",
        { "Events such as earthquakes, hurricanes, floods, wildfires, pandemics, terrorist attacks and armed "
          "conflicts could disrupt our operations and those of our customers and suppliers. Public health crises "
          "have in the past caused temporary closures of facilities, disrupted supply chains and reduced demand in "
          "certain of our end markets, and a future crisis could have similar or more severe effects.",
            "", "" } },
    { kTechnology,
        "Cybersecurity incidents and other disruptions of our information technology systems could adversely affect "
        "our business and reputation.",
        { "We rely on information technology systems, some of which are managed by third parties, to operate our "
          "business, including to manage our supply chain, manufacture products, process transactions, communicate "
          "with customers and employees, and report our financial results. Our products increasingly include "
          "software and connectivity features that may also be targeted. These systems are subject to damage or "
          "interruption from cyberattacks, including ransomware and phishing, as well as from employee error, "
          "malfeasance, system failures and natural disasters.",
            "Threat actors are becoming more sophisticated and may use artificial intelligence to increase the "
            "scale and effectiveness of attacks. Although we have implemented security measures and maintain an "
            "incident response program, as described in Item 1C, these measures may not prevent or detect all "
            "incidents. A significant incident could disrupt our operations, result in the loss or misuse of "
            "confidential information, expose us to litigation and regulatory penalties, and damage our reputation.",
            "" },
        true },
    { kTechnology,
        "We are in the process of upgrading our enterprise resource planning systems, and problems with the design "
        "or implementation of these systems could disrupt our operations.",
        { "We are implementing a new enterprise resource planning system across our businesses in phases over "
          "several years. System implementations are complex and may not proceed as planned, and problems could "
          "result in delays in processing orders, shipping products, invoicing customers or reporting financial "
          "results, and could require additional investment. Any such problems could also affect the "
          "effectiveness of our internal control over financial reporting.",
            "", "" } },
    { kTechnology,
        "Our use of artificial intelligence in our products and operations may present risks and challenges.",
        { "We are incorporating artificial intelligence and machine learning capabilities into certain of our "
          "software products and internal processes. These technologies are complex and evolving, and models may be "
          "flawed, produce inaccurate results or reflect biases in the data used to develop them. The use of these "
          "technologies could expose us to reputational harm, liability and regulatory scrutiny, and the legal and "
          "regulatory framework for artificial intelligence is uncertain and developing rapidly.",
            "", "" } },
    { kTechnology,
        "We may be unable to adequately protect our intellectual property, and we may be subject to claims that we "
        "infringe the intellectual property of others.",
        { "We rely on patents, trademarks, trade secrets and contractual protections to establish and protect our "
          "intellectual property. These protections may not prevent competitors from copying our products or "
          "developing similar technologies, and the laws of some countries do not protect intellectual property to "
          "the same extent as the laws of the United States.",
            "Third parties may also claim that our products infringe their intellectual property rights. Any such "
            "claims, with or without merit, could be time-consuming and costly to defend, divert management "
            "attention, require us to redesign products or enter into costly licensing arrangements, or result in "
            "injunctions that prevent us from selling certain products.",
            "" } },
};

} // namespace

std::span<const SampleRisk> sampleOperatingRisks()
{
    return kRisks;
}

} // namespace moescope

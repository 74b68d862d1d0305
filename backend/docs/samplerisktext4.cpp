// Risk factors, part four: longer risks (three paragraphs) added to every category.

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
    { kMarket, "The concentration of growth in a small number of end markets could make our results more volatile.",
        { "A growing share of our revenue growth in recent years has come from a limited number of end markets, "
          "including [data centers, semiconductors and utilities|semiconductors, life sciences and water "
          "infrastructure]. Demand in these markets has been supported by significant capital investment programs "
          "that may not continue at the same pace.",
            "If customers in these markets reduce their capital spending, whether because of overcapacity, changes in "
            "technology, higher financing costs or changes in government incentives, our orders and revenue could "
            "decline significantly, and we may be unable to redeploy capacity we have added to serve these markets.",
            "In addition, the rapid growth of these markets has attracted new competitors, including companies with "
            "greater resources, which could lead to pricing pressure and reduce our share of future projects." } },
    { kMarket, "Consolidation among our customers, distributors and competitors could adversely affect our business.",
        { "Many of the industries we serve are consolidating, and larger customers may have greater bargaining power "
          "to demand lower prices, longer payment terms and other concessions. Consolidation among distributors could "
          "reduce the number of channels through which we reach smaller customers, and a distributor acquired by a "
          "competitor could stop selling our products.",
            "Consolidation among our competitors could create companies with broader product portfolios, greater scale "
            "and more resources than we have, which could make it more difficult for us to compete.",
            "" } },
    { kOperations, "We may be unable to execute our capital expenditure programs on time and within budget.",
        { "We are investing in new capacity, automation and facility consolidations, including projects to expand "
          "production of products for our fastest-growing markets. Capital projects are subject to risks including "
          "delays in obtaining equipment and permits, construction cost overruns, shortages of skilled labor and "
          "difficulties in qualifying new production lines with customers.",
            "If we are unable to complete these projects as planned, we may be unable to meet customer demand, may "
            "incur higher costs and may not achieve the expected returns on our investments.",
            "Conversely, if demand does not develop as we expect, we could have excess capacity, which would reduce "
            "our margins and could require us to record impairment charges." } },
    { kOperations,
        "Our reliance on third-party logistics providers and global shipping routes exposes us to disruption and "
        "cost increases.",
        { "We depend on third-party carriers and logistics providers to transport raw materials, components and "
          "finished products. Disruptions to shipping routes, port congestion, labor disputes, fuel price increases "
          "and shortages of containers or trucks have in the past increased our costs and delayed deliveries, and "
          "similar events could recur.",
            "Attacks on commercial shipping and other geopolitical events affecting major trade routes could require "
            "longer transit times and higher freight costs, and could delay shipments of critical components.",
            "" } },
    { kTechnology,
        "Failure to keep pace with changes in digital technology and customer expectations could harm our "
        "competitive position.",
        { "Customers increasingly expect products to be connected, configurable and supported by software that "
          "provides data and analytics. Competitors, including software companies and new entrants, may develop "
          "digital offerings that are more attractive than ours or that reduce the importance of the hardware we "
          "sell.",
            "Developing competitive digital products requires significant investment in software engineering, data "
            "science and cybersecurity talent, which is in high demand, and we may be unable to recruit and retain "
            "the personnel we need.",
            "If we do not successfully develop and market digital capabilities, our products could become less "
            "competitive and our growth could slow." } },
    { kLegal, "Anti-corruption laws and the use of third-party intermediaries expose us to compliance risks.",
        { "We sell products in many countries that are perceived to have elevated levels of corruption, and in some "
          "of these countries we rely on distributors, agents and other intermediaries. The U.S. Foreign Corrupt "
          "Practices Act, the U.K. Bribery Act and similar laws prohibit improper payments to obtain or retain "
          "business, and we could be held liable for the actions of our intermediaries.",
            "Although we conduct due diligence on intermediaries, provide training and monitor transactions, we cannot "
            "ensure that our employees and business partners will always comply with these laws. Violations could "
            "result in substantial fines, disgorgement of profits, restrictions on our business and reputational "
            "harm.",
            "" } },
    { kFinancial, "Our defined contribution and other employee benefit costs could increase.",
        { "We provide retirement savings, health care and other benefits to our employees. The cost of these "
          "benefits, particularly health care, has increased faster than inflation, and changes in laws, the "
          "demographics of our workforce and competitive practices could increase our costs further.",
            "Certain of our foreign subsidiaries are required by local law to provide defined benefit pension or "
            "termination indemnity benefits, and changes in discount rates, asset returns or regulations could "
            "increase the cost of these arrangements.",
            "" } },
    { kFinancial,
        "Impairment of long-lived assets in connection with our restructuring activities could adversely affect our "
        "results.",
        { "As we consolidate facilities and rationalize product lines, we evaluate the recoverability of the related "
          "property, plant and equipment, right-of-use assets and intangible assets. If the carrying amounts of these "
          "assets exceed their recoverable amounts, we would be required to record impairment charges, which could be "
          "material to our results in the period recorded.",
            "", "" } },
    { kGeneral,
        "Our business could be adversely affected by changes in the political environment and government policies.",
        { "Changes in political leadership in the United States and other countries in which we operate could result "
          "in significant changes to tax, trade, regulatory, environmental and industrial policies. Such changes could "
          "affect demand for our products, our costs and the competitive environment in which we operate.",
            "Government shutdowns, delays in appropriations and uncertainty about the direction of policy can also "
            "delay customer decisions and the award of government-funded projects.",
            "" } },
    { kMarket, "Our competitive position depends in part on the reputation of our brands, which could be harmed.",
        { "Many of our products are sold under brand names that are well known in their markets and are associated "
          "with quality and reliability. Product failures, recalls, service problems or negative publicity could "
          "damage the reputation of our brands and reduce demand for our products.",
            "We also license certain brand names to distributors and partners, and their conduct could affect our "
            "reputation. Protecting and maintaining our brands requires continued investment, and we may not be able "
            "to prevent others from using similar names or marks in some countries.",
            "" } },
    { kMarket,
        "Our aftermarket business faces competition from lower-priced replacement parts and independent service "
        "providers.",
        { "Independent manufacturers produce replacement parts that are designed to fit our equipment, often at lower "
          "prices, and independent service companies offer maintenance and repair of our products. Some customers "
          "have increased their use of these alternatives to reduce costs.",
            "Regulatory initiatives relating to the right to repair equipment could require us to make parts, tools, "
            "software and documentation more widely available, which could increase competition for our aftermarket "
            "business and reduce our margins.",
            "" } },
    { kOperations, "Our business depends on the continued operation of our distribution centers and service network.",
        { "We distribute products and replacement parts from a limited number of regional distribution centers, and "
          "we rely on a network of service centers and field engineers to support our customers. A disruption at a "
          "major distribution center, or our inability to staff our service network, could delay deliveries and "
          "service, damage customer relationships and reduce our revenue.",
            "We are also consolidating and automating certain distribution operations, and problems with these "
            "projects could temporarily reduce our ability to fulfill orders.",
            "" } },
    { kOperations, "Inflation in wages and benefits could increase our costs faster than we can raise prices.",
        { "Labor costs represent a significant portion of our cost of revenue and operating expenses. Tight labor "
          "markets in several of the regions where we operate have required us to increase wages and benefits to "
          "attract and retain employees, and minimum wage laws continue to change.",
            "If we are unable to offset higher labor costs through productivity improvements and pricing, our margins "
            "could decline. Pricing actions also carry the risk that customers will reduce purchases or seek "
            "alternative suppliers.",
            "" } },
    { kTechnology,
        "Our use of open-source software could subject us to claims and restrict our ability to commercialize our "
        "products.",
        { "Our products and internal systems incorporate open-source software, which is generally licensed under terms "
          "that may require the disclosure of source code or impose other restrictions if it is combined with our "
          "proprietary software in certain ways. Although we monitor our use of open-source software, we could be "
          "subject to claims that we have not complied with applicable licenses, which could require us to release "
          "proprietary code, re-engineer products or cease selling them.",
            "Open-source software may also contain security vulnerabilities, and its developers generally provide no "
            "warranties or support.",
            "" } },
    { kLegal, "Changes in environmental regulations affecting our products could reduce demand or increase our costs.",
        { "Regulations restricting the use of certain refrigerants, chemicals and materials, and standards governing "
          "the energy efficiency and emissions of equipment, affect the design of many of our products and those of "
          "our customers. New regulations could require us to redesign products, write off inventory or incur "
          "additional testing and certification costs.",
            "While some regulatory changes create opportunities for our energy-efficient products, others could reduce "
            "demand for products that serve fossil-fuel-based applications, which represent a portion of our revenue.",
            "" } },
    { kFinancial, "Our hedging activities may not be effective, and counterparties may fail to perform.",
        { "We use foreign currency forward contracts to reduce the effect of exchange rate changes on our results. "
          "These contracts may not fully offset the effects of changes in exchange rates, and hedge accounting "
          "requirements are complex. In addition, we are exposed to the risk that the financial institutions that are "
          "our counterparties fail to perform their obligations under these contracts or under our credit facility.",
            "", "" } },
    { kGeneral, "We may not be able to attract and retain members of our Board of Directors with the required skills.",
        { "Effective oversight of our business requires directors with experience in our industries, finance, "
          "technology, cybersecurity and risk management. Increasing time commitments and regulatory requirements for "
          "directors of public companies could make it more difficult to attract and retain qualified directors, which "
          "could affect the effectiveness of our governance.",
            "", "" } },
};

} // namespace

std::span<const SampleRisk> sampleLongRisks()
{
    return kRisks;
}

} // namespace moescope

// Item 1. Business.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"
#include "docs/texttable.h"

#include <algorithm>
#include <array>

namespace moescope {

namespace {

constexpr std::string_view kOverview[] = {
    "{company} is a global provider of engineered products, instrumentation and related services used in critical "
    "applications across a broad range of industrial and technology end markets.",
    "We were founded in {founded}, completed our initial public offering in {ipo}, and our common stock is listed on "
    "the {exchange} under the symbol \u201c{ticker}.\u201d",
    "Our principal executive offices are located in {hqcity}, {hqstate}, and we have manufacturing, engineering, "
    "sales and service operations in {countries} countries.",
    "We [design, manufacture and service|design, manufacture, sell and support] products that help our customers "
    "[improve productivity, safety and energy efficiency|operate more safely, reliably and efficiently] in processes "
    "where precision and reliability are essential.",
    "In {fy}, we generated net revenue of {rev} and net income of {ni}, or {eps} per diluted share.",
    "We report our results in {segcount} reportable segments: {seglist}.",
    "Services, software, consumables and replacement parts represented approximately {svcshare} of our net revenue "
    "in {fy}; this recurring revenue tends to be less sensitive to economic cycles than our equipment sales.",
};

constexpr std::string_view kStrategyIntro[] = {
    "Our strategy is to [grow faster than our end markets|deliver above-market growth] while expanding margins and "
    "generating strong free cash flow that we can deploy to create long-term value for our stockholders.",
    "We pursue this strategy through a consistent operating model that emphasizes customer intimacy, disciplined "
    "innovation and continuous improvement in every part of our business.",
    "Our management team regularly reviews progress against these priorities with our Board of Directors.",
};

constexpr std::string_view kStrategyBullets[] = {
    "**Innovating in attractive markets.** We focus our research and development investment on applications with "
    "durable growth and where our engineering expertise allows us to differentiate, including [automation, "
    "electrification and digitalization|energy transition, automation and advanced manufacturing].",
    "**Expanding our recurring revenue.** We seek to increase the share of our revenue that comes from services, "
    "software, consumables and aftermarket parts by growing our installed base and broadening our service "
    "offerings.",
    "**Operating with excellence.** Our {short} Business System applies lean principles to manufacturing, supply "
    "chain, commercial and administrative processes, and is the foundation of our productivity and margin "
    "improvement.",
    "**Allocating capital with discipline.** We invest first in organic growth, then pursue acquisitions that "
    "strengthen our positions in core markets, and return excess cash to stockholders through dividends and share "
    "repurchases.",
    "**Developing our people.** We invest in the engagement, safety and development of our employees, whom we "
    "regard as our most important competitive advantage.",
};

constexpr std::string_view kSegment[] = {
    "Our {segname} segment designs, manufactures and services {segproducts}.",
    "Key product lines include {segexamples}, which are sold under brand names including {segbrands}.",
    "The segment serves customers in {segmarkets}.",
    "Its customers include {segcustomers}, and products are sold {segchannels}.",
    "Demand for the segment\u2019s products is influenced primarily by {segdriver}.",
    "The segment competes with {segcompetitors}, and we believe that the breadth of our product portfolio, our "
    "application engineering expertise and our global service footprint are important competitive strengths.",
    "In {fy}, the {segname} segment generated net revenue of {segrev}, or {segshare} of our consolidated net revenue, "
    "and segment operating income of {segoi}.",
    "Services, software and aftermarket parts represented approximately {segsvc} of the segment\u2019s net revenue in "
    "{fy}.",
};

constexpr std::string_view kCustomers[] = {
    "We sell to a large and diverse customer base, and no single customer accounted for more than 10% of our "
    "consolidated net revenue in {fy}, {py} or {ppy}.",
    "Our largest customers include multinational original equipment manufacturers, engineering and construction "
    "firms, utilities and industrial distributors, many of whom have purchased our products for decades.",
    "We maintain long-term relationships with many of our customers, which we believe reflects the reliability of "
    "our products and the quality of our application and service support.",
    "A significant portion of our revenue is generated from customers who specify our products in the design phase "
    "of their own equipment or facilities, which creates opportunities for recurring aftermarket revenue over the "
    "life of the installed base.",
    "Sales to our ten largest customers represented approximately [12%|14%|15%] of consolidated net revenue in {fy}.",
};

constexpr std::string_view kSales[] = {
    "We market our products through a combination of direct sales personnel, application engineers, independent "
    "manufacturers\u2019 representatives and industrial distributors.",
    "Our direct sales force focuses on large original equipment manufacturers, end users with complex "
    "applications and key accounts, while distributors provide local inventory and technical support to smaller "
    "customers.",
    "We also sell a growing portion of our aftermarket parts and consumables through digital channels, including "
    "customer portals integrated with our customers\u2019 procurement systems.",
    "Outside the United States, we sell through subsidiaries and branch offices in most major industrial economies "
    "and through distributors in other countries.",
    "Net revenue from customers outside the United States represented approximately {intlshare} of our consolidated "
    "net revenue in {fy}.",
};

constexpr std::string_view kCompetition[] = {
    "The markets in which we operate are highly competitive, and we face competition from large multinational "
    "companies as well as from smaller regional and specialized competitors.",
    "We compete primarily on the basis of product performance and reliability, technology, application expertise, "
    "quality, delivery, breadth of product offering, service and support, and price.",
    "Some of our competitors have greater financial, technical or marketing resources than we do, and new "
    "competitors, including companies from lower-cost regions, continue to enter certain of our markets.",
    "We believe that our installed base, our engineering capabilities and our reputation for quality position us "
    "well against our competitors, although we cannot assure that we will be able to maintain our competitive "
    "position.",
    "Because of the diversity of our products and markets, no single competitor competes with us across all of our "
    "businesses.",
};

constexpr std::string_view kResearch[] = {
    "We believe that continued investment in research and development is essential to our long-term growth.",
    "Research and development expense was {rnd0}, {rnd1} and {rnd2} in {fy}, {py} and {ppy}, respectively, "
    "representing approximately {rndpct} of net revenue in {fy}.",
    "Our engineering organization includes approximately [1,400|1,600|1,900] engineers and scientists located at "
    "technology centers in North America, Europe and Asia.",
    "Our development efforts focus on sensing and measurement technologies, embedded software and connectivity, "
    "materials science and energy-efficient designs.",
    "New products introduced within the last three years represented approximately [18%|21%|24%] of our product "
    "revenue in {fy}.",
    "We also collaborate with universities, customers and suppliers on research programs and, from time to time, "
    "acquire technologies that complement our internal development.",
};

constexpr std::string_view kIntellectualProperty[] = {
    "We own a substantial portfolio of patents, trademarks, trade secrets and other intellectual property rights "
    "that relate to our products and manufacturing processes.",
    "As of {fye}, we held approximately [1,100|1,350|1,600] issued patents and had approximately [400|500|600] "
    "pending patent applications worldwide.",
    "While we consider our intellectual property to be valuable, we do not believe that any single patent, "
    "trademark or license is material to our business as a whole.",
    "We rely on a combination of patent, trademark, copyright and trade secret laws, as well as confidentiality "
    "agreements and other contractual arrangements, to protect our intellectual property.",
    "Our principal trademarks, including {short} and our product brands, are registered in the United States and in "
    "many other countries.",
};

constexpr std::string_view kSupply[] = {
    "We purchase a wide variety of raw materials, components and subassemblies from numerous suppliers around the "
    "world.",
    "The principal raw materials and components we use include steel, stainless steel and specialty alloys, "
    "castings and forgings, copper, aluminum, plastics, semiconductors and other electronic components.",
    "We generally have multiple sources of supply for our raw materials and components, although certain items are "
    "obtained from a single source or a limited number of suppliers.",
    "During {py} and {fy}, we experienced extended lead times for certain electronic components and higher costs "
    "for freight and some commodities, which we mitigated through pricing actions, alternate sourcing and design "
    "changes.",
    "We continue to regionalize our supply base so that a greater portion of the materials we use is sourced in the "
    "region in which our products are manufactured.",
    "We believe that our sources of supply are adequate for our current and anticipated needs.",
};

constexpr std::string_view kBacklog[] = {
    "Our backlog consists of firm orders for products and services that have not yet been delivered or performed.",
    "Backlog was approximately {backlog} at {fye}, compared with approximately {backlog_py} at {pye}.",
    "We expect that the substantial majority of our backlog at {fye} will be converted to revenue during {nfy}.",
    "Because orders may be cancelled or rescheduled and lead times vary by product, backlog is not necessarily "
    "indicative of our future revenue.",
};

constexpr std::string_view kSeasonality[] = {
    "Our business is moderately seasonal, with net revenue typically lowest in the first quarter and highest in the "
    "fourth quarter, reflecting the budgeting and capital spending patterns of our customers.",
    "Working capital requirements are generally higher in the first half of the year, and our operating cash flow "
    "is typically strongest in the fourth quarter.",
    "Our service businesses experience less seasonality than our equipment businesses.",
};

constexpr std::string_view kRegulation[] = {
    "Our operations are subject to numerous federal, state, local and foreign laws and regulations, including those "
    "relating to environmental protection, workplace health and safety, product safety, export controls and "
    "economic sanctions, anti-corruption, competition, data privacy and taxation.",
    "Certain of our products are subject to export control regulations, including the Export Administration "
    "Regulations, and some of our sales require export licenses.",
    "We have implemented policies, procedures and training programs designed to promote compliance with applicable "
    "laws, including the U.S. Foreign Corrupt Practices Act and similar laws in other countries.",
    "Compliance with environmental laws and regulations did not have a material effect on our capital expenditures, "
    "earnings or competitive position in {fy}, and we do not currently expect such compliance to have a material "
    "effect in {nfy}.",
    "We are also subject to evolving laws and regulations relating to the protection of personal data, including "
    "the European Union\u2019s General Data Protection Regulation and various U.S. state privacy laws.",
};

constexpr std::string_view kSustainability[] = {
    "We are committed to operating our business responsibly and to helping our customers reduce their energy "
    "consumption, emissions and waste.",
    "Many of our products enable customers to improve energy efficiency, conserve water and monitor emissions, and "
    "we estimate that a growing share of our revenue is derived from products with these attributes.",
    "We have established targets to reduce the greenhouse gas emissions of our own operations and report our "
    "progress in our annual sustainability report, which is available on our website.",
    "Information contained in our sustainability report is not incorporated by reference into this Annual Report.",
};

constexpr std::string_view kHumanCapital[] = {
    "As of {fye}, we employed approximately {employees} people in {countries} countries, of whom approximately "
    "{usemployees} were located in the United States.",
    "Certain of our employees outside the United States are represented by works councils or labor unions, and we "
    "believe that our relations with our employees are good.",
    "We believe that a safe, engaged and skilled workforce is critical to our success.",
};

constexpr std::string_view kSafety[] = {
    "Safety is a core value at {short}.",
    "We track safety performance at every site and review it with senior management and the Board of Directors.",
    "Our total recordable incident rate was [0.52|0.61|0.48] in {fy}, which compares favorably with industry "
    "benchmarks.",
    "We continue to invest in training, equipment and processes designed to eliminate workplace injuries.",
};

constexpr std::string_view kTalent[] = {
    "We offer competitive compensation and benefits, including annual incentive programs, equity awards for eligible "
    "employees, retirement savings plans and health and wellness programs.",
    "We invest in the development of our employees through technical training, leadership programs and tuition "
    "assistance, and we fill a significant portion of our leadership positions with internal candidates.",
    "We conduct a global employee engagement survey periodically and use the results to develop action plans at the "
    "business and site level.",
    "We seek to foster an inclusive culture in which employees with different backgrounds and perspectives can "
    "contribute and advance.",
    "Voluntary employee turnover was approximately [7%|8%|9%] in {fy}.",
};

constexpr std::string_view kAvailable[] = {
    "Our website address is {website}. We make available free of charge on or through our website our Annual Reports "
    "on Form 10-K, Quarterly Reports on Form 10-Q, Current Reports on Form 8-K and amendments to those reports filed "
    "or furnished pursuant to Section 13(a) or 15(d) of the Exchange Act as soon as reasonably practicable after we "
    "electronically file such material with, or furnish it to, the Securities and Exchange Commission (the "
    "\u201cSEC\u201d).",
    "The SEC maintains an internet site at www.sec.gov that contains reports, proxy and information statements and "
    "other information regarding issuers that file electronically with the SEC.",
    "Our Corporate Governance Guidelines, the charters of the committees of our Board of Directors and our Code of "
    "Business Conduct are also available on our website.",
    "The information on our website is not incorporated by reference into this Annual Report.",
};

constexpr std::string_view kStrengths[] = {
    "**Leading positions in attractive niches.** We hold the number one or number two position in a majority of the "
    "product categories in which we compete, based on our estimates of market share, and our products are often "
    "specified by name in customer designs and engineering standards.",
    "**Large installed base.** Our products have been installed in customer facilities for decades, and the resulting "
    "demand for replacement parts, upgrades and services provides a stable and profitable source of revenue through "
    "economic cycles.",
    "**Application engineering expertise.** Our engineers work alongside customers to select, configure and integrate "
    "our products into complex systems, which deepens our relationships and makes our products difficult to replace.",
    "**Diversified end markets and geographies.** No single end market accounted for more than [25%|30%] of our net "
    "revenue in {fy}, and we generate a substantial portion of our revenue outside the United States, which reduces "
    "our exposure to any one economic cycle.",
    "**Strong cash generation.** Our asset-light operating model and disciplined working capital management have "
    "enabled us to convert a high percentage of our net income into free cash flow, which funds our investments, "
    "acquisitions and returns to stockholders.",
    "**Experienced leadership and a performance culture.** Our leadership team has deep experience in our industries, "
    "and our incentive programs align management with the creation of long-term stockholder value.",
};

constexpr std::string_view kRecent[] = {
    "In {fy}, we completed the integration of {acq} into our {acqseg} segment, including the migration of its "
    "operations to our enterprise systems and the consolidation of two of its facilities into existing {short} "
    "plants.",
    "We launched [more than 40|approximately 50|more than 60] new products during the year, including new "
    "connected devices and software applications.",
    "We opened a new engineering and technology center in [Pune, India|Brno, Czech Republic|Guadalajara, Mexico] "
    "to expand our software and product development capacity.",
    "We continued to execute the {program} program, which reduced our workforce and closed or consolidated "
    "[four|five|six] facilities during the year.",
    "In February {nfy}, our Board of Directors increased our quarterly dividend to {dpsq_next} per share.",
};

constexpr std::string_view kBusinessSystem[] = {
    "The {short} Business System is the set of tools, processes and behaviors we use to run our businesses, and it "
    "is central to how we create value.",
    "It draws on lean principles and emphasizes safety, quality, delivery and cost, in that order, together with the "
    "disciplined management of growth initiatives through structured commercial processes.",
    "Every business uses a common set of metrics and daily management routines that make problems visible and help "
    "teams solve them at their root cause.",
    "We apply the same tools to integrate acquired businesses, which we believe allows us to improve their margins "
    "and working capital performance after we acquire them.",
    "In {fy}, we trained more than [2,000|2,500|3,000] employees in business system tools and completed more than "
    "[400|550|700] improvement events across our sites.",
    "We measure the maturity of each site against a common standard and share best practices through communities of "
    "practice that connect our operations leaders worldwide.",
};

constexpr std::string_view kManufacturing[] = {
    "We operate [approximately 40|more than 45|approximately 50] manufacturing facilities, located primarily in North "
    "America, Europe and Asia.",
    "Our manufacturing operations include machining, casting finishing, welding, electronics assembly, final "
    "assembly and testing, and we rely on suppliers for many components and subassemblies.",
    "We generally manufacture our products in the regions in which they are sold, which shortens lead times, "
    "reduces freight costs and limits our exposure to tariffs.",
    "We continue to invest in automation, including robotic assembly and automated testing, to improve productivity "
    "and quality and to address the shortage of skilled labor in some regions.",
    "Under the {program} program, we are consolidating several smaller plants into larger, more efficient "
    "facilities.",
};

constexpr std::string_view kQuality[] = {
    "Our products are used in applications where failures can be costly or dangerous, and quality is a core element "
    "of our business system.",
    "Substantially all of our manufacturing facilities are certified to ISO 9001, and facilities that serve the "
    "aerospace, medical and automotive markets hold the additional certifications those industries require.",
    "We track quality performance through metrics such as customer complaints, warranty costs and first-pass yield, "
    "and we review them regularly with business leadership.",
    "Our product development process includes design reviews, reliability testing and validation in customer "
    "applications before new products are released.",
};

constexpr std::string_view kDigital[] = {
    "Digital capabilities are increasingly important to the value we deliver to customers.",
    "Many of our products include embedded software and connectivity that allow them to be configured, monitored "
    "and diagnosed remotely, and we offer software applications that use the data our products generate to improve "
    "the performance and reliability of customer operations.",
    "We also use digital tools internally, including e-commerce platforms for aftermarket parts, configure-price-quote "
    "systems for engineered products and analytics that help us manage pricing and inventory.",
    "Our software development teams follow secure development practices, and we have established a product security "
    "incident response team to address vulnerabilities in our connected products.",
};

constexpr std::string_view kAftermarket[] = {
    "Our installed base of equipment, which we estimate has a replacement value of several times our annual revenue, "
    "generates demand for replacement parts, consumables, repairs, upgrades and services over its life.",
    "We serve this demand through a global network of service centers, field service engineers and authorized "
    "partners.",
    "Aftermarket revenue typically carries higher margins than sales of new equipment and is less affected by "
    "economic cycles.",
    "We are expanding our service offerings through multi-year service agreements, remote monitoring and "
    "performance-based contracts.",
};

} // namespace

void SampleReportGenerator::segmentNarrative(std::size_t s)
{
    const auto& seg = m_company.segments[s];
    const auto& y = fy(0).segments[s];
    auto& t = m_text;
    t.set("segname", seg.name);
    t.set("segproducts", seg.products);
    t.set("segexamples", seg.productExamples);
    t.set("segmarkets", seg.markets);
    t.set("segcustomers", seg.customers);
    t.set("segchannels", seg.channels);
    t.set("segcompetitors", seg.competitors);
    t.set("segbrands", seg.brands);
    t.set("segdriver", seg.driver);
    t.set("segrev", formatMillions(y.revenue));
    t.set("segshare", formatPercent(static_cast<double>(y.revenue) / fy(0).revenue, 0));
    t.set("segoi", formatMillions(y.operatingIncome));
    t.set("segsvc", formatPercent(static_cast<double>(y.serviceRevenue) / y.revenue, 0));
    m_doc.heading(seg.name, 2);
    para(kSegment[0]);
    m_doc.paragraph(fill(kSegment[1]) + " " + fill(kSegment[2]) + " " + fill(kSegment[3]));
    m_doc.paragraph(m_text.pick(std::span(kSegment).subspan(4), 3) + " " + fill(kSegment[7]));
    if (seg.productLines.empty())
        return;
    para("The segment\u2019s principal product and service lines are:");
    TextTable lines(m_textWidth, { { 0.3 }, { 0.7 } }, { "Product Line", "Description" });
    for (const auto& [name, description] : seg.productLines)
        lines.row({ name, description }, 3);
    m_doc.table(lines.take());
}

void SampleReportGenerator::endMarkets()
{
    // Segment revenue spread over each segment's three end markets, merged across segments.
    std::vector<std::pair<std::string, double>> markets;
    const auto& y = fy(0);
    const double weights[3] = { 0.45, 0.33, 0.22 };
    for (std::size_t s = 0; s < m_company.segments.size(); ++s) {
        const auto& names = m_company.segments[s].endMarkets;
        for (std::size_t k = 0; k < names.size() && k < 3; ++k) {
            auto it = std::find_if(markets.begin(), markets.end(), [&](const auto& m) { return m.first == names[k]; });
            const double v = static_cast<double>(y.segments[s].revenue) * weights[k];
            if (it == markets.end())
                markets.push_back({ names[k], v });
            else
                it->second += v;
        }
    }
    if (markets.empty())
        return;
    std::stable_sort(markets.begin(), markets.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    // Whole percentages that add up to 100 (largest remainder).
    std::vector<int> pct(markets.size());
    std::vector<std::pair<double, std::size_t>> rest;
    int used = 0;
    for (std::size_t i = 0; i < markets.size(); ++i) {
        const double exact = markets[i].second * 100.0 / static_cast<double>(y.revenue);
        pct[i] = static_cast<int>(exact);
        used += pct[i];
        rest.push_back({ exact - pct[i], i });
    }
    std::stable_sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; used < 100 && k < rest.size(); ++k, ++used)
        ++pct[rest[k].second];
    m_doc.heading("Our Markets", 1);
    para("We serve customers in a diverse set of end markets, which reduces our exposure to the cycle of any single "
         "industry. The following table shows our estimate of the percentage of our {fy} net revenue derived from each "
         "of our principal end markets, based on the primary market of the customer:");
    TextTable t(m_textWidth, { { m_textWidth - 90 }, { 90, TextAlign::Right, false } },
        { "End Market", "% of " + m_text.get("fy") + " Net Revenue" });
    for (std::size_t i = 0; i < markets.size(); ++i)
        t.row({ markets[i].first, std::to_string(pct[i]) + "%" });
    t.row({ "Total", "100%" }, 0, true);
    t.table().rows.back().ruleAbove = TableRule::Single;
    m_doc.table(t.take());
    for (const auto& m : markets) {
        const auto text = sampleEndMarketDescription(m.first);
        if (!text.empty())
            m_doc.paragraph("**" + m.first + ".** " + fill(text));
    }
}

void SampleReportGenerator::business()
{
    auto& d = m_doc;
    const auto& y = fy(0);
    m_text.set("rnd0", formatMillions(fy(0).researchDevelopment));
    m_text.set("rnd1", formatMillions(fy(1).researchDevelopment));
    m_text.set("rnd2", formatMillions(fy(2).researchDevelopment));
    m_text.set("rndpct", formatPercent(static_cast<double>(y.researchDevelopment) / y.revenue));
    m_text.set("svcshare", formatPercent(static_cast<double>(y.serviceRevenue) / y.revenue, 0));

    d.item("I", "1", "Business");
    d.heading("Overview", 1);
    m_doc.paragraph(fill(kOverview[0]) + " " + m_text.pick(std::span(kOverview).subspan(1), 5));
    para("We have grown both organically and through acquisitions. In {acqyear}, we acquired {acq}, a provider of "
         "complementary technologies that expanded our {acqseg} segment, for {acqprice} in cash. In {py}, we also "
         "launched the {program} program to simplify our organizational structure and consolidate certain "
         "manufacturing and administrative facilities.");
    companyHistory();
    d.heading("Recent Developments", 1);
    paraPick(kRecent, 4);
    d.heading("Competitive Strengths", 1);
    para("We believe that the following strengths differentiate us from our competitors:");
    {
        std::vector<std::string> strengths;
        for (auto i : m_text.rng().orderedSubset(static_cast<int>(std::size(kStrengths)), 5))
            strengths.push_back(fill(kStrengths[i]));
        d.bullets(strengths);
    }
    d.heading("Our Strategy", 1);
    paraPick(kStrategyIntro, 2);
    std::vector<std::string> bullets;
    for (auto i : m_text.rng().orderedSubset(static_cast<int>(std::size(kStrategyBullets)), 4))
        bullets.push_back(fill(kStrategyBullets[i]));
    d.bullets(bullets);
    endMarkets();
    d.heading(fill("The {short} Business System"), 1);
    paraPick(kBusinessSystem, 5);
    d.heading("Business Segments", 1);
    para("We manage our business in {segcount} reportable segments, which are organized based on the products we "
         "offer and the markets we serve: {seglist}. Financial information about our segments and the geographic "
         "areas in which we operate is included in {note_segments}, \u201c{notetitle_segments},\u201d of the Notes to "
         "Consolidated Financial Statements included in Part II, Item 8 of this Annual Report.");
    segmentSummary();
    for (std::size_t s = 0; s < m_company.segments.size(); ++s)
        segmentNarrative(s);
    d.heading("Aftermarket and Services", 1);
    paraPick(kAftermarket, 4);
    d.heading("Customers", 1);
    paraPick(kCustomers, 4);
    d.heading("Sales and Distribution", 1);
    paraPick(kSales, 4);
    d.heading("Competition", 1);
    paraPick(kCompetition, 4);
    competitionTable();
    d.heading("Research and Development", 1);
    paraPick(kResearch, 5);
    d.heading("Digital Capabilities", 1);
    paraPick(kDigital, 4);
    d.heading("Manufacturing and Operations", 1);
    paraPick(kManufacturing, 5);
    d.heading("Quality", 1);
    paraPick(kQuality, 4);
    d.heading("Intellectual Property", 1);
    paraPick(kIntellectualProperty, 4);
    d.heading("Raw Materials and Supply Chain", 1);
    paraPick(kSupply, 5);
    d.heading("Backlog", 1);
    paraPick(kBacklog, 4);
    d.heading("Seasonality", 1);
    paraPick(kSeasonality, 2);
    seasonalityTable();
    d.heading("Government Regulation", 1);
    paraPick(kRegulation, 4);
    d.heading("Environmental Matters and Sustainability", 1);
    paraPick(kSustainability, 3);
    sustainabilityMetrics();
    contractsAndInsurance();
    d.heading("Human Capital", 1);
    paraPick(kHumanCapital, 3);
    workforceMetrics();
    d.heading("Health and Safety", 2);
    paraPick(kSafety, 3);
    d.heading("Compensation, Development and Engagement", 2);
    paraPick(kTalent, 4);
    d.heading("Available Information", 1);
    paraPick(kAvailable, 4);
}

} // namespace moescope

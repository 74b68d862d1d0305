// Item 1. Business: segment summary, workforce and sustainability metrics, government contracts and insurance.

#include "docs/reportformat.h"
#include "docs/samplereportgenerator.h"
#include "docs/texttable.h"

#include <array>
#include <cmath>
#include <cstdio>

namespace moescope {

void SampleReportGenerator::segmentSummary()
{
    para("The following table summarizes net revenue and segment operating income by segment for the last three "
         "years:");
    auto t = yearTable(3, "(in millions)");
    for (std::size_t s = 0; s < m_company.segments.size(); ++s) {
        t.section(m_company.segments[s].name + ":", { .spaceBefore = s ? 3.0 : 0.0 });
        std::vector<Money> rev, oi;
        std::vector<std::string> share;
        for (int b = 0; b < 3; ++b) {
            rev.push_back(fy(b).segments[s].revenue);
            oi.push_back(fy(b).segments[s].operatingIncome);
            share.push_back(formatPercent(static_cast<double>(rev.back()) / fy(b).revenue, 0));
        }
        t.row("Net revenue", rev, { .indent = 1, .dollar = s == 0 });
        t.textRow("Percentage of consolidated net revenue", share, { .indent = 1 });
        t.row("Segment operating income", oi, { .indent = 1 });
    }
    m_doc.table(t.build());
}

void SampleReportGenerator::workforceMetrics()
{
    const int total = m_company.employees;
    const int us = static_cast<int>(std::lround(total * m_company.usEmployeeShare / 10.0)) * 10;
    const int europe = static_cast<int>(std::lround((total - us) * 0.45 / 10.0)) * 10;
    const int asia = static_cast<int>(std::lround((total - us) * 0.35 / 10.0)) * 10;
    const int other = total - us - europe - asia;
    para("The following table presents our approximate number of employees by region and by function as of {fye}:");
    TextTable t(m_textWidth,
        { { m_textWidth - 2 * 90 }, { 90, TextAlign::Right, false }, { 90, TextAlign::Right, false } },
        { "", "Employees", "% of Total" });
    auto row = [&](const std::string& label, int n) {
        if (n <= 0)
            t.row({ label }, 0, true);
        else
            t.row({ label, formatGrouped(n), formatPercent(static_cast<double>(n) / total, 0) }, 0, false, 10);
    };
    row("By region:", 0);
    row("United States", us);
    row("Europe", europe);
    row("Asia Pacific", asia);
    row("Rest of world", other);
    const int manufacturing = static_cast<int>(std::lround(total * 0.54 / 10.0)) * 10;
    const int engineering = static_cast<int>(std::lround(total * 0.14 / 10.0)) * 10;
    const int sales = static_cast<int>(std::lround(total * 0.19 / 10.0)) * 10;
    row("By function:", 0);
    row("Manufacturing and operations", manufacturing);
    row("Engineering and research", engineering);
    row("Sales, service and marketing", sales);
    row("General and administrative", total - manufacturing - engineering - sales);
    t.row({ "Total", formatGrouped(total), "100%" }, 0, true);
    t.table().rows.back().ruleAbove = TableRule::Single;
    m_doc.table(t.take());
}

void SampleReportGenerator::sustainabilityMetrics()
{
    SampleRng rng = m_rng.fork("sustainability");
    const double scale = static_cast<double>(fy(0).revenue) / 1000.0;
    std::array<long, 3> scope1 {}, scope2 {}, energy {}, water {};
    std::array<double, 3> trir {};
    double s1 = scale * rng.uniform(9000, 12000), s2 = scale * rng.uniform(15000, 21000);
    double e = scale * rng.uniform(170, 230), w = scale * rng.uniform(95, 140), r = rng.uniform(0.6, 0.8);
    for (int i = 2; i >= 0; --i) {
        scope1[static_cast<std::size_t>(i)] = std::lround(s1 / 100) * 100;
        scope2[static_cast<std::size_t>(i)] = std::lround(s2 / 100) * 100;
        energy[static_cast<std::size_t>(i)] = std::lround(e);
        water[static_cast<std::size_t>(i)] = std::lround(w);
        trir[static_cast<std::size_t>(i)] = r;
        s1 *= rng.uniform(0.9, 0.97);
        s2 *= rng.uniform(0.84, 0.94);
        e *= rng.uniform(0.95, 1.01);
        w *= rng.uniform(0.93, 1.0);
        r *= rng.uniform(0.85, 0.98);
    }
    para("We track environmental and safety performance across our operations. The following table presents "
         "selected metrics for the last three years; emissions data are calculated in accordance with the Greenhouse "
         "Gas Protocol and are subject to limited assurance by a third party:");
    FinancialTable t({ m_text.get("fy"), m_text.get("py"), m_text.get("ppy") }, "", "", m_textWidth, 64);
    auto row = [&](const std::string& label, const std::array<long, 3>& v) {
        t.textRow(label, { formatGrouped(v[0]), formatGrouped(v[1]), formatGrouped(v[2]) });
    };
    row("Scope 1 emissions (metric tons CO2e)", scope1);
    row("Scope 2 emissions, market-based (metric tons CO2e)", scope2);
    row("Energy consumption (thousand gigajoules)", energy);
    row("Water withdrawal (thousand cubic meters)", water);
    char buf[3][16];
    for (int i = 0; i < 3; ++i)
        std::snprintf(buf[i], sizeof buf[i], "%.2f", trir[static_cast<std::size_t>(i)]);
    t.textRow("Total recordable incident rate", { buf[0], buf[1], buf[2] });
    m_doc.table(t.build());
    para("Our goals are to reduce our combined Scope 1 and Scope 2 emissions by [40%|45%|50%] by 2030 compared with a "
         "2021 baseline, to source [60%|70%] of our electricity from renewable sources by 2030, and to achieve zero "
         "waste to landfill at our largest manufacturing sites. Progress toward these goals depends on the "
         "availability of renewable energy and on the cost of efficiency projects, and there is no assurance that we "
         "will achieve them.");
}

void SampleReportGenerator::contractsAndInsurance()
{
    m_doc.heading("Government Contracts", 1);
    para("Sales to U.S. federal, state and local government agencies, directly or through prime contractors, "
         "represented approximately [4%|5%|6%] of our net revenue in {fy}. Government contracts are subject to "
         "procurement regulations and to termination for convenience, and some of them are subject to audit. We do "
         "not believe that the loss of any single government contract would have a material adverse effect on our "
         "business.");
    m_doc.heading("Insurance", 1);
    para("We maintain insurance coverage for property damage and business interruption, general and product "
         "liability, cyber risks, directors\u2019 and officers\u2019 liability, and other risks, in amounts and with "
         "deductibles that we believe are appropriate for our operations. We also retain certain risks through a "
         "wholly owned captive insurance subsidiary. Insurance may not cover all losses, and coverage may not "
         "continue to be available on acceptable terms.");
}

} // namespace moescope

// Item 1A. Risk Factors.

#include "docs/samplereportgenerator.h"
#include "docs/samplerisktext.h"

#include <algorithm>

namespace moescope {

void SampleReportGenerator::riskFactors()
{
    auto& d = m_doc;
    m_text.set("markets", m_company.segments.front().markets);
    m_text.set(
        "materials", "steel, specialty alloys, copper, aluminum, semiconductors and other electronic components");
    d.item("I", "1A", "Risk Factors", true);
    para("An investment in our securities involves risks. You should carefully consider the risks described below, "
         "together with the other information in this Annual Report, including \u201cManagement\u2019s Discussion "
         "and Analysis of Financial Condition and Results of Operations\u201d and our consolidated financial "
         "statements and related notes, before making an investment decision. The occurrence of any of the "
         "following risks could materially and adversely affect our business, financial condition, results of "
         "operations, cash flows and the trading price of our common stock. The risks described below are not the "
         "only risks we face; additional risks not currently known to us or that we currently deem immaterial may "
         "also adversely affect us.");
    d.heading("Summary of Risk Factors", 1);
    para("The following is a summary of the principal risks that could adversely affect our business:");
    // Most of the bank, always including the required risks, grouped by category in the bank's order.
    std::vector<const SampleRisk*> all;
    for (auto category : sampleRiskCategories())
        for (auto bank : { sampleOperatingRisks(), sampleFinancialRisks(), sampleAdditionalRisks(), sampleLongRisks() })
            for (const auto& r : bank)
                if (r.category == category)
                    all.push_back(&r);
    const auto keep = m_text.rng().orderedSubset(static_cast<int>(all.size()), static_cast<int>(all.size()) - 4);
    std::vector<const SampleRisk*> chosen;
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i]->required || std::find(keep.begin(), keep.end(), static_cast<int>(i)) != keep.end())
            chosen.push_back(all[i]);
    std::vector<std::string> summary;
    for (const SampleRisk* r : chosen)
        if (summary.size() < 12 && (r->required || m_text.rng().chance(0.3)))
            summary.push_back(fill(r->heading));
    d.bullets(summary);
    std::string_view category;
    for (const SampleRisk* r : chosen) {
        if (r->category != category) {
            category = r->category;
            d.heading(std::string(category), 1);
        }
        d.heading(fill(r->heading), 2);
        for (auto p : r->paragraphs)
            if (!p.empty())
                para(p);
    }
}

} // namespace moescope

#pragma once
// The bank of risk factors the sample report draws Item 1A from: a category, a bold heading sentence and up to
// three paragraphs each, written as templates (see TemplateFiller) in the language of 10-K filings.

#include <array>
#include <span>
#include <string_view>

namespace moescope {

struct SampleRisk {
    std::string_view category;
    std::string_view heading;
    std::array<std::string_view, 3> paragraphs; // empty entries are skipped
    bool required = false; // always included, whatever the seed
};

// Business, operations and technology risks.
std::span<const SampleRisk> sampleOperatingRisks();
// Legal, financial, stock and general risks.
std::span<const SampleRisk> sampleFinancialRisks();
// More risks of every category.
std::span<const SampleRisk> sampleAdditionalRisks();
// Longer risks of every category.
std::span<const SampleRisk> sampleLongRisks();
// The order in which categories appear in Item 1A.
std::span<const std::string_view> sampleRiskCategories();

} // namespace moescope

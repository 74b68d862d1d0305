#pragma once
// The quantization comparison's charts (eval/comparison.h), built as ChartScenes so the GUI shows and exports the
// same figure (SVG, PNG) and the CLI could write it: one metric per model as bars, per-layer routing drift as lines,
// and weight memory against quality as a scatter. Titles name the model and token count; axes carry units and start
// at zero. Plain C++, any thread.

#include "eval/chartscene.h"
#include "eval/chartstyle.h"
#include "eval/comparison.h"

#include <string>
#include <utility>
#include <vector>

namespace moescope {

enum class ComparisonMetric {
    PerplexityRatio,
    Perplexity,
    KlMean,
    KlP99,
    Top1Agreement,
    Top1AgreementDecided, // on the tokens the baseline decides (ComparisonResult::decidedMargin)
    DeltaPMean,
    DeltaPRms,
    MemoryShare, // weight bytes / bf16 weight bytes, %
    DecodeSpeed, // tokens/s
    PrefillSpeed,
};

struct ComparisonMetricInfo {
    ComparisonMetric metric;
    std::string key; // "ppl_ratio", for file names and CSV
    std::string name; // "perplexity ratio to the baseline"
    std::string unit; // axis label with unit
};

const std::vector<ComparisonMetricInfo>& comparisonMetrics();
// The value of a metric for one model of the result (the baseline included).
double comparisonMetricValue(const ComparisonResult& result, const VariantResult& model, ComparisonMetric metric);

// fit: the size to lay the chart out for (chartstyle.h; default: the exported figure's).
// Bars: the metric for the baseline and every variant.
ChartScene comparisonMetricChart(
    const ComparisonResult& result, ComparisonMetric metric, const ChartTheme& theme, FigureSize fit = {});
// Lines: per MoE layer, the share of scored tokens whose top-k expert set differs from the baseline's (%).
// Throws InvalidArgumentError when no variant has MoE layers (a dense model, or only a baseline).
ChartScene comparisonDriftChart(const ComparisonResult& result, const ChartTheme& theme, FigureSize fit = {});
// Scatter: weight memory (% of bf16) against mean KL divergence from the baseline, one labelled point per model.
ChartScene memoryQualityChart(const ComparisonResult& result, const ChartTheme& theme, FigureSize fit = {});

// Every chart an export of the comparison writes, with its file stem: a bar chart per metric
// ("comparison_" + key), the memory / quality scatter and, when some variant has MoE layers, the routing drift.
std::vector<std::pair<std::string, ChartScene>> comparisonExportCharts(
    const ComparisonResult& result, const ChartTheme& theme);

} // namespace moescope

#include "eval/comparisoncharts.h"

#include "core/error.h"
#include "eval/xychart.h"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <filesystem>

namespace moescope {

namespace {
std::string modelName(const ComparisonResult& r)
{
    const std::filesystem::path p(r.model);
    const auto name = p.filename().string();
    return name.empty() ? p.parent_path().filename().string() : name;
}

std::string about(const ComparisonResult& r)
{
    return modelName(r) + ", " + std::to_string(r.positions.size()) + " scored tokens, window "
        + std::to_string(r.window) + ", " + r.device + " " + r.computeDtype;
}

std::vector<const VariantResult*> models(const ComparisonResult& r)
{
    std::vector<const VariantResult*> out { &r.baseline };
    for (const auto& v : r.variants)
        out.push_back(&v);
    return out;
}

// A model's name on the charts: policies and saved checkpoints by their file or folder name, not the whole path.
std::string label(const VariantResult& v)
{
    if (v.name == "baseline")
        return "baseline (" + v.quantization + ")";
    for (const std::string prefix : { "mixed:", "dir:" }) {
        if (v.name.rfind(prefix, 0) != 0)
            continue;
        const std::filesystem::path p(v.name.substr(prefix.size()));
        const auto name = prefix == "mixed:" ? p.stem().string() : p.filename().string();
        return prefix + (name.empty() ? p.parent_path().filename().string() : name);
    }
    return v.name;
}
} // namespace

const std::vector<ComparisonMetricInfo>& comparisonMetrics()
{
    static const std::vector<ComparisonMetricInfo> kMetrics {
        { ComparisonMetric::PerplexityRatio, "ppl_ratio", "Perplexity ratio to the baseline", "ratio (1 = baseline)" },
        { ComparisonMetric::Perplexity, "ppl", "Perplexity", "perplexity (exp of mean NLL)" },
        { ComparisonMetric::KlMean, "kld_mean", "Mean KL divergence from the baseline", "KL divergence (nats)" },
        { ComparisonMetric::KlP99, "kld_p99", "99th percentile KL divergence", "KL divergence (nats)" },
        { ComparisonMetric::Top1Agreement, "top1_agreement", "Top-1 agreement with the baseline",
            "tokens with the same argmax (%)" },
        { ComparisonMetric::Top1AgreementDecided, "top1_agreement_decided",
            "Top-1 agreement on the tokens the baseline decides", "decided tokens with the same argmax (%)" },
        { ComparisonMetric::DeltaPMean, "delta_p_mean", "|Mean Δp| of the true next token",
            "|mean(p_variant - p_baseline)| (percentage points)" },
        { ComparisonMetric::DeltaPRms, "delta_p_rms", "RMS Δp of the true next token", "RMS Δp (percentage points)" },
        { ComparisonMetric::MemoryShare, "memory", "Weight memory", "weight bytes (% of bf16)" },
        { ComparisonMetric::DecodeSpeed, "decode_tok_s", "Decode speed", "tokens per second" },
        { ComparisonMetric::PrefillSpeed, "prefill_tok_s", "Prefill speed", "tokens per second" },
    };
    return kMetrics;
}

double comparisonMetricValue(const ComparisonResult& r, const VariantResult& v, ComparisonMetric metric)
{
    switch (metric) {
    case ComparisonMetric::PerplexityRatio:
        return v.pplRatio;
    case ComparisonMetric::Perplexity:
        return v.ppl;
    case ComparisonMetric::KlMean:
        return v.klMean;
    case ComparisonMetric::KlP99:
        return v.klP99;
    case ComparisonMetric::Top1Agreement:
        return 100.0 * v.top1Agreement;
    case ComparisonMetric::Top1AgreementDecided:
        return 100.0 * v.top1AgreementDecided;
    case ComparisonMetric::DeltaPMean:
        return 100.0 * std::abs(v.deltaPMean);
    case ComparisonMetric::DeltaPRms:
        return 100.0 * v.deltaPRms;
    case ComparisonMetric::MemoryShare:
        return r.bf16WeightBytes > 0 ? 100.0 * double(v.weightBytes) / double(r.bf16WeightBytes) : NAN;
    case ComparisonMetric::DecodeSpeed:
        return v.decodeTokensPerSecond;
    case ComparisonMetric::PrefillSpeed:
        return v.prefillTokensPerSecond;
    }
    return NAN;
}

ChartScene comparisonMetricChart(const ComparisonResult& r, ComparisonMetric metric, const ChartTheme& theme, FigureSize fit)
{
    const auto& info = *std::find_if(comparisonMetrics().begin(), comparisonMetrics().end(),
        [&](const ComparisonMetricInfo& m) { return m.metric == metric; });
    XYChartSpec c;
    c.title = info.name;
    c.subtitle = about(r);
    if (metric == ComparisonMetric::Top1AgreementDecided) { // which tokens: near-ties left out
        char which[160];
        std::snprintf(which, sizeof which, "; the %.1f%% of tokens whose baseline top-1 leads its second by >= %.2f",
            100.0 * r.decidedShare, r.decidedMargin);
        c.subtitle += which;
    }
    c.xLabel = "model";
    c.yLabel = info.unit;
    c.theme = theme;
    c.fit = fit;
    ChartSeries s;
    s.name = info.name;
    for (const auto* v : models(r)) {
        c.categories.push_back(label(*v));
        s.values.push_back(comparisonMetricValue(r, *v, metric));
    }
    c.series.push_back(std::move(s));
    if (metric == ComparisonMetric::PerplexityRatio)
        c.references.push_back({ 1.0, "baseline = 1" });
    // Ratios near 1 and agreements near 100% differ in the last digits: the values stand over the bars, the ratio
    // with the table's four decimals.
    c.valueLabels = true;
    c.valueDecimals = metric == ComparisonMetric::KlMean || metric == ComparisonMetric::KlP99 ? 5
        : metric == ComparisonMetric::PerplexityRatio                                       ? 4
                                                                                            : 3;
    return xyChart(c);
}

ChartScene comparisonDriftChart(const ComparisonResult& r, const ChartTheme& theme, FigureSize fit)
{
    // The layers are those of the variants (the baseline is not compared with itself).
    const std::vector<int>* layers = nullptr;
    for (const auto& v : r.variants)
        if (!v.moeLayers.empty())
            layers = &v.moeLayers;
    if (!layers)
        throw InvalidArgumentError(
            "comparison of " + r.model + ": no variant with MoE layers was compared, so there is no routing drift");
    XYChartSpec c;
    c.title = "Routing drift per layer";
    c.subtitle = about(r) + "; share of scored tokens whose top-k expert set differs from the baseline's";
    c.xLabel = "decoder layer";
    c.yLabel = "tokens re-routed (%)";
    c.theme = theme;
    c.fit = fit;
    for (const int layer : *layers)
        c.categories.push_back(std::to_string(layer));
    for (const auto& v : r.variants) {
        ChartSeries s;
        s.name = label(v);
        s.kind = SeriesKind::Line;
        for (std::size_t i = 0; i < c.categories.size(); ++i)
            s.values.push_back(i < v.routingChanged.size() ? 100.0 * v.routingChanged[i] : NAN);
        c.series.push_back(std::move(s));
    }
    c.valueDecimals = 2;
    return xyChart(c);
}

ChartScene memoryQualityChart(const ComparisonResult& r, const ChartTheme& th, FigureSize fit)
{
    const auto all = models(r);
    std::vector<double> xs, ys;
    for (const auto* v : all) {
        xs.push_back(comparisonMetricValue(r, *v, ComparisonMetric::MemoryShare));
        ys.push_back(v->klMean);
    }
    double xMax = 0, yMax = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        if (std::isfinite(xs[i]))
            xMax = std::max(xMax, xs[i]);
        if (std::isfinite(ys[i]))
            yMax = std::max(yMax, ys[i]);
    }
    const AxisScale xs_ = niceScale(std::max(xMax * 1.05, 1e-9), 5);
    const AxisScale ys_ = niceScale(std::max(yMax * 1.1, 1e-6), 5);
    const std::string title = "Weight memory against quality";
    const std::string subtitle = about(r) + "; lower left is better";

    double tickWidth = 0;
    for (const double t : ys_.ticks)
        tickWidth = std::max(tickWidth, chartTextWidth(formatNumber(t, ys_.decimals), 11));
    const double left = 16 + 22 + tickWidth + 8;
    const double plotW = fittedPlotWidth(fit, left + 40, 460);
    const double width = figureWidth(fit, plotW, left + 40, title);
    std::vector<LegendEntry> legend;
    for (std::size_t i = 0; i < all.size(); ++i)
        legend.push_back({ label(*all[i]), categoricalColor(i), LegendMark::Box });
    ChartScene probe(width, 100, th.background, title);
    const double titleBottom = addTitleBlock(probe, th, 16, title, subtitle, width - 32);
    const double top = addLegend(probe, th, left, titleBottom, plotW, legend) + 8;
    const double below = 8 + 14 + 22 + 12; // tick labels and the x axis title
    const std::string yLabel = "mean KL divergence (nats)"; // from the baseline
    const double plotH = fittedPlotHeight(fit, top + below, yLabel, 300);
    const double height = top + plotH + below;

    ChartScene scene(width, height, th.background, title, subtitle);
    addTitleBlock(scene, th, 16, title, subtitle, width - 32);
    addLegend(scene, th, left, titleBottom, plotW, legend);
    const auto xOf = [&](double v) { return left + plotW * std::clamp(v / xs_.max, 0.0, 1.0); };
    const auto yOf = [&](double v) { return top + plotH * (1.0 - std::clamp(v / ys_.max, 0.0, 1.0)); };
    for (const double t : ys_.ticks) {
        if (t > 0)
            scene.add(chartLine({ { left, yOf(t) }, { left + plotW, yOf(t) } }, th.grid, 1));
        scene.add(chartLine({ { left - 4, yOf(t) }, { left, yOf(t) } }, th.axis, 1));
        scene.add(chartText({ left - 6, yOf(t) + 4 }, formatNumber(t, ys_.decimals), 11, th.text, TextAnchor::End));
    }
    for (const double t : xs_.ticks) {
        if (t > 0)
            scene.add(chartLine({ { xOf(t), top }, { xOf(t), top + plotH } }, th.grid, 1));
        scene.add(chartLine({ { xOf(t), top + plotH }, { xOf(t), top + plotH + 4 } }, th.axis, 1));
        scene.add(
            chartText({ xOf(t), top + plotH + 16 }, formatNumber(t, xs_.decimals), 11, th.text, TextAnchor::Middle));
    }
    scene.add(chartLine({ { left, top }, { left, top + plotH } }, th.axis, 1));
    scene.add(chartLine({ { left, top + plotH }, { left + plotW, top + plotH } }, th.axis, 1));
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (!std::isfinite(xs[i]) || !std::isfinite(ys[i]))
            continue;
        const ChartPoint p { xOf(xs[i]), yOf(ys[i]) };
        ChartCircle dot = chartDot(p, 5, categoricalColor(i));
        dot.stroke = th.background;
        dot.strokeWidth = 1;
        scene.add(dot);
        // A square under the dot carries the hover text.
        scene.add(chartRect(p.x - 5, p.y - 5, 10, 10, { 0, 0, 0, 0 },
            label(*all[i]) + ": " + formatNumber(xs[i], 1) + "% memory, KL " + formatNumber(ys[i], 5) + " nats"));
        scene.add(chartText({ p.x + 8, p.y - 8 }, label(*all[i]), 11, th.text));
    }
    scene.add(chartText(
        { left + plotW / 2, top + plotH + 36 }, "weight memory (% of bf16 bytes)", 13, th.text, TextAnchor::Middle));
    scene.add(chartText({ 16 + 13, top + plotH / 2 }, yLabel, 13, th.text,
        TextAnchor::Middle, false, true));
    return scene;
}

std::vector<std::pair<std::string, ChartScene>> comparisonExportCharts(
    const ComparisonResult& result, const ChartTheme& theme)
{
    std::vector<std::pair<std::string, ChartScene>> charts;
    for (const auto& m : comparisonMetrics())
        charts.emplace_back("comparison_" + m.key, comparisonMetricChart(result, m.metric, theme));
    charts.emplace_back("comparison_memory_vs_kl", memoryQualityChart(result, theme));
    const bool routed = std::any_of(
        result.variants.begin(), result.variants.end(), [](const VariantResult& v) { return !v.moeLayers.empty(); });
    if (routed) // a dense model has no routing to drift
        charts.emplace_back("comparison_routing_drift", comparisonDriftChart(result, theme));
    return charts;
}

} // namespace moescope

#include "eval/routingcharts.h"

#include "core/error.h"
#include "eval/chartrender.h"
#include "eval/heatmapchart.h"
#include "eval/xychart.h"

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
std::string withThousands(std::int64_t n)
{
    const std::string digits = std::to_string(n);
    std::string s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && digits[i - 1] != '-' && (digits.size() - i) % 3 == 0)
            s += ',';
        s += digits[i];
    }
    return s;
}

std::string about(const RoutingAggregates& a, const RoutingChartOptions& o)
{
    std::string s = o.modelName.empty() ? std::string() : o.modelName + ", ";
    return s + withThousands(a.tokens()) + " tokens, top-" + std::to_string(a.k()) + " of "
        + std::to_string(a.numExperts()) + " experts";
}

std::vector<std::string> layerLabels(const RoutingAggregates& a)
{
    std::vector<std::string> out;
    for (const int l : a.moeLayers())
        out.push_back(std::to_string(l));
    return out;
}

std::vector<std::string> expertLabels(int experts)
{
    std::vector<std::string> out;
    for (int e = 0; e < experts; ++e)
        out.push_back(std::to_string(e));
    return out;
}

template <typename F> std::vector<double> perLayer(const RoutingAggregates& a, F f)
{
    std::vector<double> out;
    for (int s = 0; s < a.layerCount(); ++s)
        out.push_back(f(s));
    return out;
}

constexpr const char* kLayerAxis = "decoder layer (MoE layers only)";

// A per-layer category chart: title, subtitle naming the run, the layer axis.
XYChartSpec layerChartSpec(const RoutingAggregates& a, const RoutingChartOptions& o, std::string title,
    const std::string& what, std::string yLabel)
{
    XYChartSpec c;
    c.title = std::move(title);
    c.subtitle = about(a, o) + "; " + what;
    c.xLabel = kLayerAxis;
    c.yLabel = std::move(yLabel);
    c.categories = layerLabels(a);
    c.theme = o.theme;
    c.fit = o.fit;
    return c;
}
} // namespace

ChartScene expertLoadChart(const RoutingAggregates& a, const RoutingChartOptions& o, bool weightShare)
{
    HeatmapSpec h;
    h.title = weightShare ? "Routing weight per expert and layer" : "Expert load per layer";
    h.subtitle = about(a, o)
        + (weightShare ? "; share of the layer's applied routing weight, rows sum to 100%"
                       : "; share of the layer's top-k choices, rows sum to 100%");
    h.xLabel = "expert";
    h.yLabel = kLayerAxis;
    h.valueLabel = weightShare ? "share of the layer's routing weight (%)" : "share of the layer's choices (%)";
    h.rowLabels = layerLabels(a);
    h.columnLabels = expertLabels(a.numExperts());
    for (int s = 0; s < a.layerCount(); ++s)
        for (const double v : weightShare ? a.weightShare(s) : a.share(s))
            h.values.push_back(100.0 * v);
    h.valueDecimals = 2;
    h.theme = o.theme;
    h.fit = o.fit;
    return heatmapChart(h);
}

ChartScene entropyChart(const RoutingAggregates& a, const RoutingChartOptions& o)
{
    XYChartSpec c = layerChartSpec(a, o, "Routing entropy per layer", "mean over tokens", "entropy (bits)");
    c.series.push_back({ "top-k weights (renormalised)", perLayer(a, [&](int s) { return a.meanTopkEntropy(s); }),
        SeriesKind::Bars, std::nullopt, false });
    c.references.push_back({ std::log2(double(a.k())), "maximum for top-" + std::to_string(a.k()) + ": log2 k" });
    if (a.routerEntropyKind() != RouterEntropyKind::None) {
        c.series.push_back({ "full router distribution", perLayer(a, [&](int s) { return a.meanRouterEntropy(s); }),
            SeriesKind::Line, std::nullopt, false });
        c.references.push_back({ std::log2(double(a.numExperts())),
            "maximum over " + std::to_string(a.numExperts()) + " experts: log2 E" });
    }
    c.series.push_back({ "expert load (entropy of the counts)", perLayer(a, [&](int s) { return a.loadEntropy(s); }),
        SeriesKind::Line, std::nullopt, true });
    return xyChart(c);
}

ChartScene balanceChart(const RoutingAggregates& a, const RoutingChartOptions& o)
{
    XYChartSpec c = layerChartSpec(a, o, "Expert load balance per layer",
        "balancedness = mean load / max load (1 = even)", "ratio (dimensionless)");
    c.series.push_back({ "balancedness (mean / max)", perLayer(a, [&](int s) { return a.balance(s).balancedness; }),
        SeriesKind::Bars, std::nullopt, false });
    c.series.push_back({ "coefficient of variation (sd / mean)", perLayer(a, [&](int s) { return a.balance(s).cv; }),
        SeriesKind::Line, std::nullopt, false });
    c.references.push_back({ 1.0, "perfect balance" });
    return xyChart(c);
}

ChartScene persistenceChart(const RoutingAggregates& a, const RoutingChartOptions& o)
{
    XYChartSpec c = layerChartSpec(a, o, "Routing persistence per layer",
        "consecutive tokens that keep the same top-1 expert", "share of consecutive token pairs (%)");
    c.series.push_back({ "same top-1 expert", perLayer(a, [&](int s) { return 100 * a.persistence(s); }),
        SeriesKind::Bars, std::nullopt, false });
    c.series.push_back({ "chance level (independent choices)",
        perLayer(a, [&](int s) { return 100 * a.persistenceChance(s); }), SeriesKind::Line, std::nullopt, true });
    c.valueDecimals = 1;
    return xyChart(c);
}

ChartScene specialisationChart(const RoutingAggregates& a, const RoutingChartOptions& o)
{
    if (a.sections().empty())
        throw InvalidArgumentError("specialisation chart: the trace has no sections");
    HeatmapSpec h;
    h.title = "Expert specialisation per section";
    h.subtitle = about(a, o) + "; Jensen-Shannon divergence of each section's expert distribution from the document's";
    h.xLabel = kLayerAxis;
    h.yLabel = "section";
    h.valueLabel = "JSD (bits, 0 = same as document)";
    for (const auto& s : a.sections()) {
        std::string label = s.key == "front" ? s.title : "Item " + s.key + (s.title.empty() ? "" : ": " + s.title);
        if (label.size() > 44)
            label = label.substr(0, 41) + "...";
        h.rowLabels.push_back(label);
    }
    h.columnLabels = layerLabels(a);
    std::vector<std::vector<double>> jsd;
    for (int s = 0; s < a.layerCount(); ++s)
        jsd.push_back(a.sectionSpecialisation(s));
    for (std::size_t i = 0; i < a.sections().size(); ++i)
        for (int s = 0; s < a.layerCount(); ++s)
            h.values.push_back(jsd[std::size_t(s)][i]);
    h.missingLabel = "section without tokens";
    h.valueDecimals = 4;
    h.theme = o.theme;
    h.fit = o.fit;
    return heatmapChart(h);
}

ChartScene coactivationChart(const RoutingAggregates& a, int slot, const RoutingChartOptions& o, bool normalised)
{
    if (!a.hasCoactivation())
        throw UnsupportedError("co-activation is not kept for more than "
            + std::to_string(RoutingAggregates::kMaxCoactivationExperts) + " experts");
    const auto& l = a.layer(slot);
    const auto coactivation = a.coactivation(slot);
    const auto e = std::size_t(a.numExperts());
    HeatmapSpec h;
    h.title = "Expert co-activation, layer " + std::to_string(a.layerAt(slot));
    h.subtitle = about(a, o)
        + (normalised ? "; of the tokens routed to the row expert, the share also routed to the column expert"
                      : "; tokens routed to both the row and the column expert (symmetric)");
    h.xLabel = "also chosen: expert";
    h.yLabel = "chosen: expert";
    h.valueLabel = normalised ? "share of the row expert's tokens (%)" : "tokens routed to both experts";
    h.rowLabels = expertLabels(a.numExperts());
    h.columnLabels = h.rowLabels;
    for (std::size_t x = 0; x < e; ++x)
        for (std::size_t y = 0; y < e; ++y)
            h.values.push_back(x == y || l.counts[x] == 0 ? std::nan("")
                    : normalised                          ? 100.0 * coactivation[x * e + y] / double(l.counts[x])
                                                          : double(coactivation[x * e + y]));
    h.missingLabel = "diagonal, or an expert without tokens";
    h.valueDecimals = normalised ? 1 : 0;
    h.theme = o.theme;
    h.fit = o.fit;
    return heatmapChart(h);
}

ChartScene driftChart(
    const RoutingDrift& d, const std::string& nameA, const std::string& nameB, const RoutingChartOptions& o)
{
    XYChartSpec c;
    c.title = "Routing drift per layer";
    c.subtitle = nameA + " against " + nameB + ", " + withThousands(std::int64_t(d.tokens)) + " tokens";
    c.xLabel = kLayerAxis;
    c.yLabel = "share of tokens / Jaccard index (0 to 1)";
    std::vector<double> changed, top1, jaccard;
    for (const auto& l : d.layers) {
        c.categories.push_back(std::to_string(l.layer));
        changed.push_back(l.changedShare);
        top1.push_back(l.top1ChangedShare);
        jaccard.push_back(l.meanJaccard);
    }
    c.series.push_back({ "top-k set changed", changed, SeriesKind::Bars, std::nullopt, false });
    c.series.push_back({ "top-1 expert changed", top1, SeriesKind::Bars, std::nullopt, false });
    c.series.push_back({ "mean Jaccard similarity of the top-k sets", jaccard, SeriesKind::Line, std::nullopt, false });
    c.yMax = 1.0;
    c.theme = o.theme;
    c.fit = o.fit;
    return xyChart(c);
}

std::vector<std::filesystem::path> writeRoutingCharts(
    const RoutingAggregates& a, const RoutingChartOptions& o, const std::filesystem::path& dir)
{
    std::vector<std::filesystem::path> out;
    const auto add = [&](const ChartScene& scene, const std::string& name) {
        for (auto& p : writeChartFiles(scene, dir / name))
            out.push_back(std::move(p));
    };
    add(expertLoadChart(a, o, false), "expert_load");
    add(expertLoadChart(a, o, true), "expert_weight");
    add(entropyChart(a, o), "entropy");
    add(balanceChart(a, o), "balance");
    add(persistenceChart(a, o), "persistence");
    if (!a.sections().empty())
        add(specialisationChart(a, o), "section_specialisation");
    if (a.hasCoactivation()) {
        std::vector<int> slots = { 0, a.layerCount() / 2, a.layerCount() - 1 };
        slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
        for (const int s : slots)
            add(coactivationChart(a, s, o), "coactivation_layer_" + std::to_string(a.layerAt(s)));
    }
    return out;
}

} // namespace moescope

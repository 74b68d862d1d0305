#pragma once
// The routing inspector's charts, built from aggregates or drift so the CLI (and the GUI's export) write figures that
// stand on their own: title naming model and token count, axis labels with units, legends, scales from zero.

#include "eval/chartscene.h"
#include "eval/chartstyle.h"
#include "eval/routingaggregates.h"
#include "eval/routingdrift.h"

#include <filesystem>
#include <string>
#include <vector>

namespace moescope {

struct RoutingChartOptions {
    std::string modelName; // in titles
    ChartTheme theme = ChartTheme::light();
    FigureSize fit; // the size to lay the charts out for (chartstyle.h; default: the exported figure's)

    RoutingChartOptions fittedTo(FigureSize size) const
    {
        RoutingChartOptions o = *this;
        o.fit = size;
        return o;
    }
};

// Layer x expert heatmap of each layer's share of choices (weightShare: of applied weight mass), in %.
ChartScene expertLoadChart(const RoutingAggregates& a, const RoutingChartOptions& o, bool weightShare = false);
// Mean top-k weight entropy (bars) and full router entropy (line, when captured) per layer, with their maxima.
ChartScene entropyChart(const RoutingAggregates& a, const RoutingChartOptions& o);
// Balancedness (mean/max) and coefficient of variation per layer.
ChartScene balanceChart(const RoutingAggregates& a, const RoutingChartOptions& o);
// Top-1 persistence per layer against its chance level.
ChartScene persistenceChart(const RoutingAggregates& a, const RoutingChartOptions& o);
// Sections x layers Jensen-Shannon divergence (bits). Throws InvalidArgumentError without sections.
ChartScene specialisationChart(const RoutingAggregates& a, const RoutingChartOptions& o);
// Expert x expert for one slot: normalised, the share of the tokens choosing the row expert that also chose the
// column expert (%); otherwise the number of tokens that chose both. The diagonal is left out (drawn as missing).
ChartScene coactivationChart(
    const RoutingAggregates& a, int slot, const RoutingChartOptions& o, bool normalised = true);
// Per-layer share of tokens with a changed top-k set, top-1 change, and mean Jaccard similarity.
ChartScene driftChart(
    const RoutingDrift& d, const std::string& nameA, const std::string& nameB, const RoutingChartOptions& o);

// Every aggregate chart (coactivation for the first, middle and last MoE layer) as SVG + PNG in dir.
std::vector<std::filesystem::path> writeRoutingCharts(
    const RoutingAggregates& a, const RoutingChartOptions& o, const std::filesystem::path& dir);

} // namespace moescope

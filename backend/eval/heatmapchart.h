#pragma once
// A labelled heatmap (rows x columns) with a viridis colour bar whose scale starts at zero, for layer x expert
// loads, sections x layers specialisation and co-activation. Cells carry hover tooltips in SVG.

#include "eval/chartscene.h"
#include "eval/chartstyle.h"

#include <optional>
#include <string>
#include <vector>

namespace moescope {

struct HeatmapSpec {
    std::string title;
    std::string subtitle;
    std::string xLabel; // under the columns, with the unit if any
    std::string yLabel; // beside the rows
    std::vector<std::string> rowLabels;
    std::vector<std::string> columnLabels;
    std::vector<double> values; // rows x columns, row-major; NaN = no data (drawn in the theme's "missing" grey)
    std::string valueLabel; // colour bar title with its unit, e.g. "share of the layer's choices (%)"
    std::string missingLabel = "no data"; // legend entry for NaN cells
    int valueDecimals = 1; // in tooltips
    std::optional<double> maxValue; // colour scale top (default: a nice value >= the largest)
    ChartTheme theme = ChartTheme::light();
    FigureSize fit; // default: cells from 760 x 420 px of plot (3-40 px wide, 4-30 px high)
};

// Throws InvalidArgumentError when values does not have rows x columns entries or there are no rows or columns.
ChartScene heatmapChart(const HeatmapSpec& spec);

} // namespace moescope

#pragma once
// A category chart (x: layers, sections, ...) with bar and line series on one y axis that starts at zero, optional
// dashed reference lines (a maximum, a chance level), horizontal grid lines, a legend and optionally the bars'
// values written above them (where bars of nearly equal height, such as ratios near 1, differ only in the digits).

#include "eval/chartscene.h"
#include "eval/chartstyle.h"

#include <optional>
#include <string>
#include <vector>

namespace moescope {

enum class SeriesKind { Bars, Line };

struct ChartSeries {
    std::string name;
    std::vector<double> values; // one per category; NaN = no value (a gap)
    SeriesKind kind = SeriesKind::Bars;
    std::optional<ChartColor> color; // default: the categorical palette in series order
    bool dashed = false; // lines only
};

struct ReferenceLine {
    double value = 0;
    std::string label;
};

struct XYChartSpec {
    std::string title;
    std::string subtitle;
    std::string xLabel;
    std::string yLabel; // with the unit
    std::vector<std::string> categories;
    std::vector<ChartSeries> series;
    std::vector<ReferenceLine> references;
    std::optional<double> yMax; // default: a nice value >= every value and reference
    int valueDecimals = 3; // in bar tooltips and value labels
    bool valueLabels = false; // each bar's value written above it (where the label fits its share of the category)
    ChartTheme theme = ChartTheme::light();
    FigureSize fit; // default: a plot 28 px a category (420-900) wide and 300 high
};

// Throws InvalidArgumentError when a series does not have one value per category or there are no categories.
ChartScene xyChart(const XYChartSpec& spec);

} // namespace moescope

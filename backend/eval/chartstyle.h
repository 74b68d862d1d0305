#pragma once
// Shared look of the exported charts: light and dark themes, the viridis sequential colour map and the Okabe-Ito
// categorical palette (both readable with the common colour-vision deficiencies), nice axis scales, number
// formatting, and the title and legend blocks every chart starts with.

#include "eval/chartscene.h"

#include <string>
#include <vector>

namespace moescope {

struct ChartTheme {
    ChartColor background, text, mutedText, axis, grid, missing;
    static ChartTheme light();
    static ChartTheme dark();
};

// The size a chart is laid out for. {0, 0}: the figure's own size (what exports write). A view passes the size of
// the widget that shows the chart, so that the plot fills it and the 11-16 px text keeps its size, instead of a
// fixed-size figure being scaled down to fit (or floating in empty space). Charts keep a minimum plot area and grow
// past the size asked for when their title or legend needs it.
struct FigureSize {
    double width = 0;
    double height = 0;
};
inline constexpr double kMinFittedPlotWidth = 200;
inline constexpr double kMinFittedPlotHeight = 80;
// A plot's width for a chart laid out for `fit` with `beside` px of margins left and right of it (axis, labels); at
// least kMinFittedPlotWidth. byDefault when fit has no width (the exported figure).
double fittedPlotWidth(const FigureSize& fit, double beside, double byDefault);
// A plot's height for `fit` with `around` px above and below it; at least kMinFittedPlotHeight and the length of the
// vertical axis title yLabel (13 px). byDefault when fit has no height.
double fittedPlotHeight(const FigureSize& fit, double around, const std::string& yLabel, double byDefault);
// The width of a figure around a plot of plotWidth with `beside` px of margins: at least its title's (16 px bold) +
// 32, and 560 px for an exported figure.
double figureWidth(const FigureSize& fit, double plotWidth, double beside, const std::string& title);

// Viridis at t in [0, 1] (clamped; NaN gives the darkest colour).
ChartColor viridisColor(double t);
// Okabe & Ito's eight colours (black last; it is swapped for white on dark backgrounds by the caller's theme).
ChartColor categoricalColor(std::size_t index);

// Ticks 0, step, 2 step, ... up to max >= value, with a 1/2/2.5/5 x 10^n step.
struct AxisScale {
    double max = 1;
    double step = 1;
    int decimals = 0; // for tick labels
    std::vector<double> ticks;
};
AxisScale niceScale(double maxValue, int targetTicks = 5);

// Fixed decimals; NaN as "n/a".
std::string formatNumber(double value, int decimals);

enum class LegendMark { Box, Line, DashedLine };
struct LegendEntry {
    std::string label;
    ChartColor color;
    LegendMark mark = LegendMark::Box;
};

// Title (16 px bold) and subtitle (12 px, wrapped at spaces to maxWidth) from the top-left margin; returns the y
// below them.
double addTitleBlock(ChartScene& scene, const ChartTheme& theme, double x, const std::string& title,
    const std::string& subtitle, double maxWidth);
// Text broken at spaces into lines no wider than maxWidth at that size (a longer word gets its own line).
std::vector<std::string> wrapText(const std::string& text, double size, double maxWidth);
// One row of legend entries starting at (x, y), wrapping at maxWidth; returns the y below it.
double addLegend(ChartScene& scene, const ChartTheme& theme, double x, double y, double maxWidth,
    const std::vector<LegendEntry>& entries);

} // namespace moescope

#include "eval/heatmapchart.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
constexpr double kMinFittedCell = 10; // px, a cell of a heatmap laid out for a view

// Every how many rows/columns a label fits: 1, 2, 4, 5, 8, 10, 16, 20, ...
std::size_t labelStride(double cell, double labelExtent)
{
    for (std::size_t m : { 1u, 2u, 4u, 5u, 8u, 10u, 16u, 20u, 25u, 32u, 50u, 64u, 100u, 128u, 256u, 512u, 1024u })
        if (double(m) * cell >= labelExtent)
            return m;
    return 2048;
}
} // namespace

ChartScene heatmapChart(const HeatmapSpec& spec)
{
    const std::size_t rows = spec.rowLabels.size(), cols = spec.columnLabels.size();
    if (rows == 0 || cols == 0 || spec.values.size() != rows * cols)
        throw InvalidArgumentError("heatmap '" + spec.title + "': " + std::to_string(spec.values.size())
            + " values for " + std::to_string(rows) + " x " + std::to_string(cols) + " cells");
    const ChartTheme& th = spec.theme;
    double largest = 0;
    bool missing = false;
    for (const double v : spec.values) {
        if (std::isnan(v))
            missing = true;
        else
            largest = std::max(largest, v);
    }
    const AxisScale scale = niceScale(spec.maxValue.value_or(largest), 5);

    double rowLabelWidth = 0, colLabelWidth = 0;
    for (const auto& l : spec.rowLabels)
        rowLabelWidth = std::max(rowLabelWidth, chartTextWidth(l, 11));
    for (const auto& l : spec.columnLabels)
        colLabelWidth = std::max(colLabelWidth, chartTextWidth(l, 11));
    double tickWidth = 0;
    for (const double t : scale.ticks)
        tickWidth = std::max(tickWidth, chartTextWidth(formatNumber(t, scale.decimals), 11));

    // Whole-pixel cells and origin: edges between cells then fall on pixel boundaries at any integer PNG scale, so
    // no background bleeds through anti-aliased seams.
    const FigureSize& fit = spec.fit;
    const double left = std::ceil(16 + (spec.yLabel.empty() ? 0 : 22) + rowLabelWidth + 8);
    const double right = 18 + 14 + 6 + tickWidth + 10 + 18 + 12;
    // Fitted cells are at least kMinFittedCell wide (a wider figure is scaled down as a whole).
    const double cellW = std::floor(fit.width > 0
            ? std::clamp((fit.width - left - right) / double(cols), kMinFittedCell, 80.0)
            : std::clamp(760.0 / double(cols), 3.0, 40.0));
    const double plotW = cellW * double(cols);
    const double width = figureWidth(fit, plotW, left + right, spec.title);

    // Height: title block, plot, column labels, x label, legend for missing cells.
    ChartScene probe(width, 100, th.background, spec.title);
    const double top = std::ceil(addTitleBlock(probe, th, 16, spec.title, spec.subtitle, width - 32) + 6);
    const double bottom = 8 + 14 + (spec.xLabel.empty() ? 0 : 22) + (missing ? 24 : 0) + 12;
    // At least 200 px of plot height so the colour bar and its title fit.
    const double rowsHigh = fit.height > 0 ? std::clamp((fit.height - top - bottom) / double(rows), kMinFittedCell, 80.0)
                                           : std::clamp(420.0 / double(rows), 4.0, 30.0);
    const double cellH = fit.height > 0 ? std::max(std::floor(rowsHigh), std::ceil(200.0 / double(rows)))
                                        : std::ceil(std::max(rowsHigh, 200.0 / double(rows)));
    const double plotH = cellH * double(rows);
    const double height = top + plotH + bottom;

    ChartScene scene(width, height, th.background, spec.title, spec.subtitle);
    addTitleBlock(scene, th, 16, spec.title, spec.subtitle, width - 32);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) {
            const double v = spec.values[r * cols + c];
            const ChartColor color = std::isnan(v) ? th.missing : viridisColor(v / scale.max);
            scene.add(chartRect(left + double(c) * cellW, top + double(r) * cellH, cellW, cellH, color,
                spec.rowLabels[r] + ", " + spec.columnLabels[c] + ": " + formatNumber(v, spec.valueDecimals)));
        }
    scene.add([&] {
        ChartRect frame = chartRect(left, top, plotW, plotH, { 0, 0, 0, 0 });
        frame.stroke = th.axis;
        frame.strokeWidth = 1;
        return frame;
    }());

    const std::size_t rowStride = labelStride(cellH, 13);
    for (std::size_t r = 0; r < rows; r += rowStride)
        scene.add(chartText(
            { left - 6, top + (double(r) + 0.5) * cellH + 4 }, spec.rowLabels[r], 11, th.text, TextAnchor::End));
    const std::size_t colStride = labelStride(cellW, colLabelWidth + 6);
    const double colLabelY = top + plotH + 16;
    for (std::size_t c = 0; c < cols; c += colStride) {
        const double x = left + (double(c) + 0.5) * cellW;
        scene.add(chartLine({ { x, top + plotH }, { x, top + plotH + 4 } }, th.axis, 1));
        scene.add(chartText({ x, colLabelY }, spec.columnLabels[c], 11, th.text, TextAnchor::Middle));
    }
    if (!spec.xLabel.empty())
        scene.add(chartText({ left + plotW / 2, colLabelY + 20 }, spec.xLabel, 13, th.text, TextAnchor::Middle));
    if (!spec.yLabel.empty())
        scene.add(chartText({ 16 + 13, top + plotH / 2 }, spec.yLabel, 13, th.text, TextAnchor::Middle, false, true));

    // Colour bar, bottom = 0, with ticks and its title.
    const double barX = left + plotW + 18, barW = 14;
    const int steps = int(plotH); // one whole-pixel band per px
    for (int i = 0; i < steps; ++i)
        scene.add(chartRect(barX, top + plotH - i - 1, barW, 1, viridisColor((i + 0.5) / steps)));
    for (const double t : scale.ticks) {
        const double y = top + plotH * (1.0 - t / scale.max);
        scene.add(chartLine({ { barX + barW, y }, { barX + barW + 4, y } }, th.axis, 1));
        scene.add(chartText({ barX + barW + 6, y + 4 }, formatNumber(t, scale.decimals), 11, th.text));
    }
    if (!spec.valueLabel.empty())
        scene.add(chartText({ barX + barW + 6 + tickWidth + 22, top + plotH / 2 }, spec.valueLabel, 13, th.text,
            TextAnchor::Middle, false, true));
    if (missing)
        addLegend(scene, th, left, height - 12 - 22, plotW, { { spec.missingLabel, th.missing, LegendMark::Box } });
    return scene;
}

} // namespace moescope

#include "eval/xychart.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
constexpr double kMaxBarWidth = 56; // px: a few categories across a wide view keep bars of a readable width
constexpr double kValueLabelSize = 10; // px
} // namespace

ChartScene xyChart(const XYChartSpec& spec)
{
    const std::size_t n = spec.categories.size();
    if (n == 0)
        throw InvalidArgumentError("chart '" + spec.title + "' has no categories");
    double largest = 0;
    for (const auto& s : spec.series) {
        if (s.values.size() != n)
            throw InvalidArgumentError("chart '" + spec.title + "': series '" + s.name + "' has "
                + std::to_string(s.values.size()) + " values for " + std::to_string(n) + " categories");
        for (const double v : s.values)
            if (std::isfinite(v))
                largest = std::max(largest, v);
    }
    for (const auto& r : spec.references)
        largest = std::max(largest, r.value);
    // Value labels above the bars need room over the tallest one.
    const AxisScale scale = niceScale(spec.yMax.value_or(largest * (spec.valueLabels ? 1.12 : 1.05)), 5);
    const ChartTheme& th = spec.theme;

    std::vector<ChartColor> colors;
    std::vector<LegendEntry> legend;
    std::size_t bars = 0;
    for (std::size_t i = 0; i < spec.series.size(); ++i) {
        const auto& s = spec.series[i];
        colors.push_back(s.color.value_or(categoricalColor(i)));
        legend.push_back({ s.name, colors.back(),
            s.kind == SeriesKind::Bars ? LegendMark::Box
                : s.dashed             ? LegendMark::DashedLine
                                       : LegendMark::Line });
        bars += s.kind == SeriesKind::Bars;
    }
    // With value labels over the bars, the reference lines are named in the legend rather than over the plot, where
    // their names would run into the labels.
    if (spec.valueLabels)
        for (const auto& r : spec.references)
            legend.push_back({ r.label, th.mutedText, LegendMark::DashedLine });

    double tickWidth = 0;
    for (const double t : scale.ticks)
        tickWidth = std::max(tickWidth, chartTextWidth(formatNumber(t, scale.decimals), 11));
    // Labels are thinned to every stride-th by their median width, so one long name (a policy file's) does not hide
    // the others; a label wider than its room is cut with an ellipsis.
    std::vector<double> catWidths;
    for (const auto& c : spec.categories)
        catWidths.push_back(chartTextWidth(c, 11));
    std::nth_element(catWidths.begin(), catWidths.begin() + catWidths.size() / 2, catWidths.end());
    const double catWidth = catWidths[catWidths.size() / 2];
    const double left = 16 + 22 + tickWidth + 8;
    const double plotW = fittedPlotWidth(spec.fit, left + 24, std::clamp(double(n) * 28.0, 420.0, 900.0));
    const double slot = plotW / double(n);
    const double width = figureWidth(spec.fit, plotW, left + 24, spec.title);

    // The title block and legend go first; a probe scene measures them so the height is known up front.
    ChartScene probe(width, 100, th.background, spec.title);
    const double titleBottom = addTitleBlock(probe, th, 16, spec.title, spec.subtitle, width - 32);
    const double top = addLegend(probe, th, left, titleBottom, plotW, legend) + 8;
    const double below = 8 + 14 + (spec.xLabel.empty() ? 0 : 22) + 12; // tick labels and the x axis title
    const double plotH = fittedPlotHeight(spec.fit, top + below, spec.yLabel, 300);
    const double height = top + plotH + below;

    ChartScene scene(width, height, th.background, spec.title, spec.subtitle);
    addTitleBlock(scene, th, 16, spec.title, spec.subtitle, width - 32);
    addLegend(scene, th, left, titleBottom, plotW, legend);
    const auto yOf = [&](double v) { return top + plotH * (1.0 - v / scale.max); };

    for (const double t : scale.ticks) {
        const double y = yOf(t);
        if (t > 0)
            scene.add(chartLine({ { left, y }, { left + plotW, y } }, th.grid, 1));
        scene.add(chartLine({ { left - 4, y }, { left, y } }, th.axis, 1));
        scene.add(chartText({ left - 6, y + 4 }, formatNumber(t, scale.decimals), 11, th.text, TextAnchor::End));
    }

    // Bars first, lines and references over them, value labels (on a patch of the background) over everything.
    std::vector<ChartText> valueLabels;
    const double group = std::min(slot * 0.8, kMaxBarWidth * double(std::max<std::size_t>(bars, 1)));
    std::size_t barIndex = 0;
    for (std::size_t i = 0; i < spec.series.size(); ++i) {
        const auto& s = spec.series[i];
        if (s.kind != SeriesKind::Bars)
            continue;
        const double barW = group / double(bars);
        for (std::size_t c = 0; c < n; ++c) {
            const double v = s.values[c];
            if (!std::isfinite(v))
                continue;
            const double x = left + double(c) * slot + (slot - group) / 2 + double(barIndex) * barW;
            const double y = yOf(std::clamp(v, 0.0, scale.max));
            const std::string value = formatNumber(v, spec.valueDecimals);
            scene.add(chartRect(x, y, std::max(barW - (bars > 1 ? 1.0 : 0.0), 0.5), top + plotH - y, colors[i],
                s.name + ", " + spec.categories[c] + ": " + value));
            if (spec.valueLabels && chartTextWidth(value, kValueLabelSize) <= slot / double(bars) - 2)
                valueLabels.push_back(chartText({ x + barW / 2, y - 4 }, value, kValueLabelSize, th.text,
                    TextAnchor::Middle));
        }
        ++barIndex;
    }
    for (std::size_t i = 0; i < spec.series.size(); ++i) {
        const auto& s = spec.series[i];
        if (s.kind != SeriesKind::Line)
            continue;
        std::vector<ChartPoint> run;
        const auto flush = [&] {
            if (run.size() >= 2)
                scene.add(chartLine(run, colors[i], 2, s.dashed));
            run.clear();
        };
        for (std::size_t c = 0; c < n; ++c) {
            if (!std::isfinite(s.values[c])) {
                flush();
                continue;
            }
            run.push_back({ left + (double(c) + 0.5) * slot, yOf(std::clamp(s.values[c], 0.0, scale.max)) });
        }
        flush();
        if (n <= 80)
            for (std::size_t c = 0; c < n; ++c)
                if (std::isfinite(s.values[c]))
                    scene.add(
                        chartDot({ left + (double(c) + 0.5) * slot, yOf(std::clamp(s.values[c], 0.0, scale.max)) }, 2.5,
                            colors[i]));
    }
    for (const auto& r : spec.references) {
        const double y = yOf(r.value);
        scene.add(chartLine({ { left, y }, { left + plotW, y } }, th.mutedText, 1.5, true));
        if (!spec.valueLabels)
            scene.add(chartText({ left + plotW - 4, y - 5 }, r.label, 11, th.mutedText, TextAnchor::End));
    }
    for (const auto& label : valueLabels) {
        const double w = chartTextWidth(label.text, label.size) + 4;
        scene.add(chartRect(label.at.x - w / 2, label.at.y - label.size, w, label.size + 3, th.background, ""));
        scene.add(label);
    }

    // Axes, category labels, axis titles.
    scene.add(chartLine({ { left, top }, { left, top + plotH } }, th.axis, 1));
    scene.add(chartLine({ { left, top + plotH }, { left + plotW, top + plotH } }, th.axis, 1));
    std::size_t stride = 1;
    while (double(stride) * slot < catWidth + 6)
        ++stride;
    for (std::size_t c = 0; c < n; c += stride) {
        const double x = left + (double(c) + 0.5) * slot;
        scene.add(chartLine({ { x, top + plotH }, { x, top + plotH + 4 } }, th.axis, 1));
        scene.add(chartText({ x, top + plotH + 16 }, elideChartText(spec.categories[c], 11, double(stride) * slot - 6),
            11, th.text, TextAnchor::Middle));
    }
    if (!spec.xLabel.empty())
        scene.add(chartText({ left + plotW / 2, top + plotH + 36 }, spec.xLabel, 13, th.text, TextAnchor::Middle));
    if (!spec.yLabel.empty())
        scene.add(chartText({ 16 + 13, top + plotH / 2 }, spec.yLabel, 13, th.text, TextAnchor::Middle, false, true));
    return scene;
}

} // namespace moescope

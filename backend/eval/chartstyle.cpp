#include "eval/chartstyle.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace moescope {

namespace {
// Viridis at t = 0, 1/8, ..., 1 (matplotlib's map, as published in R's viridisLite); linear between them.
constexpr std::array<std::array<std::uint8_t, 3>, 9> kViridis
    = { { { 0x44, 0x01, 0x54 }, { 0x47, 0x2D, 0x7B }, { 0x3B, 0x52, 0x8B }, { 0x2C, 0x72, 0x8E }, { 0x21, 0x90, 0x8C },
        { 0x27, 0xAD, 0x81 }, { 0x5D, 0xC8, 0x63 }, { 0xAA, 0xDC, 0x32 }, { 0xFD, 0xE7, 0x25 } } };

constexpr std::array<const char*, 8> kOkabeIto
    = { "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000" };
} // namespace

ChartTheme ChartTheme::light()
{
    return { { 255, 255, 255, 255 }, { 26, 26, 26, 255 }, { 85, 85, 85, 255 }, { 51, 51, 51, 255 },
        { 224, 224, 224, 255 }, { 200, 200, 200, 255 } };
}

ChartTheme ChartTheme::dark()
{
    return { { 30, 30, 30, 255 }, { 230, 230, 230, 255 }, { 170, 170, 170, 255 }, { 176, 176, 176, 255 },
        { 60, 60, 60, 255 }, { 90, 90, 90, 255 } };
}

ChartColor viridisColor(double t)
{
    if (std::isnan(t))
        t = 0;
    t = std::clamp(t, 0.0, 1.0) * double(kViridis.size() - 1);
    const auto i = std::min<std::size_t>(std::size_t(t), kViridis.size() - 2);
    const double f = t - double(i);
    ChartColor c;
    c.r = std::uint8_t(std::lround(kViridis[i][0] * (1 - f) + kViridis[i + 1][0] * f));
    c.g = std::uint8_t(std::lround(kViridis[i][1] * (1 - f) + kViridis[i + 1][1] * f));
    c.b = std::uint8_t(std::lround(kViridis[i][2] * (1 - f) + kViridis[i + 1][2] * f));
    return c;
}

ChartColor categoricalColor(std::size_t index)
{
    return ChartColor::fromHex(kOkabeIto[index % kOkabeIto.size()]);
}

AxisScale niceScale(double maxValue, int targetTicks)
{
    AxisScale s;
    if (!(maxValue > 0) || !std::isfinite(maxValue))
        maxValue = 1;
    const double raw = maxValue / std::max(1, targetTicks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude * 10;
    for (const double m : { 1.0, 2.0, 2.5, 5.0, 10.0 })
        if (raw <= m * magnitude * (1 + 1e-9)) {
            step = m * magnitude;
            break;
        }
    s.step = step;
    s.max = std::ceil(maxValue / step - 1e-9) * step;
    s.decimals = std::max(0, -int(std::floor(std::log10(step) + 1e-9)));
    if (std::abs(step / std::pow(10.0, -s.decimals) - std::round(step / std::pow(10.0, -s.decimals))) > 1e-6)
        ++s.decimals; // 2.5 x 10^n needs one more digit
    for (int i = 0; i * step <= s.max * (1 + 1e-9); ++i)
        s.ticks.push_back(i * step);
    return s;
}

std::string formatNumber(double value, int decimals)
{
    if (std::isnan(value))
        return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", std::clamp(decimals, 0, 12), value);
    return std::string(buf) == "-0" ? "0" : buf;
}

std::vector<std::string> wrapText(const std::string& text, double size, double maxWidth)
{
    std::vector<std::string> lines;
    std::string line;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t space = std::min(text.find(' ', at), text.size());
        const std::string word = text.substr(at, space - at);
        const std::string candidate = line.empty() ? word : line + " " + word;
        if (!line.empty() && chartTextWidth(candidate, size) > maxWidth) {
            lines.push_back(line);
            line = word;
        } else {
            line = candidate;
        }
        at = space + 1;
    }
    if (!line.empty())
        lines.push_back(line);
    return lines;
}

double addTitleBlock(ChartScene& scene, const ChartTheme& theme, double x, const std::string& title,
    const std::string& subtitle, double maxWidth)
{
    double y = 14 + 16;
    scene.add(chartText({ x, y }, title, 16, theme.text, TextAnchor::Start, true));
    for (const auto& line : wrapText(subtitle, 12, maxWidth)) {
        y += 17;
        scene.add(chartText({ x, y }, line, 12, theme.mutedText));
    }
    return y + 10;
}

double addLegend(ChartScene& scene, const ChartTheme& theme, double x, double y, double maxWidth,
    const std::vector<LegendEntry>& entries)
{
    if (entries.empty())
        return y;
    double cx = x;
    double baseline = y + 12;
    for (const auto& e : entries) {
        const double w = 24 + chartTextWidth(e.label, 12) + 18;
        if (cx > x && cx + w > x + maxWidth) {
            cx = x;
            baseline += 18;
        }
        if (e.mark == LegendMark::Box)
            scene.add(chartRect(cx, baseline - 10, 14, 10, e.color));
        else
            scene.add(chartLine(
                { { cx, baseline - 4 }, { cx + 18, baseline - 4 } }, e.color, 2, e.mark == LegendMark::DashedLine));
        scene.add(chartText({ cx + 24, baseline }, e.label, 12, theme.text));
        cx += w;
    }
    return baseline + 10;
}

double fittedPlotWidth(const FigureSize& fit, double beside, double byDefault)
{
    return fit.width > 0 ? std::max(kMinFittedPlotWidth, fit.width - beside) : byDefault;
}

double fittedPlotHeight(const FigureSize& fit, double around, const std::string& yLabel, double byDefault)
{
    if (fit.height <= 0)
        return byDefault;
    const double floor = std::max(kMinFittedPlotHeight, yLabel.empty() ? 0.0 : chartTextWidth(yLabel, 13) + 8);
    return std::max(floor, fit.height - around);
}

double figureWidth(const FigureSize& fit, double plotWidth, double beside, const std::string& title)
{
    return std::max({ plotWidth + beside, chartTextWidth(title, 16, true) + 32, fit.width > 0 ? 0.0 : 560.0 });
}

} // namespace moescope

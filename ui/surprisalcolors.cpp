#include "ui/surprisalcolors.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace moescope {

namespace {
// ColorBrewer YlOrRd, 5 classes.
constexpr std::array<QRgb, 5> kStops { 0xffffb2, 0xfecc5c, 0xfd8d3c, 0xf03b20, 0xbd0026 };

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
        float(a.greenF() + (b.greenF() - a.greenF()) * t), float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

double luminance(const QColor& c)
{
    auto lin = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF());
}
} // namespace

QColor surprisalColor(double nats, const QColor& base)
{
    return sequentialTint(nats / kSurprisalScaleMax, base);
}

QColor sequentialTint(double t, const QColor& base)
{
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
    // On a dark base the ramp runs the other way (dark red to pale yellow), so that more surprising tokens always
    // stand out more from the background.
    const bool dark = base.lightness() < 128;
    const double pos = (dark ? 1.0 - t : t) * double(kStops.size() - 1);
    const auto i = std::min<std::size_t>(std::size_t(pos), kStops.size() - 2);
    const QColor hue = mix(QColor(kStops[i]), QColor(kStops[i + 1]), pos - double(i));
    return mix(base, hue, 0.12 + 0.83 * t);
}

QColor readableTextOn(const QColor& background, const QPalette& palette)
{
    const QColor text = palette.color(QPalette::Text);
    const double lb = luminance(background), lt = luminance(text);
    const double contrast = (std::max(lb, lt) + 0.05) / (std::min(lb, lt) + 0.05);
    if (contrast >= 4.5)
        return text;
    return lb > 0.18 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace moescope

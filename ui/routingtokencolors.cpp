#include "ui/routingtokencolors.h"

#include "eval/chartstyle.h"
#include "eval/routingmetrics.h"
#include "eval/routingtrace.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace moescope {

namespace {
// Paul Tol, "light" qualitative scheme (https://personal.sron.nl/~pault/), in his order.
constexpr std::array<const char*, kExpertPaletteSize> kLight { "#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF",
    "#44BB99", "#BBCC33", "#AAAA00", "#DDDDDD" };

QColor toQColor(const ChartColor& c)
{
    return QColor(c.r, c.g, c.b, c.a);
}

double luminance(const QColor& c)
{
    auto lin = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF());
}
} // namespace

ChartColor expertChartColor(int expert)
{
    return ChartColor::fromHex(kLight[std::size_t(std::max(expert, 0) % kExpertPaletteSize)]);
}

QColor expertColor(int expert)
{
    return toQColor(expertChartColor(expert));
}

QColor entropyColor(double bits, double maxBits)
{
    return toQColor(viridisColor(maxBits > 0 && std::isfinite(bits) ? bits / maxBits : 0.0));
}

QColor tokenTextColor(const QColor& background)
{
    // Contrast ratio against black is (L + 0.05) / 0.05, against white 1.05 / (L + 0.05): equal at L ~ 0.179.
    return luminance(background) > 0.179 ? QColor(Qt::black) : QColor(Qt::white);
}

std::string expertsOfPaletteEntry(int index, int experts)
{
    std::string out;
    for (int e = index; e < experts; e += kExpertPaletteSize)
        out += (out.empty() ? "" : ", ") + std::to_string(e);
    return out;
}

TokenChoiceSummary summarizeTokenChoice(const RoutingTrace& trace, int slot, std::size_t token)
{
    const int k = trace.k();
    const std::uint16_t* w = trace.weightsHalf(slot).data() + token * std::size_t(k);
    TokenChoiceSummary s;
    const int best = topChoice(w, k);
    s.top1 = trace.expert(slot, token, best);
    s.top1Weight = trace.weight(slot, token, best);
    s.entropyBits = float(entropyBitsOfHalves(w, k)); // the backend's definition, as in the tooltips and stats
    return s;
}

} // namespace moescope

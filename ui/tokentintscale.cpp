#include "ui/tokentintscale.h"

#include "ui/surprisalcolors.h"

#include <QCoreApplication>

#include <cmath>

namespace moescope {

TokenTintScale TokenTintScale::surprisal()
{
    TokenTintScale s;
    s.title = QCoreApplication::translate("TokenTintScale", "Surprisal (nats/token)");
    s.valueName = QCoreApplication::translate("TokenTintScale", "Surprisal");
    s.unit = QCoreApplication::translate("TokenTintScale", "nats");
    s.max = kSurprisalScaleMax;
    s.tintFrom = 0.5;
    s.showProbability = true;
    return s;
}

double TokenTintScale::niceCeiling(double value)
{
    if (!(value > 0) || !std::isfinite(value))
        return 1;
    const double p = std::pow(10.0, std::floor(std::log10(value)));
    for (const double m : { 1.0, 2.0, 5.0, 10.0 })
        if (value <= m * p * (1 + 1e-9))
            return m * p;
    return 10 * p;
}

QColor TokenTintScale::color(double value, const QColor& base) const
{
    return sequentialTint(std::isfinite(value) && max > 0 ? value / max : 0.0, base);
}

QString TokenTintScale::tooltip(const QString& token, double value) const
{
    QString text = QStringLiteral("“%1”\n%2 %3 %4").arg(token, valueName).arg(value, 0, 'f', decimals).arg(unit);
    if (showProbability)
        text += QStringLiteral(" (p = %1)").arg(std::exp(-value), 0, 'g', 3);
    return text;
}

} // namespace moescope

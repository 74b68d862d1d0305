#pragma once
// How a token overlay maps a per-token value to a tint: the range [0, max] in the unit shown to the user, on the
// sequential YlOrRd map of surprisalcolors.h (colour-blind safe). Shared by the Document panel's surprisal overlay and
// the Quantization panel's damage overlay, so both text views and legends read the same way. A plain value.

#include <QColor>
#include <QString>

namespace moescope {

struct TokenTintScale {
    QString title; // legend title with the unit, e.g. "KL from the baseline (nats/token)"
    QString valueName; // tooltip label, e.g. "KL"
    QString unit; // tooltip unit, e.g. "nats"
    double max = 1; // the top of the ramp (values above are drawn at max; the legend says "≥")
    double tintFrom = 0; // values below this are left untinted (they would be nearly invisible)
    int decimals = 2;
    int ticks = 5; // legend intervals
    bool showProbability = false; // surprisal: the tooltip adds p = exp(-value)

    // The Document panel's surprisal scale: 0..kSurprisalScaleMax nats/token.
    static TokenTintScale surprisal();
    // Rounds up to 1, 2 or 5 times a power of ten (a legend's top value).
    static double niceCeiling(double value);

    QColor color(double value, const QColor& base) const;
    QString tooltip(const QString& token, double value) const;
};

} // namespace moescope

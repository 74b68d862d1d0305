#pragma once
// The colour map for per-token surprisal: ColorBrewer's YlOrRd sequential scheme (colour-blind safe: it varies in
// lightness, not only in hue), blended over the palette's base colour with an opacity that grows with surprisal, so
// predictable tokens stay almost untinted in both the light and the dark palette. On a dark base the ramp is reversed
// (dark red to pale yellow): the most surprising tokens are always the ones that stand out most.

#include <QColor>
#include <QPalette>

namespace moescope {

constexpr double kSurprisalScaleMax = 10.0; // nats/token at the top of the scale (p ~ 0.005%)

// The tint at t in [0, 1] along the ramp over base (t is clamped; NaN counts as 0): the map every token overlay uses.
QColor sequentialTint(double t, const QColor& base);
// The tint of a token with this surprisal (nats/token) over base.
QColor surprisalColor(double nats, const QColor& base);
// Black or white, whichever reads better on background.
QColor readableTextOn(const QColor& background, const QPalette& palette);

} // namespace moescope

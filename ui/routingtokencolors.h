#pragma once
// Colours of the routing token view (and of its exported figure): a token's top-1 expert on Paul Tol's "light"
// qualitative palette (nine colours made for filled regions under black text, distinguishable with the common
// colour-vision deficiencies), reused by expert id beyond nine experts (expert e gets colour e mod 9, which the legend
// lists); or the entropy of the token's top-k weights on viridis (sequential, colour-blind safe, monotone lightness).
// Any thread (plain values).

#include "eval/chartscene.h"

#include <QColor>

#include <cstdint>
#include <string>
#include <vector>

namespace moescope {

enum class RoutingTokenColoring { TopExpert, Entropy };

constexpr int kExpertPaletteSize = 9;

// Colour of expert e: palette entry e mod kExpertPaletteSize.
ChartColor expertChartColor(int expert);
QColor expertColor(int expert);
// Viridis at entropy / maxBits (clamped to [0, 1]); maxBits is log2(k).
QColor entropyColor(double bits, double maxBits);
// Black or white, whichever contrasts more with the background.
QColor tokenTextColor(const QColor& background);

// Experts [0, experts) sharing palette entry `index`: "0, 9, 18, ...".
std::string expertsOfPaletteEntry(int index, int experts);

// Top-1 expert (largest applied weight) and the entropy (bits) of the renormalised top-k weights of one token.
struct TokenChoiceSummary {
    int top1 = 0;
    float top1Weight = 0;
    float entropyBits = 0;
};
class RoutingTrace;
TokenChoiceSummary summarizeTokenChoice(const RoutingTrace& trace, int slot, std::size_t token);

} // namespace moescope

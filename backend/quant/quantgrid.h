#pragma once
// Search grids shared by the fast quantizer and the plain reference loops, so that both try the same candidates in
// the same order (ties go to the earlier candidate).

#include <array>

namespace moescope::quantgrid {

// Clipping ratios for range selection: the group's range (max |w|, or min/max with zero points) times r,
// r = 1, 0.975, ..., 0.525. The first candidate is plain min/max.
inline constexpr int kClipSteps = 20;
inline constexpr float clipRatio(int step) { return 1.0f - 0.025f * static_cast<float>(step); }

// Exponents alpha of activation-aware scaling: columns are scaled by mean|x|^alpha before quantizing.
inline constexpr std::array<float, 11> kAwqAlphas = { 0.0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f,
    1.0f };

// Largest code magnitudes.
inline constexpr float kInt8Max = 127.0f;
inline constexpr float kInt4SymMax = 7.0f; // symmetric codes in [-8, 7], scale from max |w| / 7
inline constexpr float kInt4AsymLevels = 15.0f; // asymmetric codes in [0, 15]
inline constexpr float kFp8Max = 448.0f; // largest finite E4M3 (fn) value

} // namespace moescope::quantgrid

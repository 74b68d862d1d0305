#pragma once
// IEEE 754 half precision (binary16) as uint16 bit patterns: compact storage for routing weights and other per-token
// floats in traces and session BLOBs. Conversions round to nearest even; overflow gives infinity; NaN stays NaN.
// Plain functions, callable from any thread.

#include <bit>
#include <cstdint>
#include <span>

namespace moescope {

std::uint16_t floatToHalf(float value);

// Inline: aggregates convert tens of millions of stored weights.
inline float halfToFloat(std::uint16_t bits)
{
    const std::uint32_t sign = std::uint32_t(bits & 0x8000) << 16;
    const std::uint32_t exp = (bits >> 10) & 0x1F;
    const std::uint32_t man = bits & 0x3FF;
    if (exp == 0) {
        const float f = float(man) / 16777216.0f; // man * 2^-24
        return sign ? -f : f;
    }
    if (exp == 31)
        return std::bit_cast<float>(sign | 0x7F800000 | (man << 13));
    return std::bit_cast<float>(sign | ((exp + 112) << 23) | (man << 13));
}

// Element-wise over spans of equal size (throws InvalidArgumentError when the sizes differ).
void floatsToHalves(std::span<const float> in, std::span<std::uint16_t> out);
void halvesToFloats(std::span<const std::uint16_t> in, std::span<float> out);

} // namespace moescope

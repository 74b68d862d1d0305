#include "core/half.h"

#include "core/error.h"

#include <bit>
#include <cmath>
#include <string>

namespace moescope {

std::uint16_t floatToHalf(float value)
{
    const std::uint32_t x = std::bit_cast<std::uint32_t>(value);
    const std::uint32_t sign = (x >> 16) & 0x8000;
    const std::uint32_t absx = x & 0x7FFFFFFF;
    if (absx >= 0x7F800000) // inf or nan
        return std::uint16_t(sign | 0x7C00 | (absx > 0x7F800000 ? 0x200 : 0));
    if (absx >= 0x477FF000) // rounds to >= 65520: overflow to inf
        return std::uint16_t(sign | 0x7C00);
    if (absx < 0x38800000) { // subnormal half (or zero): round to nearest even
        const float f = std::bit_cast<float>(absx) * 16777216.0f; // * 2^24
        const auto m = std::uint32_t(std::nearbyint(f));
        return std::uint16_t(sign | m);
    }
    // Normal: rebias exponent, round mantissa to nearest even.
    std::uint32_t h = ((absx - 0x38000000) >> 13);
    const std::uint32_t rest = absx & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
        ++h;
    return std::uint16_t(sign | h);
}

void floatsToHalves(std::span<const float> in, std::span<std::uint16_t> out)
{
    if (in.size() != out.size())
        throw InvalidArgumentError(
            "floatsToHalves: " + std::to_string(in.size()) + " values for " + std::to_string(out.size()) + " halves");
    for (std::size_t i = 0; i < in.size(); ++i)
        out[i] = floatToHalf(in[i]);
}

void halvesToFloats(std::span<const std::uint16_t> in, std::span<float> out)
{
    if (in.size() != out.size())
        throw InvalidArgumentError(
            "halvesToFloats: " + std::to_string(in.size()) + " halves for " + std::to_string(out.size()) + " values");
    for (std::size_t i = 0; i < in.size(); ++i)
        out[i] = halfToFloat(in[i]);
}

} // namespace moescope

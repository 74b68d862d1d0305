#include <cstdint>
#include "store/sessiontypes.h"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>

namespace moescope {

namespace {

constexpr std::array<std::string_view, 7> kBlobTypeNames = { "u8", "u16", "i32", "i64", "f16", "f32", "f64" };
constexpr std::array<std::size_t, 7> kBlobTypeSizes = { 1, 2, 4, 8, 2, 4, 8 };

} // namespace

std::string_view blobTypeName(BlobType type)
{
    return kBlobTypeNames[std::size_t(type)];
}
std::size_t blobTypeSize(BlobType type)
{
    return kBlobTypeSizes[std::size_t(type)];
}

std::optional<BlobType> blobTypeFromName(std::string_view name)
{
    for (std::size_t i = 0; i < kBlobTypeNames.size(); ++i)
        if (kBlobTypeNames[i] == name)
            return BlobType(i);
    return std::nullopt;
}

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

float halfToFloat(std::uint16_t bits)
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

} // namespace moescope

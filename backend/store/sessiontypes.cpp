#include <cstdint>
#include "store/sessiontypes.h"

#include <array>

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

} // namespace moescope

#include "io/dtype.h"

#include <array>
#include <utility>

namespace moescope {
namespace {
    struct DTypeEntry {
        DType dtype;
        std::string_view name;
        std::size_t size;
    };
    constexpr std::array kDTypes = {
        DTypeEntry { DType::F64, "F64", 8 },
        DTypeEntry { DType::F32, "F32", 4 },
        DTypeEntry { DType::F16, "F16", 2 },
        DTypeEntry { DType::BF16, "BF16", 2 },
        DTypeEntry { DType::F8E4M3, "F8_E4M3", 1 },
        DTypeEntry { DType::F8E5M2, "F8_E5M2", 1 },
        DTypeEntry { DType::I64, "I64", 8 },
        DTypeEntry { DType::I32, "I32", 4 },
        DTypeEntry { DType::I16, "I16", 2 },
        DTypeEntry { DType::I8, "I8", 1 },
        DTypeEntry { DType::U8, "U8", 1 },
        DTypeEntry { DType::U16, "U16", 2 },
        DTypeEntry { DType::U32, "U32", 4 },
        DTypeEntry { DType::U64, "U64", 8 },
        DTypeEntry { DType::Bool, "BOOL", 1 },
    };

    const DTypeEntry& entry(DType dtype)
    {
        for (const auto& e : kDTypes)
            if (e.dtype == dtype)
                return e;
        return kDTypes[1];
    }
} // namespace

std::size_t dtypeSize(DType dtype) { return entry(dtype).size; }

std::string_view dtypeName(DType dtype) { return entry(dtype).name; }

std::optional<DType> parseDType(std::string_view name)
{
    for (const auto& e : kDTypes)
        if (e.name == name)
            return e.dtype;
    return std::nullopt;
}

bool isFloatingPoint(DType dtype)
{
    switch (dtype) {
    case DType::F64:
    case DType::F32:
    case DType::F16:
    case DType::BF16:
    case DType::F8E4M3:
    case DType::F8E5M2:
        return true;
    default:
        return false;
    }
}

} // namespace moescope

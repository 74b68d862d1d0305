#pragma once
// Element types of tensors in checkpoint files, named as safetensors names them.

#include <cstddef>
#include <optional>
#include <string_view>

namespace moescope {

enum class DType { F64, F32, F16, BF16, F8E4M3, F8E5M2, I64, I32, I16, I8, U8, U16, U32, U64, Bool };

std::size_t dtypeSize(DType dtype);
std::string_view dtypeName(DType dtype); // safetensors spelling: "F32", "BF16", "F8_E4M3", ...
std::optional<DType> parseDType(std::string_view name);
bool isFloatingPoint(DType dtype);

} // namespace moescope

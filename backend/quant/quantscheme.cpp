#include "quant/quantscheme.h"

#include "core/error.h"

#include <charconv>

namespace moescope {

namespace {
    constexpr int kFp8Block = 128;

    std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
} // namespace

QuantScheme QuantScheme::parse(std::string_view name)
{
    QuantScheme s;
    const auto bad = [&]() {
        return InvalidArgumentError("unknown quantization scheme '" + std::string(name)
            + "' (expected none, bf16, int8, int4-g32|g64|g128[-asym], fp8 or fp8-b128)");
    };
    if (name == "none" || name == "full") {
        return s;
    }
    if (name == "bf16") {
        s.format = QuantFormat::BF16;
        return s;
    }
    if (name == "int8") {
        s.format = QuantFormat::Int8;
        return s;
    }
    if (name == "fp8") {
        s.format = QuantFormat::Fp8;
        return s;
    }
    if (name == "fp8-b128") {
        s.format = QuantFormat::Fp8;
        s.groupSize = kFp8Block;
        return s;
    }
    if (name.starts_with("int4-g")) {
        auto rest = name.substr(6);
        if (rest.ends_with("-asym")) {
            s.asymmetric = true;
            rest.remove_suffix(5);
        }
        int group = 0;
        const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), group);
        if (ec != std::errc() || end != rest.data() + rest.size() || (group != 32 && group != 64 && group != 128))
            throw bad();
        s.format = QuantFormat::Int4;
        s.groupSize = group;
        return s;
    }
    throw bad();
}

std::string QuantScheme::name() const
{
    switch (format) {
    case QuantFormat::None:
        return "none";
    case QuantFormat::BF16:
        return "bf16";
    case QuantFormat::Int8:
        return "int8";
    case QuantFormat::Int4:
        return "int4-g" + std::to_string(groupSize) + (asymmetric ? "-asym" : "");
    case QuantFormat::Fp8:
        return groupSize > 0 ? "fp8-b" + std::to_string(groupSize) : "fp8";
    }
    return "none";
}

std::int64_t QuantScheme::storageBytes(std::int64_t rows, std::int64_t cols, int fullElementBytes) const
{
    switch (format) {
    case QuantFormat::None:
        return rows * cols * fullElementBytes;
    case QuantFormat::BF16:
        return rows * cols * 2;
    case QuantFormat::Int8:
        return rows * cols + rows * 4; // int8 codes + float32 scale per row
    case QuantFormat::Int4: {
        const auto groups = rows * ceilDiv(cols, groupSize);
        return rows * ceilDiv(cols, 2) + groups * 2 + (asymmetric ? groups : 0); // nibbles + f16 scales + u8 zeros
    }
    case QuantFormat::Fp8:
        return rows * cols + 4 * (groupSize > 0 ? ceilDiv(rows, groupSize) * ceilDiv(cols, groupSize) : rows);
    }
    return 0;
}

std::vector<std::string> presetSchemeNames()
{
    return { "bf16", "fp8", "fp8-b128", "int8", "int4-g32", "int4-g64", "int4-g128", "int4-g32-asym",
        "int4-g64-asym", "int4-g128-asym" };
}

} // namespace moescope

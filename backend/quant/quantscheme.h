#pragma once
// A weight storage format for one matrix: full precision, bf16, INT8 per output channel, INT4 group-wise (symmetric or
// with zero points, two values per byte) or FP8 E4M3 (per-channel or 128x128 block scales). Plain data, no LibTorch,
// so the GUI can list and name schemes cheaply.
//
// Names (parse/name round-trip): "none" (as loaded), "bf16", "int8", "int4-g32|g64|g128" with optional "-asym",
// "fp8" (per output channel) and "fp8-b128" (128x128 blocks, DeepSeek-V3's layout).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

enum class QuantFormat { None, BF16, Int8, Int4, Fp8 };

struct QuantScheme {
    QuantFormat format = QuantFormat::None;
    int groupSize = 0; // Int4: columns per scale group; Fp8: 0 per output channel, else square blocks of this size
    bool asymmetric = false; // Int4 only: unsigned codes with a zero point per group

    static QuantScheme parse(std::string_view name); // InvalidArgumentError naming the scheme on anything else
    std::string name() const;
    bool isQuantized() const { return format == QuantFormat::Int8 || format == QuantFormat::Int4 || format == QuantFormat::Fp8; }
    bool isFull() const { return format == QuantFormat::None; }
    // Bytes this scheme stores for a rows x cols matrix (codes + scales + zero points; no bias, no input scale).
    // fullElementBytes: bytes per element of "none" (the compute dtype).
    std::int64_t storageBytes(std::int64_t rows, std::int64_t cols, int fullElementBytes = 2) const;

    bool operator==(const QuantScheme&) const = default;
};

// The schemes the GUI offers as presets, in order of size.
std::vector<std::string> presetSchemeNames();

} // namespace moescope

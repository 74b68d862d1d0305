#pragma once
// Plain loop implementations of quantize, dequantize and INT4 packing, written for clarity rather than speed and
// without LibTorch. They define the arithmetic that quant/quantizer.h vectorises; tests compare the two bit for bit.
// Row-major float32 matrices [rows, cols].

#include "quant/quantscheme.h"

#include <cstdint>
#include <span>
#include <vector>

namespace moescope::reference {

struct Quantized {
    std::vector<std::int32_t> codes; // [rows * cols]: int8 values, INT4 codes 0..15, or FP8 bit patterns 0..255
    std::vector<std::uint8_t> packed; // INT4: [rows * ceil(cols / 2)]
    std::vector<float> scales; // INT8/FP8 per channel: [rows]; INT4: [rows * groups]; FP8 blocks: [rb * cb]
    std::vector<std::uint16_t> halfScales; // INT4: the float16 bit patterns of scales
    std::vector<std::uint8_t> zeros; // INT4 asymmetric: [rows * groups]
};

// columnWeights (optional, [cols]) weight each column's squared error in the range search.
Quantized quantize(std::span<const float> w, std::int64_t rows, std::int64_t cols, const QuantScheme& scheme,
    bool rangeSearch, std::span<const double> columnWeights = {});
std::vector<float> dequantize(const Quantized& q, std::int64_t rows, std::int64_t cols, const QuantScheme& scheme);

// codes [rows * cols] in 0..15 -> [rows * ceil(cols / 2)], column 2j in the low nibble.
std::vector<std::uint8_t> packInt4(std::span<const std::uint8_t> codes, std::int64_t rows, std::int64_t cols);

// One group (or row) of an integer scheme: the scale (float16-rounded for INT4) and zero point (asymmetric INT4) of
// the clipping ratio with the least (column-weighted, cw may be null) squared error; ratio 1 only without search.
struct GroupScale {
    float scale = 0;
    float zero = 0; // asymmetric only
};
GroupScale fitIntegerGroup(
    const float* w, const double* cw, std::int64_t n, QuantFormat format, bool asym, bool search);
// The integer code of w on a group's grid, before the +8 offset of symmetric INT4 storage.
float integerCode(float w, const GroupScale& g, QuantFormat format, bool asym);

// FP8 E4M3 ("fn": no infinities, 0x7F/0xFF are NaN, largest finite 448): nearest value, ties to even.
std::uint8_t fp8Encode(float x);
float fp8Decode(std::uint8_t bits);

} // namespace moescope::reference

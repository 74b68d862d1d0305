#include "eval/pngencoder.h"

#include "core/error.h"

#include <zlib.h>

#include <cmath>
#include <string>

namespace moescope {

namespace {
void put32(std::vector<std::uint8_t>& out, std::uint32_t v)
{
    for (int s = 24; s >= 0; s -= 8)
        out.push_back(std::uint8_t(v >> s));
}

void chunk(std::vector<std::uint8_t>& out, const char type[5], std::span<const std::uint8_t> data)
{
    put32(out, std::uint32_t(data.size()));
    const std::size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    put32(out, std::uint32_t(crc32(0, out.data() + start, uInt(out.size() - start))));
}
} // namespace

std::vector<std::uint8_t> encodePng(std::span<const std::uint8_t> rgb, int width, int height, double dpi)
{
    if (width <= 0 || height <= 0 || width > 1 << 15 || height > 1 << 15
        || rgb.size() != std::size_t(width) * std::size_t(height) * 3)
        throw InvalidArgumentError("PNG: " + std::to_string(rgb.size()) + " bytes for a " + std::to_string(width)
            + " x " + std::to_string(height) + " RGB image");
    // Scanlines with the Sub filter (charts are mostly flat runs, which it turns into zeros).
    const std::size_t stride = std::size_t(width) * 3;
    std::vector<std::uint8_t> raw;
    raw.reserve((stride + 1) * std::size_t(height));
    for (int y = 0; y < height; ++y) {
        const std::uint8_t* row = rgb.data() + std::size_t(y) * stride;
        raw.push_back(1);
        for (std::size_t i = 0; i < stride; ++i)
            raw.push_back(std::uint8_t(row[i] - (i >= 3 ? row[i - 3] : 0)));
    }
    uLongf packedSize = compressBound(uLong(raw.size()));
    std::vector<std::uint8_t> packed(packedSize);
    if (compress2(packed.data(), &packedSize, raw.data(), uLong(raw.size()), 6) != Z_OK)
        throw IoError("PNG: zlib compression failed");
    packed.resize(packedSize);

    std::vector<std::uint8_t> out = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    std::vector<std::uint8_t> header;
    put32(header, std::uint32_t(width));
    put32(header, std::uint32_t(height));
    header.insert(header.end(), { 8, 2, 0, 0, 0 }); // 8-bit, RGB, deflate, adaptive filters, no interlace
    chunk(out, "IHDR", header);
    if (dpi > 0) {
        std::vector<std::uint8_t> phys;
        const auto perMetre = std::uint32_t(std::lround(dpi / 0.0254));
        put32(phys, perMetre);
        put32(phys, perMetre);
        phys.push_back(1); // unit: metre
        chunk(out, "pHYs", phys);
    }
    chunk(out, "IDAT", packed);
    chunk(out, "IEND", {});
    return out;
}

} // namespace moescope

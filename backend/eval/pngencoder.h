#pragma once
// PNG encoding of an 8-bit RGB image with zlib (no image library needed). Any thread.

#include <cstdint>
#include <span>
#include <vector>

namespace moescope {

// rgb: width * height * 3 bytes, rows top to bottom. dpi > 0 writes a pHYs chunk (print size).
std::vector<std::uint8_t> encodePng(std::span<const std::uint8_t> rgb, int width, int height, double dpi = 0);

} // namespace moescope

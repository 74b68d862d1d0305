#pragma once
// Renders a ChartScene as SVG text or as a PNG image (own anti-aliasing rasteriser: exact area coverage for
// rectangles, distance-based coverage for lines and circles, embedded DejaVu Sans glyphs). Any thread.

#include "eval/chartscene.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace moescope {

std::string renderSvg(const ChartScene& scene);

struct RasterImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb; // width * height * 3, rows top to bottom
};

// scale: pixels per chart px (2 gives print-quality 144 dpi images).
RasterImage rasterizeChart(const ChartScene& scene, double scale = 2.0);
std::vector<std::uint8_t> renderPng(const ChartScene& scene, double scale = 2.0);

// Writes stem.svg and stem.png (each atomically); returns the two paths.
std::vector<std::filesystem::path> writeChartFiles(const ChartScene& scene, const std::filesystem::path& stem);

} // namespace moescope

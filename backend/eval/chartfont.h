#pragma once
// The embedded glyph bitmaps of the chart rasteriser (chartfontdata.inc, made by packaging/fonts/make_chart_font.cpp):
// DejaVu Sans at 22 and 26 px and DejaVu Sans Bold at 32 px, 8-bit coverage. Internal to the chart writer.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

struct ChartGlyph {
    std::uint32_t codepoint;
    long advance64; // pen advance in 1/64 px
    int left; // bitmap offset from the pen position
    int top; // bitmap top above the baseline
    unsigned width, height;
    unsigned offset; // into chartGlyphBitmaps()
};

struct ChartFace {
    int pixelSize;
    bool bold;
    const ChartGlyph* glyphs;
    std::size_t count;
};

// The face nearest to pixelSize with that weight.
const ChartFace& chartFace(double pixelSize, bool bold);
// The glyph of a code point, or of '?' when the face lacks it.
const ChartGlyph& chartGlyph(const ChartFace& face, char32_t codepoint);
// All glyph coverage bytes (decompressed on first use; thread-safe).
const std::uint8_t* chartGlyphBitmaps();

// Code points of UTF-8 text; ill-formed bytes give U+FFFD.
std::u32string chartCodePoints(std::string_view text);

} // namespace moescope

#include "eval/chartfont.h"

#include "core/error.h"
#include "tokenizer/unicode/unicode.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <mutex>

namespace moescope {

namespace {
#include "eval/chartfontdata.inc"

std::vector<std::uint8_t> unpackBitmaps()
{
    std::vector<std::uint8_t> out(kBitmapBytes);
    uLongf size = uLongf(out.size());
    if (uncompress(out.data(), &size, kPackedBitmaps, uLong(sizeof(kPackedBitmaps))) != Z_OK || size != out.size())
        throw FormatError("chart font: the embedded glyph bitmaps are damaged");
    return out;
}
} // namespace

const ChartFace& chartFace(double pixelSize, bool bold)
{
    const ChartFace* best = nullptr;
    for (const auto& f : kFaces)
        if (f.bold == bold && (!best || std::abs(f.pixelSize - pixelSize) < std::abs(best->pixelSize - pixelSize)))
            best = &f;
    return best ? *best : kFaces[0];
}

const ChartGlyph& chartGlyph(const ChartFace& face, char32_t codepoint)
{
    const auto* end = face.glyphs + face.count;
    const auto* it = std::lower_bound(
        face.glyphs, end, codepoint, [](const ChartGlyph& g, char32_t c) { return g.codepoint < c; });
    if (it != end && it->codepoint == codepoint)
        return *it;
    if (codepoint != U'?')
        return chartGlyph(face, U'?');
    return face.glyphs[0];
}

const std::uint8_t* chartGlyphBitmaps()
{
    static const std::vector<std::uint8_t> bitmaps = unpackBitmaps(); // immutable table, initialised once
    return bitmaps.data();
}

std::u32string chartCodePoints(std::string_view text)
{
    const std::string valid = tok::utf8Lossy(text);
    std::u32string out;
    out.reserve(valid.size());
    for (std::size_t pos = 0; pos < valid.size();)
        out.push_back(tok::decodeUtf8(valid, pos));
    return out;
}

} // namespace moescope

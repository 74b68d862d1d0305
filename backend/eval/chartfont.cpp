#include "eval/chartfont.h"

#include "core/error.h"

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

std::u32string decodeUtf8(std::string_view s)
{
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
        bool ok = len > 0 && i + std::size_t(len) <= s.size();
        for (int j = 1; ok && j < len; ++j) {
            const auto d = static_cast<unsigned char>(s[i + std::size_t(j)]);
            ok = (d >> 6) == 2;
            cp = (cp << 6) | (d & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid too.
        ok = ok && !(len == 2 && cp < 0x80) && !(len == 3 && cp < 0x800) && !(len == 4 && cp < 0x10000)
            && !(cp >= 0xD800 && cp < 0xE000) && cp <= 0x10FFFF;
        out.push_back(ok ? cp : U'\uFFFD');
        i += ok ? std::size_t(len) : 1;
    }
    return out;
}

} // namespace moescope

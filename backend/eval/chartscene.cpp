#include "eval/chartscene.h"

#include "core/error.h"
#include "eval/chartfont.h"
#include "tokenizer/unicode/unicode.h"

#include <cstdio>

namespace moescope {

namespace {
// Faces are stored at twice the chart's px sizes (PNG scale 2); widths scale linearly.
constexpr double kFaceScale = 2.0;

} // namespace

ChartColor ChartColor::fromHex(std::string_view hex)
{
    unsigned r = 0, g = 0, b = 0;
    if (hex.size() != 7 || hex[0] != '#' || std::sscanf(std::string(hex).c_str(), "#%2x%2x%2x", &r, &g, &b) != 3)
        throw InvalidArgumentError("colour '" + std::string(hex) + "' is not #rrggbb");
    return { std::uint8_t(r), std::uint8_t(g), std::uint8_t(b), 255 };
}

std::string ChartColor::hex() const
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
    return buf;
}

ChartScene::ChartScene(double width, double height, ChartColor background, std::string title, std::string description)
    : m_width(width)
    , m_height(height)
    , m_background(background)
    , m_title(std::move(title))
    , m_description(std::move(description))
{
    if (!(width > 0) || !(height > 0) || width > 20000 || height > 20000)
        throw InvalidArgumentError(
            "chart size " + std::to_string(width) + " x " + std::to_string(height) + " px outside (0, 20000]");
}

double chartTextWidth(std::string_view text, double size, bool bold)
{
    const ChartFace& face = chartFace(size * kFaceScale, bold);
    long advance = 0;
    for (const char32_t c : chartCodePoints(text))
        advance += chartGlyph(face, c).advance64;
    return double(advance) / 64.0 * (size * kFaceScale / face.pixelSize) / kFaceScale;
}

std::string elideChartText(std::string_view text, double size, double maxWidth, bool bold)
{
    if (chartTextWidth(text, size, bold) <= maxWidth)
        return std::string(text);
    const std::string valid = tok::utf8Lossy(text);
    std::vector<std::size_t> ends; // the byte end of each code point
    for (std::size_t pos = 0; pos < valid.size();) {
        tok::decodeUtf8(valid, pos);
        ends.push_back(pos);
    }
    const std::string ellipsis = "\u2026";
    for (std::size_t n = ends.size(); n-- > 0;) {
        auto cut = valid.substr(0, ends[n]) + ellipsis;
        if (chartTextWidth(cut, size, bold) <= maxWidth)
            return cut;
    }
    return ellipsis;
}

std::string sanitizeChartText(std::string_view text)
{
    const std::string valid = tok::utf8Lossy(text);
    std::string out;
    out.reserve(valid.size());
    for (std::size_t pos = 0; pos < valid.size();) {
        const std::size_t start = pos;
        const char32_t c = tok::decodeUtf8(valid, pos);
        if (c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0xFFFE || c == 0xFFFF)
            out += ' ';
        else
            out.append(valid, start, pos - start);
    }
    return out;
}

} // namespace moescope

#include "eval/chartscene.h"

#include "core/error.h"
#include "eval/chartfont.h"

#include <cstdio>

namespace moescope {

namespace {
// Faces are stored at twice the chart's px sizes (PNG scale 2); widths scale linearly.
constexpr double kFaceScale = 2.0;

void appendUtf8(std::string& out, char32_t c)
{
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    } else {
        out += char(0xF0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3F));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
}
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
    for (const char32_t c : decodeUtf8(text))
        advance += chartGlyph(face, c).advance64;
    return double(advance) / 64.0 * (size * kFaceScale / face.pixelSize) / kFaceScale;
}

std::string sanitizeChartText(std::string_view text)
{
    std::string out;
    for (const char32_t c : decodeUtf8(text))
        appendUtf8(out, c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0xFFFE || c == 0xFFFF ? U' ' : c);
    return out;
}

} // namespace moescope

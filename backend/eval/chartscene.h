#pragma once
// A chart as a flat list of drawing primitives in CSS pixels (rectangles, polylines, circles, text), so one layout
// renders identically to SVG (vector, for papers) and PNG (raster, via the project's own rasteriser and embedded
// DejaVu Sans glyphs) without Qt: the CLI and GPU machines have none. Plain values; any thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace moescope {

struct ChartColor {
    std::uint8_t r = 0, g = 0, b = 0, a = 255;
    static ChartColor fromHex(std::string_view hex); // "#rrggbb"
    std::string hex() const; // "#rrggbb" (alpha separately)
    friend bool operator==(const ChartColor&, const ChartColor&) = default;
};

struct ChartPoint {
    double x = 0, y = 0;
};

enum class TextAnchor { Start, Middle, End };

struct ChartRect {
    double x = 0, y = 0, width = 0, height = 0;
    ChartColor fill;
    ChartColor stroke { 0, 0, 0, 0 }; // alpha 0: no outline
    double strokeWidth = 0;
    std::string tooltip; // SVG <title> (hover text in browsers and Inkscape)
};

struct ChartPath {
    std::vector<ChartPoint> points; // an open polyline
    ChartColor color;
    double width = 1;
    bool dashed = false;
};

struct ChartCircle {
    ChartPoint center;
    double radius = 3;
    ChartColor fill;
    ChartColor stroke { 0, 0, 0, 0 };
    double strokeWidth = 0;
};

struct ChartText {
    ChartPoint at; // the baseline point the anchor refers to
    std::string text; // UTF-8
    double size = 11; // px
    bool bold = false;
    TextAnchor anchor = TextAnchor::Start;
    bool vertical = false; // rotated -90 degrees (reads bottom to top), for y-axis labels
    ChartColor color;
};

using ChartItem = std::variant<ChartRect, ChartPath, ChartCircle, ChartText>;

class ChartScene {
public:
    ChartScene(double width, double height, ChartColor background, std::string title, std::string description = {});

    double width() const { return m_width; }
    double height() const { return m_height; }
    ChartColor background() const { return m_background; }
    const std::string& title() const { return m_title; }
    const std::string& description() const { return m_description; }
    const std::vector<ChartItem>& items() const { return m_items; }

    void add(ChartItem item) { m_items.push_back(std::move(item)); }

private:
    double m_width, m_height;
    ChartColor m_background;
    std::string m_title;
    std::string m_description;
    std::vector<ChartItem> m_items;
};

// Builders that leave the other fields at their defaults.
inline ChartRect chartRect(double x, double y, double width, double height, ChartColor fill, std::string tooltip = {})
{
    ChartRect r;
    r.x = x;
    r.y = y;
    r.width = width;
    r.height = height;
    r.fill = fill;
    r.tooltip = std::move(tooltip);
    return r;
}
inline ChartPath chartLine(std::vector<ChartPoint> points, ChartColor color, double width, bool dashed = false)
{
    ChartPath p;
    p.points = std::move(points);
    p.color = color;
    p.width = width;
    p.dashed = dashed;
    return p;
}
inline ChartCircle chartDot(ChartPoint center, double radius, ChartColor fill)
{
    ChartCircle c;
    c.center = center;
    c.radius = radius;
    c.fill = fill;
    return c;
}
inline ChartText chartText(ChartPoint at, std::string text, double size, ChartColor color,
    TextAnchor anchor = TextAnchor::Start, bool bold = false, bool vertical = false)
{
    ChartText t;
    t.at = at;
    t.text = std::move(text);
    t.size = size;
    t.color = color;
    t.anchor = anchor;
    t.bold = bold;
    t.vertical = vertical;
    return t;
}

// Width of text in px as the embedded font sets it (SVG viewers with DejaVu Sans match it; others come close).
double chartTextWidth(std::string_view text, double size, bool bold = false);

// text cut at the end to at most maxWidth px with an ellipsis ("…" alone when nothing else fits); text itself when
// it fits. Cuts between code points of valid UTF-8.
std::string elideChartText(std::string_view text, double size, double maxWidth, bool bold = false);

// Valid UTF-8 for SVG and the rasteriser: invalid bytes become U+FFFD, control characters a space.
std::string sanitizeChartText(std::string_view text);

} // namespace moescope

// The PNG side of the chart writer: a small anti-aliasing rasteriser for the ChartScene primitives.

#include "eval/chartrender.h"

#include "core/error.h"
#include "eval/chartfont.h"

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
class Canvas {
public:
    Canvas(int width, int height, ChartColor background)
        : m_width(width)
        , m_height(height)
        , m_rgb(std::size_t(width) * std::size_t(height) * 3)
    {
        for (std::size_t i = 0; i < m_rgb.size(); i += 3) {
            m_rgb[i] = background.r;
            m_rgb[i + 1] = background.g;
            m_rgb[i + 2] = background.b;
        }
    }

    int width() const { return m_width; }
    int height() const { return m_height; }
    std::vector<std::uint8_t> take() { return std::move(m_rgb); }

    void blend(int x, int y, const ChartColor& c, double coverage)
    {
        if (x < 0 || y < 0 || x >= m_width || y >= m_height || coverage <= 0)
            return;
        const double a = std::min(coverage, 1.0) * c.a / 255.0;
        std::uint8_t* p = m_rgb.data() + (std::size_t(y) * std::size_t(m_width) + std::size_t(x)) * 3;
        p[0] = std::uint8_t(std::lround(p[0] * (1 - a) + c.r * a));
        p[1] = std::uint8_t(std::lround(p[1] * (1 - a) + c.g * a));
        p[2] = std::uint8_t(std::lround(p[2] * (1 - a) + c.b * a));
    }

private:
    int m_width, m_height;
    std::vector<std::uint8_t> m_rgb;
};

// Coverage of one shape over a pixel box, combined with max so overlapping pieces of one shape (polyline
// joints, rectangle outline corners) are painted once.
class Mask {
public:
    Mask(const Canvas& canvas, double x0, double y0, double x1, double y1)
    {
        m_x0 = std::clamp(int(std::floor(x0)) - 1, 0, canvas.width());
        m_y0 = std::clamp(int(std::floor(y0)) - 1, 0, canvas.height());
        m_x1 = std::clamp(int(std::ceil(x1)) + 1, 0, canvas.width());
        m_y1 = std::clamp(int(std::ceil(y1)) + 1, 0, canvas.height());
        m_cov.assign(std::size_t(std::max(0, m_x1 - m_x0)) * std::size_t(std::max(0, m_y1 - m_y0)), 0.0f);
    }
    int x0() const { return m_x0; }
    int y0() const { return m_y0; }
    int x1() const { return m_x1; }
    int y1() const { return m_y1; }
    void put(int x, int y, double c)
    {
        if (x < m_x0 || y < m_y0 || x >= m_x1 || y >= m_y1 || c <= 0)
            return;
        float& v = m_cov[std::size_t(y - m_y0) * std::size_t(m_x1 - m_x0) + std::size_t(x - m_x0)];
        v = std::max(v, float(std::min(c, 1.0)));
    }
    void paint(Canvas& canvas, const ChartColor& color) const
    {
        for (int y = m_y0; y < m_y1; ++y)
            for (int x = m_x0; x < m_x1; ++x)
                canvas.blend(
                    x, y, color, m_cov[std::size_t(y - m_y0) * std::size_t(m_x1 - m_x0) + std::size_t(x - m_x0)]);
    }

private:
    int m_x0 = 0, m_y0 = 0, m_x1 = 0, m_y1 = 0;
    std::vector<float> m_cov;
};

// Exact area of [x0, x1] x [y0, y1] over each pixel.
void coverRect(Mask& mask, double x0, double y0, double x1, double y1)
{
    for (int y = std::max(mask.y0(), int(std::floor(y0))); y < std::min(mask.y1(), int(std::ceil(y1))); ++y) {
        const double cy = std::min(y1, y + 1.0) - std::max(y0, double(y));
        for (int x = std::max(mask.x0(), int(std::floor(x0))); x < std::min(mask.x1(), int(std::ceil(x1))); ++x)
            mask.put(x, y, (std::min(x1, x + 1.0) - std::max(x0, double(x))) * cy);
    }
}

void coverSegment(Mask& mask, ChartPoint a, ChartPoint b, double halfWidth)
{
    const double pad = halfWidth + 1;
    const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    // Lines thinner than a pixel fade instead of vanishing.
    const double strength = std::min(1.0, 2 * halfWidth);
    const double reach = std::max(halfWidth, 0.5);
    for (int y = std::max(mask.y0(), int(std::floor(std::min(a.y, b.y) - pad)));
         y < std::min(mask.y1(), int(std::ceil(std::max(a.y, b.y) + pad))); ++y)
        for (int x = std::max(mask.x0(), int(std::floor(std::min(a.x, b.x) - pad)));
             x < std::min(mask.x1(), int(std::ceil(std::max(a.x, b.x) + pad))); ++x) {
            const double px = x + 0.5, py = y + 0.5;
            const double t = len2 > 0 ? std::clamp(((px - a.x) * dx + (py - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
            const double ex = a.x + t * dx - px, ey = a.y + t * dy - py;
            mask.put(x, y, strength * std::clamp(reach + 0.5 - std::sqrt(ex * ex + ey * ey), 0.0, 1.0));
        }
}

void drawRect(Canvas& canvas, const ChartRect& r, double s)
{
    const double x0 = r.x * s, y0 = r.y * s, x1 = (r.x + r.width) * s, y1 = (r.y + r.height) * s;
    if (r.fill.a > 0) {
        Mask fill(canvas, x0, y0, x1, y1);
        coverRect(fill, x0, y0, x1, y1);
        fill.paint(canvas, r.fill);
    }
    if (r.stroke.a > 0 && r.strokeWidth > 0) {
        const double h = r.strokeWidth * s / 2;
        Mask outline(canvas, x0 - h, y0 - h, x1 + h, y1 + h);
        coverRect(outline, x0 - h, y0 - h, x1 + h, y0 + h);
        coverRect(outline, x0 - h, y1 - h, x1 + h, y1 + h);
        coverRect(outline, x0 - h, y0 - h, x0 + h, y1 + h);
        coverRect(outline, x1 - h, y0 - h, x1 + h, y1 + h);
        outline.paint(canvas, r.stroke);
    }
}

void drawPath(Canvas& canvas, const ChartPath& p, double s)
{
    if (p.points.size() < 2)
        return;
    double x0 = p.points[0].x, x1 = x0, y0 = p.points[0].y, y1 = y0;
    for (const auto& pt : p.points) {
        x0 = std::min(x0, pt.x);
        x1 = std::max(x1, pt.x);
        y0 = std::min(y0, pt.y);
        y1 = std::max(y1, pt.y);
    }
    const double h = p.width * s / 2;
    Mask mask(canvas, x0 * s - h - 1, y0 * s - h - 1, x1 * s + h + 1, y1 * s + h + 1);
    const double dash = 6 * s, gap = 4 * s; // as the SVG's stroke-dasharray="6 4"
    double along = 0; // position in the dash pattern, carried across segments
    for (std::size_t i = 1; i < p.points.size(); ++i) {
        const ChartPoint a { p.points[i - 1].x * s, p.points[i - 1].y * s };
        const ChartPoint b { p.points[i].x * s, p.points[i].y * s };
        if (!p.dashed) {
            coverSegment(mask, a, b, h);
            continue;
        }
        const double len = std::hypot(b.x - a.x, b.y - a.y);
        double t = 0;
        while (t < len) {
            const double phase = std::fmod(along, dash + gap);
            const bool on = phase < dash;
            const double step = std::min(len - t, on ? dash - phase : dash + gap - phase);
            if (on && len > 0)
                coverSegment(mask, { a.x + (b.x - a.x) * t / len, a.y + (b.y - a.y) * t / len },
                    { a.x + (b.x - a.x) * (t + step) / len, a.y + (b.y - a.y) * (t + step) / len }, h);
            t += step;
            along += step;
        }
    }
    mask.paint(canvas, p.color);
}

void drawCircle(Canvas& canvas, const ChartCircle& c, double s)
{
    const double cx = c.center.x * s, cy = c.center.y * s, r = c.radius * s, h = c.strokeWidth * s / 2;
    Mask fill(canvas, cx - r, cy - r, cx + r, cy + r);
    Mask ring(canvas, cx - r - h, cy - r - h, cx + r + h, cy + r + h);
    for (int y = ring.y0(); y < ring.y1(); ++y)
        for (int x = ring.x0(); x < ring.x1(); ++x) {
            const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
            fill.put(x, y, std::clamp(r + 0.5 - d, 0.0, 1.0));
            if (h > 0)
                ring.put(x, y, std::clamp(h + 0.5 - std::abs(d - r), 0.0, 1.0));
        }
    if (c.fill.a > 0)
        fill.paint(canvas, c.fill);
    if (c.stroke.a > 0 && h > 0)
        ring.paint(canvas, c.stroke);
}

double sampleGlyph(const std::uint8_t* bitmap, const ChartGlyph& g, double u, double v)
{
    // Bilinear, with zero outside the bitmap.
    const double fu = u - 0.5, fv = v - 0.5;
    const int iu = int(std::floor(fu)), iv = int(std::floor(fv));
    const double wu = fu - iu, wv = fv - iv;
    const auto at = [&](int x, int y) -> double {
        if (x < 0 || y < 0 || x >= int(g.width) || y >= int(g.height))
            return 0;
        return bitmap[g.offset + unsigned(y) * g.width + unsigned(x)] / 255.0;
    };
    return (at(iu, iv) * (1 - wu) + at(iu + 1, iv) * wu) * (1 - wv)
        + (at(iu, iv + 1) * (1 - wu) + at(iu + 1, iv + 1) * wu) * wv;
}

void drawText(Canvas& canvas, const ChartText& t, double s)
{
    const double pixelSize = t.size * s;
    const ChartFace& face = chartFace(pixelSize, t.bold);
    const double k = pixelSize / face.pixelSize;
    const std::uint8_t* bitmaps = chartGlyphBitmaps();
    const std::u32string text = chartCodePoints(sanitizeChartText(t.text));
    double total = 0;
    for (const char32_t c : text)
        total += chartGlyph(face, c).advance64 / 64.0 * k;
    const double start = t.anchor == TextAnchor::Start ? 0 : t.anchor == TextAnchor::Middle ? -total / 2 : -total;
    // Snap the baseline origin to whole pixels so unscaled glyphs land on the pixel grid.
    const double ax = std::round(t.at.x * s), ay = std::round(t.at.y * s);
    double pen = std::round(start);
    for (const char32_t c : text) {
        const ChartGlyph& g = chartGlyph(face, c);
        // Glyph box in text space (x along the baseline, y down).
        const double gx = std::round(pen + g.left * k), gy = -g.top * k, gw = g.width * k, gh = g.height * k;
        pen += g.advance64 / 64.0 * k;
        if (g.width == 0 || g.height == 0)
            continue;
        double bx0, by0, bx1, by1;
        if (t.vertical) { // text space (tx, ty) -> canvas (ax + ty, ay - tx)
            bx0 = ax + gy;
            bx1 = ax + gy + gh;
            by0 = ay - gx - gw;
            by1 = ay - gx;
        } else {
            bx0 = ax + gx;
            bx1 = ax + gx + gw;
            by0 = ay + gy;
            by1 = ay + gy + gh;
        }
        Mask mask(canvas, bx0, by0, bx1, by1);
        for (int y = mask.y0(); y < mask.y1(); ++y)
            for (int x = mask.x0(); x < mask.x1(); ++x) {
                const double tx = t.vertical ? ay - (y + 0.5) : x + 0.5 - ax;
                const double ty = t.vertical ? x + 0.5 - ax : y + 0.5 - ay;
                mask.put(x, y, sampleGlyph(bitmaps, g, (tx - gx) / k, (ty - gy) / k));
            }
        mask.paint(canvas, t.color);
    }
}

struct Drawer {
    Canvas& canvas;
    double scale;
    void operator()(const ChartRect& r) const { drawRect(canvas, r, scale); }
    void operator()(const ChartPath& p) const { drawPath(canvas, p, scale); }
    void operator()(const ChartCircle& c) const { drawCircle(canvas, c, scale); }
    void operator()(const ChartText& t) const { drawText(canvas, t, scale); }
};
} // namespace

RasterImage rasterizeChart(const ChartScene& scene, double scale)
{
    if (!(scale > 0) || scale > 8)
        throw InvalidArgumentError("chart raster scale " + std::to_string(scale) + " outside (0, 8]");
    const int width = int(std::ceil(scene.width() * scale)), height = int(std::ceil(scene.height() * scale));
    Canvas canvas(width, height, scene.background());
    const Drawer drawer { canvas, scale };
    for (const auto& item : scene.items())
        std::visit(drawer, item);
    return { width, height, canvas.take() };
}

} // namespace moescope

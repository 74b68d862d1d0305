// SVG output of a ChartScene.

#include "eval/chartrender.h"

#include "eval/pngencoder.h"
#include "io/jsonfile.h"

#include <cstdio>

namespace moescope {

namespace {
std::string escapeXml(std::string_view text)
{
    std::string out;
    for (const char c : sanitizeChartText(text)) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (s.back() == '0')
        s.pop_back();
    if (s.back() == '.')
        s.pop_back();
    return s == "-0" ? "0" : s;
}

std::string paint(const char* attribute, const ChartColor& c)
{
    std::string s = std::string(" ") + attribute + "=\"" + c.hex() + "\"";
    if (c.a != 255)
        s += std::string(" ") + attribute + "-opacity=\"" + num(c.a / 255.0) + "\"";
    return s;
}

struct Writer {
    std::string& out;
    void operator()(const ChartRect& r) const
    {
        out += "<rect x=\"" + num(r.x) + "\" y=\"" + num(r.y) + "\" width=\"" + num(r.width) + "\" height=\""
            + num(r.height) + "\"" + paint("fill", r.fill);
        if (r.stroke.a > 0 && r.strokeWidth > 0)
            out += paint("stroke", r.stroke) + " stroke-width=\"" + num(r.strokeWidth) + "\"";
        if (r.tooltip.empty())
            out += "/>\n";
        else
            out += "><title>" + escapeXml(r.tooltip) + "</title></rect>\n";
    }
    void operator()(const ChartPath& p) const
    {
        if (p.points.size() < 2)
            return;
        out += "<polyline fill=\"none\"" + paint("stroke", p.color) + " stroke-width=\"" + num(p.width)
            + "\" stroke-linejoin=\"round\" stroke-linecap=\"butt\"";
        if (p.dashed)
            out += " stroke-dasharray=\"6 4\"";
        out += " points=\"";
        for (const auto& pt : p.points)
            out += num(pt.x) + "," + num(pt.y) + " ";
        out.back() = '"';
        out += "/>\n";
    }
    void operator()(const ChartCircle& c) const
    {
        out += "<circle cx=\"" + num(c.center.x) + "\" cy=\"" + num(c.center.y) + "\" r=\"" + num(c.radius) + "\""
            + paint("fill", c.fill);
        if (c.stroke.a > 0 && c.strokeWidth > 0)
            out += paint("stroke", c.stroke) + " stroke-width=\"" + num(c.strokeWidth) + "\"";
        out += "/>\n";
    }
    void operator()(const ChartText& t) const
    {
        static constexpr const char* kAnchors[] = { "start", "middle", "end" };
        out += "<text x=\"" + num(t.at.x) + "\" y=\"" + num(t.at.y) + "\" font-size=\"" + num(t.size) + "\""
            + (t.bold ? " font-weight=\"bold\"" : "") + " text-anchor=\"" + kAnchors[int(t.anchor)] + "\""
            + paint("fill", t.color);
        if (t.vertical)
            out += " transform=\"rotate(-90 " + num(t.at.x) + " " + num(t.at.y) + ")\"";
        out += '>';
        out += escapeXml(t.text);
        out += "</text>\n";
    }
};
} // namespace

std::string renderSvg(const ChartScene& scene)
{
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(scene.width()) + "\" height=\""
        + num(scene.height()) + "\" viewBox=\"0 0 " + num(scene.width()) + " " + num(scene.height())
        + "\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n";
    out += "<title>" + escapeXml(scene.title()) + "</title>\n";
    if (!scene.description().empty())
        out += "<desc>" + escapeXml(scene.description()) + "</desc>\n";
    out += "<rect width=\"100%\" height=\"100%\"" + paint("fill", scene.background()) + "/>\n";
    const Writer writer { out };
    for (const auto& item : scene.items())
        std::visit(writer, item);
    out += "</svg>\n";
    return out;
}

std::vector<std::uint8_t> renderPng(const ChartScene& scene, double scale)
{
    const RasterImage image = rasterizeChart(scene, scale);
    return encodePng(image.rgb, image.width, image.height, 72.0 * scale);
}

std::vector<std::filesystem::path> writeChartFiles(const ChartScene& scene, const std::filesystem::path& stem)
{
    auto svg = stem, png = stem;
    svg += ".svg";
    png += ".png";
    writeTextFileAtomic(svg, renderSvg(scene));
    const auto bytes = renderPng(scene);
    writeTextFileAtomic(png, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    return { svg, png };
}

} // namespace moescope

// The Qt-free chart writer: PNG encoding decoded by Qt (pixels bit for bit), rasterised primitives at known pixels
// (solid fills, anti-aliased edges, text inside its measured box), SVG that parses as XML with hostile text escaped,
// axis scales, the viridis map (endpoints, luminance rising monotonically), and heatmap cells coloured by value
// with the colour scale starting at zero, and charts laid out for a view's size. Exported examples are left in the artifacts folder to look at.

#include "eval/chartrender.h"
#include "eval/chartstyle.h"
#include "eval/heatmapchart.h"
#include "eval/pngencoder.h"
#include "eval/xychart.h"
#include "testsupport.h"

#include "core/error.h"

#include <QDir>
#include <QImage>
#include <QTest>
#include <QXmlStreamReader>

#include <cmath>

using namespace moescope;

namespace {

QImage decode(const std::vector<std::uint8_t>& png)
{
    QImage image;
    image.loadFromData(png.data(), int(png.size()), "PNG");
    return image;
}

bool sameColor(QRgb pixel, const ChartColor& c, int tolerance = 0)
{
    return std::abs(qRed(pixel) - c.r) <= tolerance && std::abs(qGreen(pixel) - c.g) <= tolerance
        && std::abs(qBlue(pixel) - c.b) <= tolerance;
}

double luminance(const ChartColor& c)
{
    const auto lin = [](double v) {
        v /= 255;
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

bool parsesAsXml(const std::string& svg)
{
    QXmlStreamReader xml(QByteArray::fromStdString(svg));
    while (!xml.atEnd())
        xml.readNext();
    return !xml.hasError();
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT
private slots:
    void pngRoundTrip()
    {
        const int w = 37, h = 11;
        std::vector<std::uint8_t> rgb(std::size_t(w * h * 3));
        for (std::size_t i = 0; i < rgb.size(); ++i)
            rgb[i] = std::uint8_t(i * 7 % 251);
        const QImage image = decode(encodePng(rgb, w, h, 144));
        QCOMPARE(image.width(), w);
        QCOMPARE(image.height(), h);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const auto* p = rgb.data() + (y * w + x) * 3;
                QCOMPARE(image.pixel(x, y), qRgb(p[0], p[1], p[2]));
            }
        QCOMPARE(image.dotsPerMeterX(), int(std::lround(144 / 0.0254)));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, encodePng(rgb, w + 1, h));
    }

    void rasterPrimitives()
    {
        ChartScene scene(100, 50, { 255, 255, 255, 255 }, "test");
        scene.add(chartRect(10, 10, 20, 10, { 200, 0, 0, 255 }));
        scene.add(chartRect(40.5, 10, 10, 10, { 0, 0, 200, 255 })); // left edge on a half pixel at scale 1
        scene.add(chartLine({ { 60, 5 }, { 90, 5 } }, { 0, 0, 0, 255 }, 2));
        const RasterImage image = rasterizeChart(scene, 1.0);
        QCOMPARE(image.width, 100);
        QCOMPARE(image.height, 50);
        const auto px = [&](int x, int y) {
            const auto* p = image.rgb.data() + (y * image.width + x) * 3;
            return ChartColor { p[0], p[1], p[2], 255 };
        };
        QCOMPARE(px(15, 15), (ChartColor { 200, 0, 0, 255 }));
        QCOMPARE(px(9, 15), (ChartColor { 255, 255, 255, 255 }));
        QCOMPARE(px(30, 15), (ChartColor { 255, 255, 255, 255 }));
        QCOMPARE(px(45, 15), (ChartColor { 0, 0, 200, 255 }));
        // Half-covered pixel: halfway between white and blue.
        QCOMPARE(px(40, 15), (ChartColor { 128, 128, 228, 255 }));
        QCOMPARE(px(75, 5), (ChartColor { 0, 0, 0, 255 }));
        QCOMPARE(px(75, 9), (ChartColor { 255, 255, 255, 255 }));
    }

    void textStaysInItsBox()
    {
        ChartScene scene(200, 40, { 255, 255, 255, 255 }, "text");
        const std::string text = "Item 7A: 1,234 tokens";
        scene.add(chartText({ 20, 25 }, text, 13, { 0, 0, 0, 255 }));
        const RasterImage image = rasterizeChart(scene, 2.0);
        const double width = chartTextWidth(text, 13);
        QVERIFY(width > 100 && width < 180);
        int dark = 0, outside = 0;
        for (int y = 0; y < image.height; ++y)
            for (int x = 0; x < image.width; ++x) {
                const auto* p = image.rgb.data() + (y * image.width + x) * 3;
                if (p[0] > 128)
                    continue;
                ++dark;
                const double cx = x / 2.0, cy = y / 2.0;
                if (cx < 19 || cx > 20 + width + 1 || cy < 25 - 13 || cy > 25 + 4)
                    ++outside;
            }
        QVERIFY(dark > 200);
        QCOMPARE(outside, 0);
    }

    void svgIsWellFormed()
    {
        ChartScene scene(120, 60, { 255, 255, 255, 255 }, "A & B < C > \"D\"", "desc \x01 bad \xff utf-8");
        scene.add(chartText({ 5, 20 }, "tokens: <eos> & \"quotes\" \xc3\x28", 11, { 0, 0, 0, 255 }));
        scene.add(chartRect(1, 1, 10, 10, { 0, 0, 0, 128 }, "tooltip & <x>"));
        const std::string svg = renderSvg(scene);
        QVERIFY(parsesAsXml(svg));
        QVERIFY(svg.find("A &amp; B &lt; C &gt; &quot;D&quot;") != std::string::npos);
        QVERIFY(svg.find("fill-opacity") != std::string::npos);
        QCOMPARE(sanitizeChartText("a\x01"
                                   "b\xff"),
            std::string("a b\xef\xbf\xbd"));
    }

    void scales()
    {
        auto s = niceScale(0.87);
        QCOMPARE(s.step, 0.2);
        QCOMPARE(s.max, 1.0);
        QCOMPARE(s.decimals, 1);
        QCOMPARE(s.ticks.size(), std::size_t(6));
        s = niceScale(3);
        QCOMPARE(s.step, 1.0);
        QCOMPARE(s.max, 3.0);
        s = niceScale(12);
        QCOMPARE(s.step, 2.5);
        QCOMPARE(s.decimals, 1);
        QCOMPARE(s.max, 12.5);
        const auto lines = wrapText("the share of the layer's top-k choices per expert and layer", 12, 120);
        QVERIFY(lines.size() >= 3);
        for (const auto& l : lines)
            QVERIFY(chartTextWidth(l, 12) <= 120 || l.find(' ') == std::string::npos);
        QVERIFY(wrapText("", 12, 100).empty());
        s = niceScale(0);
        QCOMPARE(s.ticks.front(), 0.0);
        QCOMPARE(formatNumber(std::nan(""), 2), std::string("n/a"));
    }

    void viridis()
    {
        QCOMPARE(viridisColor(0), ChartColor::fromHex("#440154"));
        QCOMPARE(viridisColor(1), ChartColor::fromHex("#fde725"));
        QCOMPARE(viridisColor(0.5), ChartColor::fromHex("#21908c"));
        double previous = -1;
        for (int i = 0; i <= 100; ++i) {
            const double l = luminance(viridisColor(i / 100.0));
            QVERIFY2(l > previous, qPrintable(QString("luminance not rising at %1").arg(i)));
            previous = l;
        }
    }

    void heatmapCellsAndScale()
    {
        HeatmapSpec spec;
        spec.title = "test heatmap";
        spec.rowLabels = { "a", "b" };
        spec.columnLabels = { "x", "y" };
        spec.values = { 0, 1, 2, std::nan("") };
        spec.valueLabel = "value (units)";
        const ChartScene scene = heatmapChart(spec);
        // Colour scale 0 .. 2: cell (a, x) = 0 -> darkest, (b, x) = 2 -> brightest.
        std::vector<ChartRect> cells;
        for (const auto& item : scene.items())
            if (const auto* r = std::get_if<ChartRect>(&item); r && !r->tooltip.empty())
                cells.push_back(*r);
        QCOMPARE(cells.size(), std::size_t(4));
        QCOMPARE(cells[0].fill, viridisColor(0));
        QCOMPARE(cells[1].fill, viridisColor(0.5));
        QCOMPARE(cells[2].fill, viridisColor(1));
        QCOMPARE(cells[3].fill, ChartTheme::light().missing);
        QCOMPARE(cells[1].tooltip, std::string("a, y: 1.0"));
        const QImage image = decode(renderPng(scene, 2));
        const QRgb center
            = image.pixel(int((cells[2].x + cells[2].width / 2) * 2), int((cells[2].y + cells[2].height / 2) * 2));
        QVERIFY(sameColor(center, viridisColor(1)));
        QVERIFY(parsesAsXml(renderSvg(scene)));
        spec.values.pop_back();
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, heatmapChart(spec));
    }

    void exampleCharts()
    {
        // For people to look at: a dark-theme line/bar chart with references.
        XYChartSpec spec;
        spec.title = "Example: entropy per layer (dark theme)";
        spec.subtitle = "synthetic values";
        spec.xLabel = "decoder layer";
        spec.yLabel = "entropy (bits)";
        for (int i = 1; i <= 12; ++i)
            spec.categories.push_back(std::to_string(i));
        ChartSeries bars { "top-k", {}, SeriesKind::Bars, std::nullopt, false };
        ChartSeries line { "router", {}, SeriesKind::Line, std::nullopt, false };
        for (int i = 0; i < 12; ++i) {
            bars.values.push_back(0.8 + 0.1 * std::sin(i));
            line.values.push_back(i == 5 ? std::nan("") : 2.5 + 0.3 * std::cos(i));
        }
        spec.series = { bars, line };
        spec.references = { { 1.0, "maximum for top-2" }, { 4.0, "maximum over 16 experts" } };
        spec.theme = ChartTheme::dark();
        const ChartScene scene = xyChart(spec);
        const QString dir = moescope::test::artifactsDir() + "/charts";
        QDir().mkpath(dir);
        const auto files = writeChartFiles(scene, (dir + "/example_xy").toStdString());
        QCOMPARE(files.size(), std::size_t(2));
        const QImage image(QString::fromStdString(files[1].string()));
        QCOMPARE(image.width(), int(std::ceil(scene.width() * 2)));
        QVERIFY(sameColor(image.pixel(2, 2), ChartTheme::dark().background));
        spec.series[0].values.pop_back();
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, xyChart(spec));
    }

    // Bars of nearly equal height (ratios near 1) carry their values above them when asked: one label a bar, centred
    // on it and above its top, with the chart's decimals; none when not asked, and none where a label is wider than
    // its bar's share of the category.
    void valueLabelsStandOverTheBars()
    {
        XYChartSpec spec;
        spec.title = "Perplexity ratio to the baseline";
        spec.yLabel = "ratio";
        spec.categories = { "bf16", "int8", "int4-g128" };
        spec.series = { { "ratio", { 1.0, 1.0003, 1.0303 }, SeriesKind::Bars, std::nullopt, false } };
        spec.valueDecimals = 4;
        const auto labelsAndBars = [](const ChartScene& scene) {
            std::vector<const ChartText*> labels;
            std::vector<const ChartRect*> bars;
            for (const auto& item : scene.items()) {
                if (const auto* t = std::get_if<ChartText>(&item); t && t->size == 10)
                    labels.push_back(t);
                if (const auto* r = std::get_if<ChartRect>(&item); r && !r->tooltip.empty())
                    bars.push_back(r);
            }
            return std::make_pair(labels, bars);
        };
        QVERIFY(labelsAndBars(xyChart(spec)).first.empty());
        spec.valueLabels = true;
        const auto [labels, bars] = labelsAndBars(xyChart(spec));
        QCOMPARE(labels.size(), std::size_t(3));
        QCOMPARE(bars.size(), std::size_t(3));
        const char* expected[] = { "1.0000", "1.0003", "1.0303" };
        for (std::size_t i = 0; i < 3; ++i) {
            QCOMPARE(QString::fromStdString(labels[i]->text), QString(expected[i]));
            QCOMPARE(labels[i]->anchor, TextAnchor::Middle);
            QVERIFY(std::abs(labels[i]->at.x - (bars[i]->x + bars[i]->width / 2)) < 1.0);
            QVERIFY(labels[i]->at.y < bars[i]->y && labels[i]->at.y > bars[i]->y - 12);
        }
        // 30 categories: 28 px a category, narrower than "1.0303"
        spec.categories.clear();
        spec.series[0].values.clear();
        for (int i = 0; i < 30; ++i) {
            spec.categories.push_back(std::to_string(i));
            spec.series[0].values.push_back(1.0303);
        }
        QVERIFY(labelsAndBars(xyChart(spec)).first.empty());
    }

    // Category labels: one long name (a policy file's path) no longer hides the others; it is cut with an ellipsis
    // to its room. Many short labels (layers) are still thinned to every stride-th.
    void longCategoryNamesAreCutNotHidingTheOthers()
    {
        const std::string longName = "mixed:resources/quant-policies/int4-g128-experts-int8-rest-and-more.json";
        XYChartSpec spec;
        spec.title = "Top-1 agreement";
        spec.categories = { "baseline (f32)", "int8", "int4-g128", longName };
        spec.series = { { "top-1", { 100, 99.9, 97.5, 99.7 }, SeriesKind::Bars, std::nullopt, false } };
        auto categoryLabels = [](const ChartScene& scene) { // centred 11 px texts on the lowest such line
            std::vector<const ChartText*> out;
            double lowest = 0;
            for (const auto& item : scene.items())
                if (const auto* t = std::get_if<ChartText>(&item); t && t->size == 11 && t->anchor == TextAnchor::Middle)
                    lowest = std::max(lowest, t->at.y);
            for (const auto& item : scene.items())
                if (const auto* t = std::get_if<ChartText>(&item);
                    t && t->size == 11 && t->anchor == TextAnchor::Middle && t->at.y == lowest)
                    out.push_back(t);
            return out;
        };
        const ChartScene scene = xyChart(spec);
        const auto labels = categoryLabels(scene);
        QCOMPARE(labels.size(), std::size_t(4));
        for (std::size_t i = 0; i < 3; ++i)
            QCOMPARE(labels[i]->text, spec.categories[i]);
        const double slot = labels[1]->at.x - labels[0]->at.x;
        QVERIFY(labels[3]->text.size() < longName.size());
        QVERIFY(QString::fromStdString(labels[3]->text).endsWith(QChar(0x2026)));
        QVERIFY(QString::fromStdString(longName).startsWith(QString::fromStdString(labels[3]->text).chopped(1)));
        QVERIFY(chartTextWidth(labels[3]->text, 11) <= slot - 6);
        QCOMPARE(elideChartText("int8", 11, 100), std::string("int8"));
        QCOMPARE(elideChartText("int4-g128", 11, 1), std::string("\u2026"));

        spec.categories.clear();
        spec.series[0].values.clear();
        for (int i = 0; i < 48; ++i) { // 48 layers across the default width: not every layer number fits
            spec.categories.push_back(std::to_string(i));
            spec.series[0].values.push_back(1);
        }
        const auto layers = categoryLabels(xyChart(spec));
        QVERIFY(layers.size() < 48 && layers.size() >= 8);
        for (const auto* l : layers)
            QVERIFY(l->text.find("\u2026") == std::string::npos);
    }

    // A chart laid out for a view fills the size asked for (its plot grows, the text keeps its size); below the
    // minimum plot area it grows past the size; without a size it is the exported figure (plot 300 px high).
    void chartFitsTheSizeAskedFor()
    {
        XYChartSpec spec;
        spec.title = "Routing drift per layer";
        spec.subtitle = "two runs";
        spec.xLabel = "decoder layer";
        spec.yLabel = "share";
        spec.categories = { "1", "2", "3", "4" };
        spec.series = { { "changed", { 0.1, 0.2, 0.3, 0.2 }, SeriesKind::Bars, std::nullopt, false } };
        const ChartScene figure = xyChart(spec);
        QCOMPARE(figure.width(), 560.0);
        spec.fit = { 900, 320 };
        const ChartScene wide = xyChart(spec);
        QCOMPARE(wide.width(), 900.0);
        QCOMPARE(wide.height(), 320.0);
        spec.fit = { 1400, 900 };
        const ChartScene large = xyChart(spec);
        QCOMPARE(large.width(), 1400.0);
        QCOMPARE(large.height(), 900.0);
        double largestText = 0;
        for (const auto& item : large.items())
            if (const auto* t = std::get_if<ChartText>(&item))
                largestText = std::max(largestText, t->size);
        QCOMPARE(largestText, 16.0); // the title; nothing is scaled
        spec.fit = { 100, 60 };
        const ChartScene small = xyChart(spec);
        QVERIFY(small.width() >= kMinFittedPlotWidth && small.width() > 100);
        QVERIFY(small.height() >= kMinFittedPlotHeight && small.height() > 60);
    }
};

QTEST_GUILESS_MAIN(TestCharts)
#include "tst_charts.moc"

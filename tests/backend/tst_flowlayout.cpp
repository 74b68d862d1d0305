// FlowLayout: page breaking (no widows or orphans, headings kept with what follows), tables split with their header
// repeated, page references resolved, and alignment/justification as poppler reads them back.

#include "popplertext.h"

#include "core/error.h"
#include "docs/flowlayout.h"
#include "docs/paragraphsetter.h"
#include "docs/pdfwriter.h"
#include "docs/winansi.h"

#include <QtTest>

#include <map>
#include <set>

using namespace moescope;
using moescope::test::loadPdf;

namespace {

std::string render(const LayoutResult& r)
{
    PdfWriter w;
    for (const auto& p : r.pages)
        w.addPage(p);
    return w.toBytes();
}

ParagraphBlock body(const std::string& text)
{
    ParagraphBlock p;
    p.spans = { { text, PdfFont::TimesRoman } };
    return p;
}

std::string words(int n, const std::string& stem)
{
    std::string s;
    for (int i = 0; i < n; ++i)
        s += (i ? " " : "") + stem + std::to_string(i);
    return s;
}

} // namespace

class TestFlowLayout : public QObject {
    Q_OBJECT

private slots:
    void wrapsWithinTheTextWidth()
    {
        const PageGeometry g;
        ParagraphBlock p = body(words(300, "word"));
        ParagraphSetter setter(p, g.textWidth());
        QVERIFY(setter.lines().size() > 10);
        for (const auto& line : setter.lines())
            QVERIFY(line.width <= g.textWidth() + 1e-6);
        QVERIFY(setter.lines().back().last);
        // Justified lines end at the right margin, the last line does not.
        FlowLayout layout(g);
        const auto r = layout.layout({ LayoutBlock(p) });
        const auto pdf = loadPdf(render(r));
        const auto ws = test::pageWords(*pdf, 0);
        double rightmost = 0;
        for (const auto& w : ws)
            rightmost = std::max(rightmost, w.box.right());
        QVERIFY2(std::abs(rightmost - (g.width - g.marginRight)) < 0.05, qPrintable(QString::number(rightmost)));
    }

    void breaksLongWords()
    {
        ParagraphBlock p = body(std::string(400, 'x'));
        ParagraphSetter setter(p, 200);
        QVERIFY(setter.lines().size() >= 2);
        for (const auto& line : setter.lines())
            QVERIFY(line.width <= 200 + 1e-6);
    }

    void noWidowsOrOrphans()
    {
        // Fill a page almost completely, then a paragraph that must split: at least two lines on each page.
        std::vector<LayoutBlock> blocks;
        for (int i = 0; i < 6; ++i)
            blocks.push_back(LayoutBlock(body(words(110, "fill" + std::to_string(i) + "w"))));
        blocks.push_back(LayoutBlock(body(words(120, "tail"))));
        FlowLayout layout;
        const auto r = layout.layout(blocks);
        QVERIFY(r.pages.size() >= 2);
        const auto pdf = loadPdf(render(r));
        const auto& last = r.placements.back();
        if (last.firstPage != last.lastPage) {
            // Count the lines of the split paragraph on each page through the words poppler sees.
            std::map<int, std::set<int>> linesByPage;
            for (int page = last.firstPage; page <= last.lastPage; ++page)
                for (const auto& w : test::pageWords(*pdf, page))
                    if (w.text.startsWith(QStringLiteral("tail")))
                        linesByPage[page].insert(static_cast<int>(std::lround(w.box.top())));
            for (const auto& [page, lines] : linesByPage)
                QVERIFY2(lines.size() >= 2,
                    qPrintable(QStringLiteral("page %1 has %2 line(s)").arg(page).arg(lines.size())));
        }
    }

    void headingsStayWithTheirText()
    {
        std::vector<LayoutBlock> blocks;
        // Enough text to leave room for about one line at the bottom of the first page.
        ParagraphBlock filler = body(words(585, "f"));
        blocks.push_back(LayoutBlock(filler));
        ParagraphBlock heading;
        heading.spans = { { "Item 7. Heading", PdfFont::TimesBold } };
        heading.keepWithNext = true;
        blocks.push_back(LayoutBlock(heading, "heading"));
        blocks.push_back(LayoutBlock(body(words(60, "after"))));
        FlowLayout layout;
        const auto r = layout.layout(blocks);
        const auto& h = r.placements[1];
        const auto& next = r.placements[2];
        QCOMPARE(h.firstPage, next.firstPage);
        QCOMPARE(r.anchors.at("heading"), h.firstPage);
    }

    void tablesRepeatHeadersAcrossPages()
    {
        TableBlock t;
        t.columns = { { 300, TextAlign::Left, true }, { 80, TextAlign::Right, false } };
        TableRow h;
        h.header = true;
        h.cells = { TableCell("Label"), TableCell("HeaderCol") };
        t.rows.push_back(h);
        for (int i = 0; i < 120; ++i)
            t.rows.push_back({ .cells = { TableCell("row " + std::to_string(i)), TableCell(std::to_string(i * 7)) } });
        FlowLayout layout;
        const auto r = layout.layout({ LayoutBlock(t) });
        QVERIFY(r.pages.size() >= 2);
        const auto& rows = r.placements[0].rowPages;
        QCOMPARE(rows.size(), std::size_t(121));
        QVERIFY(std::is_sorted(rows.begin(), rows.end()));
        const auto pdf = loadPdf(render(r));
        for (int p = 0; p < pdf->pages(); ++p)
            QVERIFY(test::pageText(*pdf, p).contains(QStringLiteral("HeaderCol")));
    }

    void rightAlignedFiguresAndHangingParentheses()
    {
        TableBlock t;
        t.columns = { { 200, TextAlign::Left, true }, { 80, TextAlign::Right, false } };
        t.rows.push_back({ .cells = { TableCell("Positive"), TableCell("4,812") } });
        t.rows.push_back({ .cells = { TableCell("Negative"), TableCell("(1,234)") } });
        FlowLayout layout;
        const auto r = layout.layout({ LayoutBlock(t) });
        const auto pdf = loadPdf(render(r));
        double positiveRight = 0, negativeDigitsRight = 0;
        for (const auto& w : test::pageWords(*pdf, 0)) {
            if (w.text == QStringLiteral("4,812"))
                positiveRight = w.box.right();
            if (w.text == QStringLiteral("(1,234)"))
                negativeDigitsRight = w.box.right() - pdfTextWidth(PdfFont::TimesRoman, t.fontSize, ")");
        }
        QVERIFY(positiveRight > 0);
        QVERIFY(std::abs(positiveRight - negativeDigitsRight) < 0.05); // digits line up, ")" hangs
    }

    void pageReferencesResolve()
    {
        std::vector<LayoutBlock> blocks;
        TableBlock toc;
        toc.columns = { { 200, TextAlign::Left, true }, { 60, TextAlign::Right, false } };
        for (const char* a : { "alpha", "beta" }) {
            TableCell ref;
            ref.pageRef = a;
            toc.rows.push_back({ .cells = { TableCell(a), ref } });
        }
        blocks.push_back(LayoutBlock(toc));
        blocks.push_back(LayoutBlock(body("alpha text"), "alpha", true));
        blocks.push_back(LayoutBlock(PageBreakBlock {}));
        blocks.push_back(LayoutBlock(body("more")));
        blocks.push_back(LayoutBlock(body("beta text"), "beta", true));
        FlowLayout layout;
        layout.setPageLabel([](int i) { return "p" + std::to_string(i + 1); });
        const auto r = layout.layout(blocks);
        QCOMPARE(r.anchors.at("alpha"), 1);
        QCOMPARE(r.anchors.at("beta"), 3);
        QVERIFY(r.passes >= 2);
        const auto pdf = loadPdf(render(r));
        const QString text = test::pageText(*pdf, 0);
        QVERIFY2(text.contains(QStringLiteral("p2")) && text.contains(QStringLiteral("p4")), qPrintable(text));
        std::vector<LayoutBlock> bad = { LayoutBlock(toc) };
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, layout.layout(bad));
    }

    void rejectsTablesWiderThanThePage()
    {
        TableBlock t;
        t.columns = { { 400, TextAlign::Left, true }, { 400, TextAlign::Right, false } };
        t.rows.push_back({ .cells = { TableCell("a"), TableCell("b") } });
        FlowLayout layout;
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, layout.layout({ LayoutBlock(t) }));
        TableBlock spans;
        spans.columns = { { 100, TextAlign::Left, true } };
        TableCell wide("x");
        wide.span = 3;
        spans.rows.push_back({ .cells = { wide } });
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, layout.layout({ LayoutBlock(spans) }));
    }

    void decoratorSeesPageCount()
    {
        std::vector<LayoutBlock> blocks;
        for (int i = 0; i < 3; ++i)
            blocks.push_back(LayoutBlock(body("page " + std::to_string(i)), "", true));
        FlowLayout layout;
        int calls = 0, total = 0;
        layout.setDecorator([&](PdfPage& page, int index, int count) {
            ++calls;
            total = count;
            page.textUtf8(
                300, 30, PdfFont::Helvetica, 8, "Page " + std::to_string(index + 1) + " of " + std::to_string(count));
        });
        const auto r = layout.layout(blocks);
        QCOMPARE(calls, 3);
        QCOMPARE(total, 3);
        const auto pdf = loadPdf(render(r));
        QVERIFY(test::pageText(*pdf, 2).contains(QStringLiteral("Page 3 of 3")));
    }
};

QTEST_GUILESS_MAIN(TestFlowLayout)
#include "tst_flowlayout.moc"

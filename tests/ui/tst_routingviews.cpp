// The Routing panel's token view, co-activation and persistence views and their exports, on a hand-made trace over a
// hand-made document (no model): colours equal the palette entry of each token's top-1 expert (read back from the
// painted pixels too), tooltips list every layer's experts and weights as written into the trace, the token view and
// the main window's document view keep the same page without echoing, co-activation cells and persistence equal a
// recount from the raw arrays, and every new view exports a readable PNG, a valid SVG and the expected CSV rows.

#include "eval/routingtrace.h"
#include "routingviewdata.h"
#include "routingviewreference.h"
#include "services/inferenceservice.h"
#include "services/sessioncontroller.h"
#include "testsupport.h"
#include "ui/chartsceneview.h"
#include "ui/documentview.h"
#include "ui/mainwindow.h"
#include "ui/routingcoactivationview.h"
#include "ui/routingpanel.h"
#include "ui/routingtokenlegend.h"
#include "ui/routingtokentab.h"
#include "ui/routingtokenview.h"
#include "ui/theme.h"
#include "uitestsupport.h"

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QHelpEvent>
#include <QImage>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>
#include <set>

using namespace moescope;
using namespace moescope::test;

class RoutingViewsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName("MoEScopeTests");
        QApplication::setApplicationName("tst_routingviews");
        QSettings().clear();
        applyTheme(Theme::Light);
        m_ref = makeReference();
        m_data = makeView(m_ref);
    }

    void tokenColoursAndTooltips()
    {
        SessionController session;
        RoutingPanel panel(&session);
        panel.resize(900, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.showRouting(m_data.document, m_data.view);
        panel.tabs()->setCurrentIndex(int(RoutingPanel::View::Tokens));
        auto* tab = panel.tokenTab();
        auto* view = tab->view();
        QVERIFY(view->hasText());
        QCOMPARE(view->currentPage(), 0);
        tab->layerBox()->setCurrentIndex(tab->layerBox()->findData(3));
        QCOMPARE(view->layer(), 3);
        QTest::qWait(20);

        // Every token of page 0: the colour is the palette entry of its top-1 expert in layer 3 (slot 1), and the
        // painted background under the token is that colour.
        const QImage shot = view->viewport()->grab().toImage();
        for (std::size_t t = 0; t < 21; ++t) {
            const QColor expected = expertColor(m_ref.top1(t, 1));
            QCOMPARE(view->tokenColor(t), expected);
            const QRect r = view->tokenRect(t);
            QVERIFY2(r.isValid(), qPrintable(QString::number(t)));
            QCOMPARE(view->tokenAt(r.center()).value_or(999), t);
            // The fill shows under the token: most of its rectangle's bottom row (below the glyphs but for
            // descenders) is exactly the palette colour.
            int filled = 0;
            for (int x = r.left(); x <= r.right(); ++x)
                filled += shot.pixelColor(x, r.bottom()).rgb() == expected.rgb();
            QVERIFY2(filled * 2 > r.width(),
                qPrintable(QStringLiteral("token %1: %2 of %3").arg(t).arg(filled).arg(r.width())));
        }
        QVERIFY(view->colorsComputed() > 0 && view->colorsComputed() <= 21); // the visible page only
        // Experts 1 and 10 share a colour, which the legend says.
        QCOMPARE(expertColor(10), expertColor(1));
        QVERIFY(tab->legend()->text().contains(expertColor(1).name().toUpper() + ": experts 1, 10"));

        // Tooltip: every layer's experts with weights, largest first (float16 weights printed to 3 decimals).
        const std::size_t t = 3; // t % 3 == 0: its top-1 is listed second in the trace
        const QString tip = view->tooltipText(t);
        for (int s = 0; s < 2; ++s) {
            const auto& e = m_ref.experts[t][std::size_t(s)];
            const QString line
                = QStringLiteral("layer %1: %2 (0.750), %3 (0.250)").arg(kLayers[std::size_t(s)]).arg(e[1]).arg(e[0]);
            QVERIFY2(tip.contains(line), qPrintable(tip));
        }
        QVERIFY(tip.contains(QStringLiteral("“ grew”, page 1")));
        QVERIFY(tip.contains(QStringLiteral("▶ layer 3")));
        const QPoint at = view->tokenRect(t).center();
        QHelpEvent help(QEvent::ToolTip, at, view->viewport()->mapToGlobal(at));
        QApplication::sendEvent(view->viewport(), &help);
        QCOMPARE(QToolTip::text(), tip);
        QToolTip::hideText();

        // Double-clicking a token lists the tokens of its top-1 expert in this layer.
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(panel.selectedCell(), std::pair(3, m_ref.top1(t, 1)));
        QCOMPARE(panel.tabs()->currentIndex(), int(RoutingPanel::View::Experts));
        panel.tabs()->setCurrentIndex(int(RoutingPanel::View::Tokens));

        // Entropy colouring: viridis at H / log2 k of the renormalised weights (0.625, 0.375 -> 0.954 bits).
        tab->coloringBox()->setCurrentIndex(1);
        QCOMPARE(view->coloring(), RoutingTokenColoring::Entropy);
        const double h = -(0.625 * std::log2(0.625) + 0.375 * std::log2(0.375));
        const QColor e1 = view->tokenColor(1), expected = entropyColor(h, 1.0);
        QVERIFY(std::abs(e1.red() - expected.red()) <= 1 && std::abs(e1.green() - expected.green()) <= 1
            && std::abs(e1.blue() - expected.blue()) <= 1);
        QVERIFY(tab->legend()->text().contains("1.00 bits"));
        test::screenshot(&panel, "routing-tokens-entropy");
        tab->coloringBox()->setCurrentIndex(0);
        test::screenshot(&panel, "routing-tokens-expert");
        applyTheme(Theme::Dark);
        QTest::qWait(20);
        test::screenshot(&panel, "routing-tokens-expert-dark");
        applyTheme(Theme::Light);
    }

    void pageSyncWithDocumentView()
    {
        test::ServiceThread services;
        SessionController session;
        MainWindow window(services.service(), &session);
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* docView = window.documentView();
        docView->setDocument(m_data.document);
        auto* panel = window.routingPanel();
        window.findChild<QDockWidget*>("routingDock")->raise();
        panel->showRouting(m_data.document, m_data.view);
        panel->tabs()->setCurrentIndex(int(RoutingPanel::View::Tokens));
        auto* view = panel->tokenTab()->view();
        QSignalSpy requested(panel, &RoutingPanel::pageRequested);
        QSignalSpy docChanged(docView, &DocumentView::currentPageChanged);

        // The token view jumps to an offset on page 3: the document view shows page 3, once.
        view->scrollToOffset(m_data.document->pageOffsets[2] + 5);
        QCOMPARE(view->currentPage(), 2);
        QCOMPARE(docView->currentPage(), 2);
        QCOMPARE(requested.count(), 1);
        QCOMPARE(docChanged.count(), 1);

        // The document view turns to page 2: the token view follows and does not echo.
        docView->showPage(1);
        QCOMPARE(view->currentPage(), 1);
        QCOMPARE(requested.count(), 1);
        QCOMPARE(docChanged.count(), 2);

        // Page 2 is long: PageDown scrolls inside it, then goes on to page 3 and the document view follows.
        auto* bar = view->verticalScrollBar();
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->value(), 0);
        view->setFocus();
        QTest::keyClick(view, Qt::Key_PageDown);
        QVERIFY(bar->value() > 0);
        QCOMPARE(view->currentPage(), 1);
        QVERIFY(view->topOffset() > m_data.document->pageOffsets[1]);
        for (int i = 0; i < 50 && view->currentPage() == 1; ++i)
            QTest::keyClick(view, Qt::Key_PageDown);
        QCOMPARE(view->currentPage(), 2);
        QCOMPARE(docView->currentPage(), 2);
        QCOMPARE(requested.count(), 2);
        test::screenshot(&window, "workbench-routing-tokens");
    }

    void coactivationEqualsRecount()
    {
        SessionController session;
        RoutingPanel panel(&session);
        panel.resize(900, 800);
        panel.show();
        panel.showRouting(m_data.document, m_data.view);
        panel.tabs()->setCurrentIndex(int(RoutingPanel::View::Coactivation));
        auto* co = panel.coactivationView();
        for (const int layer : kLayers) {
            co->setLayer(layer);
            const int s = layer == 1 ? 0 : 1;
            std::vector<int> count(kExperts, 0);
            std::vector<int> both(kExperts * kExperts, 0);
            for (std::size_t t = 0; t < m_ref.spans.size(); ++t) {
                const auto& e = m_ref.experts[t][std::size_t(s)];
                ++count[std::size_t(e[0])];
                ++count[std::size_t(e[1])];
                ++both[std::size_t(e[0] * kExperts + e[1])];
                ++both[std::size_t(e[1] * kExperts + e[0])];
            }
            co->setNormalised(true);
            const auto& scene = co->chart()->scene();
            QVERIFY(QString::fromStdString(scene.title()).contains(QString::number(layer)));
            for (int a = 0; a < kExperts; ++a)
                for (int b = 0; b < kExperts; ++b) {
                    if (a == b)
                        continue;
                    const int n = both[std::size_t(a * kExperts + b)];
                    QVERIFY2(co->cellText(a, b).contains(QStringLiteral("%1 tokens routed to both").arg(n)),
                        qPrintable(co->cellText(a, b)));
                    // The drawn cell (scene tooltip): the share of a's tokens, in %.
                    const std::string expected = count[std::size_t(a)] > 0
                        ? QString::number(100.0 * n / count[std::size_t(a)], 'f', 1).toStdString()
                        : "n/a";
                    QVERIFY(sceneCellText(scene, a * kExperts + b).ends_with(": " + expected));
                }
            co->setNormalised(false);
            for (int a = 0; a < kExperts; ++a)
                for (int b = 0; b < kExperts; ++b)
                    if (a != b && count[std::size_t(a)] > 0)
                        QVERIFY(sceneCellText(co->chart()->scene(), a * kExperts + b)
                                    .ends_with(": " + std::to_string(both[std::size_t(a * kExperts + b)])));
        }
        co->setNormalised(true);
        co->setLayer(3);
        test::screenshot(&panel, "routing-coactivation");

        // Export: figure + full matrix.
        const QString dir = m_dir.filePath("co");
        const QStringList files = panel.exportView(RoutingPanel::View::Coactivation, dir);
        QCOMPARE(files.size(), 4); // SVG, PNG, PDF (ui/chartexport.h), CSV
        QVERIFY(isPdf(dir + "/routing_coactivation_layer3.pdf"));
        for (const QString& f : files)
            QVERIFY(QFileInfo(f).size() > 0);
        QVERIFY(isPng(dir + "/routing_coactivation_layer3.png"));
        QSvgRenderer svg(dir + "/routing_coactivation_layer3.svg");
        QVERIFY(svg.isValid());
        const auto rows = csvRows(dir + "/routing_coactivation_layer3.csv");
        QCOMPARE(rows.first().join(','), QStringLiteral("layer,expert_a,expert_b,tokens,share_of_a,share_of_b"));
        QCOMPARE(rows.size(), 1 + kExperts * (kExperts - 1));
        const int x = m_ref.experts[5][1][0], y = m_ref.experts[5][1][1];
        int recount = 0;
        for (std::size_t t = 0; t < m_ref.spans.size(); ++t) {
            const auto& e = m_ref.experts[t][1];
            recount += (e[0] == x && e[1] == y) || (e[0] == y && e[1] == x);
        }
        QVERIFY(recount > 0);
        bool found = false;
        for (const QStringList& r : rows)
            found = found
                || r.mid(0, 4) == QStringList { "3", QString::number(x), QString::number(y), QString::number(recount) };
        QVERIFY(found);
    }

    void persistenceEqualsRecount()
    {
        const auto& a = m_data.view->run->aggregates;
        for (int s = 0; s < 2; ++s) {
            int same = 0;
            std::vector<int> top1(kExperts, 0);
            for (std::size_t t = 0; t < m_ref.spans.size(); ++t) {
                ++top1[std::size_t(m_ref.top1(t, s))];
                same += t > 0 && m_ref.top1(t, s) == m_ref.top1(t - 1, s);
            }
            const double n = double(m_ref.spans.size());
            double chance = 0;
            for (const int c : top1)
                chance += (c / n) * (c / n);
            QCOMPARE(a.persistence(s), same / (n - 1));
            QVERIFY(std::abs(a.persistenceChance(s) - chance) < 1e-12);
        }
        SessionController session;
        RoutingPanel panel(&session);
        panel.resize(900, 700);
        panel.show();
        panel.showRouting(m_data.document, m_data.view);
        auto* chart = panel.chart(RoutingPanel::View::Persistence);
        QVERIFY(chart->hasScene());
        QVERIFY(QString::fromStdString(chart->scene().title()).contains("persistence"));
        const QString dir = m_dir.filePath("persistence");
        const QStringList files = panel.exportView(RoutingPanel::View::Persistence, dir);
        QVERIFY(isPdf(dir + "/routing_persistence.pdf"));
        QVERIFY(isPng(dir + "/routing_persistence.png"));
        QVERIFY(QSvgRenderer(dir + "/routing_persistence.svg").isValid());
        const auto rows = csvRows(dir + "/routing_persistence.csv");
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[0].join(','), QStringLiteral("layer,token_pairs,same_top1_pairs,persistence,chance_level"));
        for (int s = 0; s < 2; ++s) {
            const QStringList& f = rows[s + 1];
            QCOMPARE(f[0].toInt(), kLayers[std::size_t(s)]);
            QCOMPARE(f[1].toLongLong(), qint64(m_ref.spans.size() - 1));
            QVERIFY(std::abs(f[3].toDouble() - a.persistence(s)) < 1e-6);
        }
        QVERIFY(files.contains(dir + "/layer_summary.csv"));
    }

    void tokenExport()
    {
        SessionController session;
        RoutingPanel panel(&session);
        panel.resize(900, 700);
        panel.show();
        panel.showRouting(m_data.document, m_data.view);
        panel.tabs()->setCurrentIndex(int(RoutingPanel::View::Tokens));
        auto* tab = panel.tokenTab();
        tab->layerBox()->setCurrentIndex(tab->layerBox()->findData(1));
        tab->view()->followPage(1);
        const QString dir = m_dir.filePath("tokens");
        const QStringList files = panel.exportView(RoutingPanel::View::Tokens, dir);
        QCOMPARE(files.size(), 4);
        const QString stem = dir + "/routing_tokens_layer1_page2_expert";
        QVERIFY(isPdf(stem + ".pdf"));
        QVERIFY(isPng(stem + ".png"));
        const QImage image(stem + ".png");
        QVERIFY(image.width() >= 1800 && image.height() > 400);
        QSvgRenderer svg(stem + ".svg");
        QVERIFY(svg.isValid());
        QFile svgFile(stem + ".svg");
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const QByteArray svgText = svgFile.readAll();
        QVERIFY(svgText.contains("Tokens by top-1 expert, layer 1, page 2"));
        QVERIFY(svgText.contains("experts 1, 10"));
        // The CSV: one row per token of page 2 (7 x 80 tokens), each with its top-1 expert in layer 1.
        const auto rows = csvRows(stem + ".csv");
        QCOMPARE(rows.size(), 1 + 7 * 80);
        QVERIFY(rows[0].join(',').startsWith("token,token_id,page,byte_begin,byte_end,text,layer,top1_expert"));
        for (int i = 1; i < rows.size(); ++i) {
            const QStringList& f = rows[i];
            QCOMPARE(f.size(), 12);
            const std::size_t begin = f[3].toULongLong(), end = f[4].toULongLong();
            QCOMPARE(f[5],
                QString::fromStdString(
                    m_data.document->pages[1].text.substr(begin - m_data.document->pageOffsets[1], end - begin)));
            const auto t = std::size_t(f[0].toULongLong());
            QCOMPARE(f[2].toInt(), 2);
            QCOMPARE(f[6].toInt(), 1);
            QCOMPARE(f[7].toInt(), m_ref.top1(t, 0));
        }
        // The same page by entropy: the legend is the viridis ramp in bits.
        tab->coloringBox()->setCurrentIndex(1);
        const QStringList entropyFiles = panel.exportView(RoutingPanel::View::Tokens, dir);
        QVERIFY(entropyFiles.contains(dir + "/routing_tokens_layer1_page2_entropy.svg"));
        QFile entropySvg(dir + "/routing_tokens_layer1_page2_entropy.svg");
        QVERIFY(entropySvg.open(QIODevice::ReadOnly));
        const QByteArray entropyText = entropySvg.readAll();
        QVERIFY(entropyText.contains("Tokens by routing entropy, layer 1, page 2"));
        QVERIFY(entropyText.contains("top-k weight entropy (bits)"));
        QFile::remove(test::artifactsDir() + "/routing-tokens-export-entropy.png");
        QVERIFY(QFile::copy(dir + "/routing_tokens_layer1_page2_entropy.png",
            test::artifactsDir() + "/routing-tokens-export-entropy.png"));
        QFile png(stem + ".png");
        QVERIFY(png.copy(test::artifactsDir() + "/routing-tokens-export.png")
            || QFile::exists(test::artifactsDir() + "/routing-tokens-export.png"));
    }

    void longPagesAreSplitIntoSheets()
    {
        // One page of 12,000 tokens (~80 KB of text): shown in parts, every token in exactly one part.
        const auto big = test::makeSyntheticRouting(12000, 2, 2, 16, 12000, 3, 1);
        RoutingTokenView view;
        view.resize(600, 400);
        view.show();
        view.setRouting(big.document, big.view->queries);
        const auto& sheets = view.sheets();
        QVERIFY(sheets.size() >= 3);
        std::size_t next = 0;
        for (const auto& s : sheets) {
            QCOMPARE(s.page, 0);
            QCOMPARE(s.tokenBegin, next);
            QVERIFY(s.end - s.begin <= RoutingTokenView::kSheetBytes);
            next = s.tokenEnd;
        }
        QCOMPARE(next, std::size_t(12000));
        // The wheel scrolls within a part; one more notch at its end goes on to the next part.
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.currentSheet(), 0);
        auto* bar = view.verticalScrollBar();
        bar->setValue(bar->maximum());
        const QPointF at(100, 100);
        QWheelEvent down(
            at, view.viewport()->mapToGlobal(at), {}, { 0, -120 }, Qt::NoButton, {}, Qt::NoScrollPhase, false);
        QApplication::sendEvent(view.viewport(), &down);
        QCOMPARE(view.currentSheet(), 1);
        QCOMPARE(bar->value(), 0);
        QWheelEvent up(
            at, view.viewport()->mapToGlobal(at), {}, { 0, 120 }, Qt::NoButton, {}, Qt::NoScrollPhase, false);
        QApplication::sendEvent(view.viewport(), &up);
        QCOMPARE(view.currentSheet(), 0);
        QCOMPARE(bar->value(), bar->maximum()); // back at the end of the previous part

        // A jump deep into the page shows that part, and the token there is under the top line.
        const auto offsets = big.trace->offsets();
        view.scrollToOffset(offsets[9000].begin);
        QVERIFY(view.currentSheet() > 0);
        QVERIFY(view.topOffset() <= offsets[9000].begin);
        QVERIFY(view.tokenRect(9000).isValid());
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.viewport()->repaint();
        QVERIFY2(view.colorsComputed() > 0 && view.colorsComputed() < 2000, // the visible tokens only
            qPrintable(QString::number(view.colorsComputed())));
    }

    void longParagraphPaintsVisibleTokensOnly()
    {
        // One 18 KB paragraph without line breaks: painting computes the colours of the lines on screen only.
        std::string page;
        std::vector<TextSpan> spans;
        for (int i = 0; i < 3000; ++i) {
            const auto begin = std::uint32_t(page.size());
            page += " tok" + std::to_string(i % 97);
            spans.push_back({ begin, std::uint32_t(page.size()) });
        }
        RoutingTrace trace({ 1 }, 1, 4, std::vector<std::int32_t>(spans.size(), 1), spans);
        for (std::size_t t = 0; t < spans.size(); ++t) {
            const std::int32_t e = std::int32_t(t % 4);
            const float w = 1.0f;
            trace.setRouting(0, t, 1, &e, &w);
        }
        const auto data = test::makeRoutingView(
            test::makeDocument({ page }), std::make_shared<const RoutingTrace>(std::move(trace)), 1);
        RoutingTokenView view;
        view.resize(500, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setRouting(data.document, data.view->queries);
        QCOMPARE(int(view.sheets().size()), 1);
        view.viewport()->repaint();
        QVERIFY2(view.colorsComputed() > 20 && view.colorsComputed() < 500,
            qPrintable(QString::number(view.colorsComputed())));
        QCOMPARE(view.tokenColor(2), expertColor(2));
        view.scrollToOffset(spans[2500].begin);
        view.viewport()->repaint();
        QVERIFY(view.tokenRect(2500).isValid());
        QVERIFY(view.tokenRect(2500).top() >= 0 && view.tokenRect(2500).top() < 40);
        QCOMPARE(view.tokenAt(view.tokenRect(2500).center()).value_or(0), std::size_t(2500));
    }

private:
    static std::string sceneCellText(const ChartScene& scene, int index)
    {
        int i = 0;
        for (const auto& item : scene.items())
            if (const auto* r = std::get_if<ChartRect>(&item); r && !r->tooltip.empty())
                if (i++ == index)
                    return r->tooltip;
        return {};
    }

    QTemporaryDir m_dir;
    Reference m_ref;
    test::RoutingViewData m_data;
};

QTEST_MAIN(RoutingViewsTest)
#include "tst_routingviews.moc"

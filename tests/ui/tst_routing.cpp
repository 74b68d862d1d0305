// The Routing panel offscreen with the bundled demo model (finmoe-tiny, DeepSeek-V2 style, 6 MoE layers, top-2 of 16
// experts) on the sample 10-K: the analysis scoring pass stores the routing, the panel shows it, and its counts equal
// those of `moescope-cli trace` on the same session document (an independent code path: recordRouting vs the
// scoring runner's observer); clicking a heatmap cell lists exactly the tokens routed there, a listed token's page
// citation opens that page, the drift between the two runs is zero, and every view exports a PNG, an SVG and CSVs
// that agree with the aggregates.

#include "eval/routingcharts.h"
#include "eval/routingtracestore.h"
#include "services/inferenceservice.h"
#include "services/scoringrunner.h"
#include "services/sessioncontroller.h"
#include "store/sessionstore.h"
#include "testsupport.h"
#include "ui/chartsceneview.h"
#include "ui/documentview.h"
#include "ui/mainwindow.h"
#include "ui/routingdriftview.h"
#include "ui/routingpanel.h"
#include "ui/theme.h"
#include "uitestsupport.h"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace moescope;

class RoutingTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        test::startGuiTest("tst_routing", m_dir.filePath("sessions"));
        m_model = test::sourceDir() + "/resources/models/finmoe-tiny";
        QVERIFY(QFile::exists(m_model + "/config.json"));
        m_report = test::writeSampleReport(m_dir.filePath("sample-10k.txt"), 6);
        m_services = std::make_unique<test::ServiceThread>();
    }

    void cleanupTestCase()
    {
        m_services.reset();
        QSettings().clear();
    }

    void scoringShowsRoutingInPanel()
    {
        SessionController session;
        MainWindow window(m_services->service(), &session);
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(test::openModelAndWait(m_services->service(), [&] { window.openModel(m_model); }));
        window.openReport(m_report);
        QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 60000));
        const auto doc = session.currentDocument();
        auto* routing = window.routingPanel();
        QVERIFY(!routing->hasTrace());

        QSignalSpy loaded(routing, &RoutingPanel::traceLoaded);
        QMetaObject::invokeMethod(m_services->service()->scoring(), "scoreDocument", Qt::QueuedConnection,
            Q_ARG(QString, session.sessionPath()), Q_ARG(qint64, doc->info.id));
        QVERIFY(test::waitUntil([&] { return routing->hasTrace() && session.currentPerplexity(); }, 300000));
        const auto view = routing->routingView();
        const auto& run = *view->run;
        const auto& a = run.aggregates;
        QCOMPARE(run.run.documentId.value_or(-1), doc->info.id);
        QCOMPARE(run.tokens, session.currentPerplexity()->logProbs.size()); // the same pass, the same tokens
        QCOMPARE(run.k, 2);
        QCOMPARE(run.numExperts, 16);
        QCOMPARE(int(run.moeLayers.size()), 6);
        QVERIFY(a.sections().size() >= 3);
        QCOMPARE(int(a.pages().size()), 6);

        // The same document through `moescope-cli trace` (window and stride of the scoring pass), stored in the
        // same session: identical counts per layer and expert.
        const auto window_ = ScoringRunner::windowFor(4096);
        QProcess cli;
        cli.start(test::cliPath(),
            { "trace", "--db", session.sessionPath(), "--document", QString::number(doc->info.id), "--model", m_model,
                "--device", "cpu", "--window", QString::number(window_.window), "--stride",
                QString::number(window_.stride), "--no-special-tokens", "--out", m_dir.filePath("trace.json") });
        QVERIFY(cli.waitForFinished(300000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        QFile traceJson(m_dir.filePath("trace.json"));
        QVERIFY(traceJson.open(QIODevice::ReadOnly));
        const auto json = nlohmann::json::parse(traceJson.readAll().toStdString());
        QCOMPARE(json["tokens"].get<std::size_t>(), run.tokens);
        for (int s = 0; s < a.layerCount(); ++s) {
            const auto& l = json["layers"][std::size_t(s)];
            QCOMPARE(l["layer"].get<int>(), a.layerAt(s));
            QCOMPARE(l["counts"].get<std::vector<std::int64_t>>(), a.layer(s).counts);
        }
        const qint64 cliRun = nlohmann::json::parse(cli.readAllStandardOutput().toStdString())["run"].get<qint64>();

        // Click the busiest cell of the middle layer: the list holds exactly the tokens routed there.
        window.findChild<QDockWidget*>("routingDock")->raise();
        routing->tabs()->setCurrentIndex(0);
        QTest::qWait(50);
        const int slot = a.layerCount() / 2;
        const auto& counts = a.layer(slot).counts;
        const int expert = int(std::max_element(counts.begin(), counts.end()) - counts.begin());
        const int cell = slot * a.numExperts() + expert;
        auto* chart = routing->expertChart();
        // Hover: the count and share of that cell.
        QVERIFY2(chart->hoverText(cell).startsWith(QString("Layer %1, expert %2: %3 tokens, %4%")
                                                       .arg(a.layerAt(slot))
                                                       .arg(expert)
                                                       .arg(counts[std::size_t(expert)])
                                                       .arg(100.0 * a.share(slot)[std::size_t(expert)], 0, 'f', 2)),
            qPrintable(chart->hoverText(cell)));
        QCOMPARE(chart->hoverRectAt(chart->centerOfHoverRect(cell)), cell);
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(chart, Qt::LeftButton, {}, chart->centerOfHoverRect(cell).toPoint());
        const qint64 clickMs = clock.elapsed();
        QCOMPARE(routing->selectedCell(), std::make_pair(a.layerAt(slot), expert));
        auto* list = routing->routedTokens();
        QCOMPARE(list->topLevelItemCount(),
            int(std::min<std::int64_t>(counts[std::size_t(expert)], RoutingPanel::kListedTokens)));
        const auto& trace = view->queries->trace();
        std::size_t next = 0; // the list is in token order: find each listed token in a direct scan of the trace
        for (int i = 0; i < list->topLevelItemCount(); ++i) {
            const auto begin = list->topLevelItem(i)->data(0, Qt::UserRole + 1).toULongLong();
            while (next < trace.tokenCount()
                && !(trace.offsets()[next].begin == begin
                    && (trace.expert(slot, next, 0) == expert || trace.expert(slot, next, 1) == expert)))
                ++next;
            QVERIFY2(next < trace.tokenCount(), qPrintable(QString("listed token %1 is not routed there").arg(i)));
            QCOMPARE(list->topLevelItem(i)->data(0, Qt::UserRole).toInt(), doc->pageAt(begin));
            QVERIFY(list->topLevelItem(i)->text(2).contains('['));
            ++next;
        }
        QVERIFY(routing->topTokens()->rowCount() > 0);
        qInfo("click on a heatmap cell -> tokens and top tokens listed: %lld ms (%zu tokens in the trace)", clickMs,
            run.tokens);

        // A citation of a token on another page opens that page.
        const int current = window.documentView()->currentPage();
        QTreeWidgetItem* other = nullptr;
        for (int i = 0; i < list->topLevelItemCount() && !other; ++i)
            if (list->topLevelItem(i)->data(0, Qt::UserRole).toInt() != current)
                other = list->topLevelItem(i);
        QVERIFY(other);
        const int target = other->data(0, Qt::UserRole).toInt();
        list->scrollToItem(other);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(other).center());
        QVERIFY(test::waitUntil([&] { return window.documentView()->currentPage() == target; }, 10000));

        // Drift between the scoring pass and the CLI's run of the same text: none.
        QSignalSpy reloaded(routing, &RoutingPanel::traceLoaded);
        routing->reload();
        QVERIFY(test::waitUntil([&] { return reloaded.count() == 1; }, 30000));
        QCOMPARE(routing->routingView()->run->run.id, cliRun); // the newest run of the document
        QCOMPARE(routing->selectedCell(), std::make_pair(a.layerAt(slot), expert)); // kept
        QCOMPARE(list->topLevelItemCount(),
            int(std::min<std::int64_t>(counts[std::size_t(expert)], RoutingPanel::kListedTokens)));
        QSignalSpy driftReady(routing->driftView(), &RoutingDriftView::driftReady);
        routing->driftView()->compare(run.run.id, cliRun);
        QVERIFY(test::waitUntil([&] { return driftReady.count() == 1; }, 60000));
        const auto& drift = routing->driftView()->drift()->drift;
        QCOMPARE(drift.tokens, run.tokens);
        QCOMPARE(int(drift.layers.size()), a.layerCount());
        QCOMPARE(drift.changedShare, 0.0);
        QVERIFY(routing->chart(RoutingPanel::View::Drift)->hasScene());

        // Exports: PNG and SVG readable, CSV matching the aggregates.
        const auto& shown = routing->routingView()->run->aggregates;
        for (const auto view : { RoutingPanel::View::Experts, RoutingPanel::View::Sections, RoutingPanel::View::Entropy,
                 RoutingPanel::View::Balance, RoutingPanel::View::Drift }) {
            const QString dir = m_dir.filePath(QString("export-%1").arg(int(view)));
            const QStringList files = routing->exportView(view, dir);
            int png = 0, svg = 0, csv = 0;
            for (const QString& f : files) {
                if (f.endsWith(".png")) {
                    const QImage image(f);
                    QVERIFY2(!image.isNull() && image.width() > 400 && image.height() > 200, qPrintable(f));
                    if (view == RoutingPanel::View::Entropy) { // the figure at its own size, not the view's layout
                        const RoutingChartOptions o { routing->routingView()->run->info.modelName,
                            ChartSceneView::currentChartTheme(), {} };
                        const ChartScene figure = entropyChart(shown, o);
                        QCOMPARE(image.width(), int(std::ceil(figure.width() * 2)));
                        QCOMPARE(image.height(), int(std::ceil(figure.height() * 2)));
                        QVERIFY(routing->chart(view)->scene().width() != figure.width());
                    }
                    ++png;
                } else if (f.endsWith(".svg")) {
                    QVERIFY2(QSvgRenderer(f).isValid(), qPrintable(f));
                    ++svg;
                } else if (f.endsWith(".csv")) {
                    QFile file(f);
                    QVERIFY(file.open(QIODevice::ReadOnly));
                    QVERIFY(file.readLine().contains(','));
                    ++csv;
                }
            }
            QCOMPARE(png, 1);
            QCOMPARE(svg, 1);
            QVERIFY(csv >= 2);
        }
        QFile counts0(m_dir.filePath("export-0/expert_counts.csv"));
        QVERIFY(counts0.open(QIODevice::ReadOnly));
        counts0.readLine();
        int rows = 0;
        while (!counts0.atEnd()) {
            const auto fields = QString::fromUtf8(counts0.readLine()).trimmed().split(',');
            const int s = shown.slotOf(fields[0].toInt());
            QVERIFY(s >= 0);
            QCOMPARE(fields[2].toLongLong(), shown.layer(s).counts[std::size_t(fields[1].toInt())]);
            ++rows;
        }
        QCOMPARE(rows, shown.layerCount() * shown.numExperts());

        // Theme changes redraw the charts in the matching palette; screenshots of every view.
        for (const Theme theme : { Theme::Light, Theme::Dark }) {
            applyTheme(theme);
            QTest::qWait(30);
            QCOMPARE(routing->expertChart()->scene().background(),
                (theme == Theme::Dark ? ChartTheme::dark() : ChartTheme::light()).background);
            const QString suffix = theme == Theme::Dark ? "dark" : "light";
            auto* dock = window.findChild<QDockWidget*>("routingDock");
            static const char* kNames[]
                = { "experts", "sections", "entropy", "balance", "drift", "tokens", "coactivation", "persistence" };
            for (int t = 0; t < 8; ++t) {
                routing->tabs()->setCurrentIndex(t);
                QTest::qWait(30);
                test::screenshot(dock, QString("panel-routing-%1-%2").arg(kNames[t], suffix));
            }
            routing->tabs()->setCurrentIndex(0);
            test::screenshot(&window, "workbench-routing-" + suffix);
        }
        applyTheme(Theme::Light);
    }

private:
    QTemporaryDir m_dir;
    QString m_model, m_report;
    std::unique_ptr<test::ServiceThread> m_services;
};

QTEST_MAIN(RoutingTest)
#include "tst_routing.moc"

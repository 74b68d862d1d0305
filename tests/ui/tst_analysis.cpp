// Model-based analysis in the workbench offscreen, with tiny models written on the fly whose vocabularies are real
// tokenizers' (Llama-2: a base model without chat template; Qwen3: an instruct model with one): scoring a report
// through the InferenceService thread (result against `moescope-cli score` on the same session: an independent code
// path), the surprisal overlay, charts and passages, reopening the session with its results, cancelling a long
// scoring run (the session unchanged), the retrieval answer of a base model, and streaming answers and map-reduce
// summaries of an instruct model.

#include "services/generationrunner.h"
#include "services/inferenceservice.h"
#include "services/sessioncontroller.h"
#include "store/sessionstore.h"
#include "testsupport.h"
#include "ui/analysispanel.h"
#include "ui/documentview.h"
#include "ui/mainwindow.h"
#include "ui/modelmanagerpanel.h"
#include "ui/models/itemroles.h"
#include "ui/models/passagesmodel.h"
#include "ui/perplexitycharts.h"
#include "ui/questionpanel.h"
#include "ui/surprisaltextview.h"
#include "ui/theme.h"
#include "uitestsupport.h"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace moescope;

class AnalysisTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        test::startGuiTest("tst_analysis", m_dir.filePath("sessions"));
        m_baseModel = test::makeTestModel(m_dir.filePath("base-model"), "llama2");
        m_chatModel = test::makeTestModel(m_dir.filePath("chat-model"), "qwen3");
        m_report = test::writeSampleReport(m_dir.filePath("sample-10k.txt"), 6);
        m_services = std::make_unique<test::ServiceThread>();
        m_service = m_services->service();
    }

    void cleanupTestCase()
    {
        m_services.reset();
        QSettings().clear();
    }

    void scoreReportAgainstCli()
    {
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        loadModel(window, m_baseModel);
        window.openReport(m_report);
        QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 60000));
        const auto doc = session.currentDocument();
        QCOMPARE(doc->pageCount(), 6);
        QVERIFY(doc->structure.sections.size() >= 3);

        auto* analysis = window.analysisPanel();
        QSignalSpy finished(analysis, &AnalysisPanel::scoringFinished);
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(&window, Qt::Key_F5);
        QVERIFY(analysis->isScoring());
        QVERIFY(test::waitUntil([&] { return finished.count() == 1; }, 300000));
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QVERIFY(test::waitUntil([&] { return session.currentPerplexity() != nullptr; }, 30000));
        const auto run = session.currentPerplexity();
        // The charts and the passages come on the event-loop turns after the result.
        QVERIFY(test::waitUntil([&] {
            return analysis->charts()->plottedSections() == int(run->sections.size())
                && analysis->passagesModel()->rowCount() > 0;
        }, 5000));

        // The same scoring through the CLI on a copy of the session (window and stride of a 512-token model).
        const QString copy = m_dir.filePath("cli-copy.moescope");
        SessionStore::open(session.sessionPath().toStdString()).exportTo(copy.toStdString());
        QProcess cli;
        cli.start(test::cliPath(),
            { "score", "--db", copy, "--document", QString::number(doc->info.id), "--model", m_baseModel, "--device",
                "cpu", "--window", "512", "--stride", "256", "--quiet" });
        QVERIFY(cli.waitForFinished(300000));
        QCOMPARE(cli.exitCode(), 0);
        const auto json = nlohmann::json::parse(cli.readAllStandardOutput().toStdString());
        const double cliPerplexity = json["perplexity"].get<double>();
        QVERIFY2(std::abs(run->perplexity - cliPerplexity) / cliPerplexity < 1e-4,
            qPrintable(QString("GUI %1 vs CLI %2").arg(run->perplexity).arg(cliPerplexity)));
        QCOMPARE(run->options.window, 512);
        for (const auto& s : json["sections"]) {
            if (s["perplexity"].is_null())
                continue;
            bool found = false;
            for (const auto& v : run->sections)
                if (v.key == s["item"].get<std::string>()) {
                    QVERIFY(std::abs(v.value - s["perplexity"].get<double>()) / v.value < 1e-4);
                    found = true;
                }
            QVERIFY(found);
        }

        // Page values (charted) agree with the per-token arrays (the overlay).
        int pagesWithTokens = 0;
        for (int p = 0; p < doc->pageCount(); ++p) {
            double nll = 0;
            int n = 0;
            for (std::size_t i = 0; i < run->logProbs.size(); ++i)
                if (!std::isnan(run->logProbs[i]) && doc->pageAt(run->tokenBegin[i]) == p) {
                    nll -= run->logProbs[i];
                    ++n;
                }
            if (n == 0)
                continue;
            ++pagesWithTokens;
            bool found = false;
            for (const auto& v : run->pages)
                if (v.key == std::to_string(p)) {
                    QVERIFY(std::abs(v.value - std::exp(nll / n)) / v.value < 1e-6);
                    found = true;
                }
            QVERIFY(found);
        }
        QCOMPARE(analysis->charts()->plottedPages(), pagesWithTokens);
        QCOMPARE(analysis->charts()->plottedSections(), int(run->sections.size()));
        QVERIFY(analysis->passagesModel()->rowCount() > 0);
        const int passagePage = analysis->passagesModel()->index(0, 0).data(PageRole).toInt();
        QVERIFY(passagePage >= 0 && passagePage < 6);

        // The overlay tints this page's tokens with their surprisal.
        window.documentView()->showPage(1);
        window.documentView()->setMode(DocumentView::Mode::Text);
        const auto& tokens = window.documentView()->textView()->tokens();
        QVERIFY(tokens.size() > 50);
        for (const auto& t : tokens)
            QVERIFY(t.value >= 0 && std::isfinite(t.value));
        for (const Theme theme : { Theme::Light, Theme::Dark }) {
            applyTheme(theme);
            const QString suffix = theme == Theme::Dark ? "dark" : "light";
            QTest::qWait(30);
            test::screenshot(window.documentView(), "document-surprisal-" + suffix);
            analysis->tabs()->setCurrentIndex(0);
            test::screenshot(window.findChild<QDockWidget*>("analysisDock"), "panel-analysis-charts-" + suffix);
            analysis->tabs()->setCurrentIndex(1);
            test::screenshot(window.findChild<QDockWidget*>("analysisDock"), "panel-analysis-passages-" + suffix);
            test::screenshot(&window, "workbench-analysis-" + suffix);
        }
        applyTheme(Theme::Light);
        m_runId = run->runId;
    }

    void reopenedSessionKeepsResults()
    {
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        window.restoreLastSession();
        QVERIFY(test::waitUntil([&] { return session.currentPerplexity() != nullptr; }, 60000));
        QCOMPARE(session.currentPerplexity()->runId, m_runId);
        // The charts, then the passages, come on the event-loop turns after the result.
        QVERIFY(test::waitUntil([&] { return window.analysisPanel()->charts()->plottedSections() > 0; }, 5000));
        QVERIFY(window.analysisPanel()->charts()->plottedPages() > 0);
        QVERIFY(test::waitUntil([&] { return window.analysisPanel()->passagesModel()->rowCount() > 0; }, 5000));
    }

    void cancelScoring()
    {
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.restoreLastSession();
        QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 60000));
        loadModel(window, m_baseModel);
        const QString big = test::writeSampleReport(m_dir.filePath("long-10k.txt"), 240);
        window.openReport(big);
        QVERIFY(test::waitUntil(
            [&] { return session.currentDocument() && session.currentDocument()->info.fileName == "long-10k.txt"; },
            60000));
        const qint64 id = session.currentDocumentId();

        auto* analysis = window.analysisPanel();
        QSignalSpy finished(analysis, &AnalysisPanel::scoringFinished);
        test::ThreadSpy progress(m_service, &InferenceService::progress);
        analysis->runAnalysis();
        QVERIFY(test::waitUntil([&] { return progress.count() > 0; }, 120000));
        const qint64 total = progress.last().at(1).toLongLong();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QElapsedTimer clock;
        clock.start();
        QTest::keyClick(&window, Qt::Key_Escape);
        QVERIFY(test::waitUntil([&] { return finished.count() == 1; }, 60000));
        const qint64 cancelMs = clock.elapsed();
        qInfo("scoring cancelled after %lld ms (document of %lld tokens)", cancelMs, total);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(progress.last().at(0).toLongLong() < total);
        QVERIFY(analysis->statusText().contains("cancelled"));
        QVERIFY(!analysis->isScoring());
        // Nothing was stored for that document.
        SessionStore store = SessionStore::open(session.sessionPath().toStdString());
        QCOMPARE(int(store.runs("perplexity", id).size()), 0);
        QVERIFY(session.currentPerplexity() == nullptr);
        session.removeDocument(id);
        QVERIFY(test::waitUntil([&] { return session.documents().size() == 1; }, 30000));
    }

    void baseModelGivesRetrievalAnswer()
    {
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        window.restoreLastSession();
        QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 60000));
        loadModel(window, m_baseModel);
        auto* questions = window.analysisPanel()->questions();
        QVERIFY(!questions->canGenerate());
        QSignalSpy done(questions, &QuestionPanel::finished);
        questions->ask("How much free cash flow was there?");
        QVERIFY(test::waitUntil([&] { return done.count() == 1; }, 60000));
        QVERIFY(questions->answerText().isEmpty());
        QVERIFY(!questions->context().passages.empty());
        const auto& best = questions->context().passages.front();
        QVERIFY(QString::fromStdString(session.currentDocument()->pages[std::size_t(best.page)].text)
                    .contains("Free cash flow", Qt::CaseInsensitive));
        // The key figures come with the retrieval answer: the income statement on the Item 8 page (0-based 5).
        const auto& figures = questions->context().figures;
        const auto netIncome = std::find_if(figures.begin(), figures.end(),
            [](const KeyFigure& f) { return f.name == "net_income" && f.year == 2023; });
        QVERIFY(netIncome != figures.end());
        QCOMPARE(netIncome->value, 1048.0);
        QCOMPARE(netIncome->page, 5);
        const QString html = questions->browser()->toHtml();
        QVERIFY(html.contains("needs an instruct or chat model"));
        QVERIFY(html.contains(QString("page:%1").arg(best.page + 1)));
        // A citation in the answer jumps to its page.
        emit questions->browser()->anchorClicked(QUrl(QString("page:%1").arg(best.page + 1)));
        QCOMPARE(window.documentView()->currentPage(), best.page);
        window.analysisPanel()->tabs()->setCurrentWidget(questions);
        test::screenshot(window.findChild<QDockWidget*>("analysisDock"), "panel-analysis-retrieval-light");
    }

    void instructModelStreamsAnswersAndSummaries()
    {
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        window.restoreLastSession();
        QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 60000));
        loadModel(window, m_chatModel);
        auto* questions = window.analysisPanel()->questions();
        if (!window.modelManager()->capabilities().hasChatTemplate)
            QFAIL("the Qwen3 tokenizer fixture has no chat template the tokenizer can render");
        QVERIFY(questions->canGenerate());
        questions->setMaxNewTokens(40, 16);

        test::ThreadSpy pieces(m_service->generation(), &GenerationRunner::answerPiece);
        test::ThreadSpy answered(m_service->generation(), &GenerationRunner::answerFinished);
        test::ThreadSpy failed(m_service->generation(), &GenerationRunner::generationFailed);
        test::ThreadSpy cancelled(m_service->generation(), &GenerationRunner::generationCancelled);
        QSignalSpy done(questions, &QuestionPanel::finished);
        questions->ask("What drove adjusted operating income?");
        QVERIFY(test::waitUntil([&] { return done.count() == 1; }, 300000));
        // A run that ends without an answer says why (retrieval failure, cancellation, generation error). The spy's
        // queued call may arrive just after the panel's, which ended the wait above.
        QVERIFY2(test::waitUntil([&] { return answered.count() == 1; }, 5000),
            qPrintable(QString("%1 answers: status '%2', failed %3, cancelled %4")
                           .arg(answered.count())
                           .arg(questions->statusText())
                           .arg(failed.count())
                           .arg(cancelled.count())));
        QVERIFY(pieces.count() >= 1);
        QString streamed;
        for (const auto& p : pieces)
            streamed += p.at(1).toString();
        QCOMPARE(streamed.trimmed(), answered.at(0).at(1).toString());
        QCOMPARE(questions->answerText(), answered.at(0).at(1).toString());
        QVERIFY(!questions->answerText().isEmpty());
        // The Q&A is in the session's history.
        QVERIFY(test::waitUntil(
            [&] {
                return std::any_of(session.history().begin(), session.history().end(),
                    [](const HistoryEntry& e) { return e.kind == "question"; });
            },
            30000));
        window.analysisPanel()->tabs()->setCurrentWidget(questions);
        test::screenshot(window.findChild<QDockWidget*>("analysisDock"), "panel-analysis-answer-light");

        // Summaries: one per section, then the report, with progress.
        test::ThreadSpy progress(m_service, &InferenceService::progress);
        test::ThreadSpy sections(m_service->generation(), &GenerationRunner::sectionSummarized);
        questions->summarize();
        QVERIFY(test::waitUntil([&] { return done.count() == 2; }, 600000));
        const int expected = std::max<int>(1, int(session.currentDocument()->structure.sections.size()));
        QCOMPARE(sections.count(), expected);
        QCOMPARE(questions->summaryCount(), expected);
        QVERIFY(!questions->reportSummary().isEmpty());
        QVERIFY(progress.count() >= 2);
        QCOMPARE(progress.last().at(0).toLongLong(), progress.last().at(1).toLongLong());
        applyTheme(Theme::Dark);
        test::screenshot(window.findChild<QDockWidget*>("analysisDock"), "panel-analysis-summary-dark");
        applyTheme(Theme::Light);
    }

private:
    void loadModel(MainWindow& window, const QString& dir)
    {
        QVERIFY(test::openModelAndWait(m_service, [&] { window.openModel(dir); }));
    }

    QTemporaryDir m_dir;
    QString m_baseModel, m_chatModel, m_report;
    std::unique_ptr<test::ServiceThread> m_services;
    InferenceService* m_service = nullptr;
    qint64 m_runId = 0;
};

QTEST_MAIN(AnalysisTest)
#include "tst_analysis.moc"

// The workbench's item models, delegates' helpers and services without a window: every model under
// QAbstractItemModelTester with real and edge-case data; citations (PageRole) checked against the data they come
// from; UTF-8 -> UTF-16 token positions against QString's own conversion; the surprisal colour map's ordering and
// contrast; JobTracker's newest-wins, queue, cancel and error paths; prompt budgets with a real tokenizer.

#include "services/jobtracker.h"
#include "services/promptbuilder.h"
#include "services/workbenchtypes.h"
#include "testsupport.h"
#include "tokenizer/tokenizer.h"
#include "ui/models/itemroles.h"
#include "ui/models/keyfiguresmodel.h"
#include "ui/models/pagelistmodel.h"
#include "ui/models/passagesmodel.h"
#include "ui/models/searchresultsmodel.h"
#include "ui/models/sessiondocumentsmodel.h"
#include "ui/models/sessionlistmodel.h"
#include "ui/models/structuremodel.h"
#include "ui/questionpanel.h"
#include "ui/surprisalcolors.h"
#include "ui/surprisaltextview.h"
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <cmath>

using namespace moescope;

namespace {

DocumentStructure sampleStructure()
{
    DocumentStructure s;
    s.parts = { { "I", 3, 24, 0 }, { "II", 25, 108, 0 } };
    s.sections = { { "1", "I", "Business", 4, 12, 0 }, { "1A", "I", "Risk Factors", 13, 23, 0 },
        { "2", "I", "Properties", 24, 24, 0 }, { "7", "II", "Management's Discussion and Analysis", 28, 44, 0 },
        { "8", "II", "Financial Statements and Supplementary Data", 47, 108, 0 } };
    return s;
}

FinancialFigures sampleFigures()
{
    FinancialFigures f;
    f.figures = { { "net_income", 2023, 1048, 49, "Net income attributable to Amcor plc", "millions", false, "" },
        { "net_income", 2022, 805, 49, "Net income attributable to Amcor plc", "millions", false, "" },
        { "total_revenue", 2023, 14694, 49, "Net sales", "millions", false, "" },
        { "diluted_eps", 2023, 0.705, 49, "Diluted earnings per share", "per share", false, "" },
        { "total_assets", 2023, 17003, 51, "Total assets", "millions", false, "" } };
    return f;
}

DocumentDataPtr documentOf(const QStringList& pages)
{
    auto d = std::make_shared<DocumentData>();
    d->info.id = 7;
    d->info.format = "text";
    std::size_t offset = 0;
    for (const auto& p : pages) {
        StoredPage page;
        page.page = int(d->pages.size());
        page.text = p.toStdString();
        d->pageOffsets.push_back(offset);
        offset += page.text.size() + 1;
        d->pages.push_back(page);
    }
    return d;
}

} // namespace

class WorkbenchModelsTest : public QObject {
    Q_OBJECT

private slots:
    void structureModel()
    {
        StructureModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        model.setStructure(sampleStructure(), 156);
        QCOMPARE(model.rowCount(), 2); // Parts I and II at the top
        const QModelIndex partI = model.index(0, 0);
        QCOMPARE(partI.data().toString(), QString("Part I"));
        QCOMPARE(model.rowCount(partI), 3);
        const QModelIndex riskFactors = model.index(1, 0, partI);
        QCOMPARE(riskFactors.data().toString(), QString("Item 1A  Risk Factors"));
        QCOMPARE(riskFactors.data(PageRole).toInt(), 13);
        QCOMPARE(model.index(1, StructureModel::PagesColumn, partI).data().toString(), QString("14–24"));
        QCOMPARE(model.parent(riskFactors), partI);
        // The page being viewed selects the deepest item holding it.
        QCOMPARE(model.indexForPage(20), riskFactors);
        QCOMPARE(
            model.indexForPage(60).data().toString(), QString("Item 8  Financial Statements and Supplementary Data"));
        QVERIFY(!model.indexForPage(2).isValid());
        // Items without parts sit at the top level.
        DocumentStructure flat = sampleStructure();
        flat.parts.clear();
        model.setStructure(flat, 156);
        QCOMPARE(model.rowCount(), 5);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void keyFiguresModel()
    {
        KeyFiguresModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto figures = sampleFigures();
        model.setFigures(figures);
        // Rows in the analyst's order (revenue, net income, EPS, assets), columns newest year first.
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QString("FY 2023"));
        QCOMPARE(model.index(0, 0).data().toString(), QString("Revenue (millions)"));
        QCOMPARE(model.index(2, 0).data().toString(), QString("Diluted EPS (per share)"));
        // Every cell cites the page its figure is printed on.
        for (const auto& f : figures.figures) {
            bool found = false;
            for (int r = 0; r < model.rowCount(); ++r)
                for (int c = 1; c < model.columnCount(); ++c) {
                    const auto index = model.index(r, c);
                    if (model.headerData(c, Qt::Horizontal).toString() == QString("FY %1").arg(f.year)
                        && index.data(SortRole).toDouble() == f.value) {
                        QCOMPARE(index.data(PageRole).toInt(), f.page);
                        found = true;
                    }
                }
            QVERIFY2(found, f.name.c_str());
        }
        QCOMPARE(model.index(2, 1).data().toString(), QLocale().toString(0.705, 'f', 3)); // as printed
        // A year without the figure: a dash and no citation.
        QCOMPARE(model.index(0, 2).data().toString(), QString("—"));
        QCOMPARE(model.index(0, 2).data(PageRole).toInt(), -1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), 0);
    }

    void searchResultsModel()
    {
        SearchResultsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::vector<SearchHit> hits(2);
        hits[0] = { 3, 48, "7", 0.5, "Net <b>sales</b> rose <script>x</script> & fell", { "sales" } };
        hits[1] = { 3, 12, "", 0.25, "plain", { "plain" } };
        model.setHits(hits, { { "7", "Management's Discussion" } });
        QCOMPARE(model.rowCount(), 2);
        const auto first = model.index(0);
        QCOMPARE(first.data(PageRole).toInt(), 48);
        QCOMPARE(first.data(DocumentIdRole).toLongLong(), 3);
        QCOMPARE(first.data(TermsRole).toStringList(), QStringList { "sales" });
        QCOMPARE(first.data(SearchResultsModel::HeadingRole).toString(),
            QString("Page 49 · Item 7 Management's Discussion"));
        QCOMPARE(first.data(SearchResultsModel::SnippetRole).toString(),
            QString("Net <b>sales</b> rose &lt;script&gt;x&lt;/script&gt; &amp; fell"));
        QCOMPARE(model.index(1).data().toString(), QString("Page 13"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void passagesModel()
    {
        PassagesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto run = std::make_shared<PerplexityData>();
        run->documentId = 5;
        run->passages = { { 10, 50, 3, "1A", 7.25 }, { 90, 130, 8, "", 6.5 } };
        run->passageTexts = { "first passage", "second passage" };
        model.setPerplexity(run);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, PassagesModel::PageColumn).data().toString(), QString("p. 4"));
        QCOMPARE(model.index(0, 0).data(PageRole).toInt(), 3);
        QCOMPARE(model.index(0, PassagesModel::SurprisalColumn).data().toString(), QString("7.25"));
        QCOMPARE(model.index(1, PassagesModel::SectionColumn).data().toString(), QString());
        QCOMPARE(model.index(1, PassagesModel::TextColumn).data().toString(), QString("second passage"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void pageListModelAsksForThumbnailsOnce()
    {
        PageListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto doc = std::const_pointer_cast<DocumentData>(documentOf({ "a", "b", "c" }));
        doc->info.format = "pdf";
        doc->pages[1].section = "1A";
        model.setDocument(doc);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(1).data().toString(), QString("Page 2\nItem 1A"));
        QSignalSpy needed(&model, &PageListModel::thumbnailNeeded);
        QVERIFY(!model.index(1).data(Qt::DecorationRole).isValid());
        QVERIFY(!model.index(1).data(Qt::DecorationRole).isValid());
        QTRY_COMPARE(needed.count(), 1); // queued, and only once per page
        QCOMPARE(needed.at(0).at(0).toInt(), 1);
        QImage image(10, 12, QImage::Format_RGB32);
        image.fill(Qt::white);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setThumbnail(1, image);
        QCOMPARE(changed.count(), 1);
        QVERIFY(model.index(1).data(Qt::DecorationRole).isValid());
        model.setDocument(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void sessionModels()
    {
        SessionListModel sessions;
        QAbstractItemModelTester tester1(&sessions, QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::vector<SessionInfo> infos(2);
        infos[0] = { "/tmp/a.moescope", "Alpha", "2024-05-01T12:00:00Z", 2, 4096, "" };
        infos[1] = { "/tmp/b.moescope", "", "", 0, 10, "not a MoEScope session" };
        sessions.setSessions(infos);
        sessions.setCurrentPath("/tmp/a.moescope");
        QCOMPARE(sessions.rowCount(), 2);
        QCOMPARE(sessions.index(0, 0).data().toString(), QString("Alpha"));
        QVERIFY(sessions.index(0, 0).data(Qt::FontRole).value<QFont>().bold());
        QCOMPARE(sessions.index(1, 0).data().toString(), QString("b")); // no name: the file's
        QVERIFY(sessions.index(1, 0).data(Qt::ToolTipRole).toString().contains("not a MoEScope session"));
        QCOMPARE(sessions.rowOf("/tmp/b.moescope"), 1);

        SessionDocumentsModel documents;
        QAbstractItemModelTester tester2(&documents, QAbstractItemModelTester::FailureReportingMode::QtTest);
        StoredDocument d;
        d.id = 4;
        d.fileName = "AMCOR.pdf";
        d.pageCount = 156;
        documents.setDocuments({ d }, { DocumentFileState::Missing });
        QCOMPARE(documents.index(0, SessionDocumentsModel::StateColumn).data().toString(), QString("Missing"));
        QCOMPARE(documents.index(0, 0).data(DocumentIdRole).toLongLong(), 4);
        QVERIFY(documents.index(0, 0).data(Qt::ToolTipRole).toString().contains("Relocate"));
    }

    void utf16Positions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("ascii") << QString("Net sales rose");
        QTest::newRow("latin") << QString("Café € déjà vu");
        QTest::newRow("astral") << QString("a😀b𝔘c");
    }
    void utf16Positions()
    {
        QFETCH(QString, text);
        const QByteArray utf8 = text.toUtf8();
        for (int cut = 0; cut <= utf8.size(); ++cut) {
            // Only cuts at character boundaries are meaningful offsets.
            if (cut < utf8.size() && (static_cast<unsigned char>(utf8[cut]) & 0xC0) == 0x80)
                continue;
            QCOMPARE(utf16Index(std::string_view(utf8.constData(), std::size_t(utf8.size())), std::size_t(cut)),
                int(QString::fromUtf8(utf8.left(cut)).size()));
        }
    }

    void tokensOfPageMatchTheirText()
    {
        const auto doc = documentOf({ "Intro", "Café 😀 growth €5 million\nmore" });
        // Tokens over page 2 only, by byte offsets in the joined text; an unscored one (NaN) is left out.
        const std::string page = doc->pages[1].text;
        const std::size_t base = doc->pageOffsets[1];
        std::vector<std::pair<std::size_t, std::size_t>> spans;
        for (std::size_t i = 0; i < page.size();) {
            std::size_t j = page.find(' ', i);
            if (j == std::string::npos)
                j = page.size();
            spans.emplace_back(i, j);
            i = j + 1;
        }
        PerplexityData run;
        run.documentId = 7;
        run.tokenBegin = { 0 };
        run.tokenEnd = { 5 };
        run.logProbs = { -1.0f }; // a token on page 1
        for (std::size_t k = 0; k < spans.size(); ++k) {
            run.tokenBegin.push_back(std::uint32_t(base + spans[k].first));
            run.tokenEnd.push_back(std::uint32_t(base + spans[k].second));
            run.logProbs.push_back(k == 1 ? NAN : -float(k + 1));
        }
        const auto tints = SurprisalTextView::tokensOfPage(*doc, run, 1);
        QCOMPARE(int(tints.size()), int(spans.size()) - 1);
        const QString text = QString::fromStdString(page);
        std::size_t k = 0;
        for (const auto& t : tints) {
            if (k == 1)
                ++k; // the NaN token
            const QString expected
                = QString::fromStdString(page.substr(spans[k].first, spans[k].second - spans[k].first));
            QCOMPARE(text.mid(t.start, t.length), expected);
            QCOMPARE(t.value, float(k + 1));
            ++k;
        }
    }

    void surprisalColours_data()
    {
        QTest::addColumn<QColor>("base");
        QTest::newRow("light") << QColor(Qt::white);
        QTest::newRow("dark") << QColor(0x1f, 0x22, 0x26);
    }
    void surprisalColours()
    {
        QFETCH(QColor, base);
        // More surprising tokens are tinted further from the base colour, steadily.
        double last = -1;
        for (double nats = 0; nats <= kSurprisalScaleMax; nats += 0.5) {
            const QColor c = surprisalColor(nats, base);
            const double distance = std::abs(c.redF() - base.redF()) + std::abs(c.greenF() - base.greenF())
                + std::abs(c.blueF() - base.blueF());
            QVERIFY2(distance >= last - 1e-6, qPrintable(QString::number(nats)));
            last = distance;
            // Text on every tint stays readable (WCAG AA contrast 4.5).
            QPalette pal;
            pal.setColor(QPalette::Text, base.lightness() > 128 ? Qt::black : QColor(0xe6, 0xe8, 0xeb));
            const QColor text = readableTextOn(c, pal);
            auto lum = [](const QColor& x) {
                auto l = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
                return 0.2126 * l(x.redF()) + 0.7152 * l(x.greenF()) + 0.0722 * l(x.blueF());
            };
            const double a = lum(c), b = lum(text);
            QVERIFY2((std::max(a, b) + 0.05) / (std::min(a, b) + 0.05) >= 4.5, qPrintable(c.name()));
        }
        QCOMPARE(surprisalColor(NAN, base), surprisalColor(0, base));
    }

    void citationsBecomeLinks()
    {
        QCOMPARE(QuestionPanel::linkCitations("Sales rose [p. 49] and fell [p.7]."),
            QString("Sales rose <a href=\"page:49\">[p.&nbsp;49]</a> and fell <a href=\"page:7\">[p.&nbsp;7]</a>."));
        QCOMPARE(QuestionPanel::linkCitations("no [page 4] here"), QString("no [page 4] here"));
    }

    void jobTrackerNewestWins()
    {
        JobTracker tracker;
        QSignalSpy started(&tracker, &JobTracker::started);
        QSignalSpy finished(&tracker, &JobTracker::finished);
        QStringList results;
        // A slow job that ignores nothing: it polls its stop token, so the newer request ends it early.
        tracker.start<QString>(
            "slow",
            [](const JobContext& job) {
                for (int i = 0; i < 500; ++i) {
                    throwIfStopRequested(job.stop);
                    QThread::msleep(2);
                }
                return QString("slow");
            },
            [&](QString r) { results << r; });
        tracker.start<QString>(
            "fast", [](const JobContext&) { return QString("fast"); }, [&](QString r) { results << r; });
        QVERIFY(test::waitUntil([&] { return finished.count() == 2; }, 10000));
        QCOMPARE(results, QStringList { "fast" });
        QCOMPARE(started.count(), 2);
        QVERIFY(!tracker.isRunning());
    }

    void jobTrackerQueueCancelAndErrors()
    {
        JobTracker queue(nullptr, 1, JobTracker::Mode::Queue);
        QStringList results;
        for (const char* name : { "a", "b", "c" })
            queue.start<QString>(
                name, [name](const JobContext&) { return QString(name); }, [&](QString r) { results << r; });
        QVERIFY(test::waitUntil([&] { return !queue.isRunning(); }, 10000));
        QCOMPARE(results, (QStringList { "a", "b", "c" }));

        QSignalSpy cancelled(&queue, &JobTracker::cancelled);
        bool delivered = false;
        queue.start<int>(
            "long",
            [](const JobContext& job) {
                for (;;) {
                    throwIfStopRequested(job.stop);
                    QThread::msleep(1);
                }
                return 0;
            },
            [&](int) { delivered = true; });
        queue.cancel();
        QVERIFY(test::waitUntil([&] { return !queue.isRunning(); }, 10000));
        QCOMPARE(cancelled.count(), 1);
        QVERIFY(!delivered);

        QSignalSpy failed(&queue, &JobTracker::failed);
        QString error;
        queue.start<int>(
            "broken", [](const JobContext&) -> int { throw FormatError("page 3: bad table"); }, {},
            [&](const QString& m) { error = m; });
        QVERIFY(test::waitUntil([&] { return !queue.isRunning(); }, 10000));
        QCOMPARE(error, QString("page 3: bad table"));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(0).toString(), QString("broken"));
    }

    void jobTrackerProgressIsThrottled()
    {
        JobTracker tracker;
        QSignalSpy progress(&tracker, &JobTracker::progress);
        bool done = false;
        tracker.start<int>(
            "count",
            [](const JobContext& job) {
                for (int i = 1; i <= 100000; ++i)
                    job.progress(i, 100000);
                return 1;
            },
            [&](int) { done = true; });
        QVERIFY(test::waitUntil([&] { return done; }, 10000));
        QCoreApplication::processEvents();
        // 100,000 reports from the worker become a handful of queued ones, the last one complete.
        QVERIFY2(progress.count() >= 1 && progress.count() < 50, qPrintable(QString::number(progress.count())));
        QCOMPARE(progress.last().at(0).toLongLong(), 100000);
    }

    void promptsFitTheBudget()
    {
        const Tokenizer tokenizer
            = Tokenizer::fromFile((test::sharedDir() + "/fixtures/tokenizers/qwen3").toStdString());
        if (!tokenizer.hasChatTemplate())
            QFAIL("the Qwen3 tokenizer fixture has no chat template the tokenizer can render");
        RetrievalContext context;
        context.question = "What were net sales in 2023?";
        for (int i = 0; i < 5; ++i)
            context.passages.push_back({ 1, 40 + i, "7", "", std::string(600, 'a' + char(i)) + " net sales" });
        context.figures = sampleFigures().figures;

        PromptBuilder roomy(tokenizer, 4096);
        int used = 0;
        const std::string all = roomy.questionPrompt(context, &used);
        QCOMPARE(used, 5);
        QVERIFY(all.find("[p. 41] (Item 7)") != std::string::npos); // 1-based page tags the answer can cite
        QVERIFY(all.find("Net income 2023: 1048.00 (millions) [p. 50]") != std::string::npos);
        QVERIFY(all.find("<|im_start|>assistant") != std::string::npos); // the model's own chat template

        PromptBuilder tight(tokenizer, 420);
        const std::string some = tight.questionPrompt(context, &used);
        QVERIFY2(used >= 1 && used < 5, qPrintable(QString::number(used)));
        QVERIFY(tight.countTokens(some) <= 420);
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, PromptBuilder(tokenizer, 20).questionPrompt(context));

        // Long text splits into pieces whose prompts all fit, covering the text in order.
        std::string text;
        for (const auto& page : test::sampleReportPages(6))
            text += page.toStdString() + "\n\n";
        PromptBuilder small(tokenizer, 300);
        const auto pieces = small.splitToFit("Item 7", text);
        QVERIFY(pieces.size() > 3);
        std::string joined;
        for (const auto& p : pieces) {
            QVERIFY(small.countTokens(small.summaryPrompt("Item 7", p)) <= 300);
            joined += p + " ";
        }
        QString expected = QString::fromStdString(text).simplified();
        QCOMPARE(QString::fromStdString(joined).simplified(), expected);
        const auto groups = small.groupToFit("the report", pieces);
        std::size_t grouped = 0;
        for (const auto& g : groups) {
            grouped += g.size();
            QVERIFY(g.size() == 1 || small.countTokens(small.mergePrompt("the report", g)) <= 300);
        }
        QCOMPARE(grouped, pieces.size());
    }
};

QTEST_MAIN(WorkbenchModelsTest)
#include "tst_workbenchmodels.moc"

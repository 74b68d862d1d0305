// The workbench offscreen, without a model: open a real 10-K (Amcor, 156 pages), see its structure and key figures
// (against the hand-checked pages of tests/backend/tst_docs.cpp), jump through a search hit to its page with the hit
// highlighted on the rendered page, click a key-figure citation, keyboard shortcuts and drag and drop, sessions
// (autosave, reopen after a "restart", rename, duplicate, export, import, delete), a moved document noticed and
// relocated. Screenshots of every panel in the light and the dark palette go to the artifacts folder.

#include "services/inferenceservice.h"
#include "services/jobtracker.h"
#include "services/sessioncontroller.h"
#include "store/sessionfilecheck.h"
#include "testsupport.h"
#include "ui/documentpanel.h"
#include "ui/documentview.h"
#include "ui/mainwindow.h"
#include "ui/models/itemroles.h"
#include "ui/models/keyfiguresmodel.h"
#include "ui/models/searchresultsmodel.h"
#include "ui/models/sessionlistmodel.h"
#include "ui/models/structuremodel.h"
#include "ui/pageview.h"
#include "ui/searchpanel.h"
#include "ui/sessionspanel.h"
#include "ui/surprisaltextview.h"
#include "ui/theme.h"
#include "uitestsupport.h"

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <memory>

using namespace moescope;

namespace {
const QString kAmcor = "AMCOR_2023_10K";

QString report(const QString& name)
{
    return test::sharedDir() + "/fixtures/reports/" + name + ".pdf";
}

QModelIndex findRow(QAbstractItemModel* model, const QString& prefix, const QModelIndex& parent = {})
{
    for (int r = 0; r < model->rowCount(parent); ++r) {
        const QModelIndex i = model->index(r, 0, parent);
        if (i.data().toString().startsWith(prefix))
            return i;
        if (const QModelIndex child = findRow(model, prefix, i); child.isValid())
            return child;
    }
    return {};
}
} // namespace

class WorkbenchTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        test::startGuiTest("tst_workbench", m_library.path());
        m_services = std::make_unique<test::ServiceThread>();
        m_service = m_services->service();
    }

    void cleanupTestCase()
    {
        m_services.reset();
        QSettings().clear();
    }

    void openReportShowsStructureAndFigures()
    {
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openReport(report(kAmcor));
        QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 120000));
        const auto doc = session.currentDocument();
        QCOMPARE(doc->pageCount(), 156);
        QVERIFY(session.hasSession());
        QVERIFY(QFileInfo(session.sessionPath()).absolutePath() == QFileInfo(m_library.path()).absoluteFilePath());

        // The structure tree shows Items with their hand-checked page ranges (1-based in the display).
        auto* structure = window.documentPanel()->structureModel();
        const QModelIndex risk = findRow(structure, "Item 1A");
        QVERIFY(risk.isValid());
        QCOMPARE(risk.data(PageRole).toInt(), 13);
        QCOMPARE(risk.siblingAtColumn(StructureModel::PagesColumn).data().toString(), QString("14–24"));
        const QModelIndex mdna = findRow(structure, "Item 7 ");
        QCOMPARE(mdna.siblingAtColumn(StructureModel::PagesColumn).data().toString(), QString("29–45"));
        QCOMPARE(structure->rowCount(), 4); // Parts I-IV

        // Clicking an item shows its first page, rendered.
        auto* tree = window.documentPanel()->structureView();
        tree->scrollTo(risk);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualRect(risk).center());
        QCOMPARE(window.documentView()->currentPage(), 13);
        QVERIFY(test::waitUntil([&] { return window.documentView()->isPageReady(); }, 30000));
        QCOMPARE(window.documentView()->pageView()->renderedPage().page, 13);
        QVERIFY(!window.documentView()->pageView()->renderedPage().image.isNull());

        // Key figures: net sales FY2023 = 14,694 printed on page 50 (0-based 49); its cell jumps there.
        window.documentPanel()->tabs()->setCurrentIndex(2);
        auto* figures = window.documentPanel()->figuresModel();
        const QModelIndex revenue = figures->index(0, 1);
        QCOMPARE(figures->headerData(1, Qt::Horizontal).toString(), QString("FY 2023"));
        QCOMPARE(revenue.data(SortRole).toDouble(), 14694.0);
        QCOMPARE(revenue.data(PageRole).toInt(), 49);
        auto* table = window.documentPanel()->figuresView();
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(revenue).center());
        QCOMPARE(window.documentView()->currentPage(), 49);
        QVERIFY(test::waitUntil([&] { return window.documentView()->isPageReady(); }, 30000));
        QVERIFY(!window.documentView()->pageView()->highlights().isEmpty()); // the row label, found on the page
        test::screenshot(window.documentPanel(), "panel-document-figures-light");
    }

    void searchHitJumpsWithHighlight()
    {
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.restoreLastSession(); // the session of the previous test, reopened as after a restart
        QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 60000));

        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        auto* box = window.searchPanel()->queryBox();
        QVERIFY(QApplication::focusWidget() == box || QApplication::focusWidget() == box->lineEdit());
        QTest::keyClicks(QApplication::focusWidget(), "restructuring plan");
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        auto* results = window.searchPanel()->resultsModel();
        QVERIFY(test::waitUntil([&] { return results->rowCount() > 0; }, 30000));
        const SearchHit hit = *results->hit(0);
        QVERIFY(hit.snippet.find("<b>") != std::string::npos);

        auto* view = window.searchPanel()->resultsView();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(results->index(0)).center());
        QCOMPARE(window.documentView()->currentPage(), hit.page);
        QVERIFY(test::waitUntil([&] { return window.documentView()->isPageReady(); }, 30000));
        auto* page = window.documentView()->pageView();
        QCOMPARE(page->renderedPage().page, hit.page);
        // Highlights where Poppler finds the searched words, inside the page.
        QVERIFY(!page->highlights().isEmpty());
        const QRectF bounds(QPointF(0, 0), page->renderedPage().pageSize);
        for (const QRectF& r : page->highlights())
            QVERIFY(bounds.contains(r));
        // The stored page text has the words the highlights mark.
        const QString text = QString::fromStdString(session.currentDocument()->pages[std::size_t(hit.page)].text);
        QVERIFY(text.contains("restructuring", Qt::CaseInsensitive));
        test::screenshot(&window, "workbench-search-hit-light");
        test::screenshot(window.searchPanel(), "panel-search-light");

        // The Text view of the same page marks the words too.
        window.documentView()->setMode(DocumentView::Mode::Text);
        QVERIFY(window.documentView()->textView()->termMatches() > 0);
        window.documentView()->setMode(DocumentView::Mode::Page);
    }

    void sessionIsRestoredAfterRestart()
    {
        QString path;
        {
            SessionController session;
            MainWindow window(m_service, &session);
            window.show();
            window.restoreLastSession();
            QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 60000));
            path = session.sessionPath();
            // History written by the previous test's search (autosave, no Save command).
            QVERIFY(session.searchHistory().contains("restructuring plan"));
            QCOMPARE(window.searchPanel()->queryBox()->findText("restructuring plan") >= 0, true);
            QCOMPARE(int(session.documents().size()), 1);
        }
        // Reading the same report again adds nothing: the session knows its hash.
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        window.openSession(path);
        QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 60000));
        QSignalSpy ingested(&session, &SessionController::ingested);
        window.openReport(report(kAmcor));
        QVERIFY(test::waitUntil([&] { return ingested.count() == 1; }, 120000));
        QCOMPARE(ingested.at(0).at(1).toBool(), true);
        QCOMPARE(int(session.documents().size()), 1);
    }

    void dragAndDropAndMovedFiles()
    {
        QTemporaryDir files;
        const QString pdf = files.filePath("twopage.pdf");
        QVERIFY(QFile::copy(test::fixturesDir() + "/docs/twopage.pdf", pdf));
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        window.restoreLastSession();
        QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 60000));

        // Dropping a PDF reads it into the open session and shows it.
        QMimeData mime;
        mime.setUrls({ QUrl::fromLocalFile(pdf) });
        // As a real drag: the drop goes to the widget that accepted the drag's entry (QDragManager's target).
        QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, {});
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, {});
        QSignalSpy dropErrors(&session, &SessionController::errorOccurred);
        QSignalSpy dropIngested(&session, &SessionController::ingested);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(drop.isAccepted());
        const bool shown = test::waitUntil(
            [&] { return session.currentDocument() && session.currentDocument()->info.fileName == "twopage.pdf"; },
            60000);
        QVERIFY2(shown,
            qPrintable(
                QString("ingested %1 time(s); errors: %2; showing %3")
                    .arg(dropIngested.count())
                    .arg(dropErrors.isEmpty() ? QString("none") : dropErrors.at(0).at(1).toString())
                    .arg(session.currentDocument() ? QString::fromStdString(session.currentDocument()->info.fileName)
                                                   : QString("nothing"))));
        const qint64 id = session.currentDocumentId();
        QCOMPARE(int(session.documents().size()), 2);

        // The file moves: the session notices, the page cannot be rendered, the user relocates it.
        const QString moved = files.filePath("moved.pdf");
        QVERIFY(QFile::rename(pdf, moved));
        session.selectDocument(id);
        QVERIFY(test::waitUntil(
            [&] {
                return session.currentDocument() && session.currentDocument()->fileState == DocumentFileState::Missing;
            },
            30000));
        auto* banner = window.documentView()->findChild<QWidget*>("documentBanner");
        QVERIFY(banner && banner->isVisible());
        test::screenshot(window.documentView(), "document-missing-file-banner-light");
        window.sessionsPanel()->relocateDocument(id, moved);
        QVERIFY(test::waitUntil(
            [&] {
                return session.currentDocument() && session.currentDocument()->fileState == DocumentFileState::Unchanged
                    && QString::fromStdString(session.currentDocument()->info.path) == moved;
            },
            30000));
        QVERIFY(!banner->isVisible());
        // A different file with the moved one's name is refused.
        QSignalSpy errors(&session, &SessionController::errorOccurred);
        const QString other = files.filePath("other.txt");
        test::writeSampleReport(other, 2);
        window.sessionsPanel()->relocateDocument(id, other);
        QVERIFY(test::waitUntil([&] { return errors.count() == 1; }, 30000));
        QVERIFY(errors.at(0).at(1).toString().contains("content differs"));
        session.removeDocument(id);
        QVERIFY(test::waitUntil([&] { return session.documents().size() == 1; }, 30000));
        for (auto* box : window.findChildren<QMessageBox*>())
            box->close();
    }

    void libraryOperations()
    {
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        window.restoreLastSession();
        QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 60000));
        auto* panel = window.sessionsPanel();
        auto* list = panel->sessionsModel();
        QVERIFY(test::waitUntil([&] { return list->rowCount() == 1; }, 30000));
        auto select = [&](const QString& path) {
            const int row = list->rowOf(path);
            QVERIFY(row >= 0);
            auto* view = panel->sessionsView();
            const auto proxyIndex
                = static_cast<QSortFilterProxyModel*>(view->model())->mapFromSource(list->index(row, 0));
            view->setCurrentIndex(proxyIndex);
        };

        // What the session shows, for a wait that times out: name, document, the job trackers still running (in
        // SessionController::trackers() order) and any message box on screen.
        auto sessionState = [&] {
            static const char* names[] = { "open", "session", "write", "ingest", "document", "perplexity", "search" };
            QStringList running;
            const auto trackers = session.trackers();
            for (int i = 0; i < trackers.size(); ++i)
                if (trackers[i]->isRunning())
                    running << (i < 7 ? names[i] : "other");
            QStringList boxes;
            for (auto* w : QApplication::topLevelWidgets())
                if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible())
                    boxes << box->text();
            return QString("session '%1' (%2), document %3, opening %4, jobs running [%5], message boxes [%6]")
                .arg(session.sessionName(), session.sessionPath(), session.currentDocument() ? "loaded" : "none",
                    session.isOpening() ? "yes" : "no", running.join(", "), boxes.join(" | "));
        };

        // Rename the open session: it is closed, renamed, and reopened under the new name and file.
        select(session.sessionPath());
        panel->renameSelected("Amcor review");
        QVERIFY2(test::waitUntil(
                     [&] { return session.sessionName() == "Amcor review" && session.currentDocument(); }, 30000),
            qPrintable(sessionState()));
        QCOMPARE(QFileInfo(session.sessionPath()).fileName(), QString("Amcor_review.moescope"));

        // Duplicate, export, import, delete.
        select(session.sessionPath());
        panel->duplicateSelected();
        QVERIFY(test::waitUntil([&] { return list->rowCount() == 2; }, 30000));
        QTemporaryDir out;
        const QString exported = out.filePath("shared.moescope");
        select(session.sessionPath());
        panel->exportSelected(exported);
        QVERIFY(test::waitUntil([&] { return QFileInfo::exists(exported) && !panel->jobs()->isRunning(); }, 30000));
        QCOMPARE(checkSessionFile(exported.toStdString()).applicationId, 0x4D6F4553);
        const QString beforeImport = session.sessionPath();
        panel->importSession(exported);
        // Wait for the imported copy itself to be open: the renamed session's document is current until then.
        QVERIFY(test::waitUntil(
            [&] {
                return list->rowCount() == 3 && session.sessionPath() != beforeImport && session.currentDocument();
            },
            30000));
        QCOMPARE(session.sessionName(), QString("Amcor review")); // the imported copy, now open
        const QString imported = session.sessionPath();
        QVERIFY(imported.endsWith("Amcor_review-2.moescope"));
        test::screenshot(panel, "panel-sessions-light");
        select(imported);
        panel->deleteSelected(false);
        QVERIFY(test::waitUntil([&] { return list->rowCount() == 2 && !QFileInfo::exists(imported); }, 30000));
        QVERIFY(!session.hasSession()); // the deleted session was the open one
    }

    void screenshotsInBothThemes()
    {
        SessionController session;
        MainWindow window(m_service, &session);
        window.resize(1480, 920);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        session.openSession(m_library.filePath("Amcor_review.moescope"));
        QVERIFY(test::waitUntil([&] { return session.currentDocument() != nullptr; }, 60000));
        window.searchPanel()->search("restructuring plan");
        QVERIFY(test::waitUntil([&] { return window.searchPanel()->resultsModel()->rowCount() > 0; }, 30000));
        window.documentView()->showPage(27, { "net sales" });
        for (const Theme theme : { Theme::Light, Theme::Dark }) {
            applyTheme(theme);
            const QString suffix = theme == Theme::Dark ? "dark" : "light";
            window.documentView()->showPage(27, { "net sales" });
            QVERIFY(test::waitUntil([&] { return window.documentView()->isPageReady(); }, 30000));
            QTest::qWait(50);
            test::screenshot(&window, "workbench-" + suffix);
            for (const char* dock : { "documentDock", "searchDock", "analysisDock", "sessionsDock", "modelDock" }) {
                auto* d = window.findChild<QDockWidget*>(dock);
                d->raise();
                test::screenshot(d, QString("dock-%1-%2").arg(dock, suffix));
            }
            window.documentView()->setMode(DocumentView::Mode::Text);
            test::screenshot(window.documentView(), "document-text-" + suffix);
            window.documentView()->setMode(DocumentView::Mode::Page);
        }
        applyTheme(Theme::Light);
    }

private:
    QTemporaryDir m_library;
    std::unique_ptr<test::ServiceThread> m_services;
    InferenceService* m_service = nullptr;
};

QTEST_MAIN(WorkbenchTest)
#include "tst_workbench.moc"

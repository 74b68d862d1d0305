#include "ui/mainwindow.h"

#include "resources.h"
#include "runtime/devices.h"
#include "services/inferenceservice.h"
#include "services/jobtracker.h"
#include "services/sessioncontroller.h"
#include "ui/analysispanel.h"
#include "ui/documentpanel.h"
#include "ui/documentview.h"
#include "ui/jobprogress.h"
#include "ui/modelmanagerpanel.h"
#include "ui/quantpanel.h"
#include "ui/routingdriftview.h"
#include "ui/routingpanel.h"
#include "ui/searchpanel.h"
#include "ui/sessionspanel.h"
#include "ui/uiformat.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QUrl>

namespace moescope {

namespace {
bool isReportFile(const QFileInfo& info)
{
    static const QStringList kSuffixes { "pdf", "htm", "html", "txt", "text" };
    return info.isFile() && kSuffixes.contains(info.suffix().toLower());
}
} // namespace

MainWindow::MainWindow(InferenceService* service, SessionController* session, QWidget* parent)
    : QMainWindow(parent)
    , m_service(service)
    , m_session(session)
    , m_modelManager(new ModelManagerPanel(service))
    , m_documentView(new DocumentView)
    , m_documentPanel(new DocumentPanel(session))
    , m_searchPanel(new SearchPanel(session))
    , m_analysisPanel(new AnalysisPanel(service, session))
    , m_sessionsPanel(new SessionsPanel(session))
    , m_progress(new JobProgress)
    , m_sessionLabel(new QLabel)
    , m_deviceLabel(new QLabel)
    , m_memoryLabel(new QLabel)
{
    moescopeInitResources();
    setObjectName("mainWindow");
    setWindowIcon(QIcon(":/icons/moescope.svg"));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);
    setDocumentMode(true);
    setCentralWidget(m_documentView);
    // The window's size first: the docks' default sizes below are shares of it (set on a window of the default
    // size, the document dock came out at half the width asked for, too narrow for the report's section titles).
    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray()))
        resize(1480, 920);

    addPanel(
        m_documentPanel, tr("Document"), "documentDock", Qt::LeftDockWidgetArea, QIcon(":/icons/document-open.svg"));
    addPanel(m_searchPanel, tr("Search"), "searchDock", Qt::LeftDockWidgetArea, QIcon(":/icons/search.svg"));
    addPanel(m_analysisPanel, tr("Analysis"), "analysisDock", Qt::RightDockWidgetArea, QIcon(":/icons/analysis.svg"));
    auto* sessions = addPanel(
        m_sessionsPanel, tr("Sessions"), "sessionsDock", Qt::RightDockWidgetArea, QIcon(":/icons/session.svg"));
    auto* model
        = addPanel(m_modelManager, tr("Model"), "modelDock", Qt::RightDockWidgetArea, QIcon(":/icons/model-open.svg"));
    // Split first: splitting a tabified dock takes it out of its tab group again.
    splitDockWidget(findChild<QDockWidget*>("analysisDock"), sessions, Qt::Vertical);
    tabifyDockWidget(sessions, model);
    splitDockWidget(findChild<QDockWidget*>("documentDock"), findChild<QDockWidget*>("searchDock"), Qt::Vertical);
    resizeDocks({ findChild<QDockWidget*>("documentDock"), findChild<QDockWidget*>("analysisDock") }, { 330, 470 },
        Qt::Horizontal);
    resizeDocks(
        { findChild<QDockWidget*>("documentDock"), findChild<QDockWidget*>("searchDock") }, { 520, 380 }, Qt::Vertical);
    resizeDocks({ findChild<QDockWidget*>("analysisDock"), sessions }, { 620, 280 }, Qt::Vertical);
    sessions->raise();

    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_sessionLabel);
    statusBar()->addPermanentWidget(m_memoryLabel);
    statusBar()->addPermanentWidget(m_deviceLabel);
    // The status bar keeps the height it has with the job progress showing: otherwise every job that starts or ends
    // changes it, which resizes the docks and the document view and repaints the whole window (a visible jump).
    m_progress->show();
    statusBar()->setMinimumHeight(statusBar()->sizeHint().height());
    m_progress->hide();
    m_progress->track(m_service);
    for (auto* tracker : m_session->trackers())
        m_progress->track(tracker);
    m_progress->track(m_sessionsPanel->jobs());

    connect(m_service, &InferenceService::modelLoaded, this, [this](const ModelSummary& s) {
        remember("models/recent", QString::fromStdString(s.path));
        m_session->recordModel({ s.path, s.quantization == "none" ? std::string() : s.quantization, s.device });
        updateStatus();
    });
    connect(m_modelManager, &ModelManagerPanel::modelChanged, this, &MainWindow::updateStatus);
    connect(m_service, &InferenceService::modelLoadFailed, this, [this](const QString& path, const QString& message) {
        if (message != tr("cancelled"))
            showError(tr("Could not load the model"), tr("%1\n\n%2").arg(path, message));
    });
    connectSession();

    m_routingPanel = new RoutingPanel(session);
    // Charts need room: the inspectors share the Analysis dock's tab group, not the small Sessions one.
    auto* analysisDock = findChild<QDockWidget*>("analysisDock");
    tabifyDockWidget(analysisDock,
        registerPanel(
            m_routingPanel, tr("Routing"), "routingDock", Qt::RightDockWidgetArea, QIcon(":/icons/routing.svg")));
    connect(m_routingPanel, &RoutingPanel::citationRequested, this, &MainWindow::openCitation);
    // The token view and the document view keep the same page; neither echoes a page it was told to show.
    connect(m_routingPanel, &RoutingPanel::pageRequested, m_documentView, &DocumentView::showPage);
    connect(m_documentView, &DocumentView::currentPageChanged, m_routingPanel, &RoutingPanel::followPage);
    m_progress->track(m_routingPanel->jobs());
    m_progress->track(m_routingPanel->driftView()->jobs());
    m_quantPanel = new QuantPanel(service, session);
    tabifyDockWidget(analysisDock,
        registerPanel(m_quantPanel, tr("Quantization"), "quantizationDock", Qt::RightDockWidgetArea,
            QIcon(":/icons/quantization.svg")));
    m_progress->track(m_quantPanel->jobs());
    // The damage overlay follows the document view's page as the routing token view does.
    connect(
        m_quantPanel, &QuantPanel::pageRequested, m_documentView, [this](int page) { m_documentView->showPage(page); });
    connect(m_documentView, &DocumentView::currentPageChanged, m_quantPanel, &QuantPanel::followPage);
    analysisDock->raise();

    const QString folder
        = QSettings()
              .value("sessions/folder", QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/sessions")
              .toString();
    QDir().mkpath(folder);
    m_sessionsPanel->setFolder(folder);
    connect(m_sessionsPanel, &SessionsPanel::libraryChanged, this,
        [this] { QSettings().setValue("sessions/folder", m_sessionsPanel->folder()); });

    createMenus();
    updateStatus();
    updateTitle();

    m_defaultState = saveState();
    restoreState(settings.value("window/state").toByteArray());
}

MainWindow::~MainWindow() = default;

QDockWidget* MainWindow::addPanel(
    QWidget* panel, const QString& title, const QString& objectName, Qt::DockWidgetArea area, const QIcon& icon)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    dock->setWidget(panel);
    dock->setWindowIcon(icon);
    dock->setFeatures(
        QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(area, dock);
    if (m_panelsMenu)
        m_panelsMenu->addAction(dock->toggleViewAction());
    return dock;
}

QDockWidget* MainWindow::registerPanel(
    QWidget* panel, const QString& title, const QString& objectName, Qt::DockWidgetArea area, const QIcon& icon)
{
    QDockWidget* sibling = nullptr;
    for (auto* d : findChildren<QDockWidget*>())
        if (dockWidgetArea(d) == area && !d->isFloating())
            sibling = d;
    auto* dock = addPanel(panel, title, objectName, area, icon);
    if (sibling)
        tabifyDockWidget(sibling, dock);
    restoreDockWidget(dock); // its place from the saved layout, if it had one
    return dock;
}

void MainWindow::connectSession()
{
    connect(m_session, &SessionController::documentLoaded, this, [this](const DocumentDataPtr& document) {
        m_documentView->setDocument(document);
        if (m_pendingDocument == document->info.id) {
            m_documentView->showPage(m_pendingPage, m_pendingTerms);
            m_pendingDocument = 0;
        }
        updateTitle();
    });
    connect(m_session, &SessionController::perplexityLoaded, m_documentView, &DocumentView::setPerplexity);
    connect(m_session, &SessionController::documentCleared, this, [this] {
        m_documentView->clear();
        updateTitle();
    });
    connect(m_session, &SessionController::sessionOpened, this, [this] {
        updateStatus();
        updateTitle();
    });
    connect(m_session, &SessionController::sessionClosed, this, [this] {
        m_service->cancel(); // a scoring or generation run must not write to a session being renamed or deleted
        updateStatus();
        updateTitle();
    });
    connect(m_session, &SessionController::ingested, this, [this](qint64, bool already) {
        if (already)
            statusBar()->showMessage(tr("The report was already in this session."), 5000);
    });
    connect(m_session, &SessionController::errorOccurred, this, &MainWindow::showError);

    connect(m_documentView, &DocumentView::currentPageChanged, m_documentPanel, &DocumentPanel::followPage);
    connect(m_documentView, &DocumentView::relocateRequested, this,
        [this](qint64 id) { m_sessionsPanel->relocateDocument(id); });
    connect(m_documentView, &DocumentView::openReportRequested, this, &MainWindow::chooseReport);
    connect(m_documentPanel, &DocumentPanel::pageRequested, m_documentView, &DocumentView::showPage);
    connect(m_analysisPanel, &AnalysisPanel::pageRequested, m_documentView, &DocumentView::showPage);
    connect(m_searchPanel, &SearchPanel::citationRequested, this, &MainWindow::openCitation);
}

void MainWindow::openModel(const QString& dir)
{
    m_modelManager->requestLoad(dir);
}

void MainWindow::openReport(const QString& file)
{
    const QFileInfo info(file);
    if (!info.isFile()) {
        showError(tr("Cannot open the report"), tr("%1: file not found").arg(file));
        return;
    }
    remember("reports/recent", info.absoluteFilePath());
    m_session->ingest(info.absoluteFilePath());
}

void MainWindow::openSession(const QString& file)
{
    m_session->openSession(QFileInfo(file).absoluteFilePath());
}

bool MainWindow::restoreLastSession()
{
    const QString last = QSettings().value("sessions/last").toString();
    if (last.isEmpty() || !QFileInfo(last).isFile())
        return false;
    openSession(last);
    return true;
}

void MainWindow::openCitation(qint64 documentId, int page, const QStringList& terms)
{
    if (documentId == 0 || documentId == m_session->currentDocumentId()) {
        m_documentView->showPage(page, terms);
        return;
    }
    m_pendingDocument = documentId;
    m_pendingPage = page;
    m_pendingTerms = terms;
    m_session->selectDocument(documentId);
}

void MainWindow::cancelAll()
{
    m_service->cancel();
    m_session->cancelAll();
    m_sessionsPanel->jobs()->cancel();
}

void MainWindow::remember(const QString& key, const QString& value)
{
    QSettings settings;
    auto recent = settings.value(key).toStringList();
    recent.removeAll(value);
    recent.prepend(value);
    while (recent.size() > 10)
        recent.removeLast();
    settings.setValue(key, recent);
    updateRecentMenus();
}

void MainWindow::updateStatus()
{
    const auto& s = m_modelManager->summary();
    if (m_modelManager->hasModel()) {
        m_deviceLabel->setText(tr("Device: %1").arg(QString::fromStdString(s.device)));
        m_memoryLabel->setText(tr("Weights: %1").arg(formatBytes(s.weightBytes)));
    } else {
        m_deviceLabel->setText(cudaAvailable() ? tr("GPU available") : tr("CPU only"));
        m_memoryLabel->clear();
    }
    m_sessionLabel->setText(
        m_session->hasSession() ? tr("Session: %1").arg(m_session->sessionName()) : tr("No session"));
    m_sessionLabel->setToolTip(m_session->sessionPath());
}

void MainWindow::updateTitle()
{
    QStringList parts;
    if (const auto doc = m_session->currentDocument())
        parts << QString::fromStdString(doc->info.fileName);
    if (m_session->hasSession())
        parts << m_session->sessionName();
    parts << tr("MoEScope");
    setWindowTitle(parts.join(QStringLiteral(" — ")));
}

void MainWindow::showError(const QString& title, const QString& message)
{
    // Non-modal: a failed background job never blocks the event loop or the other jobs' results.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    statusBar()->showMessage(tr("%1: %2").arg(title, message), 8000);
}

void MainWindow::saveLayout()
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
}

void MainWindow::resetLayout()
{
    restoreState(m_defaultState);
    for (auto* dock : findChildren<QDockWidget*>())
        dock->show();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveLayout();
    cancelAll();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    bool used = false;
    for (const auto& url : event->mimeData()->urls()) {
        const QFileInfo info(url.toLocalFile());
        if (info.isDir() && QFileInfo(info.filePath() + "/config.json").exists()) {
            openModel(info.filePath());
            used = true;
        } else if (info.isFile() && info.suffix().toLower() == QLatin1String("moescope")) {
            openSession(info.filePath());
            used = true;
        } else if (isReportFile(info)) {
            openReport(info.filePath());
            used = true;
        }
    }
    if (used)
        event->acceptProposedAction();
    else
        statusBar()->showMessage(tr("Drop a report (PDF, HTML, text), a model folder or a .moescope session."), 5000);
}

} // namespace moescope

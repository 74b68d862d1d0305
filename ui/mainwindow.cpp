#include "ui/mainwindow.h"

#include "resources.h"
#include "runtime/devices.h"
#include "services/inferenceservice.h"
#include "ui/jobprogress.h"
#include "ui/modelmanagerpanel.h"
#include "ui/theme.h"
#include "ui/uiformat.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QUrl>

namespace moescope {

MainWindow::MainWindow(InferenceService* service, QWidget* parent)
    : QMainWindow(parent)
    , m_service(service)
    , m_modelManager(new ModelManagerPanel(service))
    , m_progress(new JobProgress)
    , m_deviceLabel(new QLabel)
    , m_memoryLabel(new QLabel)
{
    moescopeInitResources();
    setWindowTitle(tr("MoEScope"));
    setWindowIcon(QIcon(":/icons/moescope.svg"));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);

    auto* modelDock = new QDockWidget(tr("Model"), this);
    modelDock->setObjectName("modelDock");
    modelDock->setWidget(m_modelManager);
    addDockWidget(Qt::LeftDockWidgetArea, modelDock);

    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_memoryLabel);
    statusBar()->addPermanentWidget(m_deviceLabel);
    connect(m_service, &InferenceService::requestStarted, m_progress, &JobProgress::start);
    connect(m_service, &InferenceService::progress, m_progress, &JobProgress::update);
    connect(m_service, &InferenceService::requestFinished, m_progress, &JobProgress::finish);
    connect(m_progress, &JobProgress::cancelRequested, this, [this] { m_service->cancel(); });
    connect(m_service, &InferenceService::modelLoaded, this, [this](const ModelSummary& s) {
        rememberModel(QString::fromStdString(s.path));
        updateStatus();
    });
    connect(m_modelManager, &ModelManagerPanel::modelChanged, this, &MainWindow::updateStatus);
    connect(m_service, &InferenceService::modelLoadFailed, this, [this](const QString& path, const QString& message) {
        if (message != tr("cancelled"))
            QMessageBox::warning(this, tr("Could not load the model"), tr("%1\n\n%2").arg(path, message));
    });

    createMenus();
    updateStatus();

    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    if (!settings.contains("window/geometry"))
        resize(1400, 900);
}

void MainWindow::createMenus()
{
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* openModel = file->addAction(QIcon(":/icons/model-open.svg"), tr("Open &Model…"), m_modelManager,
        &ModelManagerPanel::chooseAndLoad);
    openModel->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    auto* unload = file->addAction(QIcon(":/icons/model-unload.svg"), tr("&Unload Model"), m_modelManager,
        &ModelManagerPanel::requestUnload);
    m_recentMenu = file->addMenu(tr("Recent Models"));
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    updateRecentModels();

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (auto* dock : findChildren<QDockWidget*>())
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
    auto* themes = new QActionGroup(this);
    auto* light = m_viewMenu->addAction(tr("&Light Theme"), this, [] { applyTheme(Theme::Light); });
    auto* dark = m_viewMenu->addAction(tr("&Dark Theme"), this, [] { applyTheme(Theme::Dark); });
    for (auto* a : { light, dark }) {
        a->setCheckable(true);
        themes->addAction(a);
    }
    (currentTheme() == Theme::Dark ? dark : light)->setChecked(true);

    auto* cancel = new QAction(tr("Cancel Running Job"), this);
    cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    connect(cancel, &QAction::triggered, this, [this] { m_service->cancel(); });
    addAction(cancel);

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Open &Log Folder"), this, [] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(QSettings().value("app/logDir").toString()));
    });
    help->addAction(tr("&About MoEScope"), this, [this] {
        QMessageBox::about(this, tr("About MoEScope"),
            tr("<b>MoEScope %1</b><p>A workbench for Mixture-of-Experts language models: long reports, expert "
               "routing and quantization.</p><p>LibTorch %2</p>")
                .arg(QApplication::applicationVersion(), QString::fromStdString(libtorchVersion())));
    });

    auto* tools = addToolBar(tr("Main"));
    tools->setObjectName("mainToolBar");
    tools->addAction(openModel);
    tools->addAction(unload);
}

void MainWindow::openModel(const QString& dir) { m_modelManager->requestLoad(dir); }

void MainWindow::rememberModel(const QString& dir)
{
    QSettings settings;
    auto recent = settings.value("models/recent").toStringList();
    recent.removeAll(dir);
    recent.prepend(dir);
    while (recent.size() > 8)
        recent.removeLast();
    settings.setValue("models/recent", recent);
    updateRecentModels();
}

void MainWindow::updateRecentModels()
{
    m_recentMenu->clear();
    const auto recent = QSettings().value("models/recent").toStringList();
    for (const auto& dir : recent)
        m_recentMenu->addAction(QDir::toNativeSeparators(dir), this, [this, dir] { openModel(dir); });
    m_recentMenu->setEnabled(!recent.isEmpty());
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
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    m_service->cancel();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    for (const auto& url : event->mimeData()->urls()) {
        const QFileInfo info(url.toLocalFile());
        if (info.isDir() && QFileInfo(info.filePath() + "/config.json").exists()) {
            openModel(info.filePath());
            event->acceptProposedAction();
            return;
        }
    }
}

} // namespace moescope

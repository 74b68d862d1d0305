// MainWindow: menus, toolbar, shortcuts and the file dialogs behind them.

#include "ui/mainwindow.h"

#include "runtime/devices.h"
#include "services/inferenceservice.h"
#include "services/sessioncontroller.h"
#include "ui/analysispanel.h"
#include "ui/documentview.h"
#include "ui/modelmanagerpanel.h"
#include "ui/questionpanel.h"
#include "ui/searchpanel.h"
#include "ui/sessionspanel.h"
#include "ui/theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QTabWidget>
#include <QToolBar>
#include <QUrl>

namespace moescope {

QAction* MainWindow::makeAction(const QString& objectName, const QIcon& icon, const QString& text,
    const QKeySequence& key, const std::function<void()>& slot)
{
    auto* action = new QAction(icon, text, this);
    action->setObjectName(objectName);
    if (!key.isEmpty()) {
        action->setShortcut(key);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(
            QString(text).remove('&').remove(QStringLiteral("…")), key.toString(QKeySequence::NativeText)));
    }
    connect(action, &QAction::triggered, this, slot);
    addAction(action); // shortcuts work even when the menu bar is hidden
    return action;
}

QAction* MainWindow::action(const QString& objectName) const
{
    return findChild<QAction*>(objectName);
}

void MainWindow::createMenus()
{
    auto* openReport = makeAction("openReport", QIcon(":/icons/document-open.svg"), tr("Open &Report…"),
        QKeySequence::Open, [this] { chooseReport(); });
    auto* openModel = makeAction("openModel", QIcon(":/icons/model-open.svg"), tr("Open &Model…"),
        QKeySequence(tr("Ctrl+Shift+O")), [this] { m_modelManager->chooseAndLoad(); });
    auto* unload = makeAction("unloadModel", QIcon(":/icons/model-unload.svg"), tr("&Unload Model"), {},
        [this] { m_modelManager->requestUnload(); });
    auto* newSession = makeAction("newSession", QIcon(":/icons/session.svg"), tr("&New Session…"), QKeySequence::New,
        [this] { m_sessionsPanel->newSession(); });
    auto* openSession = makeAction("openSession", {}, tr("Open &Session…"), {}, [this] { chooseSession(); });
    auto* importSession
        = makeAction("importSession", {}, tr("&Import Session…"), {}, [this] { m_sessionsPanel->importSession(); });
    auto* exportSession = makeAction("exportSession", QIcon(":/icons/export.svg"), tr("&Export Session…"), {}, [this] {
        m_sessionsPanel->refresh();
        m_sessionsPanel->exportSelected();
    });
    auto* find = makeAction("find", QIcon(":/icons/search.svg"), tr("&Search the Report"), QKeySequence::Find, [this] {
        if (auto* dock = findChild<QDockWidget*>("searchDock")) {
            dock->show();
            dock->raise();
        }
        m_searchPanel->focusSearch();
    });
    auto* run
        = makeAction("runAnalysis", QIcon(":/icons/run.svg"), tr("&Run Analysis"), QKeySequence(Qt::Key_F5), [this] {
              if (auto* dock = findChild<QDockWidget*>("analysisDock")) {
                  dock->show();
                  dock->raise();
              }
              m_analysisPanel->runAnalysis();
          });
    auto* ask = makeAction("askQuestion", {}, tr("&Ask a Question"), QKeySequence(tr("Ctrl+K")), [this] {
        if (auto* dock = findChild<QDockWidget*>("analysisDock")) {
            dock->show();
            dock->raise();
        }
        m_analysisPanel->tabs()->setCurrentWidget(m_analysisPanel->questions());
        m_analysisPanel->questions()->setFocus();
    });
    auto* summarize = makeAction("summarize", {}, tr("S&ummarize Report"), {}, [this] {
        m_analysisPanel->tabs()->setCurrentWidget(m_analysisPanel->questions());
        m_analysisPanel->questions()->summarize();
    });
    auto* cancel = makeAction("cancel", QIcon(":/icons/cancel.svg"), tr("&Cancel Running Jobs"),
        QKeySequence(Qt::Key_Escape), [this] { cancelAll(); });
    auto* prev = makeAction("previousPage", {}, tr("&Previous Page"), QKeySequence(Qt::ALT | Qt::Key_Left),
        [this] { m_documentView->previousPage(); });
    auto* next = makeAction("nextPage", {}, tr("&Next Page"), QKeySequence(Qt::ALT | Qt::Key_Right),
        [this] { m_documentView->nextPage(); });
    auto* textMode = makeAction("toggleText", {}, tr("Page &Text and Surprisal"), QKeySequence(tr("Ctrl+T")), [this] {
        m_documentView->setMode(
            m_documentView->mode() == DocumentView::Mode::Page ? DocumentView::Mode::Text : DocumentView::Mode::Page);
    });
    auto* quit = makeAction("quit", {}, tr("&Quit"), QKeySequence::Quit, [this] { close(); });

    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(openReport);
    m_recentReports = file->addMenu(tr("Recent &Reports"));
    file->addSeparator();
    file->addAction(openModel);
    m_recentModels = file->addMenu(tr("Recent M&odels"));
    file->addAction(unload);
    file->addSeparator();
    file->addAction(newSession);
    file->addAction(openSession);
    file->addAction(importSession);
    file->addAction(exportSession);
    file->addSeparator();
    file->addAction(quit);

    auto* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(find);

    auto* analysis = menuBar()->addMenu(tr("&Analysis"));
    analysis->addAction(run);
    analysis->addAction(ask);
    analysis->addAction(summarize);
    analysis->addSeparator();
    analysis->addAction(cancel);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_panelsMenu = m_viewMenu->addMenu(tr("&Panels"));
    for (auto* dock : findChildren<QDockWidget*>())
        m_panelsMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout);
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(prev);
    m_viewMenu->addAction(next);
    m_viewMenu->addAction(textMode);
    m_viewMenu->addSeparator();
    auto* themes = new QActionGroup(this);
    auto* light = m_viewMenu->addAction(tr("&Light Theme"), this, [] { applyTheme(Theme::Light); });
    auto* dark = m_viewMenu->addAction(tr("&Dark Theme"), this, [] { applyTheme(Theme::Dark); });
    for (auto* a : { light, dark }) {
        a->setCheckable(true);
        themes->addAction(a);
    }
    (currentTheme() == Theme::Dark ? dark : light)->setChecked(true);

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Open &Log Folder"), this,
        [] { QDesktopServices::openUrl(QUrl::fromLocalFile(QSettings().value("app/logDir").toString())); });
    help->addAction(tr("&About MoEScope"), this, [this] {
        QMessageBox::about(this, tr("About MoEScope"),
            tr("<b>MoEScope %1</b><p>A workbench for Mixture-of-Experts language models: long reports, expert "
               "routing and quantization.</p><p>LibTorch %2</p>")
                .arg(QApplication::applicationVersion(), QString::fromStdString(libtorchVersion())));
    });

    auto* tools = addToolBar(tr("Main"));
    tools->setObjectName("mainToolBar");
    tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tools->setIconSize(QSize(20, 20));
    tools->addAction(openReport);
    tools->addAction(openModel);
    tools->addSeparator();
    tools->addAction(find);
    tools->addAction(run);
    tools->addAction(cancel);
    updateRecentMenus();
}

void MainWindow::updateRecentMenus()
{
    const QSettings settings;
    auto fill = [this](QMenu* menu, const QStringList& entries, const std::function<void(const QString&)>& open) {
        menu->clear();
        for (const auto& entry : entries)
            menu->addAction(QDir::toNativeSeparators(entry), this, [open, entry] { open(entry); });
        menu->setEnabled(!entries.isEmpty());
    };
    fill(m_recentModels, settings.value("models/recent").toStringList(), [this](const QString& d) { openModel(d); });
    fill(m_recentReports, settings.value("reports/recent").toStringList(), [this](const QString& f) { openReport(f); });
}

void MainWindow::chooseReport()
{
    QSettings settings;
    const QString file = QFileDialog::getOpenFileName(this, tr("Open report"),
        settings.value("reports/lastFolder").toString(),
        tr("Reports (*.pdf *.htm *.html *.txt);;PDF (*.pdf);;EDGAR HTML (*.htm *.html);;Text (*.txt);;All files (*)"));
    if (file.isEmpty())
        return;
    settings.setValue("reports/lastFolder", QFileInfo(file).absolutePath());
    openReport(file);
}

void MainWindow::chooseSession()
{
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open session"), m_sessionsPanel->folder(), tr("MoEScope sessions (*.moescope)"));
    if (!file.isEmpty())
        openSession(file);
}

} // namespace moescope

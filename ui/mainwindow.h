#pragma once
// The main window: the page being read in the centre (DocumentView), panels as docks around it (Document, Search,
// Analysis, Sessions, Model; Routing and Quantization through registerPanel()), menus, toolbar and shortcuts,
// recent reports and models, drag and drop of reports, model folders and sessions, a status bar with the open
// session, device, memory and the running job (with Cancel). Layout and geometry are remembered (QSettings).
// GUI thread only: model work goes through the InferenceService (its own thread), session work through the
// SessionController's background jobs.

#include <QMainWindow>

#include <functional>

class QAction;
class QLabel;
class QMenu;

namespace moescope {

class AnalysisPanel;
class DocumentPanel;
class DocumentView;
class InferenceService;
class JobProgress;
class ModelManagerPanel;
class QuantPanel;
class RoutingPanel;
class SearchPanel;
class SessionController;
class SessionsPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    MainWindow(InferenceService* service, SessionController* session, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Adds a panel as a dock (tabbed with the docks already in area), with a View menu entry; for the Routing and
    // Quantization panels. The dock's objectName keeps its place in the saved layout.
    QDockWidget* registerPanel(QWidget* panel, const QString& title, const QString& objectName, Qt::DockWidgetArea area,
        const QIcon& icon = {});

    ModelManagerPanel* modelManager() const { return m_modelManager; }
    DocumentView* documentView() const { return m_documentView; }
    DocumentPanel* documentPanel() const { return m_documentPanel; }
    SearchPanel* searchPanel() const { return m_searchPanel; }
    AnalysisPanel* analysisPanel() const { return m_analysisPanel; }
    SessionsPanel* sessionsPanel() const { return m_sessionsPanel; }
    RoutingPanel* routingPanel() const { return m_routingPanel; }
    QuantPanel* quantPanel() const { return m_quantPanel; }
    JobProgress* jobProgress() const { return m_progress; }
    QAction* action(const QString& objectName) const;

public slots:
    void openModel(const QString& dir);
    void openReport(const QString& file);
    void openSession(const QString& file);
    // Reopens the session used last (if its file still exists); false when there was none to open.
    bool restoreLastSession();
    // Shows a cited page of a session document (switching documents when needed) with terms highlighted.
    void openCitation(qint64 documentId, int page, const QStringList& terms);
    void chooseReport();
    void chooseSession();
    void cancelAll();
    void resetLayout();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QDockWidget* addPanel(
        QWidget* panel, const QString& title, const QString& objectName, Qt::DockWidgetArea area, const QIcon& icon);
    void createMenus(); // mainwindowmenus.cpp
    QAction* makeAction(const QString& objectName, const QIcon& icon, const QString& text, const QKeySequence& key,
        const std::function<void()>& slot);
    void updateRecentMenus();
    void remember(const QString& key, const QString& value);
    void updateStatus();
    void updateTitle();
    void connectSession();
    void showError(const QString& title, const QString& message);
    void saveLayout();

    InferenceService* m_service;
    SessionController* m_session;
    ModelManagerPanel* m_modelManager;
    DocumentView* m_documentView;
    DocumentPanel* m_documentPanel;
    SearchPanel* m_searchPanel;
    AnalysisPanel* m_analysisPanel;
    SessionsPanel* m_sessionsPanel;
    RoutingPanel* m_routingPanel = nullptr;
    QuantPanel* m_quantPanel = nullptr;
    JobProgress* m_progress;
    QLabel* m_sessionLabel;
    QLabel* m_deviceLabel;
    QLabel* m_memoryLabel;
    QMenu* m_recentModels = nullptr;
    QMenu* m_recentReports = nullptr;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_panelsMenu = nullptr;
    QByteArray m_defaultState;
    // A citation of another document waits for that document to load.
    qint64 m_pendingDocument = 0;
    int m_pendingPage = -1;
    QStringList m_pendingTerms;
};

} // namespace moescope

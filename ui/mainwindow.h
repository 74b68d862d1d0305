#pragma once
// The main window: model manager and the analysis panels as docks, menus and shortcuts, recent models, a status bar
// with device, memory and the running job (with Cancel). Layout and geometry are remembered (QSettings).
// GUI thread only; all model work goes through the InferenceService it is given (which lives on its own thread).

#include <QMainWindow>

class QLabel;
class QMenu;

namespace moescope {

class InferenceService;
class JobProgress;
class ModelManagerPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(InferenceService* service, QWidget* parent = nullptr);

    ModelManagerPanel* modelManager() const { return m_modelManager; }
    void openModel(const QString& dir);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void updateRecentModels();
    void rememberModel(const QString& dir);
    void updateStatus();

    InferenceService* m_service;
    ModelManagerPanel* m_modelManager;
    JobProgress* m_progress;
    QLabel* m_deviceLabel;
    QLabel* m_memoryLabel;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
};

} // namespace moescope

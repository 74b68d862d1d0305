#pragma once
// The Sessions dock: the sessions in the library folder (open, new, rename, duplicate, delete, import and export as
// one .moescope file) and the documents of the open session, flagging files that moved or changed so they can be
// relocated. Library operations run as background jobs; operations on the open session close it first (its jobs
// stop) and reopen the result. Everything a user does is already saved: there is no Save.

#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace moescope {

class JobTracker;
class SessionController;
class SessionDocumentsModel;
class SessionListModel;

class SessionsPanel : public QWidget {
    Q_OBJECT

public:
    explicit SessionsPanel(SessionController* session, QWidget* parent = nullptr);

    QString folder() const { return m_folder; }
    void setFolder(const QString& folder);
    SessionListModel* sessionsModel() const { return m_sessions; }
    SessionDocumentsModel* documentsModel() const { return m_documents; }
    QTableView* sessionsView() const { return m_sessionsView; }
    JobTracker* jobs() const { return m_jobs; }

public slots:
    void refresh();
    void newSession();
    void openSelected();
    void renameSelected(const QString& newName = {});
    void duplicateSelected();
    void deleteSelected(bool confirm = true);
    void exportSelected(const QString& target = {});
    void importSession(const QString& file = {});
    void chooseFolder();
    void relocateDocument(qint64 documentId, const QString& newPath = {});

signals:
    void libraryChanged();

private:
    QString selectedPath() const;
    QString selectedName() const;
    enum class Then { Refresh, OpenResult, ReopenIfCurrent };
    // Runs op (worker thread; returns a session path or "") on the library, after closing the open session when
    // closeFirst names it; then refreshes the list and opens the result as then says.
    void runOnLibrary(const QString& what, const QString& closeFirst, std::function<QString()> op, Then then);
    void updateButtons();

    SessionController* m_session;
    SessionListModel* m_sessions;
    QSortFilterProxyModel* m_sorted;
    SessionDocumentsModel* m_documents;
    JobTracker* m_jobs;
    JobTracker* m_listJobs;
    QString m_folder;
    QLabel* m_folderLabel;
    QTableView* m_sessionsView;
    QTableView* m_documentsView;
    QPushButton* m_open;
    QPushButton* m_rename;
    QPushButton* m_duplicate;
    QPushButton* m_delete;
    QPushButton* m_export;
    QPushButton* m_relocate;
    QPushButton* m_remove;
};

} // namespace moescope

#pragma once
// The Search dock: full-text search over the open document (SQLite FTS5 with the backend's rankers), with the
// session's search history in the box, results as page + section + highlighted snippet. Clicking a result asks to
// show its page with the hit's words highlighted (citationRequested). Searches run as background jobs in the
// SessionController; the newest one wins.

#include "services/workbenchtypes.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QListView;
class QToolButton;

namespace moescope {

class SearchResultsModel;
class SessionController;

class SearchPanel : public QWidget {
    Q_OBJECT

public:
    explicit SearchPanel(SessionController* session, QWidget* parent = nullptr);

    SearchResultsModel* resultsModel() const { return m_model; }
    QListView* resultsView() const { return m_view; }
    QComboBox* queryBox() const { return m_query; }

public slots:
    void focusSearch();
    void search(const QString& query);
    void clearResults();

signals:
    void citationRequested(qint64 documentId, int page, const QStringList& terms);

private:
    void showResults(const SearchResults& results);
    void updateHistory();

    SessionController* m_session;
    SearchResultsModel* m_model;
    QComboBox* m_query;
    QToolButton* m_go;
    QLabel* m_status;
    QListView* m_view;
};

} // namespace moescope

#pragma once
// The open session as the GUI sees it: which file, its documents, the document being viewed with its perplexity run,
// search and question history. Every read and write of the session file runs as a background job (JobTracker: a
// newer request makes an older result stale); results arrive here on the GUI thread and leave as signals carrying
// values. Every action is written to the session file at once, in its own small transaction (autosave).
//
// Threading: GUI thread only. Model work is not done here (InferenceService does it, on its own thread).

#include "services/workbenchjobs.h"
#include "services/workbenchtypes.h"

#include <QObject>
#include <QStringList>

#include <functional>

namespace moescope {

class JobTracker;

class SessionController : public QObject {
    Q_OBJECT

public:
    explicit SessionController(QObject* parent = nullptr);
    ~SessionController() override;

    bool hasSession() const { return !m_path.isEmpty(); }
    bool isOpening() const { return m_opening; }
    QString sessionPath() const { return m_path; }
    QString sessionName() const { return m_name; }
    const std::vector<StoredDocument>& documents() const { return m_documents; }
    // Whether each document's file is still where it was, unchanged (same order as documents()).
    const std::vector<DocumentFileState>& fileStates() const { return m_fileStates; }
    const std::vector<HistoryEntry>& history() const { return m_history; }
    QStringList searchHistory() const; // distinct queries, newest first
    std::int64_t currentDocumentId() const { return m_currentDocument; }
    DocumentDataPtr currentDocument() const { return m_document; }
    PerplexityDataPtr currentPerplexity() const { return m_perplexity; }
    // The folder new sessions are created in when a report is opened without a session.
    void setDefaultFolder(const QString& folder) { m_defaultFolder = folder; }
    QString defaultFolder() const { return m_defaultFolder; }

    // The trackers whose jobs the status bar shows (with Cancel).
    QList<JobTracker*> trackers() const;
    bool isBusy() const;

public slots:
    void openSession(const QString& path);
    // Creates the session file (name shown in the library) and opens it.
    void createSession(const QString& path, const QString& name);
    // Forgets the session after its jobs have stopped; then calls whenClosed (for rename/delete of the open file).
    void closeSession(std::function<void()> whenClosed = {});

    // Reads a report (PDF, HTML, text) into the session, creating an untitled session first when none is open.
    void ingest(const QString& file);
    void selectDocument(qint64 documentId);
    void reloadPerplexity(); // after a scoring run completed
    void removeDocument(qint64 documentId);
    void relocateDocument(qint64 documentId, const QString& newPath);
    void search(const QString& query);
    // Retrieval for a question over the current document (or all documents when none is selected).
    void retrieve(const QString& question);
    void recordModel(const ModelReference& model);
    void refreshHistory();
    void cancelAll();

signals:
    void sessionOpened(const QString& path, const QString& name);
    void sessionClosed();
    void documentsChanged();
    void historyChanged();
    void ingested(qint64 documentId, bool alreadyPresent);
    void documentLoaded(const moescope::DocumentDataPtr& document);
    void documentCleared();
    // Null when the document has no complete perplexity run yet.
    void perplexityLoaded(const moescope::PerplexityDataPtr& perplexity);
    void searchFinished(const moescope::SearchResults& results);
    void retrieved(const moescope::RetrievalContext& context);
    // A job failed (what: the job's description; message: the backend's typed error text).
    void errorOccurred(const QString& what, const QString& message);

private:
    void applySnapshot(const SessionSnapshot& snapshot);
    void setDocuments(std::vector<StoredDocument> documents, std::vector<DocumentFileState> states);
    void refreshDocuments(std::function<void()> then = {});
    void afterIdle(std::function<void()> action);
    void openingDone();
    std::filesystem::path path() const;
    // The documents a search or retrieval covers: the one being viewed, or all (empty) when none is.
    std::vector<std::int64_t> searchScope() const;

    JobTracker* m_openJobs; // open, create (newest wins)
    JobTracker* m_sessionJobs; // re-read documents and history (newest wins)
    JobTracker* m_writeJobs; // removal, relocation, model reference (each one delivered)
    JobTracker* m_ingestJobs;
    JobTracker* m_documentJobs; // loading the document being viewed
    JobTracker* m_perplexityJobs;
    JobTracker* m_searchJobs; // search and retrieval
    QString m_path;
    QString m_name;
    QString m_defaultFolder;
    std::vector<StoredDocument> m_documents;
    std::vector<DocumentFileState> m_fileStates;
    std::vector<HistoryEntry> m_history;
    std::int64_t m_currentDocument = 0;
    DocumentDataPtr m_document;
    PerplexityDataPtr m_perplexity;
    std::vector<std::function<void()>> m_whenIdle;
    std::vector<std::function<void()>> m_afterRefresh; // follow-ups of pending refreshDocuments() calls
    bool m_opening = false; // a session is being opened: reports to ingest wait for it
    QStringList m_pendingIngest;
};

} // namespace moescope

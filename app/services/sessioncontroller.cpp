#include "sessioncontroller.h"

#include "jobtracker.h"
#include "store/documentingestor.h"
#include "store/sessionlibrary.h"
#include "store/sessionstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QThread>

#include <algorithm>
#include <utility>

namespace moescope {

namespace {
std::filesystem::path toPath(const QString& s)
{
    return std::filesystem::path(s.toStdString());
}

// Remembered per session file, so reopening a session shows the document last viewed.
QString lastDocumentKey(const QString& sessionPath)
{
    const auto hash = QCryptographicHash::hash(sessionPath.toUtf8(), QCryptographicHash::Sha1).toHex().left(16);
    return QStringLiteral("sessions/lastDocument/") + QString::fromLatin1(hash);
}

struct IngestOutcome {
    SessionSnapshot session; // set when the job created the session
    IngestResult result;
};
} // namespace

SessionController::SessionController(QObject* parent)
    : QObject(parent)
    , m_openJobs(new JobTracker(this, 1))
    , m_sessionJobs(new JobTracker(this, 1))
    , m_writeJobs(new JobTracker(this, 1, JobTracker::Mode::Queue))
    , m_ingestJobs(new JobTracker(this, 1, JobTracker::Mode::Queue)) // several dropped files: all of them
    , m_documentJobs(new JobTracker(this))
    , m_perplexityJobs(new JobTracker(this))
    , m_searchJobs(new JobTracker(this))
{
    connect(m_openJobs, &JobTracker::cancelled, this, &SessionController::openingDone);
    for (auto* tracker : trackers()) {
        connect(tracker, &JobTracker::failed, this, &SessionController::errorOccurred);
        connect(tracker, &JobTracker::finished, this, [this] {
            if (isBusy() || m_whenIdle.empty())
                return;
            auto actions = std::move(m_whenIdle);
            m_whenIdle.clear();
            for (auto& action : actions)
                action();
        });
    }
}

SessionController::~SessionController() = default;

QList<JobTracker*> SessionController::trackers() const
{
    return { m_openJobs, m_sessionJobs, m_writeJobs, m_ingestJobs, m_documentJobs, m_perplexityJobs, m_searchJobs };
}

bool SessionController::isBusy() const
{
    const auto all = trackers();
    return std::any_of(all.begin(), all.end(), [](const JobTracker* t) { return t->isRunning(); });
}

std::vector<std::int64_t> SessionController::searchScope() const
{
    if (m_currentDocument == 0)
        return {};
    return { m_currentDocument };
}

std::filesystem::path SessionController::path() const
{
    return toPath(m_path);
}

QStringList SessionController::searchHistory() const
{
    QStringList out;
    for (const auto& e : m_history)
        if (e.kind == "search") {
            const auto q = QString::fromStdString(e.query);
            if (!out.contains(q))
                out << q;
        }
    return out;
}

void SessionController::afterIdle(std::function<void()> action)
{
    if (!isBusy())
        action();
    else
        m_whenIdle.push_back(std::move(action));
}

void SessionController::cancelAll()
{
    for (auto* tracker : trackers())
        tracker->cancel();
}

void SessionController::openSession(const QString& file)
{
    const auto target = toPath(file);
    m_opening = true;
    m_openJobs->start<SessionSnapshot>(
        tr("Opening session %1").arg(QFileInfo(file).fileName()),
        [target](const JobContext&) { return readSession(target, false); },
        [this](SessionSnapshot s) {
            applySnapshot(s);
            openingDone();
        },
        [this](const QString&) { openingDone(); });
}

void SessionController::openingDone()
{
    m_opening = false;
    const QStringList files = std::exchange(m_pendingIngest, {});
    for (const auto& f : files)
        ingest(f);
}

void SessionController::createSession(const QString& file, const QString& name)
{
    const auto target = toPath(file);
    const auto sessionName = name.toStdString();
    m_opening = true;
    m_openJobs->start<SessionSnapshot>(
        tr("Creating session %1").arg(name),
        [target, sessionName](const JobContext&) { return readSession(target, true, sessionName); },
        [this](SessionSnapshot s) {
            applySnapshot(s);
            openingDone();
        },
        [this](const QString&) { openingDone(); });
}

void SessionController::applySnapshot(const SessionSnapshot& snapshot)
{
    const bool changed = QString::fromStdString(snapshot.path.string()) != m_path;
    if (changed) {
        m_afterRefresh.clear(); // they belong to the session being left
        m_documentJobs->cancel();
        m_perplexityJobs->cancel();
        m_searchJobs->cancel();
        m_document.reset();
        m_perplexity.reset();
        m_currentDocument = 0;
        emit documentCleared();
    }
    m_path = QString::fromStdString(snapshot.path.string());
    m_name = QString::fromStdString(snapshot.name);
    m_history = snapshot.history;
    setDocuments(snapshot.documents, snapshot.fileStates);
    QSettings().setValue("sessions/last", m_path);
    emit sessionOpened(m_path, m_name);
    emit historyChanged();
    if (changed && !m_documents.empty()) {
        const auto last = QSettings().value(lastDocumentKey(m_path)).toLongLong();
        const bool known
            = std::any_of(m_documents.begin(), m_documents.end(), [&](const auto& d) { return d.id == last; });
        selectDocument(known ? last : m_documents.front().id);
    }
}

void SessionController::setDocuments(std::vector<StoredDocument> documents, std::vector<DocumentFileState> states)
{
    m_documents = std::move(documents);
    m_fileStates = std::move(states);
    m_fileStates.resize(m_documents.size(), DocumentFileState::Unchanged);
    emit documentsChanged();
}

void SessionController::refreshDocuments(std::function<void()> then)
{
    if (!hasSession())
        return;
    // A newer refresh makes this one's result stale, so its follow-up waits for the newest result instead.
    if (then)
        m_afterRefresh.push_back(std::move(then));
    const auto session = path();
    m_sessionJobs->start<SessionSnapshot>(
        tr("Reading session"), [session](const JobContext&) { return readSession(session, false); },
        [this](SessionSnapshot s) {
            if (QString::fromStdString(s.path.string()) != m_path)
                return; // another session was opened meanwhile
            m_name = QString::fromStdString(s.name);
            m_history = std::move(s.history);
            setDocuments(std::move(s.documents), std::move(s.fileStates));
            emit historyChanged();
            for (const auto& action : std::exchange(m_afterRefresh, {}))
                action();
        });
}

void SessionController::refreshHistory()
{
    refreshDocuments();
}

void SessionController::closeSession(std::function<void()> whenClosed)
{
    cancelAll();
    m_whenIdle.clear();
    m_afterRefresh.clear();
    m_opening = false;
    m_pendingIngest.clear();
    m_path.clear();
    m_name.clear();
    m_documents.clear();
    m_fileStates.clear();
    m_history.clear();
    m_document.reset();
    m_perplexity.reset();
    m_currentDocument = 0;
    emit documentCleared();
    emit documentsChanged();
    emit historyChanged();
    emit sessionClosed();
    if (whenClosed)
        afterIdle(std::move(whenClosed));
}

void SessionController::ingest(const QString& file)
{
    if (m_opening) {
        m_pendingIngest << file;
        return;
    }
    std::filesystem::path session = path();
    std::string newName;
    if (!hasSession()) {
        // No session yet: the report starts one, named after it, in the default folder.
        const QString folder = m_defaultFolder.isEmpty() ? QDir::currentPath() : m_defaultFolder;
        newName = QFileInfo(file).completeBaseName().toStdString();
        session = toPath(folder); // the job picks a unique file name in this folder
    }
    const auto source = toPath(file);
    const int threads = std::max(1, QThread::idealThreadCount() - 1); // leave a core for the GUI thread
    m_ingestJobs->start<IngestOutcome>(
        tr("Reading %1").arg(QFileInfo(file).fileName()),
        [session, newName, source, threads](const JobContext& job) {
            IngestOutcome out;
            std::filesystem::path target = session;
            if (!newName.empty()) {
                target = SessionLibrary(session).create(newName);
                out.session = readSession(target, false);
            }
            SessionStore store = SessionStore::open(target);
            IngestOptions options;
            options.read.threads = threads;
            out.result = ingestDocument(store, source, options, job.stop, job.progress);
            return out;
        },
        [this](IngestOutcome out) {
            if (!out.session.path.empty())
                applySnapshot(out.session);
            const auto id = out.result.documentId;
            const bool already = out.result.alreadyPresent;
            refreshDocuments([this, id, already] {
                emit ingested(id, already);
                selectDocument(id);
            });
        });
}

void SessionController::selectDocument(qint64 documentId)
{
    if (!hasSession())
        return;
    m_currentDocument = documentId;
    QSettings().setValue(lastDocumentKey(m_path), documentId);
    const auto session = path();
    m_documentJobs->start<DocumentDataPtr>(
        tr("Loading document"),
        [session, documentId](const JobContext&) { return loadDocumentData(session, documentId); },
        [this](DocumentDataPtr data) {
            if (data->info.id != m_currentDocument)
                return;
            m_document = data;
            m_perplexity.reset();
            emit documentLoaded(data);
            reloadPerplexity();
        });
}

void SessionController::reloadPerplexity()
{
    if (!hasSession() || m_currentDocument == 0)
        return;
    const auto session = path();
    const auto documentId = m_currentDocument;
    m_perplexityJobs->start<PerplexityDataPtr>(
        tr("Loading perplexity results"),
        [session, documentId](const JobContext& job) { return loadPerplexity(session, documentId, job.stop); },
        [this, documentId](PerplexityDataPtr data) {
            if (documentId != m_currentDocument)
                return;
            m_perplexity = data;
            emit perplexityLoaded(data);
        });
}

void SessionController::removeDocument(qint64 documentId)
{
    if (!hasSession())
        return;
    const auto session = path();
    m_writeJobs->start<bool>(
        tr("Removing document"),
        [session, documentId](const JobContext&) {
            SessionStore::open(session).removeDocument(documentId);
            return true;
        },
        [this, documentId](bool) {
            if (documentId == m_currentDocument) {
                m_currentDocument = 0;
                m_document.reset();
                m_perplexity.reset();
                emit documentCleared();
            }
            refreshDocuments();
        });
}

void SessionController::relocateDocument(qint64 documentId, const QString& newPath)
{
    if (!hasSession())
        return;
    const auto session = path();
    const auto target = toPath(newPath);
    m_writeJobs->start<bool>(
        tr("Relocating document"),
        [session, documentId, target](const JobContext&) {
            SessionStore::open(session).relocateDocument(documentId, target);
            return true;
        },
        [this, documentId](bool) { refreshDocuments([this, documentId] { selectDocument(documentId); }); });
}

void SessionController::search(const QString& query)
{
    if (!hasSession() || query.trimmed().isEmpty())
        return;
    const auto session = path();
    const auto documents = searchScope();
    m_searchJobs->start<SearchResults>(
        tr("Searching"),
        [session, query, documents](const JobContext&) { return searchSession(session, query, documents, 20); },
        [this](SearchResults results) {
            HistoryEntry entry;
            entry.kind = "search";
            entry.query = results.query.toStdString();
            m_history.insert(m_history.begin(), entry);
            emit historyChanged();
            emit searchFinished(results);
        });
}

void SessionController::retrieve(const QString& question)
{
    if (!hasSession() || question.trimmed().isEmpty())
        return;
    const auto session = path();
    const auto documents = searchScope();
    m_searchJobs->start<RetrievalContext>(
        tr("Retrieving passages"),
        [session, question, documents](
            const JobContext&) { return retrieveForQuestion(session, question, documents, 5); },
        [this](RetrievalContext context) { emit retrieved(context); });
}

void SessionController::recordModel(const ModelReference& model)
{
    if (!hasSession())
        return;
    const auto session = path();
    m_writeJobs->start<bool>(tr("Saving the model reference"),
        [session, model](const JobContext&) {
            SessionStore::open(session).setModel(model);
            return true;
        },
        {});
}

} // namespace moescope

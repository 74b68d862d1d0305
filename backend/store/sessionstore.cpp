#include <cstdint>
#include "store/sessionstore.h"

#include "core/error.h"
#include "store/sessionfilecheck.h"
#include "store/sessionschema.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

namespace moescope {

std::string utcNow()
{
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm {};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

SessionStore::SessionStore(std::unique_ptr<SqliteDatabase> db)
    : m_db(std::move(db))
{
}

SessionStore::SessionStore(SessionStore&&) noexcept = default;
SessionStore& SessionStore::operator=(SessionStore&&) noexcept = default;
SessionStore::~SessionStore() = default;

std::unique_ptr<SqliteDatabase> SessionStore::openConnection(const std::filesystem::path& path, bool create)
{
    auto db = std::make_unique<SqliteDatabase>(
        path, create ? SqliteDatabase::Mode::ReadWriteCreate : SqliteDatabase::Mode::ReadWrite);
    db->exec("PRAGMA foreign_keys = ON");
    if (db->queryText("PRAGMA journal_mode = WAL") != "wal")
        spdlog::warn("{}: WAL journal not available; using the default journal", path.string());
    // NORMAL is durable against process crashes in WAL mode; a power cut may lose the last commits, never consistency.
    db->exec("PRAGMA synchronous = NORMAL");
    return db;
}

SessionStore SessionStore::create(const std::filesystem::path& path, const std::string& name)
{
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
        throw IoError(path.string() + ": a file of that name exists already");
    try {
        auto db = openConnection(path, true);
        SessionSchema::migrate(*db);
        SessionStore store(std::move(db));
        SqliteTransaction tx(*store.m_db);
        const std::string now = utcNow();
        store.setMeta("name", name);
        store.setMeta("created_at", now);
        store.setMeta("modified_at", now);
        tx.commit();
        return store;
    } catch (...) {
        std::filesystem::remove(path, ec);
        std::filesystem::remove(path.string() + "-wal", ec);
        std::filesystem::remove(path.string() + "-shm", ec);
        throw;
    }
}

SessionStore SessionStore::open(const std::filesystem::path& path)
{
    const SessionFileHeader header = checkSessionFile(path);
    if (header.walPending) {
        // The header may be stale: ask SQLite, read-only, before opening for writing.
        SqliteDatabase ro(path, SqliteDatabase::Mode::ReadOnly);
        if (ro.queryInt("PRAGMA application_id") != kSessionApplicationId)
            throw FormatError(path.string() + ": not a MoEScope session (an SQLite database of another application)");
        if (ro.queryInt("PRAGMA user_version") > SessionSchema::latestVersion())
            throw UnsupportedError(path.string() + ": session schema is newer than this MoEScope supports");
    }
    auto db = openConnection(path, false);
    if (db->queryInt("PRAGMA application_id") != kSessionApplicationId)
        throw FormatError(path.string() + ": not a MoEScope session");
    // Reading the schema catches damage in the first pages before anything is written.
    db->queryInt("SELECT count(*) FROM sqlite_master");
    SessionSchema::migrate(*db);
    return SessionStore(std::move(db));
}

SessionStore SessionStore::openOrCreate(const std::filesystem::path& path)
{
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
        return open(path);
    return create(path, path.stem().string());
}

const std::filesystem::path& SessionStore::path() const
{
    return m_db->path();
}
int SessionStore::schemaVersion()
{
    return int(m_db->queryInt("PRAGMA user_version"));
}
SqliteDatabase& SessionStore::database()
{
    return *m_db;
}

std::string SessionStore::meta(const std::string& key)
{
    auto st = m_db->prepare("SELECT value FROM session_meta WHERE key = ?");
    st.bind(1, key);
    return st.step() ? st.columnText(0) : std::string();
}

void SessionStore::setMeta(const std::string& key, const std::string& value)
{
    m_db->prepare(
            "INSERT INTO session_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(1, key)
        .bind(2, value)
        .run();
}

void SessionStore::touch()
{
    setMeta("modified_at", utcNow());
}

std::string SessionStore::name()
{
    return meta("name");
}
std::string SessionStore::createdAt()
{
    return meta("created_at");
}
std::string SessionStore::modifiedAt()
{
    return meta("modified_at");
}

void SessionStore::setName(const std::string& name)
{
    SqliteTransaction tx(*m_db);
    setMeta("name", name);
    touch();
    tx.commit();
}

ModelReference SessionStore::model()
{
    return { meta("model.path"), meta("model.quantization"), meta("model.device") };
}

void SessionStore::setModel(const ModelReference& model)
{
    SqliteTransaction tx(*m_db);
    setMeta("model.path", model.path);
    setMeta("model.quantization", model.quantization);
    setMeta("model.device", model.device);
    touch();
    tx.commit();
}

std::int64_t SessionStore::addHistory(const std::string& kind, const std::string& query,
    const std::string& responseJson, std::optional<std::int64_t> documentId)
{
    SqliteTransaction tx(*m_db);
    auto st = m_db->prepare(
        "INSERT INTO history(kind, query, document_id, response_json, created_at) VALUES (?, ?, ?, ?, ?)");
    st.bind(1, kind).bind(2, query);
    if (documentId)
        st.bind(3, *documentId);
    else
        st.bindNull(3);
    st.bind(4, responseJson).bind(5, utcNow()).run();
    const std::int64_t id = m_db->lastInsertId();
    touch();
    tx.commit();
    return id;
}

std::vector<HistoryEntry> SessionStore::history(int limit)
{
    auto st = m_db->prepare("SELECT id, kind, query, document_id, response_json, created_at FROM history "
                            "ORDER BY id DESC LIMIT ?");
    st.bind(1, limit);
    std::vector<HistoryEntry> out;
    while (st.step()) {
        HistoryEntry e { st.columnInt(0), st.columnText(1), st.columnText(2), std::nullopt, st.columnText(4),
            st.columnText(5) };
        if (!st.columnIsNull(3))
            e.documentId = st.columnInt(3);
        out.push_back(std::move(e));
    }
    return out;
}

void SessionStore::exportTo(const std::filesystem::path& target)
{
    std::error_code ec;
    if (std::filesystem::exists(target, ec))
        throw IoError(target.string() + ": a file of that name exists already");
    m_db->vacuumInto(target);
}

} // namespace moescope

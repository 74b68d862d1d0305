#include <cstdint>
#include "store/sqlitedatabase.h"

#include "core/error.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace moescope {

SqliteDatabase::SqliteDatabase(const std::filesystem::path& path, Mode mode)
    : m_path(path)
{
    int flags = SQLITE_OPEN_NOMUTEX;
    flags |= mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (mode == Mode::ReadWriteCreate)
        flags |= SQLITE_OPEN_CREATE;
    const int rc = sqlite3_open_v2(path.string().c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        sqlite3_close(m_db);
        m_db = nullptr;
        throw IoError(path.string() + ": cannot open session database: " + msg);
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, 5000);
}

SqliteDatabase::~SqliteDatabase()
{
    if (m_db && sqlite3_close(m_db) != SQLITE_OK)
        spdlog::warn("{}: closing the database failed: {}", m_path.string(), sqlite3_errmsg(m_db));
}

void SqliteDatabase::exec(std::string_view sql)
{
    char* err = nullptr;
    const int rc = sqlite3_exec(m_db, std::string(sql).c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        const std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        (void)msg;
        throwSqliteError(m_db, rc, m_path.string());
    }
}

SqliteStatement SqliteDatabase::prepare(std::string_view sql)
{
    return SqliteStatement(m_db, sql, m_path.string());
}

std::int64_t SqliteDatabase::queryInt(std::string_view sql)
{
    auto st = prepare(sql);
    return st.step() ? st.columnInt(0) : 0;
}

std::string SqliteDatabase::queryText(std::string_view sql)
{
    auto st = prepare(sql);
    return st.step() ? st.columnText(0) : std::string();
}

std::int64_t SqliteDatabase::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

SqliteTransaction::SqliteTransaction(SqliteDatabase& db)
    : m_db(db)
{
    m_db.exec("BEGIN IMMEDIATE");
}

SqliteTransaction::~SqliteTransaction()
{
    if (m_done)
        return;
    try {
        m_db.exec("ROLLBACK");
    } catch (const std::exception& e) {
        spdlog::warn("rollback failed: {}", e.what());
    }
}

void SqliteTransaction::commit()
{
    m_db.exec("COMMIT");
    m_done = true;
}

} // namespace moescope

namespace moescope {

void SqliteDatabase::vacuumInto(const std::filesystem::path& target)
{
    auto st = prepare("VACUUM INTO ?");
    st.bind(1, target.string());
    st.run();
}

} // namespace moescope

#include <cstdint>
#include "store/sqlitestatement.h"

#include "core/error.h"

#include <sqlite3.h>

namespace moescope {

void throwSqliteError(sqlite3* db, int rc, const std::string& context)
{
    const std::string message = context + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    switch (rc & 0xFF) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        throw FormatError(message + " (the session file is damaged)");
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        throw IoError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        throw IoError(message + " (the session is in use by another process)");
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_CONSTRAINT:
        throw InvalidArgumentError(message);
    default:
        throw Error(message);
    }
}

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql, const std::string& source)
    : m_db(db)
    , m_source(source)
{
    const int rc = sqlite3_prepare_v3(db, sql.data(), int(sql.size()), 0, &m_stmt, nullptr);
    if (rc != SQLITE_OK)
        throwSqliteError(db, rc, source + ": preparing '" + std::string(sql.substr(0, 80)) + "'");
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : m_db(other.m_db)
    , m_stmt(other.m_stmt)
    , m_source(std::move(other.m_source))
{
    other.m_stmt = nullptr;
}

void SqliteStatement::check(int rc, const char* what)
{
    if (rc != SQLITE_OK)
        throwSqliteError(m_db, rc, m_source + ": " + what);
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value)
{
    check(sqlite3_bind_int64(m_stmt, index, value), "bind");
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, double value)
{
    check(sqlite3_bind_double(m_stmt, index, value), "bind");
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text)
{
    check(sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), "bind");
    return *this;
}

SqliteStatement& SqliteStatement::bindBlob(int index, std::span<const std::byte> bytes)
{
    check(sqlite3_bind_blob64(m_stmt, index, bytes.empty() ? "" : static_cast<const void*>(bytes.data()), bytes.size(),
              SQLITE_TRANSIENT),
        "bind");
    return *this;
}

SqliteStatement& SqliteStatement::bindNull(int index)
{
    check(sqlite3_bind_null(m_stmt, index), "bind");
    return *this;
}

bool SqliteStatement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    sqlite3_reset(m_stmt);
    throwSqliteError(m_db, rc, m_source);
}

void SqliteStatement::run()
{
    while (step()) { }
    reset();
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::int64_t SqliteStatement::columnInt(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}
double SqliteStatement::columnDouble(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

std::string SqliteStatement::columnText(int column) const
{
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return p ? std::string(p, std::size_t(sqlite3_column_bytes(m_stmt, column))) : std::string();
}

std::span<const std::byte> SqliteStatement::columnBlob(int column) const
{
    const void* p = sqlite3_column_blob(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::span<const std::byte>(static_cast<const std::byte*>(p), std::size_t(n))
             : std::span<const std::byte>();
}

bool SqliteStatement::columnIsNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

} // namespace moescope

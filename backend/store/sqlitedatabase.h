#pragma once
// An SQLite connection (RAII) with the project's settings. One connection belongs to one thread at a time
// (SQLITE_OPEN_NOMUTEX); open a second connection for another thread. Errors are the project's typed errors.

#include <cstdint>
#include "store/sqlitestatement.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace moescope {

class SqliteDatabase {
public:
    enum class Mode { ReadOnly, ReadWrite, ReadWriteCreate };

    SqliteDatabase(const std::filesystem::path& path, Mode mode);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    void exec(std::string_view sql);
    SqliteStatement prepare(std::string_view sql);
    std::int64_t queryInt(std::string_view sql);
    std::string queryText(std::string_view sql);
    std::int64_t lastInsertId() const;
    // A consistent, compacted copy of the database in target (VACUUM INTO; works on read-only connections).
    void vacuumInto(const std::filesystem::path& target);

    sqlite3* handle() const { return m_db; }
    const std::filesystem::path& path() const { return m_path; }

private:
    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
};

// BEGIN IMMEDIATE on construction, COMMIT with commit(), ROLLBACK when destroyed without commit (exceptions).
class SqliteTransaction {
public:
    explicit SqliteTransaction(SqliteDatabase& db);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;
    void commit();

private:
    SqliteDatabase& m_db;
    bool m_done = false;
};

} // namespace moescope

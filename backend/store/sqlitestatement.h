#pragma once
// A prepared SQLite statement (RAII). Bind indexes are 1-based, column indexes 0-based, as in SQLite. Not thread-safe:
// a statement belongs to the thread that uses its database.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace moescope {

class SqliteStatement {
public:
    SqliteStatement(sqlite3* db, std::string_view sql, const std::string& source);
    ~SqliteStatement();
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&&) = delete;
    SqliteStatement(const SqliteStatement&) = delete;

    SqliteStatement& bind(int index, std::int64_t value);
    SqliteStatement& bind(int index, int value) { return bind(index, std::int64_t(value)); }
    SqliteStatement& bind(int index, double value);
    SqliteStatement& bind(int index, std::string_view text);
    SqliteStatement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    SqliteStatement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    SqliteStatement& bindBlob(int index, std::span<const std::byte> bytes);
    SqliteStatement& bindNull(int index);

    // Advances; true while a row is available. Throws on errors.
    bool step();
    // Runs a statement that returns no rows (or ignores them) and resets it.
    void run();
    void reset();

    std::int64_t columnInt(int column) const;
    double columnDouble(int column) const;
    std::string columnText(int column) const;
    std::span<const std::byte> columnBlob(int column) const; // valid until the next step/reset
    bool columnIsNull(int column) const;

private:
    void check(int rc, const char* what);

    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
    std::string m_source;
};

// Converts an SQLite result code into the project's typed error (corrupt -> FormatError, I/O -> IoError, ...).
[[noreturn]] void throwSqliteError(sqlite3* db, int rc, const std::string& context);

} // namespace moescope

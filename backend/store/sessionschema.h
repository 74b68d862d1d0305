#pragma once
// The session file's schema and its migrations. A session file is one SQLite database marked with
// PRAGMA application_id = kSessionApplicationId; PRAGMA user_version is the schema version. Migrations run in order,
// each in its own transaction together with its user_version bump, so an interrupted upgrade leaves the last
// complete version. Never edit a released migration: append a new one.
//   v1  session metadata, documents, pages + FTS5 index, sections and parts, statements, key figures
//   v2  chunks, search/Q&A history, analysis runs with named BLOB parts and per-page/section values

#include "store/sqlitedatabase.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace moescope {

constexpr std::int32_t kSessionApplicationId = 0x4D6F4553; // "MoES"

struct Migration {
    int version; // user_version after this migration
    std::string_view description;
    std::string_view sql;
};

class SessionSchema {
public:
    static const std::vector<Migration>& migrations();
    static int latestVersion();
    // Applies the migrations above the database's user_version up to targetVersion (default: the latest).
    static void migrate(SqliteDatabase& db, int targetVersion = -1);
};

} // namespace moescope

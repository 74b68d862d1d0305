#include "store/sessionschema.h"

#include "core/error.h"

#include <spdlog/spdlog.h>

namespace moescope {

namespace {

constexpr std::string_view kV1 = R"sql(
CREATE TABLE session_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    format TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    page_count INTEGER NOT NULL,
    metadata_json TEXT NOT NULL DEFAULT '{}',
    added_at TEXT NOT NULL
);
CREATE INDEX documents_sha256 ON documents(sha256);
CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page_no INTEGER NOT NULL,
    text_offset INTEGER NOT NULL,
    width REAL NOT NULL DEFAULT 0,
    height REAL NOT NULL DEFAULT 0,
    section TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    UNIQUE (document_id, page_no)
);
CREATE VIRTUAL TABLE pages_fts USING fts5(text, content='pages', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER pages_fts_insert AFTER INSERT ON pages BEGIN
    INSERT INTO pages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER pages_fts_delete AFTER DELETE ON pages BEGIN
    INSERT INTO pages_fts(pages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER pages_fts_update AFTER UPDATE OF text ON pages BEGIN
    INSERT INTO pages_fts(pages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO pages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('part', 'item')),
    ordinal INTEGER NOT NULL,
    item TEXT NOT NULL,
    part TEXT NOT NULL,
    title TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    text_offset INTEGER NOT NULL
);
CREATE INDEX sections_document ON sections(document_id);
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    years_json TEXT NOT NULL,
    unit TEXT NOT NULL
);
CREATE TABLE figures (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    value REAL NOT NULL,
    page INTEGER NOT NULL,
    label TEXT NOT NULL,
    unit TEXT NOT NULL,
    derived INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX figures_document ON figures(document_id);
)sql";

constexpr std::string_view kV2 = R"sql(
CREATE TABLE chunks (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    chunk_set TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    begin_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    section TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (document_id, chunk_set, ordinal)
) WITHOUT ROWID;
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    query TEXT NOT NULL,
    document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    response_json TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE TABLE analysis_runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    model TEXT NOT NULL DEFAULT '',
    params_json TEXT NOT NULL DEFAULT '{}',
    summary_json TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'running',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX analysis_runs_kind ON analysis_runs(kind, document_id);
CREATE TABLE run_blobs (
    run_id INTEGER NOT NULL REFERENCES analysis_runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    dtype TEXT NOT NULL,
    shape_json TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (run_id, name)
);
CREATE TABLE run_values (
    run_id INTEGER NOT NULL REFERENCES analysis_runs(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    value REAL NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, scope, key)
);
)sql";

} // namespace

const std::vector<Migration>& SessionSchema::migrations()
{
    static const std::vector<Migration> list = {
        { 1, "documents, pages, FTS5 index, sections, statements, figures", kV1 },
        { 2, "chunks, history, analysis runs with BLOB parts and values", kV2 },
    };
    return list;
}

int SessionSchema::latestVersion()
{
    return migrations().back().version;
}

void SessionSchema::migrate(SqliteDatabase& db, int targetVersion)
{
    if (targetVersion < 0)
        targetVersion = latestVersion();
    const int current = int(db.queryInt("PRAGMA user_version"));
    if (current > latestVersion())
        throw UnsupportedError(db.path().string() + ": session schema version " + std::to_string(current)
            + " is newer than this MoEScope supports (" + std::to_string(latestVersion())
            + "); open it with a newer MoEScope");
    for (const auto& m : migrations()) {
        if (m.version <= current || m.version > targetVersion)
            continue;
        SqliteTransaction tx(db);
        db.exec(m.sql);
        db.exec("PRAGMA application_id = " + std::to_string(kSessionApplicationId));
        db.exec("PRAGMA user_version = " + std::to_string(m.version));
        tx.commit();
        spdlog::info("{}: session schema migrated to v{} ({})", db.path().string(), m.version, m.description);
    }
}

} // namespace moescope

// SessionStore: analysis runs, their BLOB parts and per-page/section values.

#include <cstdint>
#include "store/sessionstore.h"

#include "core/error.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace moescope {

namespace {

AnalysisRun readRun(SqliteStatement& st)
{
    AnalysisRun r { st.columnInt(0), st.columnText(1), std::nullopt, st.columnText(3), st.columnText(4),
        st.columnText(5), st.columnText(6), st.columnText(7), st.columnText(8) };
    if (!st.columnIsNull(2))
        r.documentId = st.columnInt(2);
    return r;
}

constexpr std::string_view kRunColumns
    = "id, kind, document_id, model, params_json, summary_json, status, created_at, updated_at";

void checkJson(const std::string& text, const char* what)
{
    if (!nlohmann::json::accept(text))
        throw InvalidArgumentError(std::string(what) + " is not valid JSON");
}

} // namespace

std::int64_t SessionStore::createRun(const std::string& kind, std::optional<std::int64_t> documentId,
    const std::string& model, const std::string& paramsJson)
{
    checkJson(paramsJson, "run parameters");
    SqliteTransaction tx(*m_db);
    auto st = m_db->prepare("INSERT INTO analysis_runs(kind, document_id, model, params_json, status, created_at, "
                            "updated_at) VALUES (?, ?, ?, ?, 'running', ?, ?)");
    const std::string now = utcNow();
    st.bind(1, kind);
    if (documentId)
        st.bind(2, *documentId);
    else
        st.bindNull(2);
    st.bind(3, model).bind(4, paramsJson).bind(5, now).bind(6, now).run();
    const std::int64_t id = m_db->lastInsertId();
    touch();
    tx.commit();
    return id;
}

void SessionStore::updateRun(std::int64_t runId, const std::string& status, const std::string& summaryJson)
{
    checkJson(summaryJson, "run summary");
    SqliteTransaction tx(*m_db);
    m_db->prepare("UPDATE analysis_runs SET status = ?, summary_json = ?, updated_at = ? WHERE id = ?")
        .bind(1, status)
        .bind(2, summaryJson)
        .bind(3, utcNow())
        .bind(4, runId)
        .run();
    if (sqlite3_changes(m_db->handle()) == 0)
        throw InvalidArgumentError("no analysis run " + std::to_string(runId));
    touch();
    tx.commit();
}

std::vector<AnalysisRun> SessionStore::runs(const std::string& kind, std::optional<std::int64_t> documentId)
{
    auto st = m_db->prepare("SELECT " + std::string(kRunColumns)
        + " FROM analysis_runs WHERE (?1 = '' OR kind = ?1) AND (?2 IS NULL OR document_id = ?2) ORDER BY id");
    st.bind(1, kind);
    if (documentId)
        st.bind(2, *documentId);
    else
        st.bindNull(2);
    std::vector<AnalysisRun> out;
    while (st.step())
        out.push_back(readRun(st));
    return out;
}

std::optional<AnalysisRun> SessionStore::run(std::int64_t runId)
{
    auto st = m_db->prepare("SELECT " + std::string(kRunColumns) + " FROM analysis_runs WHERE id = ?");
    st.bind(1, runId);
    if (!st.step())
        return std::nullopt;
    return readRun(st);
}

void SessionStore::removeRun(std::int64_t runId)
{
    SqliteTransaction tx(*m_db);
    m_db->prepare("DELETE FROM analysis_runs WHERE id = ?").bind(1, runId).run();
    touch();
    tx.commit();
}

void SessionStore::saveBlob(std::int64_t runId, const std::string& name, BlobType type,
    const std::vector<std::int64_t>& shape, std::span<const std::byte> bytes)
{
    std::size_t elements = 1;
    for (auto d : shape) {
        if (d < 0)
            throw InvalidArgumentError("BLOB part '" + name + "': negative dimension in its shape");
        elements *= std::size_t(d);
    }
    if (elements * blobTypeSize(type) != bytes.size())
        throw InvalidArgumentError("BLOB part '" + name + "': " + std::to_string(bytes.size())
            + " bytes do not match its shape and type " + std::string(blobTypeName(type)));
    SqliteTransaction tx(*m_db);
    m_db->prepare(
            "INSERT OR REPLACE INTO run_blobs(run_id, name, dtype, shape_json, size, data) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, runId)
        .bind(2, name)
        .bind(3, blobTypeName(type))
        .bind(4, nlohmann::json(shape).dump())
        .bind(5, std::int64_t(bytes.size()))
        .bindBlob(6, bytes)
        .run();
    touch();
    tx.commit();
}

std::vector<BlobInfo> SessionStore::blobs(std::int64_t runId)
{
    auto st = m_db->prepare("SELECT name, dtype, shape_json, size FROM run_blobs WHERE run_id = ? ORDER BY name");
    st.bind(1, runId);
    std::vector<BlobInfo> out;
    while (st.step()) {
        BlobInfo info;
        info.name = st.columnText(0);
        const auto type = blobTypeFromName(st.columnText(1));
        if (!type)
            throw FormatError(path().string() + ": BLOB part '" + info.name + "' has unknown type " + st.columnText(1));
        info.type = *type;
        const auto shape = nlohmann::json::parse(st.columnText(2), nullptr, false);
        if (!shape.is_array())
            throw FormatError(path().string() + ": BLOB part '" + info.name + "' has a malformed shape");
        for (const auto& d : shape)
            info.shape.push_back(d.is_number_integer() ? d.get<std::int64_t>() : -1);
        info.bytes = std::size_t(st.columnInt(3));
        out.push_back(std::move(info));
    }
    return out;
}

std::vector<std::byte> SessionStore::loadBlob(std::int64_t runId, const std::string& name, BlobInfo* info)
{
    if (info) {
        bool found = false;
        for (auto& b : blobs(runId))
            if (b.name == name) {
                *info = std::move(b);
                found = true;
            }
        if (!found)
            throw InvalidArgumentError("analysis run " + std::to_string(runId) + " has no BLOB part '" + name + "'");
    }
    auto st = m_db->prepare("SELECT data FROM run_blobs WHERE run_id = ? AND name = ?");
    st.bind(1, runId).bind(2, name);
    if (!st.step())
        throw InvalidArgumentError("analysis run " + std::to_string(runId) + " has no BLOB part '" + name + "'");
    const auto bytes = st.columnBlob(0);
    return std::vector<std::byte>(bytes.begin(), bytes.end());
}

void SessionStore::readBlobRange(
    std::int64_t runId, const std::string& name, std::size_t offset, std::span<std::byte> out)
{
    auto st = m_db->prepare("SELECT rowid FROM run_blobs WHERE run_id = ? AND name = ?");
    st.bind(1, runId).bind(2, name);
    if (!st.step())
        throw InvalidArgumentError("analysis run " + std::to_string(runId) + " has no BLOB part '" + name + "'");
    sqlite3_blob* blob = nullptr;
    int rc = sqlite3_blob_open(m_db->handle(), "main", "run_blobs", "data", st.columnInt(0), 0, &blob);
    if (rc != SQLITE_OK)
        throwSqliteError(m_db->handle(), rc, path().string() + ": opening BLOB part '" + name + "'");
    const std::size_t size = std::size_t(sqlite3_blob_bytes(blob));
    if (offset > size || out.size() > size - offset) {
        sqlite3_blob_close(blob);
        throw InvalidArgumentError("BLOB part '" + name + "': range beyond its " + std::to_string(size) + " bytes");
    }
    rc = sqlite3_blob_read(blob, out.data(), int(out.size()), int(offset));
    sqlite3_blob_close(blob);
    if (rc != SQLITE_OK)
        throwSqliteError(m_db->handle(), rc, path().string() + ": reading BLOB part '" + name + "'");
}

void SessionStore::checkArrayType(const BlobInfo& info, BlobType type, std::size_t elementSize)
{
    if (info.type != type || blobTypeSize(type) != elementSize)
        throw InvalidArgumentError("BLOB part '" + info.name + "' holds " + std::string(blobTypeName(info.type))
            + ", not " + std::string(blobTypeName(type)));
}

void SessionStore::saveRunValues(std::int64_t runId, const std::string& scope, const std::vector<RunValue>& values)
{
    SqliteTransaction tx(*m_db);
    m_db->prepare("DELETE FROM run_values WHERE run_id = ? AND scope = ?").bind(1, runId).bind(2, scope).run();
    auto st = m_db->prepare("INSERT INTO run_values(run_id, scope, key, value, count) VALUES (?, ?, ?, ?, ?)");
    for (const auto& v : values)
        st.bind(1, runId).bind(2, scope).bind(3, v.key).bind(4, v.value).bind(5, v.count).run();
    touch();
    tx.commit();
}

std::vector<RunValue> SessionStore::runValues(std::int64_t runId, const std::string& scope)
{
    auto st = m_db->prepare("SELECT key, value, count FROM run_values WHERE run_id = ? AND scope = ? ORDER BY rowid");
    st.bind(1, runId).bind(2, scope);
    std::vector<RunValue> out;
    while (st.step())
        out.push_back({ st.columnText(0), st.columnDouble(1), st.columnInt(2) });
    return out;
}

} // namespace moescope

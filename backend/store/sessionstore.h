#pragma once
// A session: one SQLite file (.moescope) holding the model reference, documents with their pages, sections, figures,
// chunks and FTS5 index, search/Q&A history and analysis runs (perplexity, routing traces, comparisons) whose arrays
// are BLOB parts loaded on demand. WAL journal, foreign keys on, every multi-row write in one transaction, so a crash
// or kill leaves the last committed state. open() checks the file before writing to it: a foreign, corrupt, truncated
// or newer-version file gets a typed error and is left byte for byte as it was.
//
// Threading: a SessionStore is one connection; use it from one thread at a time (the GUI's job threads open their
// own SessionStore on the same file; WAL lets readers run beside one writer).

#include <cstdint>
#include "docs/chunker.h"
#include "docs/document.h"
#include "docs/documentstructure.h"
#include "docs/financialfigures.h"
#include "store/sessiontypes.h"
#include "store/sqlitedatabase.h"

#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace moescope {

class SessionStore {
public:
    static constexpr std::string_view kFileExtension = ".moescope";

    // Creates a new session file; throws IoError when the file exists.
    static SessionStore create(const std::filesystem::path& path, const std::string& name);
    // Opens an existing session, migrating its schema to the latest version.
    static SessionStore open(const std::filesystem::path& path);
    // Opens path, or creates it when it does not exist (the CLI's --db).
    static SessionStore openOrCreate(const std::filesystem::path& path);

    SessionStore(SessionStore&&) noexcept;
    SessionStore& operator=(SessionStore&&) noexcept;
    ~SessionStore();

    const std::filesystem::path& path() const;
    int schemaVersion();

    // Metadata.
    std::string name();
    void setName(const std::string& name);
    std::string createdAt();
    std::string modifiedAt();
    ModelReference model();
    void setModel(const ModelReference& model);

    // Documents. addDocument stores everything ingestion produced in one transaction and returns the document id.
    std::int64_t addDocument(const Document& document, const DocumentStructure& structure,
        const FinancialFigures& figures, const std::vector<Chunk>& chunks = {},
        const std::string& chunkSet = "default");
    std::vector<StoredDocument> documents();
    std::optional<StoredDocument> document(std::int64_t id);
    std::optional<StoredDocument> findDocumentBySha256(const std::string& sha256);
    void removeDocument(std::int64_t id);
    StoredPage page(std::int64_t documentId, int page);
    std::vector<StoredPage> pages(std::int64_t documentId); // all pages, in order
    DocumentStructure structure(std::int64_t documentId);
    FinancialFigures figures(std::int64_t documentId);
    void saveChunks(std::int64_t documentId, const std::string& chunkSet, const std::vector<Chunk>& chunks);
    std::vector<Chunk> chunks(std::int64_t documentId, const std::string& chunkSet = "default");
    // Compares the file at the stored path with the stored size, mtime and hash.
    DocumentFileState checkDocumentFile(std::int64_t documentId);
    // Points a moved document at its new path after checking that the file there has the stored hash.
    void relocateDocument(std::int64_t documentId, const std::filesystem::path& newPath);

    // History of searches and questions.
    std::int64_t addHistory(const std::string& kind, const std::string& query, const std::string& responseJson,
        std::optional<std::int64_t> documentId = std::nullopt);
    std::vector<HistoryEntry> history(int limit = 100);

    // Analysis runs.
    std::int64_t createRun(const std::string& kind, std::optional<std::int64_t> documentId, const std::string& model,
        const std::string& paramsJson);
    void updateRun(std::int64_t runId, const std::string& status, const std::string& summaryJson);
    std::vector<AnalysisRun> runs(const std::string& kind = {}, std::optional<std::int64_t> documentId = std::nullopt);
    std::optional<AnalysisRun> run(std::int64_t runId);
    void removeRun(std::int64_t runId);

    // Named BLOB parts of a run (replaced when saved again). bytes.size() must be the product of shape times the
    // element size.
    void saveBlob(std::int64_t runId, const std::string& name, BlobType type, const std::vector<std::int64_t>& shape,
        std::span<const std::byte> bytes);
    std::vector<BlobInfo> blobs(std::int64_t runId); // without reading the data
    std::vector<std::byte> loadBlob(std::int64_t runId, const std::string& name, BlobInfo* info = nullptr);
    // Reads bytes [offset, offset + out.size()) of a part without loading the rest (incremental BLOB I/O).
    void readBlobRange(std::int64_t runId, const std::string& name, std::size_t offset, std::span<std::byte> out);

    template <typename T>
    void saveArray(std::int64_t runId, const std::string& name, BlobType type, std::span<const T> values,
        std::vector<std::int64_t> shape = {})
    {
        if (shape.empty())
            shape = { std::int64_t(values.size()) };
        saveBlob(runId, name, type, shape, std::as_bytes(values));
    }
    template <typename T> std::vector<T> loadArray(std::int64_t runId, const std::string& name, BlobType type)
    {
        BlobInfo info;
        const std::vector<std::byte> bytes = loadBlob(runId, name, &info);
        checkArrayType(info, type, sizeof(T));
        std::vector<T> out(bytes.size() / sizeof(T));
        std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
        return out;
    }

    // Per-page / per-section / other scalars of a run (replaces the scope's values).
    void saveRunValues(std::int64_t runId, const std::string& scope, const std::vector<RunValue>& values);
    std::vector<RunValue> runValues(std::int64_t runId, const std::string& scope);

    // Writes a consistent copy of the session to target (VACUUM INTO); target must not exist.
    void exportTo(const std::filesystem::path& target);

    SqliteDatabase& database();

private:
    explicit SessionStore(std::unique_ptr<SqliteDatabase> db);
    static std::unique_ptr<SqliteDatabase> openConnection(const std::filesystem::path& path, bool create);
    std::string meta(const std::string& key);
    void setMeta(const std::string& key, const std::string& value);
    void touch();
    static void checkArrayType(const BlobInfo& info, BlobType type, std::size_t elementSize);

    std::unique_ptr<SqliteDatabase> m_db;
};

// Current UTC time as ISO 8601 ("2024-05-01T12:00:00Z").
std::string utcNow();

} // namespace moescope

#pragma once
// The work functions of the workbench's background jobs. Each runs on a worker thread, opens its own connection to
// the session file (a SessionStore belongs to one thread; WAL lets these readers run beside the one writer) and
// returns plain values. Writes (search history, relocation) are single small transactions: autosave.

#include "services/workbenchtypes.h"

#include <filesystem>
#include <optional>
#include <stop_token>

namespace moescope {

class SessionStore;

struct SessionSnapshot {
    std::filesystem::path path;
    std::string name;
    std::vector<StoredDocument> documents;
    std::vector<DocumentFileState> fileStates; // one per document: moved or changed files are noticed at once
    std::vector<HistoryEntry> history; // newest first
    ModelReference model;
};

// Opens (and migrates) a session, or creates it when create is set and it does not exist.
SessionSnapshot readSession(const std::filesystem::path& path, bool create, const std::string& nameIfCreated = {});

DocumentDataPtr loadDocumentData(const std::filesystem::path& session, std::int64_t documentId);

// The newest complete perplexity run of a document, or null when it has none.
PerplexityDataPtr loadPerplexity(
    const std::filesystem::path& session, std::int64_t documentId, std::stop_token stop = {}, int passageCount = 25);

// Searches (restricted to documents when not empty) and records the query in the session's history.
SearchResults searchSession(
    const std::filesystem::path& session, const QString& query, const std::vector<std::int64_t>& documents, int top);

// The top passages for a question and the key figures of the documents searched (no history written).
RetrievalContext retrieveForQuestion(const std::filesystem::path& session, const QString& question,
    const std::vector<std::int64_t>& documents, int top, std::size_t passageChars = 1200);

// A window of about maxChars characters of text around the first occurrence of any term (whitespace collapsed).
std::string passageAround(std::string_view text, const std::vector<std::string>& terms, std::size_t maxChars);

} // namespace moescope

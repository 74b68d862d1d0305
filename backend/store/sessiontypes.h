#pragma once
// Plain values read from and written to a session (see SessionStore).

#include "core/half.h" // F16 BLOB parts hold floatToHalf() bit patterns

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moescope {

struct ModelReference {
    std::string path; // model folder
    std::string quantization; // "" = as stored, else the scheme name
    std::string device; // "cpu", "cuda:0", ...
};

struct StoredDocument {
    std::int64_t id = 0;
    std::string path;
    std::string fileName;
    std::string sha256;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
    std::string format;
    std::string title;
    int pageCount = 0;
    std::string metadataJson;
    std::string addedAt;
};

enum class DocumentFileState {
    Unchanged, // the file at the stored path has the stored hash
    Changed, // a file is at the stored path but its content differs
    Missing, // no file at the stored path (moved or deleted): relocateDocument() takes a new path
};

struct StoredPage {
    int page = 0;
    std::string text;
    std::string section;
    double width = 0;
    double height = 0;
};

struct HistoryEntry {
    std::int64_t id = 0;
    std::string kind; // "search", "question", "summary", ...
    std::string query;
    std::optional<std::int64_t> documentId;
    std::string responseJson;
    std::string createdAt;
};

// Element types of BLOB parts. F16 is IEEE half precision stored as uint16 bit patterns.
enum class BlobType { U8, U16, I32, I64, F16, F32, F64 };
std::string_view blobTypeName(BlobType type);
std::size_t blobTypeSize(BlobType type);
std::optional<BlobType> blobTypeFromName(std::string_view name);

struct BlobInfo {
    std::string name;
    BlobType type = BlobType::U8;
    std::vector<std::int64_t> shape;
    std::size_t bytes = 0;
};

// One analysis result (perplexity scoring, routing trace, quantization comparison, ...): metadata here, the arrays
// as named BLOB parts loaded on demand.
struct AnalysisRun {
    std::int64_t id = 0;
    std::string kind; // "perplexity", "routing", "comparison", ...
    std::optional<std::int64_t> documentId;
    std::string model;
    std::string paramsJson;
    std::string summaryJson;
    std::string status; // "running", "complete", "cancelled", "failed"
    std::string createdAt;
    std::string updatedAt;
};

// A scalar per page, section or other key (per-page perplexity, per-section token count, ...).
struct RunValue {
    std::string key; // "12" for page 12, "7A" for a section
    double value = 0;
    std::int64_t count = 0;
};

} // namespace moescope

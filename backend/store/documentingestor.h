#pragma once
// Ingestion of one file into a session: read (any supported format), detect the 10-K structure, extract key figures,
// chunk, and store it all with its FTS index in one transaction. A file whose content (SHA-256) is already in the
// session is not stored twice: the existing document is returned, its path updated if the file moved.
// Runs on a worker thread (seconds for a 500-page PDF); progress and cancellation as usual.

#include <cstdint>
#include "core/cancellation.h"
#include "docs/chunker.h"
#include "docs/documentreader.h"
#include "store/sessionstore.h"

#include <filesystem>
#include <stop_token>

namespace moescope {

struct IngestOptions {
    ReadOptions read;
    ChunkOptions chunks { .budget = 2000, .overlap = 200 };
    std::string chunkSet = "default";
};

struct IngestTimings {
    double readMs = 0, structureMs = 0, figuresMs = 0, chunkMs = 0, storeMs = 0;
};

struct IngestResult {
    std::int64_t documentId = 0;
    bool alreadyPresent = false;
    int pageCount = 0;
    IngestTimings timings;
};

IngestResult ingestDocument(SessionStore& store, const std::filesystem::path& file, const IngestOptions& options = {},
    std::stop_token stop = {}, const ProgressCallback& progress = {});

} // namespace moescope

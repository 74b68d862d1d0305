#include "store/documentingestor.h"

#include "docs/documentopener.h"
#include "docs/figureextractor.h"
#include "docs/sectiondetector.h"
#include "core/sha256.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace moescope {

namespace {

double msSince(std::chrono::steady_clock::time_point& t)
{
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - t).count();
    t = now;
    return ms;
}

} // namespace

IngestResult ingestDocument(SessionStore& store, const std::filesystem::path& file, const IngestOptions& options,
    std::stop_token stop, const ProgressCallback& progress)
{
    IngestResult result;
    auto t = std::chrono::steady_clock::now();
    const Document document = DocumentOpener().open(file, options.read, stop, progress);
    result.timings.readMs = msSince(t);
    result.pageCount = document.pageCount();

    if (auto existing = store.findDocumentBySha256(document.identity().sha256)) {
        std::error_code ec;
        const auto absolute = std::filesystem::absolute(file, ec);
        if (!ec && absolute.string() != existing->path)
            store.relocateDocument(existing->id, absolute);
        spdlog::info("{}: already in session {} as document {}", file.string(), store.path().string(), existing->id);
        result.documentId = existing->id;
        result.alreadyPresent = true;
        return result;
    }
    throwIfStopRequested(stop);
    const DocumentStructure structure = SectionDetector().detect(document);
    result.timings.structureMs = msSince(t);
    const FinancialFigures figures = FigureExtractor().extract(document);
    result.timings.figuresMs = msSince(t);
    throwIfStopRequested(stop);
    const std::vector<Chunk> chunks = Chunker(options.chunks).chunk(document, structure);
    result.timings.chunkMs = msSince(t);
    throwIfStopRequested(stop);
    result.documentId = store.addDocument(document, structure, figures, chunks, options.chunkSet);
    result.timings.storeMs = msSince(t);
    return result;
}

} // namespace moescope

// moescope-cli ingest FILE --db DB.moescope [--bench]: reads a report into a session and prints its structure and key
// figures as JSON (0-based pages).

#include "commands.h"

#include "core/error.h"
#include "store/documentingestor.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>

namespace moescope::cli {

int runIngest(Args& args)
{
    const std::string db = args.required("--db");
    const bool bench = args.flag("--bench");
    const auto files = args.positionals();
    args.finish();
    if (files.size() != 1)
        throw InvalidArgumentError("ingest takes exactly one FILE");

    const auto start = std::chrono::steady_clock::now();
    SessionStore store = SessionStore::openOrCreate(db);
    const double openMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const IngestResult result = ingestDocument(store, files[0]);
    const double totalMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

    nlohmann::json out;
    out["document_id"] = result.documentId;
    out["pages"] = result.pageCount;
    out["already_present"] = result.alreadyPresent;
    const DocumentStructure structure = store.structure(result.documentId);
    out["sections"] = nlohmann::json::array();
    for (const auto& s : structure.sections)
        out["sections"].push_back({ { "item", s.item }, { "part", s.part }, { "title", s.title },
            { "page_start", s.pageStart }, { "page_end", s.pageEnd } });
    out["parts"] = nlohmann::json::array();
    for (const auto& p : structure.parts)
        out["parts"].push_back({ { "part", p.part }, { "page_start", p.pageStart }, { "page_end", p.pageEnd } });
    const FinancialFigures figures = store.figures(result.documentId);
    out["figures"] = nlohmann::json::array();
    for (const auto& f : figures.figures) {
        nlohmann::json j = { { "name", f.name }, { "year", f.year }, { "value", f.value }, { "page", f.page },
            { "label", f.label }, { "unit", f.unit } };
        if (f.derived) {
            j["derived"] = true;
            j["note"] = f.note;
        }
        out["figures"].push_back(std::move(j));
    }
    out["statements"] = nlohmann::json::array();
    for (const auto& s : figures.statements)
        out["statements"].push_back({ { "kind", statementKindName(s.kind) }, { "title", s.title },
            { "page_start", s.pageStart }, { "page_end", s.pageEnd }, { "unit", s.unit } });
    if (bench)
        out["bench_ms"] = { { "open_session", openMs }, { "read", result.timings.readMs },
            { "sections", result.timings.structureMs }, { "figures", result.timings.figuresMs },
            { "chunks", result.timings.chunkMs }, { "store_and_index", result.timings.storeMs }, { "total", totalMs } };
    std::cout << out.dump(2) << "\n";
    return 0;
}

} // namespace moescope::cli

// moescope-cli search --db DB.moescope --query "..." [--top K] [--document ID] [--bench N]: full-text search over a
// session; prints [{"document_id", "page" (0-based), "section", "score", "snippet"}] as JSON.

#include "commands.h"

#include "core/error.h"
#include "store/searchengine.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>

namespace moescope::cli {

int runSearch(Args& args)
{
    const std::string db = args.required("--db");
    const std::string query = args.required("--query");
    SearchOptions options;
    options.top = int(args.intValue("--top", 10));
    if (auto doc = args.option("--document"))
        options.documents.push_back(std::stoll(*doc));
    const int benchRuns = int(args.intValue("--bench", 0));
    args.finish();
    if (options.top <= 0 || options.top > 1000)
        throw InvalidArgumentError("--top must be between 1 and 1000");

    SessionStore store = SessionStore::open(db);
    SearchEngine engine(store);
    std::vector<SearchHit> hits = engine.search(query, options);

    nlohmann::json out = nlohmann::json::array();
    for (const auto& h : hits)
        out.push_back({ { "document_id", h.documentId }, { "page", h.page }, { "section", h.section },
            { "score", h.score }, { "snippet", h.snippet } });
    if (benchRuns > 0) {
        std::vector<double> ms;
        for (int i = 0; i < benchRuns; ++i) {
            SearchEngine fresh(store); // includes the per-engine document-name lookup, as a new GUI search would
            const auto t = std::chrono::steady_clock::now();
            fresh.search(query, options);
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
        }
        std::sort(ms.begin(), ms.end());
        std::cerr << "search bench: " << benchRuns << " runs, median " << ms[ms.size() / 2] << " ms, max " << ms.back()
                  << " ms\n";
    }
    std::cout << out.dump(2) << "\n";
    return 0;
}

} // namespace moescope::cli

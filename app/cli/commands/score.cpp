#include <cstdint>
#include "commands.h"

#include "eval/documentscorer.h"
#include "models/modelloader.h"
#include "store/sessionstore.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace moescope::cli {

namespace {
    nlohmann::json number(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }
} // namespace

int runScore(Args& args)
{
    const auto db = args.required("--db");
    const auto documentId = args.intValue("--document", -1);
    const auto modelDir = args.required("--model");
    EngineOptions options;
    options.device = args.value("--device", "auto");
    options.dtype = args.value("--dtype", "auto");
    PerplexityOptions window;
    window.window = args.intValue("--window", window.window);
    window.stride = args.intValue("--stride", window.window / 2);
    const bool quiet = args.flag("--quiet");
    args.finish();

    auto store = SessionStore::open(db);
    const auto document = documentFromStore(store, documentId);
    const auto structure = store.structure(documentId);
    const auto tokenizer = Tokenizer::fromFile(modelDir);
    auto engine = loadModel(modelDir, options);
    const auto score = scoreDocument(*engine, tokenizer, document, structure, window, nullptr, {},
        [quiet](std::int64_t done, std::int64_t total) {
            if (!quiet)
                std::fprintf(stderr, "\rscoring: %lld / %lld tokens", static_cast<long long>(done),
                    static_cast<long long>(total));
        });
    if (!quiet)
        std::fprintf(stderr, "\n");
    const auto run = saveDocumentScore(store, documentId, modelDir, window, score);

    nlohmann::json out = { { "document_id", documentId }, { "run_id", run }, { "perplexity", number(score.perplexity()) },
        { "tokens", score.tokens.ids.size() }, { "scored_tokens", score.scores.scored },
        { "window", window.window }, { "stride", window.stride } };
    out["sections"] = nlohmann::json::array();
    for (const auto& s : score.sections)
        out["sections"].push_back({ { "item", s.item }, { "title", s.title }, { "page_start", s.pageStart },
            { "page_end", s.pageEnd }, { "tokens", s.tokens }, { "perplexity", number(s.perplexity) } });
    std::cout << out.dump(2) << "\n";
    return 0;
}

} // namespace moescope::cli

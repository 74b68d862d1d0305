// moescope-cli trace: run a text (a file, or a document of a session) through a model, record every token's expert
// choices, write the aggregates as JSON (and CSV + charts with --export-dir); in a session, store the trace too.

#include "commands.h"

#include "core/error.h"
#include "docs/document.h"
#include "docs/sectiondetector.h"
#include "eval/routingqueries.h"
#include "eval/routingreport.h"
#include "eval/routingtracer.h"
#include "eval/routingtracestore.h"
#include "eval/scoringtext.h"
#include "io/compressedfile.h"
#include "models/modelloader.h"
#include "routingexport.h"
#include "store/sessionstore.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace moescope::cli {

namespace {
constexpr std::size_t kMaxTextBytes = std::size_t(1) << 30;

// The text as a document: pages split at form feeds (the session's convention), 10-K Items when found.
struct TextDocument {
    Document document;
    DocumentStructure structure;
};

TextDocument documentOfText(const std::string& text, const std::string& source)
{
    std::vector<std::string> pages;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i)
        if (i == text.size() || text[i] == Document::kPageSeparator) {
            pages.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    DocumentMetadata meta;
    meta.format = "text";
    TextDocument out { Document(source, meta, {}, pages), {} };
    out.structure = SectionDetector().detect(out.document);
    if (!out.structure.isTenK())
        out.structure = {};
    return out;
}

std::vector<std::size_t> pageOffsets(const Document& d)
{
    std::vector<std::size_t> out;
    for (int p = 0; p < d.pageCount(); ++p)
        out.push_back(d.pageOffset(p));
    return out;
}
} // namespace

int runTrace(Args& args)
{
    const std::string modelDir = args.required("--model");
    const auto textFile = args.option("--text-file");
    const auto db = args.option("--db");
    const std::int64_t documentArg = args.intValue("--document", -1);
    const auto out = args.option("--out");
    const auto exportDir = args.option("--export-dir");
    const std::string tokenizerPath = args.value("--tokenizer", modelDir);
    EngineOptions engineOptions;
    engineOptions.device = args.value("--device", "auto");
    engineOptions.dtype = args.value("--dtype", "auto");
    RoutingRunOptions options;
    options.window = args.intValue("--window", 1024);
    options.stride = args.intValue("--stride", 0);
    options.routerEntropy = !args.flag("--no-router-entropy");
    const bool addSpecial = !args.flag("--no-special-tokens");
    args.finish();

    if (textFile.has_value() == db.has_value())
        throw InvalidArgumentError("give either --text-file F or --db DB --document ID");
    if (db && documentArg < 0)
        throw InvalidArgumentError("--db needs --document ID");
    if (!db && documentArg >= 0)
        throw InvalidArgumentError("--document needs --db DB");
    if (!out && !db)
        throw InvalidArgumentError("missing required option --out");
    if (options.window < 2 || options.stride < 0 || options.stride > options.window)
        throw InvalidArgumentError("--window must be >= 2 and --stride in [1, window] (0: window / 2)");

    // The text, its pages and sections.
    std::optional<SessionStore> store;
    std::optional<std::int64_t> documentId;
    std::string text;
    TextDocument doc;
    if (db) {
        store.emplace(SessionStore::open(*db));
        documentId = documentArg;
        const auto stored = store->document(*documentId);
        if (!stored)
            throw InvalidArgumentError(*db + " has no document " + std::to_string(*documentId));
        std::vector<std::string> pages;
        for (auto& p : store->pages(*documentId))
            pages.push_back(std::move(p.text));
        DocumentMetadata meta;
        meta.format = stored->format;
        doc.document = Document(stored->path, meta, {}, pages);
        doc.structure = store->structure(*documentId);
        options.source = "document:" + std::to_string(*documentId) + " (" + stored->fileName + ")";
    } else {
        doc = documentOfText(readMaybeCompressedFile(*textFile, kMaxTextBytes), *textFile);
        options.source = *textFile;
    }
    text = doc.document.text();

    const Tokenizer tokenizer = Tokenizer::fromFile(tokenizerPath);
    // A session document is tokenized as scoring does (layout padding collapsed), so its trace lines up with the
    // document's perplexity run; a text file is taken as it is.
    TokenEncoding tokens
        = db && !addSpecial ? encodeDocumentText(tokenizer, text) : tokenizer.encodeWithOffsets(text, addSpecial);
    if (tokens.ids.empty())
        throw InvalidArgumentError("the text has no tokens");
    spdlog::info("trace: {} tokens from {}", tokens.ids.size(), options.source);

    auto engine = loadModel(modelDir, engineOptions);
    const auto sections = sectionSegments(tokens.offsets, doc.structure);
    const auto pages = pageSegments(tokens.offsets, pageOffsets(doc.document));
    // Progress on stderr every 10% (stdout carries the result), as `train` does.
    std::int64_t lastReport = 0;
    const auto started = std::chrono::steady_clock::now();
    RoutingRun run
        = recordRouting(*engine, tokens, options, sections, pages, {}, [&](std::int64_t done, std::int64_t total) {
              const std::int64_t tenth = total ? done * 10 / total : 10;
              if (tenth == lastReport)
                  return;
              lastReport = tenth;
              const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
              std::fprintf(stderr, "trace: %lld of %lld tokens (%lld%%), %.0f tokens/s\n", (long long)done,
                  (long long)total, (long long)(tenth * 10), seconds > 0 ? double(done) / seconds : 0.0);
          });

    nlohmann::json json = routingAggregatesJson(run.aggregates, run.trace.info());
    if (run.scores.scored > 0)
        json["perplexity"] = run.scores.perplexity();
    json["memory_bytes"] = run.trace.memoryBytes();
    if (store) {
        const std::int64_t runId = saveRoutingRun(*store, run.trace, run.aggregates, documentId, run.cancelled);
        json["run"] = runId;
        json["document"] = *documentId;
        std::cout << nlohmann::json {
            { "run", runId }, { "document", *documentId }, { "tokens", run.trace.tokenCount() }
        }.dump() << "\n";
    }
    if (out)
        writeJsonFile(*out, json);
    if (exportDir) {
        auto trace = std::make_shared<const RoutingTrace>(std::move(run.trace));
        const RoutingQueries queries(trace, run.aggregates.pages());
        const auto tokenizerPtr = std::make_shared<const Tokenizer>(tokenizer);
        const std::size_t files = exportRouting(
            run.aggregates, queries, tokenTextFunction(tokenizerPtr), trace->info().modelName, *exportDir);
        spdlog::info("trace: {} files written to {}", files, *exportDir);
    }
    return 0;
}

} // namespace moescope::cli

#include "workbenchjobs.h"

#include "core/error.h"
#include "docs/textutil.h"
#include "store/sessionstore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace moescope {

SessionSnapshot readSession(const std::filesystem::path& path, bool create, const std::string& nameIfCreated)
{
    std::error_code ec;
    SessionStore store = create && !std::filesystem::exists(path, ec) ? SessionStore::create(path, nameIfCreated)
                                                                      : SessionStore::open(path);
    SessionSnapshot out;
    out.path = store.path();
    out.name = store.name();
    out.documents = store.documents();
    for (const auto& d : out.documents)
        out.fileStates.push_back(store.checkDocumentFile(d.id));
    out.history = store.history(200);
    out.model = store.model();
    return out;
}

DocumentDataPtr loadDocumentData(const std::filesystem::path& session, std::int64_t documentId)
{
    SessionStore store = SessionStore::open(session);
    auto info = store.document(documentId);
    if (!info)
        throw InvalidArgumentError(session.string() + ": the session has no document " + std::to_string(documentId));
    auto data = std::make_shared<DocumentData>();
    data->info = std::move(*info);
    data->pages = store.pages(documentId);
    std::size_t offset = 0;
    data->pageOffsets.reserve(data->pages.size());
    for (const auto& p : data->pages) {
        data->pageOffsets.push_back(offset);
        offset += p.text.size() + 1; // pages are joined by a form feed
    }
    data->structure = store.structure(documentId);
    data->figures = store.figures(documentId);
    data->fileState = store.checkDocumentFile(documentId);
    return data;
}

PerplexityDataPtr loadPerplexity(
    const std::filesystem::path& session, std::int64_t documentId, std::stop_token stop, int passageCount)
{
    SessionStore store = SessionStore::open(session);
    std::optional<AnalysisRun> latest;
    for (auto& run : store.runs("perplexity", documentId))
        if (run.status == "done" && (!latest || run.id > latest->id))
            latest = std::move(run);
    if (!latest)
        return nullptr;

    auto data = std::make_shared<PerplexityData>();
    data->runId = latest->id;
    data->documentId = documentId;
    data->model = latest->model;
    data->createdAt = latest->createdAt;
    const auto params = nlohmann::json::parse(latest->paramsJson, nullptr, false);
    if (params.is_object()) {
        data->options.window = params.value("window", data->options.window);
        data->options.stride = params.value("stride", data->options.stride);
    }
    const auto summary = nlohmann::json::parse(latest->summaryJson, nullptr, false);
    if (summary.is_object()) {
        const auto& ppl = summary.value("perplexity", nlohmann::json());
        data->perplexity = ppl.is_number() ? ppl.get<double>() : std::nan("");
        data->scoredTokens = summary.value("scored_tokens", std::int64_t(0));
    }
    const auto begins = store.loadArray<std::int32_t>(latest->id, "token_begin", BlobType::I32);
    const auto ends = store.loadArray<std::int32_t>(latest->id, "token_end", BlobType::I32);
    data->logProbs = store.loadArray<float>(latest->id, "log_probs", BlobType::F32);
    if (begins.size() != data->logProbs.size() || ends.size() != begins.size())
        throw FormatError(session.string() + ": perplexity run " + std::to_string(latest->id)
            + " has arrays of different lengths (token_begin, token_end, log_probs)");
    data->tokenBegin.assign(begins.begin(), begins.end());
    data->tokenEnd.assign(ends.begin(), ends.end());
    data->pages = store.runValues(latest->id, "page");
    data->sections = store.runValues(latest->id, "section");
    throwIfStopRequested(stop);

    // The passages are recomputed from the stored arrays (cheap) rather than stored: one source of truth.
    const Document document = documentFromStore(store, documentId);
    const DocumentStructure structure = store.structure(documentId);
    DocumentScore score;
    score.tokens.ids.assign(data->logProbs.size(), 0);
    score.tokens.offsets.resize(data->logProbs.size());
    for (std::size_t i = 0; i < data->logProbs.size(); ++i)
        score.tokens.offsets[i] = { data->tokenBegin[i], data->tokenEnd[i] };
    score.scores.logProbs = data->logProbs;
    data->passages = mostSurprisingPassages(score, document, structure, passageCount, 24);
    const std::string& text = document.text();
    for (const auto& p : data->passages) {
        const auto begin = std::min<std::size_t>(p.begin, text.size());
        const auto end = std::clamp<std::size_t>(p.end, begin, text.size());
        data->passageTexts.push_back(collapseWhitespace(std::string_view(text).substr(begin, end - begin)));
    }
    return data;
}

namespace {
SearchOptions scopedSearch(int top, const std::vector<std::int64_t>& documents)
{
    SearchOptions options;
    options.top = top;
    options.documents = documents;
    return options;
}
} // namespace

SearchResults searchSession(
    const std::filesystem::path& session, const QString& query, const std::vector<std::int64_t>& documents, int top)
{
    SessionStore store = SessionStore::open(session);
    const auto start = std::chrono::steady_clock::now();
    SearchResults out;
    out.query = query;
    out.hits = SearchEngine(store).search(query.toStdString(), scopedSearch(top, documents));
    out.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

    nlohmann::json response = nlohmann::json::array();
    for (const auto& h : out.hits)
        response.push_back(
            { { "document_id", h.documentId }, { "page", h.page }, { "section", h.section }, { "score", h.score } });
    std::optional<std::int64_t> document;
    if (documents.size() == 1)
        document = documents.front();
    store.addHistory("search", query.toStdString(), response.dump(), document);
    return out;
}

std::string passageAround(std::string_view text, const std::vector<std::string>& terms, std::size_t maxChars)
{
    const std::string flat = collapseWhitespace(text);
    if (flat.size() <= maxChars)
        return flat;
    const std::string lower = toLowerAscii(flat);
    std::size_t hit = std::string::npos;
    for (const auto& t : terms)
        if (!t.empty())
            hit = std::min(hit, lower.find(toLowerAscii(t)));
    std::size_t begin = hit == std::string::npos || hit < maxChars / 3 ? 0 : hit - maxChars / 3;
    begin = utf8Floor(flat, std::min(begin, flat.size() - maxChars));
    const std::size_t end = utf8Floor(flat, begin + maxChars);
    return (begin > 0 ? "…" : "") + flat.substr(begin, end - begin) + "…";
}

RetrievalContext retrieveForQuestion(const std::filesystem::path& session, const QString& question,
    const std::vector<std::int64_t>& documents, int top, std::size_t passageChars)
{
    SessionStore store = SessionStore::open(session);
    RetrievalContext out;
    out.question = question;
    for (const auto& hit : SearchEngine(store).search(question.toStdString(), scopedSearch(top, documents))) {
        const StoredPage page = store.page(hit.documentId, hit.page);
        out.passages.push_back(
            { hit.documentId, hit.page, hit.section, hit.snippet, passageAround(page.text, hit.terms, passageChars) });
    }
    std::vector<std::int64_t> ids = documents;
    if (ids.empty())
        for (const auto& d : store.documents())
            ids.push_back(d.id);
    for (const auto id : ids)
        for (auto& f : store.figures(id).figures)
            out.figures.push_back(std::move(f));
    return out;
}

} // namespace moescope

#pragma once
// Full-text search over a session's pages: several rankers each order pages, and reciprocal-rank fusion
// (score = sum of weight / (60 + rank)) combines them. Built-in rankers:
//   bm25        FTS5 BM25 over the query's content words
//   expanded    BM25 over the words plus financial synonyms and statement line items
//   statements  the pages of the financial statements the question is about (gross margin -> income statement)
//   sections    BM25 restricted to the 10-K items that discuss the question's concepts (legal -> Item 3)
// When a question names a company of the session, all rankers search that company's documents only.
// Extra rankers (e.g. a model-based re-ranker from the runtime) plug in with addRanker(); they see the candidates
// the built-in rankers found.
// Threading: uses the SessionStore's connection; same thread rules.

#include <cstdint>
#include "store/queryanalyzer.h"
#include "store/sessionstore.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moescope {

struct SearchHit {
    std::int64_t documentId = 0;
    int page = 0; // 0-based
    std::string section; // 10-K item of the page, "" when none
    double score = 0; // fused score, higher is better
    std::string snippet; // with the matches between <b> and </b>
    std::vector<std::string> terms; // the words searched for (for highlighting on the rendered page)
};

struct SearchOptions {
    int top = 10;
    std::vector<std::int64_t> documents; // restrict to these documents (empty: all)
    QueryAnalyzer::Options analysis;
    bool statementRanker = true;
    bool sectionRanker = true;
    bool expandedRanker = true;
    int depth = 50; // how many pages each ranker contributes
};

struct RankerRequest {
    std::string query;
    AnalyzedQuery analyzed;
    std::vector<std::int64_t> documents; // documents to search (empty: all)
    std::vector<std::int64_t> candidates; // page row ids found by the rankers that ran before
    int depth = 50;
};

class Ranker {
public:
    virtual ~Ranker() = default;
    virtual std::string name() const = 0;
    // Page row ids (pages.id), best first.
    virtual std::vector<std::int64_t> rank(SqliteDatabase& db, const RankerRequest& request) = 0;
};

class SearchEngine {
public:
    explicit SearchEngine(SessionStore& store);

    void addRanker(std::shared_ptr<Ranker> ranker, double weight = 1.0);
    std::vector<SearchHit> search(const std::string& query, const SearchOptions& options = {});

    // The FTS5 expression for words and phrases OR'ed together (each quoted).
    static std::string ftsExpression(const std::vector<std::string>& terms);

private:
    const std::vector<DocumentNames>& documentNames();

    SessionStore& m_store;
    std::vector<std::pair<std::shared_ptr<Ranker>, double>> m_extra;
    std::optional<std::vector<DocumentNames>> m_names;
};

} // namespace moescope

#include <cstdint>
#include "store/searchengine.h"

#include "core/error.h"
#include "docs/textutil.h"

#include <algorithm>
#include <unordered_map>

namespace moescope {

namespace {

constexpr double kRrfK = 60;
constexpr double kStatementWeight = 3; // a statement page is the answer to a statement question more often than not

std::string documentFilter(const std::vector<std::int64_t>& documents)
{
    if (documents.empty())
        return {};
    std::string s = " AND p.document_id IN (";
    for (std::size_t i = 0; i < documents.size(); ++i)
        s += (i ? "," : "") + std::to_string(documents[i]);
    return s + ")";
}

std::vector<std::int64_t> bm25(SqliteDatabase& db, const std::vector<std::string>& terms,
    const std::vector<std::int64_t>& documents, int limit, const std::string& extraWhere = {})
{
    if (terms.empty())
        return {};
    auto st = db.prepare("SELECT p.id FROM pages_fts JOIN pages p ON p.id = pages_fts.rowid WHERE pages_fts MATCH ?"
        + documentFilter(documents) + extraWhere + " ORDER BY bm25(pages_fts) LIMIT ?");
    st.bind(1, SearchEngine::ftsExpression(terms)).bind(2, limit);
    std::vector<std::int64_t> out;
    while (st.step())
        out.push_back(st.columnInt(0));
    return out;
}

class Bm25Ranker final : public Ranker {
public:
    std::string name() const override { return "bm25"; }
    std::vector<std::int64_t> rank(SqliteDatabase& db, const RankerRequest& r) override
    {
        return bm25(db, r.analyzed.terms, r.documents, r.depth);
    }
};

class ExpandedRanker final : public Ranker {
public:
    std::string name() const override { return "expanded"; }
    std::vector<std::int64_t> rank(SqliteDatabase& db, const RankerRequest& r) override
    {
        if (r.analyzed.expansions.empty())
            return {};
        std::vector<std::string> all = r.analyzed.terms;
        all.insert(all.end(), r.analyzed.expansions.begin(), r.analyzed.expansions.end());
        return bm25(db, all, r.documents, r.depth);
    }
};

class StatementRanker final : public Ranker {
public:
    std::string name() const override { return "statements"; }
    std::vector<std::int64_t> rank(SqliteDatabase& db, const RankerRequest& r) override
    {
        std::vector<std::int64_t> out;
        // Interleave documents: for each statement kind in question order, its first page in every document.
        for (StatementKind kind : r.analyzed.statements) {
            auto st = db.prepare("SELECT p.id FROM statements s JOIN pages p ON p.document_id = s.document_id AND "
                                 "p.page_no = s.page_start WHERE s.kind = ?"
                + documentFilter(r.documents) + " ORDER BY s.document_id");
            st.bind(1, statementKindName(kind));
            while (st.step())
                out.push_back(st.columnInt(0));
        }
        return out;
    }
};

class SectionRanker final : public Ranker {
public:
    std::string name() const override { return "sections"; }
    std::vector<std::int64_t> rank(SqliteDatabase& db, const RankerRequest& r) override
    {
        if (r.analyzed.sectionItems.empty())
            return {};
        std::string in;
        for (const auto& item : r.analyzed.sectionItems) {
            if (!std::all_of(
                    item.begin(), item.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
                continue;
            in += (in.empty() ? "'" : ",'") + item + "'";
        }
        if (in.empty())
            return {};
        std::vector<std::string> all = r.analyzed.terms;
        all.insert(all.end(), r.analyzed.expansions.begin(), r.analyzed.expansions.end());
        // Pages inside the items' page ranges.
        const std::string where = " AND EXISTS (SELECT 1 FROM sections s WHERE s.document_id = p.document_id AND "
                                  "s.kind = 'item' AND s.item IN ("
            + in + ") AND p.page_no BETWEEN s.page_start AND s.page_end)";
        return bm25(db, all, r.documents, r.depth, where);
    }
};

} // namespace

SearchEngine::SearchEngine(SessionStore& store)
    : m_store(store)
{
}

void SearchEngine::addRanker(std::shared_ptr<Ranker> ranker, double weight)
{
    m_extra.emplace_back(std::move(ranker), weight);
}

std::string SearchEngine::ftsExpression(const std::vector<std::string>& terms)
{
    std::string out;
    for (const auto& t : terms) {
        std::string quoted;
        for (char c : t) {
            if (c == '"')
                quoted += '"';
            quoted += c;
        }
        if (!out.empty())
            out += " OR ";
        out += '"' + quoted + '"';
    }
    return out;
}

const std::vector<DocumentNames>& SearchEngine::documentNames()
{
    if (m_names)
        return *m_names;
    m_names.emplace();
    for (const auto& d : m_store.documents()) {
        std::string text = d.fileName + " " + d.title;
        // The registrant's name stands on the line above "(Exact name of registrant as specified in its charter)".
        for (int p = 0; p < std::min(d.pageCount, 3); ++p) {
            const std::string page = m_store.page(d.id, p).text;
            const std::string lower = toLowerAscii(page);
            const auto at = lower.find("exact name of registrant");
            if (at == std::string::npos)
                continue;
            const auto lineStart = page.rfind('\n', at);
            if (lineStart == std::string::npos || lineStart == 0)
                break;
            std::size_t prev = lineStart;
            while (prev > 0 && (page[prev - 1] == '\n' || page[prev - 1] == ' '))
                --prev;
            const auto prevStart = page.rfind('\n', prev ? prev - 1 : 0);
            text += " "
                + page.substr(prevStart == std::string::npos ? 0 : prevStart + 1,
                    prev - (prevStart == std::string::npos ? 0 : prevStart + 1));
            break;
        }
        m_names->push_back({ d.id, QueryAnalyzer::nameTokens(text) });
    }
    return *m_names;
}

std::vector<SearchHit> SearchEngine::search(const std::string& query, const SearchOptions& options)
{
    if (options.top <= 0)
        throw InvalidArgumentError("search: --top must be positive");
    if (query.size() > 4096)
        throw InvalidArgumentError("search: the query is longer than 4096 bytes");
    RankerRequest request;
    request.query = query;
    request.analyzed = QueryAnalyzer(options.analysis).analyze(query, documentNames());
    request.documents = options.documents;
    if (!request.analyzed.focusDocuments.empty()) {
        if (request.documents.empty())
            request.documents = request.analyzed.focusDocuments;
        else
            std::erase_if(request.documents, [&](std::int64_t d) {
                return std::find(request.analyzed.focusDocuments.begin(), request.analyzed.focusDocuments.end(), d)
                    == request.analyzed.focusDocuments.end();
            });
    }
    request.depth = std::max(options.depth, options.top);
    if (request.analyzed.terms.empty() && request.analyzed.expansions.empty())
        return {};

    std::vector<std::pair<std::shared_ptr<Ranker>, double>> rankers;
    rankers.emplace_back(std::make_shared<Bm25Ranker>(), 1.0);
    if (options.expandedRanker)
        rankers.emplace_back(std::make_shared<ExpandedRanker>(), 1.0);
    if (options.statementRanker)
        rankers.emplace_back(std::make_shared<StatementRanker>(), kStatementWeight);
    if (options.sectionRanker)
        rankers.emplace_back(std::make_shared<SectionRanker>(), 1.0);
    rankers.insert(rankers.end(), m_extra.begin(), m_extra.end());

    SqliteDatabase& db = m_store.database();
    std::unordered_map<std::int64_t, double> fused;
    for (const auto& [ranker, weight] : rankers) {
        const std::vector<std::int64_t> ranked = ranker->rank(db, request);
        for (std::size_t i = 0; i < ranked.size(); ++i) {
            auto [it, added] = fused.try_emplace(ranked[i], 0.0);
            it->second += weight / (kRrfK + double(i + 1));
            if (added)
                request.candidates.push_back(ranked[i]);
        }
    }
    std::vector<std::pair<std::int64_t, double>> order(fused.begin(), fused.end());
    std::sort(order.begin(), order.end(),
        [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    if (order.size() > std::size_t(options.top))
        order.resize(std::size_t(options.top));

    std::vector<std::string> highlight = request.analyzed.terms;
    highlight.insert(highlight.end(), request.analyzed.expansions.begin(), request.analyzed.expansions.end());
    const std::string expr = ftsExpression(highlight);
    auto page = db.prepare("SELECT document_id, page_no, section FROM pages WHERE id = ?");
    auto snippet = db.prepare(
        "SELECT snippet(pages_fts, 0, '<b>', '</b>', '...', 24) FROM pages_fts WHERE pages_fts MATCH ? AND rowid = ?");
    std::vector<SearchHit> hits;
    for (const auto& [id, score] : order) {
        page.bind(1, id);
        if (!page.step()) {
            page.reset();
            continue;
        }
        SearchHit h;
        h.documentId = page.columnInt(0);
        h.page = int(page.columnInt(1));
        h.section = page.columnText(2);
        h.score = score;
        h.terms = highlight;
        page.reset();
        snippet.bind(1, expr).bind(2, id);
        if (snippet.step())
            h.snippet = collapseWhitespace(snippet.columnText(0));
        snippet.reset();
        if (h.snippet.empty()) // a statement page that matched no word: its beginning
        {
            const std::string text = m_store.page(h.documentId, h.page).text;
            h.snippet = collapseWhitespace(std::string_view(text).substr(0, utf8Floor(text, 200)));
        }
        hits.push_back(std::move(h));
    }
    return hits;
}

} // namespace moescope

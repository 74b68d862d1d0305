#include "store/queryanalyzer.h"

#include "docs/textutil.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_set>

namespace moescope {

namespace {

// Question words, instructions and hedges that say nothing about where the answer is.
const std::unordered_set<std::string_view>& stopWords()
{
    static const std::unordered_set<std::string_view> words = { "a", "an", "the", "of", "and", "or", "in", "on", "for",
        "to", "as", "is", "are", "was", "were", "be", "been", "being", "by", "with", "from", "at", "that", "this",
        "these", "those", "it", "its", "if", "then", "than", "which", "what", "who", "whom", "whose", "how", "does",
        "do", "did", "has", "have", "had", "there", "their", "they", "them", "any", "not", "no", "please", "state",
        "explain", "why", "answer", "give", "response", "question", "based", "using", "use", "define", "calculate",
        "can", "could", "would", "should", "will", "shall", "may", "might", "must", "about", "into", "over", "under",
        "between", "across", "during", "per", "such", "like", "also", "only", "just", "more", "most", "much", "many",
        "some", "other", "same", "own", "so", "very", "company", "companies", "firm", "metric", "metrics", "useful",
        "compare", "compared", "comparison", "versus", "vs", "year", "years", "fiscal", "fy", "report", "reported",
        "reports", "reporting", "whats", "we", "our", "us", "you", "your", "i", "me", "my", "amount", "quantity",
        "value", "number", "important", "major", "primarily", "materially", "ongoing", "significant", "key", "main",
        "overall", "directly", "explicitly", "outlined", "something", "analyst", "ask", "respond", "assuming",
        "perspective", "investment", "details", "shown", "within", "relying", "usd", "millions", "billions",
        "thousands", "represent", "tell", "show", "list", "describe", "summarize", "find", "where", "when", "there",
        "here", "current", "currently", "latest", "recent" };
    return words;
}

// Name tokens too common to single out a company.
const std::unordered_set<std::string_view>& genericNameWords()
{
    static const std::unordered_set<std::string_view> words = { "the", "company", "companies", "inc", "corp",
        "corporation", "plc", "co", "ltd", "llc", "lp", "sa", "ag", "nv", "group", "holdings", "holding", "form", "10",
        "k", "10k", "annual", "report", "filed", "for", "and", "of", "subsidiaries", "international", "global", "pdf",
        "htm", "html", "txt", "document", "filing", "fy", "q1", "q2", "q3", "q4", "10q", "8k" };
    return words;
}

struct Concept {
    std::string_view term; // query word (lower case)
    std::vector<std::string_view> expansions;
    std::vector<StatementKind> statements;
    std::vector<std::string_view> items;
};

using SK = StatementKind;

const std::vector<Concept>& concepts()
{
    static const std::vector<Concept> list = {
        // Profitability
        { "margin", { "gross profit", "cost of sales", "net sales", "operating income" }, { SK::Income }, {} },
        { "margins", { "gross profit", "cost of sales", "operating income" }, { SK::Income }, {} },
        { "gross", { "gross profit", "cost of sales", "cost of goods sold" }, { SK::Income }, {} },
        { "profitability", { "operating income", "net income", "gross profit" }, { SK::Income }, {} },
        { "operating", { "operating income", "operating profit" }, { SK::Income }, {} },
        { "ebit", { "operating income", "operating profit", "earnings before interest" }, { SK::Income }, {} },
        { "ebitda", { "operating profit", "operating income", "depreciation and amortization" },
            { SK::Income, SK::CashFlow }, {} },
        { "earnings", { "net income", "net earnings" }, { SK::Income }, {} },
        { "eps", { "earnings per share", "diluted" }, { SK::Income }, {} },
        { "revenue", { "revenues", "net sales", "sales" }, { SK::Income }, {} },
        { "revenues", { "revenue", "net sales", "sales" }, { SK::Income }, {} },
        { "sales", { "net sales", "revenues" }, {}, {} },
        { "tax", { "provision for income taxes", "income tax", "effective tax rate", "income taxes" }, { SK::Income },
            {} },
        { "taxes", { "provision for income taxes", "income tax", "effective tax rate" }, { SK::Income }, {} },
        { "interest", { "interest expense", "interest income" }, {}, {} },
        // Balance sheet and liquidity
        { "quick",
            { "current assets", "current liabilities", "cash and cash equivalents", "inventories", "receivables" },
            { SK::BalanceSheet }, {} },
        { "liquidity", { "current assets", "current liabilities", "cash and cash equivalents", "liquidity" },
            { SK::BalanceSheet }, { "7" } },
        { "solvency", { "total liabilities", "long-term debt", "equity" }, { SK::BalanceSheet }, {} },
        { "leverage", { "long-term debt", "total debt", "equity", "borrowings" }, { SK::BalanceSheet }, {} },
        { "debt", { "long-term debt", "borrowings", "notes payable" }, { SK::BalanceSheet }, {} },
        { "assets", { "total assets" }, { SK::BalanceSheet }, {} },
        { "liabilities", { "total liabilities" }, { SK::BalanceSheet }, {} },
        { "equity", { "shareholders equity", "stockholders equity" }, { SK::BalanceSheet }, {} },
        { "inventory", { "inventories" }, { SK::BalanceSheet }, {} },
        { "receivables", { "accounts receivable" }, { SK::BalanceSheet }, {} },
        { "working", { "current assets", "current liabilities" }, { SK::BalanceSheet }, {} },
        // Cash flow and investment
        { "capital", { "capital expenditures", "property plant and equipment", "purchases of property" },
            { SK::CashFlow, SK::BalanceSheet, SK::Income }, {} },
        { "capex", { "capital expenditures", "purchases of property plant and equipment", "capital spending" },
            { SK::CashFlow }, {} },
        { "cash", { "cash flows", "operating activities" }, { SK::CashFlow }, {} },
        { "dividend", { "dividends paid", "dividends" }, { SK::CashFlow }, { "5" } },
        { "dividends", { "dividends paid", "dividend" }, { SK::CashFlow }, { "5" } },
        { "buybacks", { "repurchases of common stock", "share repurchases", "treasury stock" }, { SK::CashFlow },
            { "5" } },
        { "repurchases", { "repurchases of common stock", "share repurchases" }, { SK::CashFlow }, { "5" } },
        { "depreciation", { "depreciation and amortization" }, { SK::CashFlow }, {} },
        // Events and qualitative topics
        { "m&a", { "acquisitions", "divestitures", "acquired" }, {}, {} },
        { "acquisitions", { "acquisition", "acquired", "business combinations", "purchase price" }, {}, {} },
        { "acquisition", { "acquisitions", "acquired", "business combinations" }, {}, {} },
        { "divestitures", { "divestiture", "divested", "sale of business" }, {}, {} },
        { "growth", { "organic sales", "sales growth", "organic", "increase" }, {}, {} },
        { "segment", { "segments", "segment results", "organic" }, {}, {} },
        { "segments", { "segment", "segment results" }, {}, {} },
        { "categories", { "products", "services" }, {}, {} },
        { "legal", { "legal proceedings", "litigation", "contingencies", "lawsuits" }, {}, { "3" } },
        { "litigation", { "legal proceedings", "lawsuits", "contingencies" }, {}, { "3" } },
        { "lawsuits", { "litigation", "legal proceedings" }, {}, { "3" } },
        { "battles", { "litigation", "lawsuits" }, {}, {} },
        { "restructuring", { "restructuring charges", "restructuring and impairment", "severance" }, {}, {} },
        { "impairment", { "impairment charges", "goodwill impairment" }, {}, {} },
        { "customers", { "customer", "customers" }, {}, { "1" } },
        { "competition", { "competitors", "competitive" }, {}, { "1" } },
        { "competitors", { "competition", "competitive" }, {}, { "1" } },
        { "industry", { "industry", "markets" }, {}, { "1" } },
        { "geographies", { "geographic", "regions", "countries", "international", "north america", "europe" }, {},
            { "1" } },
        { "employees", { "human capital", "employees", "workforce" }, {}, { "1" } },
        { "cyclicality", { "cyclical", "economic cycles" }, {}, { "1", "1A" } },
        { "cyclical", { "cyclicality", "economic cycles" }, {}, { "1", "1A" } },
        { "risk", { "risks", "risk factors" }, {}, { "1A" } },
        { "risks", { "risk", "risk factors" }, {}, { "1A" } },
        { "cybersecurity", { "cyber", "information security" }, {}, { "1C", "1A" } },
        { "properties", { "facilities", "square feet" }, {}, { "2" } },
        { "production", { "production rate", "production rates", "deliveries" }, {}, {} },
        { "forecasting", { "expect", "plan", "anticipate" }, {}, {} },
        { "forecast", { "expect", "plan", "anticipate", "outlook" }, {}, {} },
        { "guidance", { "outlook", "expect" }, {}, { "7" } },
        { "compensation", { "executive compensation" }, {}, { "11" } },
        { "auditor", { "independent registered public accounting firm" }, {}, { "8", "14" } },
        { "controls", { "internal control over financial reporting" }, {}, { "9A" } },
    };
    return list;
}

// Phrases that name a statement directly.
constexpr std::array<std::pair<std::string_view, StatementKind>, 9> kStatementPhrases = { {
    { "income statement", SK::Income },
    { "statement of income", SK::Income },
    { "statement of operations", SK::Income },
    { "p&l", SK::Income },
    { "balance sheet", SK::BalanceSheet },
    { "financial position", SK::BalanceSheet },
    { "cash flow statement", SK::CashFlow },
    { "statement of cash flows", SK::CashFlow },
    { "cash flows statement", SK::CashFlow },
} };

std::vector<std::string> words(std::string_view text)
{
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        while (!cur.empty() && cur.back() == '&')
            cur.pop_back();
        if (!cur.empty())
            out.push_back(cur);
        cur.clear();
    };
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || (c == '&' && !cur.empty()))
            cur += char(std::tolower(u));
        else
            flush();
    }
    flush();
    return out;
}

bool isYearToken(const std::string& w)
{
    auto digits = [](std::string_view s) {
        return !s.empty()
            && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    };
    if (w.size() == 4 && digits(w) && (w.starts_with("19") || w.starts_with("20")))
        return true;
    return w.size() >= 4 && w.starts_with("fy") && digits(std::string_view(w).substr(2));
}

template <typename T> void addUnique(std::vector<T>& v, const T& x)
{
    if (std::find(v.begin(), v.end(), x) == v.end())
        v.push_back(x);
}

} // namespace

std::vector<std::string> QueryAnalyzer::nameTokens(std::string_view text)
{
    std::vector<std::string> out;
    for (auto& w : words(text)) {
        if (genericNameWords().count(w) || isYearToken(w) || w.size() < 2)
            continue;
        if (std::all_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            continue;
        addUnique(out, w);
    }
    return out;
}

AnalyzedQuery QueryAnalyzer::analyze(std::string_view query, const std::vector<DocumentNames>& documents) const
{
    AnalyzedQuery out;
    const std::string lower = toLowerAscii(query);
    // Names shared by every document (e.g. "report") single nothing out.
    std::unordered_set<std::string> nameWords;
    for (const auto& d : documents)
        for (const auto& n : d.names) {
            const bool everywhere
                = documents.size() > 1 && std::all_of(documents.begin(), documents.end(), [&](const DocumentNames& o) {
                      return std::find(o.names.begin(), o.names.end(), n) != o.names.end();
                  });
            if (!everywhere)
                nameWords.insert(n);
        }
    for (auto& w : words(query)) {
        if (m_options.documentFocus && nameWords.count(w)) {
            for (const auto& d : documents)
                if (std::find(d.names.begin(), d.names.end(), w) != d.names.end())
                    addUnique(out.focusDocuments, d.documentId);
            continue;
        }
        if (isYearToken(w))
            continue;
        if (m_options.stopWords
            && (stopWords().count(w) || (w.size() < 2)
                || (w.size() <= 2 && std::isdigit(static_cast<unsigned char>(w[0])))))
            continue;
        addUnique(out.terms, w);
    }
    if (!m_options.synonyms)
        return out;
    for (const auto& term : out.terms)
        for (const auto& c : concepts()) {
            if (c.term != term)
                continue;
            for (auto e : c.expansions)
                addUnique(out.expansions, std::string(e));
            for (auto s : c.statements)
                addUnique(out.statements, s);
            for (auto i : c.items)
                addUnique(out.sectionItems, std::string(i));
        }
    for (const auto& [phrase, kind] : kStatementPhrases)
        if (lower.find(phrase) != std::string::npos)
            addUnique(out.statements, kind);
    return out;
}

} // namespace moescope

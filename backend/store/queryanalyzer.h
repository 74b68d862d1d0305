#pragma once
// Turns a question into search terms: drops question words and instructions ("what", "explain why", "if ... state
// that"), fiscal-year tokens and single letters; recognises the documents a question names (a company name from a
// document's file name, title or cover page) so ranking can focus on them; and maps financial concepts to synonyms,
// to the statements that hold them (gross margin -> income statement, quick ratio -> balance sheet) and to the 10-K
// items that discuss them (legal -> Item 3, customers -> Item 1). The dictionaries are general analyst vocabulary,
// not tuned to particular questions.

#include "docs/financialfigures.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

struct DocumentNames {
    std::int64_t documentId = 0;
    std::vector<std::string> names; // lower-case distinctive name tokens ("boeing", "3m")
};

struct AnalyzedQuery {
    std::vector<std::string> terms; // content words, lower case, de-duplicated, in query order
    std::vector<std::string> expansions; // synonyms and statement line items (words or phrases)
    std::vector<StatementKind> statements; // statements the question is about
    std::vector<std::string> sectionItems; // 10-K items that discuss the question's concepts
    std::vector<std::int64_t> focusDocuments; // documents the question names (empty: all)
};

class QueryAnalyzer {
public:
    struct Options {
        bool stopWords = true;
        bool synonyms = true;
        bool documentFocus = true;
    };

    QueryAnalyzer() = default;
    explicit QueryAnalyzer(Options options)
        : m_options(options)
    {
    }
    AnalyzedQuery analyze(std::string_view query, const std::vector<DocumentNames>& documents) const;

    // Distinctive lower-case name tokens of a document, from its file name, title and registrant line.
    static std::vector<std::string> nameTokens(std::string_view text);

private:
    Options m_options;
};

} // namespace moescope

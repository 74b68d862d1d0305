#pragma once
// Plain values the workbench's background jobs hand to the GUI: a document as the panels show it, a perplexity run
// with its per-token arrays, search results, retrieval context. Built on worker threads, then immutable and shared
// (std::shared_ptr<const ...>) between panels on the GUI thread.

#include "docs/documentstructure.h"
#include "docs/financialfigures.h"
#include "eval/documentscorer.h"
#include "store/searchengine.h"
#include "store/sessiontypes.h"

#include <QMetaType>
#include <QString>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

struct DocumentData {
    StoredDocument info;
    std::vector<StoredPage> pages;
    std::vector<std::size_t> pageOffsets; // byte offset of each page in the joined text (pages joined by '\f')
    DocumentStructure structure;
    FinancialFigures figures;
    DocumentFileState fileState = DocumentFileState::Unchanged;

    int pageCount() const { return int(pages.size()); }
    bool renderable() const { return info.format == "pdf" && fileState == DocumentFileState::Unchanged; }
    // The page holding a byte offset of the joined text (clamped).
    int pageAt(std::size_t offset) const;
    // The pages joined by '\f': the text that scoring and comparison runs tokenize and their offsets refer to.
    std::string joinedText() const;
};
using DocumentDataPtr = std::shared_ptr<const DocumentData>;

struct PerplexityData {
    std::int64_t runId = 0;
    std::int64_t documentId = 0;
    std::string model;
    std::string createdAt;
    PerplexityOptions options;
    double perplexity = 0;
    std::int64_t scoredTokens = 0;
    std::vector<std::uint32_t> tokenBegin; // byte offsets in the joined document text
    std::vector<std::uint32_t> tokenEnd;
    std::vector<float> logProbs; // NaN for tokens without context
    std::vector<RunValue> pages; // key = 0-based page
    std::vector<RunValue> sections; // key = item
    std::vector<SurprisingPassage> passages; // most surprising first
    std::vector<std::string> passageTexts; // text of each passage
};
using PerplexityDataPtr = std::shared_ptr<const PerplexityData>;

struct SearchResults {
    QString query;
    std::vector<SearchHit> hits;
    double milliseconds = 0;
};

// What a question retrieves: the best pages and the key figures of the documents searched.
struct RetrievedPassage {
    std::int64_t documentId = 0;
    int page = 0;
    std::string section;
    std::string snippet; // with <b> marks
    std::string text; // the passage given to a model (whitespace collapsed, bounded)
};

struct RetrievalContext {
    QString question;
    std::vector<RetrievedPassage> passages;
    std::vector<KeyFigure> figures;
};

// Whether the loaded model can answer questions itself.
struct ModelCapabilities {
    bool hasTokenizer = false;
    bool hasChatTemplate = false;
    QString tokenizerError; // why there is no tokenizer, when there is none
};

// UTF-8 byte offset within text -> UTF-16 index (for QString positions); offsets past the end clamp.
int utf16Index(std::string_view text, std::size_t byteOffset);

} // namespace moescope

Q_DECLARE_METATYPE(moescope::ModelCapabilities)
Q_DECLARE_METATYPE(moescope::RetrievalContext)

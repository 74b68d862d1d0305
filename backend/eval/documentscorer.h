#pragma once
// Scores a whole document with the loaded model: per-token surprisal (sliding window), perplexity per page and per
// 10-K section, and the most surprising passages, each mapped back to pages through the tokens' byte offsets.
// The routing of the same pass goes to the observer (one event per token, absolute positions).

#include "docs/document.h"
#include "docs/documentstructure.h"
#include "eval/perplexity.h"
#include "tokenizer/tokenencoding.h"
#include <cstdint>

#include <optional>
#include <string>
#include <vector>

namespace moescope {

class Engine;
class SessionStore;
class Tokenizer;

struct SectionPerplexity {
    std::string item;
    std::string title;
    int pageStart = 0;
    int pageEnd = 0;
    std::int64_t tokens = 0;
    double perplexity = 0;
};

struct SurprisingPassage {
    std::uint32_t begin = 0; // byte offsets in the document text
    std::uint32_t end = 0;
    int page = 0;
    std::string section;
    double meanSurprisal = 0; // nats per token
};

struct DocumentScore {
    TokenEncoding tokens; // ids + byte offsets into Document::text()
    TokenScores scores;
    std::vector<double> pagePerplexity; // per page; NaN where a page has no scored token
    std::vector<std::int64_t> pageTokens;
    std::vector<SectionPerplexity> sections;
    double perplexity() const { return scores.perplexity(); }
};

DocumentScore scoreDocument(Engine& engine, const Tokenizer& tokenizer, const Document& document,
    const DocumentStructure& structure, const PerplexityOptions& options = {}, ForwardObserver* observer = nullptr,
    std::stop_token stop = {}, const ProgressCallback& progress = {});
// The same for tokens already made from document.text() (tokenizer.encodeWithOffsets(text, false)), for callers that
// shape an observer (a RoutingRecorder) by the tokens before the pass.
DocumentScore scoreDocument(Engine& engine, TokenEncoding tokens, const Document& document,
    const DocumentStructure& structure, const PerplexityOptions& options = {}, ForwardObserver* observer = nullptr,
    std::stop_token stop = {}, const ProgressCallback& progress = {});

// The `count` passages of about `windowTokens` tokens with the highest mean surprisal, not overlapping.
std::vector<SurprisingPassage> mostSurprisingPassages(const DocumentScore& score, const Document& document,
    const DocumentStructure& structure, int count = 20, int windowTokens = 24);

// Stores a score as an analysis run of kind "perplexity" (token ids, offsets, log-probs as BLOBs; page and section
// perplexities as run values); returns the run id. One transaction per call of the store.
std::int64_t saveDocumentScore(SessionStore& store, std::int64_t documentId, const std::string& model,
    const PerplexityOptions& options, const DocumentScore& score);

// Rebuilds a Document from a session's stored pages.
Document documentFromStore(SessionStore& store, std::int64_t documentId);

} // namespace moescope

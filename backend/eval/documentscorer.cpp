#include "eval/documentscorer.h"

#include "eval/scoringtext.h"
#include <cstdint>

#include "core/error.h"
#include "runtime/engine.h"
#include "store/sessionstore.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace moescope {

DocumentScore scoreDocument(Engine& engine, const Tokenizer& tokenizer, const Document& document,
    const DocumentStructure& structure, const PerplexityOptions& options, ForwardObserver* observer,
    std::stop_token stop, const ProgressCallback& progress)
{
    return scoreDocument(engine, encodeDocumentText(tokenizer, document.text()), document, structure, options,
        observer, stop, progress);
}

DocumentScore scoreDocument(Engine& engine, TokenEncoding tokens, const Document& document,
    const DocumentStructure& structure, const PerplexityOptions& options, ForwardObserver* observer,
    std::stop_token stop, const ProgressCallback& progress)
{
    DocumentScore out;
    out.tokens = std::move(tokens);
    out.scores = scoreSequence(engine, out.tokens.ids, options, observer, stop, progress);

    const auto pages = static_cast<std::size_t>(document.pageCount());
    std::vector<double> pageNll(pages, 0.0);
    out.pageTokens.assign(pages, 0);
    std::vector<double> sectionNll(structure.sections.size(), 0.0);
    std::vector<std::int64_t> sectionTokens(structure.sections.size(), 0);
    for (std::size_t i = 0; i < out.tokens.ids.size(); ++i) {
        const float lp = out.scores.logProbs[i];
        if (std::isnan(lp))
            continue;
        const auto offset = out.tokens.offsets[i].begin;
        const auto page = static_cast<std::size_t>(document.pageAt(offset));
        pageNll[page] -= lp;
        ++out.pageTokens[page];
        if (const auto* s = structure.sectionAt(offset)) {
            const auto k = static_cast<std::size_t>(s - structure.sections.data());
            sectionNll[k] -= lp;
            ++sectionTokens[k];
        }
    }
    out.pagePerplexity.resize(pages);
    for (std::size_t p = 0; p < pages; ++p)
        out.pagePerplexity[p] = out.pageTokens[p] ? std::exp(pageNll[p] / static_cast<double>(out.pageTokens[p]))
                                                  : std::numeric_limits<double>::quiet_NaN();
    for (std::size_t k = 0; k < structure.sections.size(); ++k) {
        const auto& s = structure.sections[k];
        out.sections.push_back({ s.item, s.title, s.pageStart, s.pageEnd, sectionTokens[k],
            sectionTokens[k] ? std::exp(sectionNll[k] / static_cast<double>(sectionTokens[k]))
                             : std::numeric_limits<double>::quiet_NaN() });
    }
    return out;
}

std::vector<SurprisingPassage> mostSurprisingPassages(const DocumentScore& score, const Document& document,
    const DocumentStructure& structure, int count, int windowTokens)
{
    const auto n = score.tokens.ids.size();
    const auto w = static_cast<std::size_t>(std::max(1, windowTokens));
    if (n < w + 1)
        return {};
    // Mean surprisal of every window by a running sum; then greedy selection of non-overlapping windows.
    std::vector<double> prefix(n + 1, 0.0);
    std::vector<int> counted(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const float lp = score.scores.logProbs[i];
        prefix[i + 1] = prefix[i] + (std::isnan(lp) ? 0.0 : -lp);
        counted[i + 1] = counted[i] + (std::isnan(lp) ? 0 : 1);
    }
    std::vector<std::pair<double, std::size_t>> windows;
    for (std::size_t start = 0; start + w <= n; start += std::max<std::size_t>(1, w / 4)) {
        const int c = counted[start + w] - counted[start];
        if (c > static_cast<int>(w / 2))
            windows.emplace_back((prefix[start + w] - prefix[start]) / c, start);
    }
    std::sort(windows.begin(), windows.end(), std::greater<>());
    std::vector<SurprisingPassage> out;
    std::vector<std::pair<std::size_t, std::size_t>> taken;
    for (const auto& [mean, start] : windows) {
        if (static_cast<int>(out.size()) >= count)
            break;
        const bool overlaps = std::any_of(
            taken.begin(), taken.end(), [&](const auto& t) { return start < t.second && t.first < start + w; });
        if (overlaps)
            continue;
        taken.emplace_back(start, start + w);
        SurprisingPassage p;
        p.begin = score.tokens.offsets[start].begin;
        p.end = score.tokens.offsets[start + w - 1].end;
        p.page = document.pageAt(p.begin);
        if (const auto* s = structure.sectionAt(p.begin))
            p.section = s->item;
        p.meanSurprisal = mean;
        out.push_back(p);
    }
    return out;
}

std::int64_t saveDocumentScore(SessionStore& store, std::int64_t documentId, const std::string& model,
    const PerplexityOptions& options, const DocumentScore& score)
{
    const nlohmann::json params = { { "window", options.window }, { "stride", options.stride } };
    const auto run = store.createRun("perplexity", documentId, model, params.dump());
    const auto& t = score.tokens;
    std::vector<std::uint32_t> begins(t.offsets.size()), ends(t.offsets.size());
    for (std::size_t i = 0; i < t.offsets.size(); ++i) {
        begins[i] = t.offsets[i].begin;
        ends[i] = t.offsets[i].end;
    }
    store.saveArray<std::int32_t>(run, "token_ids", BlobType::I32, t.ids);
    store.saveArray<std::int32_t>(run, "token_begin", BlobType::I32,
        std::span(reinterpret_cast<const std::int32_t*>(begins.data()), begins.size()));
    store.saveArray<std::int32_t>(
        run, "token_end", BlobType::I32, std::span(reinterpret_cast<const std::int32_t*>(ends.data()), ends.size()));
    store.saveArray<float>(run, "log_probs", BlobType::F32, score.scores.logProbs);
    std::vector<RunValue> pages, sections;
    for (std::size_t p = 0; p < score.pagePerplexity.size(); ++p)
        if (score.pageTokens[p] > 0)
            pages.push_back({ std::to_string(p), score.pagePerplexity[p], score.pageTokens[p] });
    for (const auto& s : score.sections)
        if (s.tokens > 0)
            sections.push_back({ s.item, s.perplexity, s.tokens });
    store.saveRunValues(run, "page", pages);
    store.saveRunValues(run, "section", sections);
    const nlohmann::json summary = { { "perplexity", score.perplexity() }, { "tokens", t.ids.size() },
        { "scored_tokens", score.scores.scored }, { "mean_nll", score.scores.meanNll } };
    store.updateRun(run, "done", summary.dump());
    return run;
}

Document documentFromStore(SessionStore& store, std::int64_t documentId)
{
    const auto stored = store.document(documentId);
    if (!stored)
        throw InvalidArgumentError("the session has no document " + std::to_string(documentId));
    std::vector<std::string> texts;
    std::vector<PageSize> sizes;
    for (auto& p : store.pages(documentId)) {
        texts.push_back(std::move(p.text));
        sizes.push_back({ p.width, p.height });
    }
    return Document(stored->path, {}, {}, texts, sizes);
}

} // namespace moescope

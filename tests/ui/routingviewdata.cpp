#include "routingviewdata.h"

#include "eval/routingqueries.h"
#include "eval/routingsegments.h"

#include <algorithm>

namespace moescope::test {

namespace {
// xorshift64*: fast and deterministic everywhere (the generator fills 62M choices for the benchmark).
struct Rng {
    std::uint64_t s;
    std::uint32_t operator()()
    {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return std::uint32_t((s * 0x2545F4914F6CDD1DULL) >> 32);
    }
    double uniform() { return (*this)() / 4294967296.0; }
};

std::vector<std::string> makeWords(Rng& rng, int count)
{
    static const char* kSyllables[] = { "ka", "ro", "fin", "tel", "mar", "ex", "pon", "di", "ser", "ac", "um", "vis",
        "lo", "re", "ta", "net", "cap", "ol", "in", "gra" };
    std::vector<std::string> words;
    for (int i = 0; i < count; ++i) {
        std::string w;
        for (int n = 1 + int(rng() % 3); n >= 0; --n)
            w += kSyllables[rng() % 20];
        words.push_back(w);
    }
    return words;
}
} // namespace

DocumentDataPtr makeDocument(const std::vector<std::string>& pages, std::int64_t documentId)
{
    auto d = std::make_shared<DocumentData>();
    d->info.id = documentId;
    d->info.format = "txt";
    d->info.title = "synthetic";
    d->info.fileName = "synthetic.txt";
    d->info.pageCount = int(pages.size());
    std::size_t at = 0;
    for (std::size_t p = 0; p < pages.size(); ++p) {
        d->pages.push_back({ int(p), pages[p], {}, 612, 792 });
        d->pageOffsets.push_back(at);
        at += pages[p].size() + 1; // the '\f' between pages
    }
    return d;
}

RoutingViewData makeRoutingView(DocumentDataPtr document, std::shared_ptr<const RoutingTrace> trace, unsigned threads)
{
    auto view = std::make_shared<RoutingView>();
    StoredRoutingRun run;
    run.run.id = 1;
    run.run.kind = "routing";
    run.run.documentId = document->info.id;
    run.run.model = "synthetic-moe";
    run.run.status = "complete";
    run.run.createdAt = "2026-11-28T12:00:00Z";
    run.info = trace->info();
    run.info.modelName = "synthetic-moe";
    run.info.device = "cpu";
    run.info.dtype = "f32";
    run.moeLayers = trace->moeLayers();
    run.k = trace->k();
    run.numExperts = trace->numExperts();
    run.tokens = trace->tokenCount();
    auto pages = pageSegments(trace->offsets(), document->pageOffsets);
    run.aggregates = RoutingAggregates::build(*trace, {}, pages, {}, threads);
    view->runs = { run.run };
    view->run = std::move(run);
    view->queries = std::make_shared<const RoutingQueries>(trace, std::move(pages));
    return { std::move(document), std::move(view), std::move(trace) };
}

RoutingViewData makeSyntheticRouting(
    std::size_t tokens, int layers, int k, int experts, std::size_t tokensPerPage, unsigned seed, unsigned threads)
{
    Rng rng { 0x9E3779B97F4A7C15ULL ^ seed };
    const auto words = makeWords(rng, 2000);
    std::vector<std::int32_t> ids(tokens);
    std::vector<TextSpan> offsets(tokens);
    std::vector<std::string> pages(1);
    std::size_t pageBase = 0, nextBreak = 12;
    for (std::size_t t = 0; t < tokens; ++t) {
        if (t > 0 && t % tokensPerPage == 0) {
            pageBase += pages.back().size() + 1;
            pages.emplace_back();
        }
        // Zipf-like ids: low ids much more often.
        const auto id = std::int32_t(std::min(rng() % 2000, std::min(rng() % 2000, rng() % 2000)));
        ids[t] = id;
        std::string& page = pages.back();
        const bool lineBreak = t == nextBreak;
        if (lineBreak)
            nextBreak = t + 12 + rng() % 9;
        const std::size_t begin = pageBase + page.size();
        page += (lineBreak ? "\n" : page.empty() ? "" : " ") + words[std::size_t(id)];
        offsets[t] = { std::uint32_t(begin), std::uint32_t(pageBase + page.size()) };
    }
    std::vector<int> moeLayers;
    for (int l = 1; l <= layers; ++l)
        moeLayers.push_back(l);
    RoutingTrace trace(moeLayers, k, experts, std::move(ids), std::move(offsets));
    trace.info().modelName = "synthetic-moe";
    std::vector<std::int32_t> chosen(tokens * std::size_t(k));
    std::vector<float> weights(chosen.size());
    for (int slot = 0; slot < layers; ++slot) {
        for (std::size_t t = 0; t < tokens; ++t) {
            std::int32_t* c = chosen.data() + t * std::size_t(k);
            float* w = weights.data() + t * std::size_t(k);
            const double u = rng.uniform();
            const auto preferred
                = std::int32_t((std::uint32_t(trace.tokenIds()[t]) * 7u + unsigned(slot) * 13u) % unsigned(experts));
            c[0] = u < 0.5            ? preferred
                : (u < 0.75 && t > 0) ? chosen[(t - 1) * std::size_t(k)]
                                      : std::int32_t(rng() % unsigned(experts));
            for (int j = 1; j < k; ++j)
                do
                    c[j] = std::int32_t(std::min(rng() % unsigned(experts), rng() % unsigned(experts)));
                while (std::find(c, c + j, c[j]) != c + j);
            // Top-1 weight in [0.3, 0.8); the rest split the remainder in decreasing random shares.
            w[0] = float(0.3 + 0.5 * rng.uniform());
            float rest = 1.0f - w[0];
            for (int j = 1; j < k; ++j) {
                const float share = j + 1 == k ? rest : rest * float(0.3 + 0.4 * rng.uniform());
                w[j] = std::min(share, w[j - 1]);
                rest -= w[j];
            }
        }
        trace.setRouting(slot, 0, tokens, chosen.data(), weights.data());
    }
    return makeRoutingView(makeDocument(pages), std::make_shared<const RoutingTrace>(std::move(trace)), threads);
}

} // namespace moescope::test

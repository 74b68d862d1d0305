// Benchmark: the routing inspector's backend on the reference size, a 400k-token trace of a
// DeepSeek-V2-Lite-sized model (26 MoE layers, top-6 of 64 experts), synthetic routing. Prints the memory of the
// trace, the aggregate build (all threads and one), the recorder's incremental cost per event, every view query
// cold and warm, drift, the session save, and opening the session (summary) and loading the full trace.
//   bench_routing [TOKENS] [WORK_DIR]

#include "eval/routingaggregates.h"
#include "eval/routingdrift.h"
#include "eval/routingqueries.h"
#include "eval/routingrecorder.h"
#include "eval/routingtracestore.h"
#include "routingtesthelpers.h"
#include "store/sessionstore.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

using namespace moescope;

namespace {

using Clock = std::chrono::steady_clock;

template <typename F> double timeMs(F&& f)
{
    const auto t0 = Clock::now();
    f();
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Best of `repeats` runs: the machine this runs on is often shared, and the minimum is the query's own cost.
template <typename F> double bestMs(int repeats, F&& f)
{
    double best = 1e300;
    for (int r = 0; r < repeats; ++r)
        best = std::min(best, timeMs([&] { f(r); }));
    return best;
}

void row(const char* what, double ms)
{
    std::printf("  %-62s %9.2f ms\n", what, ms);
}

} // namespace

int main(int argc, char** argv)
{
    const std::size_t tokens = argc > 1 ? std::size_t(std::stoull(argv[1])) : 400000;
    const std::filesystem::path dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path();
    std::vector<int> layers;
    for (int l = 1; l <= 26; ++l)
        layers.push_back(l);
    try {
        std::printf("routing benchmark: %zu tokens, 26 MoE layers, top-6 of 64 experts, %u hardware threads\n", tokens,
            std::thread::hardware_concurrency());
        RoutingTrace built;
        const double makeMs = timeMs([&] { built = test::makeRandomTrace(tokens, layers, 6, 64, 1, 100000, true); });
        std::printf("  synthetic trace generated in %.0f ms; trace memory %.1f MB (ids %.1f MB, weights %.1f MB)\n",
            makeMs, built.memoryBytes() / 1e6, tokens * 26 * 6 / 1e6, tokens * 26 * 6 * 2 / 1e6);
        auto trace = std::make_shared<const RoutingTrace>(std::move(built));
        const RoutingTrace& t = *trace;

        // 500 pages and 23 sections, as a 500-page 10-K.
        std::vector<RoutingSegment> pages, sections;
        for (std::size_t p = 0; p < 500; ++p)
            pages.push_back({ std::to_string(p), "page", p * tokens / 500, (p + 1) * tokens / 500, int(p), int(p) });
        for (std::size_t s = 0; s < 23; ++s)
            sections.push_back({ std::to_string(s), "item", s * tokens / 23, (s + 1) * tokens / 23, -1, -1 });

        std::printf("aggregates\n");
        RoutingAggregates aggregates;
        row("build from the trace, all threads",
            bestMs(2, [&](int) { aggregates = RoutingAggregates::build(t, sections, pages); }));
        row("build from the trace, 1 thread",
            bestMs(2, [&](int) { RoutingAggregates::build(t, sections, pages, {}, 1); }));
        std::printf("  aggregates memory %.1f MB\n", aggregates.memoryBytes() / 1e6);
        {
            // The recorder's work per runtime event (one layer x 1024 tokens), as during a forward pass.
            RoutingRecorder recorder(
                RoutingTrace(layers, 6, 64, std::vector<std::int32_t>(t.tokenIds().begin(), t.tokenIds().end()),
                    std::vector<TextSpan>(t.offsets().begin(), t.offsets().end())),
                sections, pages);
            std::vector<std::int32_t> ids(1024 * 6);
            std::vector<float> w(ids.size());
            const std::size_t chunk = 1024, events = std::min<std::size_t>(tokens / chunk, 40);
            double ms = 0;
            for (std::size_t c = 0; c < events; ++c)
                for (int slot = 0; slot < 26; ++slot) {
                    for (std::size_t i = 0; i < ids.size(); ++i) {
                        ids[i] = t.expert(slot, c * chunk + i / 6, int(i % 6));
                        w[i] = t.weight(slot, c * chunk + i / 6, int(i % 6));
                    }
                    RoutingEvent e { layers[std::size_t(slot)], std::int64_t(c * chunk), std::int64_t(chunk), 6, 64,
                        ids.data(), w.data(), nullptr };
                    ms += timeMs([&] { recorder.onRouting(e); });
                }
            row("recorder: one event (1 layer x 1024 tokens), mean", ms / double(events * 26));
            row("snapshot copy of the live aggregates",
                timeMs([&] { RoutingAggregates copy = recorder.aggregates(); }));
        }

        std::printf("view queries (cold = first use of the layer, warm = cached)\n");
        double sink = 0;
        row("heatmap: shares of all 26 layers", timeMs([&] {
            for (int s = 0; s < 26; ++s)
                sink += aggregates.share(s)[0];
        }));
        row("balance + entropy + persistence of all 26 layers", timeMs([&] {
            for (int s = 0; s < 26; ++s)
                sink += aggregates.balance(s).cv + aggregates.meanTopkEntropy(s) + aggregates.persistence(s);
        }));
        row("section specialisation (JSD), all layers x 23 sections", timeMs([&] {
            for (int s = 0; s < 26; ++s)
                sink += aggregates.sectionSpecialisation(s)[0];
        }));
        row("page specialisation (JSD), all layers x 500 pages", timeMs([&] {
            for (int s = 0; s < 26; ++s)
                sink += aggregates.pageSpecialisation(s)[0];
        }));
        constexpr int kRepeats = 5;
        // Cold queries use a fresh RoutingQueries (empty caches) per repetition.
        row("click a cell: tokens of (layer 13, expert 5), cold: index + all rows", bestMs(kRepeats, [&](int) {
            RoutingQueries fresh(trace, pages);
            sink += double(fresh.routedTokens(13, 5).size());
        }));
        RoutingQueries queries(trace, pages);
        queries.expertIndex(13);
        row("click a cell: tokens of (layer 13, expert r), warm: all rows",
            bestMs(kRepeats, [&](int r) { sink += double(queries.routedTokens(13, r).size()); }));
        row("click a cell: first 200 rows by weight, warm", bestMs(kRepeats, [&](int r) {
            sink += double(queries.routedTokens(13, r, 0, 200, RoutedTokenOrder::Weight).size());
        }));
        row("expert index of a layer (CSR build)", bestMs(kRepeats, [&](int r) {
            RoutingQueries fresh(trace, pages);
            sink += double(fresh.expertIndex(20 + r)->count(0));
        }));
        row("tooltip: one token's top-k in all 26 layers",
            bestMs(kRepeats, [&](int r) { sink += queries.tokenRouting(tokens / 2 + std::size_t(r)).layers.size(); }));
        row("token colouring: top-1 + entropies of a layer, cold", bestMs(kRepeats, [&](int r) {
            RoutingQueries fresh(trace, pages);
            sink += fresh.layerTokenStats(3 + r)->top1.size();
        }));
        queries.layerTokenStats(3);
        row("token colouring: top-1 + entropies of a layer, warm",
            bestMs(kRepeats, [&](int) { sink += queries.layerTokenStats(3)->top1.size(); }));
        row("top tokens of (layer 13, expert 5), cold (vocabulary count)", bestMs(kRepeats, [&](int) {
            RoutingQueries fresh(trace, pages);
            fresh.expertIndex(13);
            sink += fresh.topTokens(13, 5).byCount.size();
        }));
        queries.topTokens(13, 0);
        row("top tokens of (layer 13, expert r), warm",
            bestMs(kRepeats, [&](int r) { sink += queries.topTokens(13, 9 + r).byLift.size(); }));
        row("top tokens of all 64 experts of a layer (CSV export)", timeMs([&] {
            for (int e = 0; e < 64; ++e)
                sink += queries.topTokens(14, e).byCount.size();
        }));

        std::printf("drift\n");
        RoutingTrace other = t;
        {
            std::vector<std::int32_t> ids(6);
            std::vector<float> w(6, 0.1f);
            for (std::size_t i = 0; i < tokens; i += 7) {
                for (int j = 0; j < 6; ++j)
                    ids[std::size_t(j)] = (t.expert(4, i, j) + 1) % 64;
                other.setRouting(4, i, 1, ids.data(), w.data());
            }
        }
        RoutingDrift drift;
        row("drift of two runs, 26 layers", bestMs(3, [&](int) { drift = computeRoutingDrift(t, other); }));
        std::printf("  (layer 5 changed share %.4f, expected %.4f)\n", drift.layers[4].changedShare,
            double((tokens + 6) / 7) / double(tokens));

        std::printf("session\n");
        const auto db = dir / "bench_routing.moescope";
        std::filesystem::remove(db);
        std::int64_t run = 0;
        {
            SessionStore s = SessionStore::create(db, "bench");
            row("save trace + aggregates", timeMs([&] { run = saveRoutingRun(s, t, aggregates, std::nullopt); }));
        }
        std::printf("  session file %.1f MB\n", std::filesystem::file_size(db) / 1e6);
        row("open the session + list runs + load the summary (aggregates)", bestMs(3, [&](int) {
            SessionStore s = SessionStore::open(db);
            sink += double(s.runs().size());
            sink += double(loadRoutingSummary(s, run).aggregates.tokens());
        }));
        SessionStore s = SessionStore::open(db);
        row("load the full trace (all per-token parts, validated)",
            bestMs(3, [&](int) { sink += double(loadRoutingTrace(s, run).tokenCount()); }));
        std::printf("(checksum %.3g)\n", sink);
        std::filesystem::remove(db);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_routing: %s\n", e.what());
        return 1;
    }
    return 0;
}

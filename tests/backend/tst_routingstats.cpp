// Routing statistics without a model: the metric functions on hand-made examples (entropy, Jensen-Shannon divergence,
// load balance, Jaccard), the aggregates against a direct recount from the raw trace (also when built incrementally
// in shuffled chunks), the view queries against brute force, segments, and drift (itself: 0; a run with known
// changes: exactly those). Tolerances: sums of float16 weights compared within 1e-9 relative (both sides add the
// same float16 values in double); entropies within 1e-6 bits.

#include "eval/routingaggregates.h"
#include "eval/routingdrift.h"
#include "eval/routingqueries.h"
#include "eval/routingrecorder.h"
#include "routingtesthelpers.h"

#include "core/error.h"
#include "core/half.h"
#include "docs/documentstructure.h"

#include <QTest>

#include <cmath>
#include <map>
#include <set>

using namespace moescope;
using moescope::test::makeRandomTrace;

namespace {

bool near(double a, double b, double tol)
{
    return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

std::vector<RoutingSegment> evenSegments(std::size_t tokens, std::size_t parts, bool withGap)
{
    std::vector<RoutingSegment> out;
    const std::size_t step = tokens / parts;
    for (std::size_t p = 0; p < parts; ++p) {
        const std::size_t b = p * step + (withGap && p == 0 ? 3 : 0);
        const std::size_t e = p + 1 == parts ? tokens : (p + 1) * step;
        out.push_back({ std::to_string(p), "part " + std::to_string(p), b, e, int(p), int(p) });
    }
    return out;
}

// The aggregates of one layer, recounted with the simplest loops over the trace's accessors.
struct Recount {
    std::vector<std::int64_t> counts, top1;
    std::vector<double> mass;
    std::map<std::pair<int, int>, std::int64_t> coactivation;
    std::vector<std::vector<std::int64_t>> sectionCounts;
    double entropySum = 0;
    std::int64_t pairs = 0, same = 0;
};

int top1Of(const RoutingTrace& t, int slot, std::size_t token)
{
    int best = 0;
    for (int j = 1; j < t.k(); ++j)
        if (t.weight(slot, token, j) > t.weight(slot, token, best))
            best = j;
    return t.expert(slot, token, best);
}

Recount recount(const RoutingTrace& t, int slot, const std::vector<RoutingSegment>& sections)
{
    Recount r;
    const auto e = std::size_t(t.numExperts());
    r.counts.assign(e, 0);
    r.top1.assign(e, 0);
    r.mass.assign(e, 0);
    r.sectionCounts.assign(sections.size(), std::vector<std::int64_t>(e, 0));
    for (std::size_t i = 0; i < t.tokenCount(); ++i) {
        std::vector<double> w;
        for (int j = 0; j < t.k(); ++j) {
            const int x = t.expert(slot, i, j);
            ++r.counts[std::size_t(x)];
            r.mass[std::size_t(x)] += t.weight(slot, i, j);
            w.push_back(t.weight(slot, i, j));
            for (int m = 0; m < t.k(); ++m)
                ++r.coactivation[{ x, t.expert(slot, i, m) }];
            for (std::size_t s = 0; s < sections.size(); ++s)
                if (i >= sections[s].tokenBegin && i < sections[s].tokenEnd)
                    ++r.sectionCounts[s][std::size_t(x)];
        }
        r.entropySum += entropyBits(w);
        ++r.top1[std::size_t(top1Of(t, slot, i))];
        if (i > 0) {
            ++r.pairs;
            r.same += top1Of(t, slot, i - 1) == top1Of(t, slot, i);
        }
    }
    return r;
}

void compareWithRecount(const RoutingAggregates& a, const RoutingTrace& t, const std::vector<RoutingSegment>& sections)
{
    for (int slot = 0; slot < t.layerCount(); ++slot) {
        const Recount r = recount(t, slot, sections);
        const LayerRouting& l = a.layer(slot);
        QCOMPARE(l.tokens, std::int64_t(t.tokenCount()));
        QCOMPARE(l.counts, r.counts);
        QCOMPARE(l.top1Counts, r.top1);
        for (std::size_t e = 0; e < r.mass.size(); ++e)
            QVERIFY(near(l.weightMass[e], r.mass[e], 1e-9));
        const auto ne = std::size_t(t.numExperts());
        const auto coactivation = a.coactivation(slot);
        for (std::size_t x = 0; x < ne; ++x)
            for (std::size_t y = 0; y < ne; ++y) {
                const auto it = r.coactivation.find({ int(x), int(y) });
                QCOMPARE(std::int64_t(coactivation[x * ne + y]), it == r.coactivation.end() ? 0 : it->second);
            }
        for (std::size_t s = 0; s < sections.size(); ++s)
            for (std::size_t x = 0; x < ne; ++x)
                QCOMPARE(std::int64_t(l.sectionCounts[s * ne + x]), r.sectionCounts[s][x]);
        QVERIFY(near(l.topkEntropySum, r.entropySum, 1e-9));
        QCOMPARE(l.persistencePairs, r.pairs);
        QCOMPARE(l.persistenceSame, r.same);
    }
}

} // namespace

class TestRoutingStats : public QObject {
    Q_OBJECT
private slots:
    void entropy()
    {
        QCOMPARE(entropyBits(std::vector<double> { 1, 1, 1, 1 }), 2.0);
        QCOMPARE(entropyBits(std::vector<double> { 0.5, 0.5 }), 1.0);
        QCOMPARE(entropyBits(std::vector<double> { 3, 0, 0 }), 0.0);
        QCOMPARE(entropyBits(std::vector<double> { 0, 0 }), 0.0);
        // Unnormalised weights (DeepSeek-V2 does not renormalise the top-k): same as normalised.
        QVERIFY(near(entropyBits(std::vector<double> { 0.2, 0.1, 0.1 }), 1.5, 1e-12));
    }

    void jensenShannon_data()
    {
        QTest::addColumn<std::vector<double>>("p");
        QTest::addColumn<std::vector<double>>("q");
        QTest::addColumn<double>("expected"); // NaN: only check bounds and symmetry
        QTest::newRow("identical") << std::vector<double> { 1, 2, 3 } << std::vector<double> { 1, 2, 3 } << 0.0;
        QTest::newRow("proportional") << std::vector<double> { 1, 2, 3 } << std::vector<double> { 10, 20, 30 } << 0.0;
        QTest::newRow("disjoint") << std::vector<double> { 1, 0 } << std::vector<double> { 0, 1 } << 1.0;
        // p = (1, 0), q = (1/2, 1/2): M = (3/4, 1/4); JSD = 1/2 log2(4/3) + 1/2 (1/2 log2(2/3) + 1/2 log2 2).
        QTest::newRow("half") << std::vector<double> { 1, 0 } << std::vector<double> { 1, 1 }
                              << 0.5 * std::log2(4.0 / 3) + 0.25 * std::log2(2.0 / 3) + 0.25;
        QTest::newRow("random") << std::vector<double> { 5, 1, 0, 7 } << std::vector<double> { 0, 2, 9, 1 }
                                << std::nan("");
    }
    void jensenShannon()
    {
        QFETCH(std::vector<double>, p);
        QFETCH(std::vector<double>, q);
        QFETCH(double, expected);
        const double pq = jensenShannonBits(p, q), qp = jensenShannonBits(q, p);
        QCOMPARE(pq, qp); // symmetric
        QVERIFY(pq >= 0 && pq <= 1);
        if (!std::isnan(expected))
            QVERIFY(near(pq, expected, 1e-12));
        QVERIFY(std::isnan(jensenShannonBits(p, std::vector<double>(p.size(), 0.0))));
    }

    void loadBalanceHandMade()
    {
        // Even load.
        auto b = loadBalance(std::vector<std::int64_t> { 5, 5, 5, 5 });
        QCOMPARE(b.cv, 0.0);
        QCOMPARE(b.maxOverMean, 1.0);
        QCOMPARE(b.balancedness, 1.0);
        // Counts 1, 3: mean 2, population sd 1, cv 0.5, max/mean 1.5, balancedness 2/3.
        b = loadBalance(std::vector<std::int64_t> { 1, 3 });
        QCOMPARE(b.mean, 2.0);
        QCOMPARE(b.cv, 0.5);
        QCOMPARE(b.maxOverMean, 1.5);
        QVERIFY(near(b.balancedness, 2.0 / 3, 1e-15));
        // Everything on one of 8 experts: mean 1, max 8 -> balancedness 1/8, cv sqrt(7).
        b = loadBalance(std::vector<std::int64_t> { 8, 0, 0, 0, 0, 0, 0, 0 });
        QCOMPARE(b.balancedness, 0.125);
        QCOMPARE(b.maxOverMean, 8.0);
        QVERIFY(near(b.cv, std::sqrt(7.0), 1e-12));
        QCOMPARE(b.minLoad, std::int64_t(0));
        b = loadBalance(std::vector<std::int64_t> { 0, 0 });
        QVERIFY(std::isnan(b.cv) && std::isnan(b.balancedness));
    }

    void jaccardHandMade()
    {
        QCOMPARE(jaccard(std::vector<int> { 1, 2, 3 }, std::vector<int> { 3, 2, 1 }), 1.0);
        QCOMPARE(jaccard(std::vector<int> { 1, 2 }, std::vector<int> { 3, 4 }), 0.0);
        QCOMPARE(jaccard(std::vector<int> { 1, 2, 3 }, std::vector<int> { 2, 3, 4 }), 0.5);
        QCOMPARE(jaccard(std::vector<int> {}, std::vector<int> {}), 1.0);
    }

    void traceBasics()
    {
        RoutingTrace t({ 1, 3 }, 2, 8, { 5, 6, 7 }, { { 0, 1 }, { 1, 3 }, { 3, 4 } });
        QCOMPARE(t.slotOf(3), 1);
        QCOMPARE(t.slotOf(2), -1);
        const std::int32_t ids[] = { 0, 7, 1, 2, 3, 4 };
        const float w[] = { 0.25f, 0.75f, 0.5f, 0.5f, 1.0f / 3, 2.0f / 3 };
        t.setRouting(1, 0, 3, ids, w);
        QCOMPARE(t.expert(1, 0, 1), 7);
        QCOMPARE(t.weight(1, 0, 1), 0.75f);
        QVERIFY(std::abs(t.weight(1, 2, 0) - 1.0f / 3) < 1e-3f); // float16
        QCOMPARE(t.memoryBytes(), std::size_t(3 * 4 + 3 * 8 + 2 * 6 * 3));
        const std::int32_t bad[] = { 8, 0 };
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, t.setRouting(0, 0, 1, bad, w));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, t.setRouting(0, 2, 2, ids, w));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, RoutingTrace({}, 2, 8, {}, {}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, RoutingTrace({ 2, 1 }, 2, 8, {}, {}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, RoutingTrace({ 1 }, 9, 8, {}, {}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, RoutingTrace({ 1 }, 2, 8, { 1 }, { { 2, 1 } }));
        // > 256 experts: 16-bit ids.
        RoutingTrace wide({ 0 }, 1, 300, { 1 }, {});
        const std::int32_t big[] = { 299 };
        const float one[] = { 1.0f };
        wide.setRouting(0, 0, 1, big, one);
        QVERIFY(wide.wideIds());
        QCOMPARE(wide.expert(0, 0, 0), 299);
        // Memory of the 400k-token, 26-layer top-6 trace: ids 1 byte + weights 2 bytes per choice.
        const std::size_t choices = std::size_t(400000) * 26 * 6;
        QVERIFY(choices * 3 < std::size_t(200) << 20);
    }

    void topChoiceUsesLargestWeight()
    {
        const std::uint16_t w[] = { floatToHalf(0.2f), floatToHalf(0.7f), floatToHalf(0.1f), floatToHalf(0.7f) };
        QCOMPARE(topChoice(w, 4), 1); // first of the tied maxima
        const std::uint16_t neg[] = { floatToHalf(-1.0f), floatToHalf(-0.5f) };
        QCOMPARE(topChoice(neg, 2), 1);
    }

    void aggregatesMatchRecount_data()
    {
        QTest::addColumn<int>("experts");
        QTest::addColumn<int>("k");
        QTest::newRow("16 experts top-2 (demo model)") << 16 << 2;
        QTest::newRow("64 experts top-6 (DeepSeek-V2-Lite)") << 64 << 6;
        QTest::newRow("300 experts top-3 (16-bit ids)") << 300 << 3;
    }
    void aggregatesMatchRecount()
    {
        QFETCH(int, experts);
        QFETCH(int, k);
        const std::size_t n = 3000;
        const RoutingTrace t = makeRandomTrace(n, { 1, 2, 5 }, k, experts, 7, 500, true);
        const auto sections = evenSegments(n, 5, true);
        const auto a = RoutingAggregates::build(t, sections, evenSegments(n, 11, false), {}, 2);
        compareWithRecount(a, t, sections);
        for (int s = 0; s < t.layerCount(); ++s) {
            double re = 0;
            for (std::size_t i = 0; i < n; ++i)
                re += halfToFloat(t.routerEntropyHalf(s)[i]);
            QVERIFY(near(a.meanRouterEntropy(s), re / double(n), 1e-9));
            // Shares sum to 1; balance agrees with the counts.
            double total = 0;
            for (const double x : a.share(s))
                total += x;
            QVERIFY(near(total, 1.0, 1e-12));
            QCOMPARE(a.balance(s).maxLoad, *std::max_element(a.layer(s).counts.begin(), a.layer(s).counts.end()));
            // Specialisation: each section's JSD against the layer's whole distribution.
            const auto jsd = a.sectionSpecialisation(s);
            const auto sectionShare = a.sectionShare(s);
            for (std::size_t x = 0; x < sections.size(); ++x) {
                std::vector<double> p(std::size_t(experts), 0.0);
                for (std::size_t i = sections[x].tokenBegin; i < sections[x].tokenEnd; ++i)
                    for (int j = 0; j < k; ++j)
                        p[std::size_t(t.expert(s, i, j))] += 1;
                QVERIFY(near(jsd[x], jensenShannonBits(p, toDoubles(a.layer(s).counts)), 1e-12));
                double total = 0;
                for (int e = 0; e < experts; ++e) {
                    QVERIFY(near(sectionShare[x * std::size_t(experts) + std::size_t(e)],
                        p[std::size_t(e)] / double(sections[x].tokens() * std::size_t(k)), 1e-12));
                    total += sectionShare[x * std::size_t(experts) + std::size_t(e)];
                }
                QVERIFY(near(total, 1.0, 1e-12));
                QVERIFY(jsd[x] >= 0 && jsd[x] <= 1);
            }
        }
    }

    void recorderInShuffledChunks()
    {
        // Events arrive per layer and chunk, in any order: the aggregates must equal those built in one pass.
        const std::size_t n = 1000;
        const RoutingTrace source = makeRandomTrace(n, { 0, 4 }, 3, 16, 11);
        RoutingTrace empty({ 0, 4 }, 3, 16,
            std::vector<std::int32_t>(source.tokenIds().begin(), source.tokenIds().end()),
            std::vector<TextSpan>(source.offsets().begin(), source.offsets().end()));
        const auto sections = evenSegments(n, 4, false);
        RoutingRecorder recorder(std::move(empty), sections);
        std::vector<std::pair<int, std::size_t>> chunks;
        for (int layer : { 0, 4 })
            for (std::size_t b = 0; b < n; b += 64)
                chunks.emplace_back(layer, b);
        std::mt19937 rng(3);
        std::shuffle(chunks.begin(), chunks.end(), rng);
        std::vector<std::int32_t> ids;
        std::vector<float> w;
        for (std::size_t c = 0; c < chunks.size(); ++c) {
            const auto [layer, b] = chunks[c];
            const int slot = source.slotOf(layer);
            const std::size_t count = std::min<std::size_t>(64, n - b);
            ids.clear();
            w.clear();
            for (std::size_t i = b; i < b + count; ++i)
                for (int j = 0; j < 3; ++j) {
                    ids.push_back(source.expert(slot, i, j));
                    w.push_back(source.weight(slot, i, j));
                }
            RoutingEvent e { layer, std::int64_t(b), std::int64_t(count), 3, 16, ids.data(), w.data(), nullptr };
            recorder.onRouting(e);
            if (c + 1 < chunks.size())
                QVERIFY(!recorder.complete());
            if (c == 0)
                QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, recorder.onRouting(e)); // reported twice
        }
        QVERIFY(recorder.complete());
        auto [trace, aggregates] = std::move(recorder).finish();
        compareWithRecount(aggregates, source, sections);
        for (int s = 0; s < 2; ++s)
            QCOMPARE(trace.ids8(s).size(), source.ids8(s).size());
        QVERIFY(std::equal(trace.ids8(1).begin(), trace.ids8(1).end(), source.ids8(1).begin()));
    }

    void recorderRejectsForeignEvents()
    {
        RoutingRecorder recorder(RoutingTrace({ 1 }, 2, 8, { 1, 2, 3 }, {}));
        QVERIFY(recorder.wantsRouting(1));
        QVERIFY(!recorder.wantsRouting(0));
        QVERIFY(!recorder.wantsRouterLogits(1));
        const std::int32_t ids[] = { 0, 1, 2, 3, 4, 5 };
        const float w[] = { 1, 1, 1, 1, 1, 1 };
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, recorder.onRouting({ 0, 0, 1, 2, 8, ids, w, nullptr }));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, recorder.onRouting({ 1, 0, 1, 3, 8, ids, w, nullptr }));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, recorder.onRouting({ 1, 2, 2, 2, 8, ids, w, nullptr }));
        // A partial run keeps the prefix every layer saw.
        recorder.onRouting({ 1, 0, 2, 2, 8, ids, w, nullptr });
        QCOMPARE(recorder.completeTokens(), std::size_t(2));
        auto [trace, aggregates] = std::move(recorder).finish();
        QCOMPARE(trace.tokenCount(), std::size_t(2));
        QCOMPARE(aggregates.layer(0).tokens, std::int64_t(2));
        QCOMPARE(aggregates.layer(0).counts[3], std::int64_t(1));
    }

    void recorderRouterEntropy()
    {
        RoutingTrace t({ 0 }, 1, 4, { 1, 2 }, {}, true);
        t.info().routerEntropyKind = RouterEntropyKind::Softmax;
        RoutingRecorder recorder(std::move(t));
        QVERIFY(recorder.wantsRouterLogits(0));
        const std::int32_t ids[] = { 0, 1 };
        const float w[] = { 1, 1 };
        // Equal logits: uniform over 4 experts = 2 bits; one dominant logit: close to 0 bits.
        const float logits[] = { 3, 3, 3, 3, 100, 0, 0, 0 };
        recorder.onRouting({ 0, 0, 2, 1, 4, ids, w, logits });
        auto [trace, a] = std::move(recorder).finish();
        QCOMPARE(halfToFloat(trace.routerEntropyHalf(0)[0]), 2.0f);
        QVERIFY(halfToFloat(trace.routerEntropyHalf(0)[1]) < 1e-3f);
        QVERIFY(near(a.meanRouterEntropy(0), 1.0, 1e-3));
        QCOMPARE(a.routerEntropyKind(), RouterEntropyKind::Softmax);
    }

    void segments()
    {
        const std::vector<TextSpan> offsets = { { 0, 0 }, { 0, 4 }, { 4, 9 }, { 10, 12 }, { 12, 20 }, { 21, 25 } };
        // Pages at bytes 0, 10, 21 (a page starts after the form feed at 9 and 20).
        const std::vector<std::size_t> pageOffsets = { 0, 10, 21 };
        const auto pages = pageSegments(offsets, pageOffsets);
        QCOMPARE(pages.size(), std::size_t(3));
        QCOMPARE(pages[0].tokenBegin, std::size_t(0));
        QCOMPARE(pages[0].tokenEnd, std::size_t(3));
        QCOMPARE(pages[1].tokenEnd, std::size_t(5));
        QCOMPARE(pages[2].tokenEnd, std::size_t(6));
        DocumentStructure structure;
        structure.sections.push_back({ "1", "I", "Business", 0, 1, 4 });
        structure.sections.push_back({ "1A", "I", "Risk Factors", 1, 2, 12 });
        const auto sections = sectionSegments(offsets, structure);
        QCOMPARE(sections.size(), std::size_t(3));
        QCOMPARE(sections[0].key, std::string("front"));
        QCOMPARE(sections[0].tokenEnd, std::size_t(2));
        QCOMPARE(sections[1].key, std::string("1"));
        QCOMPARE(sections[1].tokenBegin, std::size_t(2));
        QCOMPARE(sections[1].tokenEnd, std::size_t(4));
        QCOMPARE(sections[2].tokenEnd, std::size_t(6));
        const auto of = segmentOfTokens(sections, 6);
        QCOMPARE(of, (std::vector<std::int32_t> { 0, 0, 1, 1, 2, 2 }));
        auto overlapping = sections;
        overlapping[1].tokenBegin = 1;
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, segmentOfTokens(overlapping, 6));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, segmentOfTokens(sections, 5));
    }

    void queries()
    {
        const std::size_t n = 5000;
        auto trace = std::make_shared<const RoutingTrace>(makeRandomTrace(n, { 2, 3 }, 4, 32, 5, 200, true));
        const auto pages = evenSegments(n, 7, false);
        RoutingQueries q(trace, pages, 1);
        const RoutingTrace& t = *trace;
        for (int layer : { 2, 3, 2 }) { // 2 again after eviction
            const int slot = t.slotOf(layer);
            const auto stats = q.layerTokenStats(layer);
            for (int e = 0; e < 32; ++e) {
                std::vector<std::uint32_t> expected;
                for (std::size_t i = 0; i < n; ++i)
                    for (int j = 0; j < 4; ++j)
                        if (t.expert(slot, i, j) == e)
                            expected.push_back(std::uint32_t(i));
                const auto rows = q.routedTokens(layer, e);
                QCOMPARE(rows.size(), expected.size());
                QCOMPARE(q.routedTokenCount(layer, e), expected.size());
                for (std::size_t r = 0; r < rows.size(); ++r) {
                    QCOMPARE(rows[r].token, expected[r]);
                    QCOMPARE(t.expert(slot, rows[r].token, rows[r].choice), e);
                    QCOMPARE(rows[r].weight, t.weight(slot, rows[r].token, rows[r].choice));
                    QCOMPARE(rows[r].span, t.offsets()[rows[r].token]);
                    QCOMPARE(rows[r].page, int(std::min<std::size_t>(rows[r].token / (n / 7), 6)));
                }
                // By weight: non-increasing, and a page of it equals the same rows of the full ordering.
                const auto heavy = q.routedTokens(layer, e, 0, SIZE_MAX, RoutedTokenOrder::Weight);
                for (std::size_t r = 1; r < heavy.size(); ++r)
                    QVERIFY(heavy[r - 1].weight >= heavy[r].weight);
                const auto page = q.routedTokens(layer, e, 3, 5, RoutedTokenOrder::Weight);
                for (std::size_t r = 0; r < page.size(); ++r)
                    QCOMPARE(page[r].token, heavy[3 + r].token);
            }
            for (std::size_t i = 0; i < n; i += 97) {
                QCOMPARE(int(stats->top1[i]), top1Of(t, slot, i));
                std::vector<double> w;
                for (int j = 0; j < 4; ++j)
                    w.push_back(t.weight(slot, i, j));
                QVERIFY(std::abs(stats->topkEntropy[i] - entropyBits(w)) < 1e-5);
                QCOMPARE(stats->routerEntropy[i], halfToFloat(t.routerEntropyHalf(slot)[i]));
            }
        }
        const auto tr = q.tokenRouting(1234);
        QCOMPARE(tr.layers.size(), std::size_t(2));
        QCOMPARE(tr.tokenId, t.tokenIds()[1234]);
        for (int j = 0; j < 4; ++j) {
            QCOMPARE(tr.layers[1].experts[std::size_t(j)], t.expert(1, 1234, j));
            QCOMPARE(tr.layers[1].weights[std::size_t(j)], t.weight(1, 1234, j));
        }
        QCOMPARE(tr.layers[0].top1, top1Of(t, 0, 1234));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, q.tokenRouting(n));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, q.routedTokens(1, 0));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, q.routedTokens(2, 32));
    }

    void topTokens()
    {
        // Brute-force count and lift of token ids routed to (layer 3, expert 0).
        const std::size_t n = 4000;
        auto trace = std::make_shared<const RoutingTrace>(makeRandomTrace(n, { 3 }, 2, 8, 9, 50));
        RoutingQueries q(trace);
        std::map<std::int32_t, std::uint32_t> routed, total;
        std::size_t expertTokens = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const auto id = trace->tokenIds()[i];
            ++total[id];
            for (int j = 0; j < 2; ++j)
                if (trace->expert(0, i, j) == 0) {
                    ++routed[id];
                    ++expertTokens;
                }
        }
        const auto top = q.topTokens(3, 0, { 10, 20 });
        QCOMPARE(top.byCount.size(), std::size_t(10));
        for (std::size_t r = 0; r < top.byCount.size(); ++r) {
            const auto& c = top.byCount[r];
            QCOMPARE(c.count, routed[c.tokenId]);
            QCOMPARE(c.total, total[c.tokenId]);
            if (r > 0)
                QVERIFY(top.byCount[r - 1].count >= c.count);
        }
        std::uint32_t maxCount = 0;
        for (const auto& [id, c] : routed)
            maxCount = std::max(maxCount, c);
        QCOMPARE(top.byCount.front().count, maxCount);
        double bestLift = 0;
        for (const auto& [id, c] : routed)
            if (c >= 20)
                bestLift = std::max(bestLift, (double(c) / total[id]) / (double(expertTokens) / double(n)));
        QVERIFY(!top.byLift.empty());
        QVERIFY(near(top.byLift.front().lift, bestLift, 1e-12));
        for (const auto& c : top.byLift)
            QVERIFY(c.count >= 20);
    }

    void driftAgainstItselfAndKnownChanges()
    {
        const std::size_t n = 2000;
        const RoutingTrace a = makeRandomTrace(n, { 1, 2 }, 3, 16, 21);
        auto same = computeRoutingDrift(a, a);
        QCOMPARE(same.changedShare, 0.0);
        QCOMPARE(same.meanJaccard, 1.0);
        QVERIFY(same.mostChanged.empty());
        for (const auto& l : same.layers) {
            QCOMPARE(l.changedShare, 0.0);
            QCOMPARE(l.top1ChangedShare, 0.0);
        }
        // The same choices in another order (a permutation within each token) are no drift for the sets.
        RoutingTrace b = a;
        std::vector<std::int32_t> ids(3);
        std::vector<float> w(3);
        for (std::size_t i = 0; i < n; ++i)
            for (int slot = 0; slot < 2; ++slot) {
                for (int j = 0; j < 3; ++j) {
                    ids[std::size_t(j)] = a.expert(slot, i, 2 - j);
                    w[std::size_t(j)] = a.weight(slot, i, 2 - j);
                }
                b.setRouting(slot, i, 1, ids.data(), w.data());
            }
        QCOMPARE(computeRoutingDrift(a, b).changedShare, 0.0);
        // Top-1 is the first of tied maxima, so reversing the order changes it exactly where the maximum is tied.
        std::size_t tied = 0;
        for (std::size_t i = 0; i < n; ++i) {
            float best = -1;
            int count = 0;
            for (int j = 0; j < 3; ++j) {
                const float w = a.weight(0, i, j);
                count = w > best ? 1 : w == best ? count + 1 : count;
                best = std::max(best, w);
            }
            tied += count > 1;
        }
        QCOMPARE(computeRoutingDrift(a, b).layers[0].top1ChangedShare, double(tied) / double(n));
        // Every 10th token of layer 2: one of three experts replaced by an unused one (Jaccard 2/4 = 0.5).
        std::size_t changed = 0;
        for (std::size_t i = 0; i < n; i += 10) {
            for (int j = 0; j < 3; ++j) {
                ids[std::size_t(j)] = a.expert(1, i, j);
                w[std::size_t(j)] = a.weight(1, i, j);
            }
            int unused = 0;
            while (std::find(ids.begin(), ids.end(), unused) != ids.end())
                ++unused;
            ids[0] = unused;
            b.setRouting(1, i, 1, ids.data(), w.data());
            ++changed;
        }
        const auto d = computeRoutingDrift(a, b, 5);
        QCOMPARE(d.layers.size(), std::size_t(2));
        QCOMPARE(d.layers[0].changedShare, 0.0);
        QCOMPARE(d.layers[1].changedShare, double(changed) / double(n));
        QVERIFY(near(d.layers[1].meanJaccard, 1.0 - 0.5 * double(changed) / double(n), 1e-12));
        QCOMPARE(d.mostChanged.size(), std::size_t(5));
        QCOMPARE(d.mostChanged[0].token, std::size_t(0));
        QCOMPARE(d.mostChanged[0].layersChanged, 1);
        QCOMPARE(d.mostChanged[0].meanJaccard, 0.75);
        QCOMPARE(d.tokenDrift[10], 0.25f);
        QCOMPARE(d.tokenDrift[11], 0.0f);
        // Different tokens: refused with the position.
        RoutingTrace other({ 1, 2 }, 3, 16, std::vector<std::int32_t>(n, 0), {});
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, computeRoutingDrift(a, other));
    }

    void driftWideIds()
    {
        const RoutingTrace a = makeRandomTrace(500, { 0 }, 4, 300, 2);
        const RoutingTrace b = makeRandomTrace(500, { 0 }, 4, 300, 2);
        QCOMPARE(computeRoutingDrift(a, b).meanJaccard, 1.0);
        // Same tokens, routing of another random trace.
        const RoutingTrace r = makeRandomTrace(500, { 0 }, 4, 300, 3);
        RoutingTrace c = a;
        std::vector<std::int32_t> ids;
        std::vector<float> w;
        for (std::size_t i = 0; i < 500; ++i)
            for (int j = 0; j < 4; ++j) {
                ids.push_back(r.expert(0, i, j));
                w.push_back(r.weight(0, i, j));
            }
        c.setRouting(0, 0, 500, ids.data(), w.data());
        const auto d = computeRoutingDrift(a, c);
        QVERIFY(d.meanJaccard < 1.0);
        // Brute force for token 7.
        std::vector<int> x, y;
        for (int j = 0; j < 4; ++j) {
            x.push_back(a.expert(0, 7, j));
            y.push_back(c.expert(0, 7, j));
        }
        QVERIFY(std::abs(d.tokenDrift[7] - float(1.0 - jaccard(x, y))) < 1e-6f);
    }
};

QTEST_APPLESS_MAIN(TestRoutingStats)
#include "tst_routingstats.moc"

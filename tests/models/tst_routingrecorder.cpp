// Recording routing on the fixture models of every MoE family: the trace equals the routing the runtime reports to a
// plain observer (one pass, and windowed with the same windows as the perplexity scorer), the router entropy equals
// the entropy computed here from the captured router logits, the aggregates equal a recount from the raw trace, a
// cancelled run keeps a consistent prefix, and a dense model is refused.
// Tolerances: weights are stored as float16, so |stored - reported| <= 2^-11 x |reported| (+1e-7); router entropies
// the same relative bound + 1e-3 bits.

#include "core/half.h"
#include "eval/routingtracer.h"
#include "models/modelloader.h"
#include "runtime/forwardobserver.h"
#include "testsupport.h"

#include <QTest>

#include <cmath>
#include <map>
#include <random>

using namespace moescope;

namespace {

// Every routed token of every layer at absolute positions (offset added), with the router logits.
class Collector final : public ForwardObserver {
public:
    std::int64_t offset = 0;
    std::int64_t keepFrom = 0; // absolute position of the first token to keep
    bool wantsRouting(int) const override { return true; }
    bool wantsRouterLogits(int) const override { return true; }
    void onRouting(const RoutingEvent& e) override
    {
        for (std::int64_t t = 0; t < e.tokens; ++t) {
            const std::int64_t pos = offset + e.firstPosition + t;
            if (pos < keepFrom)
                continue;
            auto& r = tokens[{ e.layer, pos }];
            r.ids.assign(e.expertIds + t * e.k, e.expertIds + (t + 1) * e.k);
            r.weights.assign(e.weights + t * e.k, e.weights + (t + 1) * e.k);
            r.logits.assign(e.routerLogits + t * e.numExperts, e.routerLogits + (t + 1) * e.numExperts);
        }
    }
    struct Routed {
        std::vector<std::int32_t> ids;
        std::vector<float> weights, logits;
    };
    std::map<std::pair<int, std::int64_t>, Routed> tokens;
};

double entropyOfLogits(const std::vector<float>& logits, bool sigmoid)
{
    std::vector<double> p;
    double z = 0;
    const double top = *std::max_element(logits.begin(), logits.end());
    for (const float l : logits) {
        p.push_back(sigmoid ? 1.0 / (1.0 + std::exp(-double(l))) : std::exp(double(l) - top));
        z += p.back();
    }
    double h = 0;
    for (const double x : p)
        if (x > 0)
            h -= x / z * std::log2(x / z);
    return h;
}

RoutingRunOptions windows(std::int64_t window, std::int64_t stride)
{
    RoutingRunOptions o;
    o.window = window;
    o.stride = stride;
    return o;
}

std::vector<std::int32_t> randomIds(std::size_t n, int vocab, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<std::int32_t> ids(n);
    for (auto& id : ids)
        id = std::int32_t(rng() % std::uint32_t(vocab));
    return ids;
}

// The scorer's windows: [begin, min(begin + window, n)) for begin = 0, stride, ...; each token kept from the first
// window that reaches it.
Collector referenceRouting(
    Engine& engine, const std::vector<std::int32_t>& ids, std::int64_t window, std::int64_t stride)
{
    Collector c;
    const auto n = std::int64_t(ids.size());
    std::int64_t prevEnd = 0;
    for (std::int64_t begin = 0; begin < n; begin += stride) {
        const std::int64_t end = std::min(begin + window, n);
        c.offset = begin;
        c.keepFrom = prevEnd;
        engine.logits(std::span(ids).subspan(std::size_t(begin), std::size_t(end - begin)), &c);
        prevEnd = end;
        if (end == n)
            break;
    }
    return c;
}

void compareWithReference(const RoutingTrace& trace, const Collector& ref, bool sigmoid)
{
    QCOMPARE(ref.tokens.size(), trace.tokenCount() * std::size_t(trace.layerCount()));
    for (const auto& [key, r] : ref.tokens) {
        const auto [layer, pos] = key;
        const int slot = trace.slotOf(layer);
        QVERIFY(slot >= 0);
        for (int j = 0; j < trace.k(); ++j) {
            QCOMPARE(trace.expert(slot, std::size_t(pos), j), r.ids[std::size_t(j)]);
            const float w = r.weights[std::size_t(j)];
            QVERIFY2(std::abs(trace.weight(slot, std::size_t(pos), j) - w) <= std::abs(w) / 2048 + 1e-7f,
                qPrintable(QString("layer %1 token %2").arg(layer).arg(pos)));
        }
        const double h = entropyOfLogits(r.logits, sigmoid);
        const double stored = halfToFloat(trace.routerEntropyHalf(slot)[std::size_t(pos)]);
        QVERIFY2(std::abs(stored - h) <= h / 2048 + 1e-3,
            qPrintable(QString("router entropy %1 vs %2 at layer %3 token %4").arg(stored).arg(h).arg(layer).arg(pos)));
    }
}

void compareAggregatesWithRecount(const RoutingRun& run)
{
    const RoutingTrace& t = run.trace;
    for (int slot = 0; slot < t.layerCount(); ++slot) {
        std::vector<std::int64_t> counts(std::size_t(t.numExperts()), 0);
        double mass = 0;
        for (std::size_t i = 0; i < t.tokenCount(); ++i)
            for (int j = 0; j < t.k(); ++j) {
                ++counts[std::size_t(t.expert(slot, i, j))];
                mass += t.weight(slot, i, j);
            }
        const LayerRouting& l = run.aggregates.layer(slot);
        QCOMPARE(l.counts, counts);
        double aggregatedMass = 0;
        for (const double m : l.weightMass)
            aggregatedMass += m;
        QVERIFY(std::abs(aggregatedMass - mass) <= 1e-9 * std::max(1.0, mass));
        QCOMPARE(l.tokens, std::int64_t(t.tokenCount()));
    }
}

} // namespace

class TestRoutingRecorder : public QObject {
    Q_OBJECT
private slots:
    void families_data()
    {
        QTest::addColumn<QString>("fixture");
        for (const char* name :
            { "deepseek_v2", "deepseek_v2_lite_yarn", "deepseek_v3", "qwen2_moe", "qwen3_moe", "mixtral", "olmoe" })
            QTest::newRow(name) << QString::fromLatin1(name);
    }
    void families()
    {
        QFETCH(QString, fixture);
        const auto dir = (test::fixturesDir() + "/models/" + fixture).toStdString();
        auto engine = loadModel(dir, { .device = "cpu", .dtype = "f32" });
        const bool sigmoid = engine->spec().moe.router.scoring == RouterScoring::Sigmoid;
        const auto ids = randomIds(150, engine->summary().vocabSize, 5);
        TokenEncoding tokens { ids, {} };

        // One pass (the window covers the text): the trace equals what a plain observer of logits() sees.
        RoutingRun whole = recordRouting(*engine, tokens, windows(256, 128));
        QVERIFY(!whole.cancelled);
        QCOMPARE(whole.trace.tokenCount(), ids.size());
        QCOMPARE(whole.trace.moeLayers(), engine->summary().moeLayers);
        QCOMPARE(whole.trace.k(), engine->summary().expertsPerToken);
        QCOMPARE(whole.trace.numExperts(), engine->summary().experts);
        QCOMPARE(whole.trace.info().routerEntropyKind,
            sigmoid ? RouterEntropyKind::NormalizedSigmoid : RouterEntropyKind::Softmax);
        QCOMPARE(whole.trace.info().modelName, fixture.toStdString());
        compareWithReference(whole.trace, referenceRouting(*engine, ids, 256, 128), sigmoid);
        compareAggregatesWithRecount(whole);
        QVERIFY(std::isfinite(whole.scores.perplexity()));

        // Windowed: each token routed once, from the first window that reaches it.
        RoutingRun windowed = recordRouting(*engine, tokens, windows(48, 20));
        compareWithReference(windowed.trace, referenceRouting(*engine, ids, 48, 20), sigmoid);
        compareAggregatesWithRecount(windowed);
        QCOMPARE(windowed.trace.info().window, std::int64_t(48));
        QCOMPARE(windowed.trace.info().stride, std::int64_t(20));
    }

    void cancelledRunKeepsAPrefix()
    {
        auto engine = loadModel(
            (test::fixturesDir() + "/models/deepseek_v2").toStdString(), { .device = "cpu", .dtype = "f32" });
        const auto ids = randomIds(200, engine->summary().vocabSize, 9);
        std::stop_source stop;
        int windowsDone = 0;
        RoutingRun run = recordRouting(
            *engine, { ids, {} }, windows(40, 20), {}, {}, stop.get_token(), [&](std::int64_t, std::int64_t) {
                if (++windowsDone == 3)
                    stop.request_stop();
            });
        QVERIFY(run.cancelled);
        QVERIFY(run.trace.tokenCount() > 0 && run.trace.tokenCount() < ids.size());
        QCOMPARE(run.aggregates.tokens(), std::int64_t(run.trace.tokenCount()));
        compareAggregatesWithRecount(run);
    }

    void liveSnapshots()
    {
        auto engine
            = loadModel((test::fixturesDir() + "/models/olmoe").toStdString(), { .device = "cpu", .dtype = "f32" });
        const auto ids = randomIds(90, engine->summary().vocabSize, 2);
        std::vector<std::int64_t> seen;
        recordRouting(*engine, { ids, {} }, windows(40, 20), {}, {}, {}, {},
            [&](const RoutingAggregates& a) { seen.push_back(a.tokens()); });
        QVERIFY(seen.size() >= 3);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.back(), std::int64_t(90));
    }

    void denseModelIsRefused()
    {
        auto engine = loadModel(
            (test::fixturesDir() + "/models/llama_r1_distill").toStdString(), { .device = "cpu", .dtype = "f32" });
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, recordRouting(*engine, { { 1, 2, 3 }, {} }));
    }

    void singleToken()
    {
        auto engine
            = loadModel((test::fixturesDir() + "/models/mixtral").toStdString(), { .device = "cpu", .dtype = "f32" });
        const RoutingRun run = recordRouting(*engine, { { 7 }, {} });
        QCOMPARE(run.trace.tokenCount(), std::size_t(1));
        QCOMPARE(run.aggregates.tokens(), std::int64_t(1));
    }
};

QTEST_GUILESS_MAIN(TestRoutingRecorder)
#include "tst_routingrecorder.moc"

// Strided scoring of long sequences (scoreSequence): every token after the first is scored exactly once, with the
// log-probability that the engine gives it in its own window; scoring windows in parallel (the CPU default for small
// models) gives the same results as one window at a time (to float32 summation order);
// the routing observer sees every token once, in document order, at its absolute position.

#include "core/error.h"
#include "eval/perplexity.h"
#include "fixturemodels.h"
#include "models/modelloader.h"
#include "runtime/engine.h"
#include "runtime/forwardobserver.h"

#include <ATen/Parallel.h>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace moescope;

namespace {

// Positions of the routing events one MoE layer reports, in arrival order.
class PositionLog final : public ForwardObserver {
public:
    explicit PositionLog(int layer)
        : m_layer(layer)
    {
    }
    bool wantsRouting(int layer) const override { return layer == m_layer; }
    void onRouting(const RoutingEvent& e) override
    {
        for (std::int64_t t = 0; t < e.tokens; ++t) {
            positions.push_back(e.firstPosition + t);
            firstExpert.push_back(e.expertIds[t * e.k]);
        }
    }
    std::vector<std::int64_t> positions;
    std::vector<std::int32_t> firstExpert;

private:
    int m_layer;
};

TokenScores scoreWithThreads(Engine& engine, const std::vector<std::int32_t>& ids, const PerplexityOptions& o,
    int threads, ForwardObserver* observer)
{
    const int before = at::get_num_threads();
    at::set_num_threads(threads);
    auto scores = scoreSequence(engine, ids, o, observer);
    at::set_num_threads(before);
    return scores;
}

} // namespace

class TestPerplexity : public QObject {
    Q_OBJECT

private slots:
    void windowsScoreEachTokenOnce_data()
    {
        QTest::addColumn<int>("window");
        QTest::addColumn<int>("stride");
        QTest::newRow("half overlap") << 64 << 32;
        QTest::newRow("no overlap") << 48 << 48;
        QTest::newRow("odd stride") << 40 << 17;
    }

    void windowsScoreEachTokenOnce()
    {
        QFETCH(int, window);
        QFETCH(int, stride);
        auto engine = loadModel(test::fixtureModel("deepseek_v2"), { .device = "cpu", .dtype = "f32" });
        const auto ids = test::someIds(301, engine->spec().vocabSize, 7);
        const PerplexityOptions o { window, stride };
        const int moeLayer = engine->summary().moeLayers.at(0);

        PositionLog serialLog(moeLayer), parallelLog(moeLayer);
        const auto serial = scoreWithThreads(*engine, ids, o, 1, &serialLog);
        const auto parallel = scoreWithThreads(*engine, ids, o, 4, &parallelLog);

        // Reference: each window through Engine::scoreTokens on its own, the way transformers' recipe slides.
        std::vector<float> expected(ids.size(), std::nanf(""));
        std::int64_t prevEnd = 0;
        for (std::int64_t begin = 0; begin < std::int64_t(ids.size()); begin += stride) {
            const auto end = std::min<std::int64_t>(begin + window, ids.size());
            const auto from = std::max(prevEnd, begin + 1);
            const auto got = engine->scoreTokens(std::span(ids).subspan(begin, end - begin), from - begin);
            for (std::size_t i = 0; i < got.size(); ++i)
                expected[from + i] = got[i];
            prevEnd = end;
            if (end == std::int64_t(ids.size()))
                break;
        }
        QVERIFY(std::isnan(serial.logProbs[0]) && std::isnan(parallel.logProbs[0]));
        double nll = 0, maxDiff = 0;
        std::int64_t scored = 0;
        for (std::size_t i = 1; i < ids.size(); ++i) {
            QCOMPARE(std::isnan(serial.logProbs[i]), std::isnan(expected[i]));
            QCOMPARE(std::isnan(parallel.logProbs[i]), std::isnan(expected[i]));
            if (std::isnan(expected[i]))
                continue; // a window's first token when windows do not overlap: no context to score it from
            // Float32 sums run in another order with another number of threads: 1e-4 nats absorbs that.
            QVERIFY2(std::abs(parallel.logProbs[i] - serial.logProbs[i]) < 1e-4f, qPrintable(QString::number(i)));
            QVERIFY2(std::abs(serial.logProbs[i] - expected[i]) < 1e-4f, qPrintable(QString::number(i)));
            QVERIFY(serial.logProbs[i] < 0);
            maxDiff = std::max(maxDiff, std::abs(double(parallel.logProbs[i]) - serial.logProbs[i]));
            nll -= serial.logProbs[i];
            ++scored;
        }
        QCOMPARE(serial.scored, scored);
        QCOMPARE(parallel.scored, scored);
        QVERIFY(scored >= std::int64_t(ids.size()) - std::int64_t(ids.size()) / stride - 1);
        QVERIFY(std::abs(serial.meanNll - nll / double(scored)) < 1e-9);
        qInfo("largest |parallel - serial| log-probability difference: %.3g nats", maxDiff);

        // Routing: every position once, in order, the same experts either way.
        std::vector<std::int64_t> all(ids.size());
        std::iota(all.begin(), all.end(), 0);
        QCOMPARE(serialLog.positions, all);
        QCOMPARE(parallelLog.positions, all);
        QCOMPARE(parallelLog.firstExpert, serialLog.firstExpert);
    }

    void progressIsMonotonic()
    {
        auto engine = loadModel(test::fixtureModel("qwen3_moe"), { .device = "cpu", .dtype = "f32" });
        const auto ids = test::someIds(200, engine->spec().vocabSize, 3);
        std::vector<std::int64_t> done;
        const int before = at::get_num_threads();
        at::set_num_threads(3);
        scoreSequence(*engine, ids, { 64, 32 }, nullptr, {}, [&](std::int64_t d, std::int64_t total) {
            QCOMPARE(total, std::int64_t(ids.size()));
            done.push_back(d);
        });
        at::set_num_threads(before);
        QVERIFY(!done.empty());
        QVERIFY(std::is_sorted(done.begin(), done.end()));
        QCOMPARE(done.back(), std::int64_t(ids.size()));
    }

    void cancelledRunThrows()
    {
        auto engine = loadModel(test::fixtureModel("olmoe"), { .device = "cpu", .dtype = "f32" });
        const auto ids = test::someIds(300, engine->spec().vocabSize, 5);
        std::stop_source stop;
        int calls = 0;
        bool cancelled = false;
        try {
            scoreSequence(*engine, ids, { 32, 16 }, nullptr, stop.get_token(), [&](std::int64_t, std::int64_t) {
                if (++calls == 2)
                    stop.request_stop();
            });
        } catch (const CancelledError&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QVERIFY(calls >= 2 && calls < 18);
    }
};

QTEST_GUILESS_MAIN(TestPerplexity)
#include "tst_perplexity.moc"

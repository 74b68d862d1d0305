// Decode steps with their inputs on the device (what a CUDA graph records: positions the host never reads, the cache
// read over a fixed span with later keys masked) against the eager forward pass, on every fixture architecture,
// across a span boundary. On the CPU the StepDecoder runs these steps directly; on CUDA it replays them as graphs
// (tests/gpu/cuda_graph_check.sh checks that path on the GPU machine).

#include "models/modelloader.h"
#include "nn/attentionmask.h"
#include "nn/transformer.h"
#include "runtime/forwardobserver.h"
#include "runtime/stepdecoder.h"
#include "reldiff.h"
#include "fixturemodels.h"

#include <QTest>

#include <map>

using namespace moescope;

namespace {
using test::someIds;

// Every routing event, keyed by (layer, position).
class RoutingLog final : public ForwardObserver {
public:
    struct Choice {
        std::vector<std::int32_t> ids;
        std::vector<float> weights;
        std::vector<float> logits;
    };
    std::map<std::pair<int, std::int64_t>, Choice> choices;
    bool wantsRouting(int) const override { return true; }
    bool wantsRouterLogits(int) const override { return true; }
    void onRouting(const RoutingEvent& e) override
    {
        for (std::int64_t t = 0; t < e.tokens; ++t) {
            Choice c;
            c.ids.assign(e.expertIds + t * e.k, e.expertIds + (t + 1) * e.k);
            c.weights.assign(e.weights + t * e.k, e.weights + (t + 1) * e.k);
            if (e.routerLogits)
                c.logits.assign(e.routerLogits + t * e.numExperts, e.routerLogits + (t + 1) * e.numExperts);
            choices[{ e.layer, e.firstPosition + t }] = std::move(c);
        }
    }
};

at::Tensor idsTensor(const std::vector<std::int32_t>& ids)
{
    return at::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()), at::kLong);
}

// A cache holding the prompt, run through the model.
KvCache prefilledCache(const Transformer& model, const at::Tensor& prompt)
{
    auto cache = model.makeCache();
    model.forwardHidden(prompt, &cache);
    return cache;
}

using test::relDiff;
} // namespace

class StepDecoderTest : public QObject {
    Q_OBJECT

private slots:
    void stepsMatchTheEagerForwardPass_data() { test::addFixtureFamilyRows(); }

    // Teacher-forced: both paths see the same tokens, 250 prompt + 20 steps, so the steps cross the first
    // 256-position span. Tolerance 1e-5 relative (float32; masked keys add exact zeros, the sums' order may differ).
    void stepsMatchTheEagerForwardPass()
    {
        QFETCH(QString, name);
        auto engine = loadModel(test::fixtureModel(name), { .device = "cpu", .dtype = "f32" });
        const auto& model = engine->transformer();
        const std::int64_t promptLength = 250, steps = 20;
        const auto prompt = idsTensor(someIds(static_cast<int>(promptLength), 160, 11));
        const auto fed = idsTensor(someIds(static_cast<int>(steps), 160, 12));

        RoutingLog eagerRouting, stepRouting;
        auto eagerCache = prefilledCache(model, prompt);
        auto stepCache = prefilledCache(model, prompt);
        StepDecoder decoder(model, stepCache, promptLength + steps, /*useGraphs=*/true, &stepRouting);
        QVERIFY(!decoder.replaying()); // no CUDA graphs on the CPU: the same steps run directly

        double worst = 0;
        for (std::int64_t i = 0; i < steps; ++i) {
            const auto token = fed[i].item<std::int64_t>();
            const auto expected = model.logits(model.forwardHidden(fed.narrow(0, i, 1), &eagerCache, &eagerRouting));
            const auto got = decoder.step(token);
            QCOMPARE(got.sizes(), expected.sizes());
            QVERIFY(at::isfinite(got).all().item<bool>());
            worst = std::max(worst, relDiff(got, expected));
        }
        QVERIFY2(worst < 1e-5, qPrintable(QString("max relative logit difference %1").arg(worst)));
        QCOMPARE(stepCache.length(), promptLength + steps);
        QCOMPARE(eagerCache.length(), promptLength + steps);

        // Routing: the same experts for every (layer, position) of the steps, weights and router logits within 1e-5.
        QCOMPARE(stepRouting.choices.size(), eagerRouting.choices.size());
        QVERIFY(!stepRouting.choices.empty());
        for (const auto& [key, expected] : eagerRouting.choices) {
            const auto it = stepRouting.choices.find(key);
            QVERIFY2(it != stepRouting.choices.end(),
                qPrintable(QString("no step routing for layer %1 position %2").arg(key.first).arg(key.second)));
            QCOMPARE(it->second.ids, expected.ids);
            QCOMPARE(it->second.logits.size(), expected.logits.size());
            for (std::size_t j = 0; j < expected.weights.size(); ++j)
                QVERIFY(std::abs(it->second.weights[j] - expected.weights[j]) < 1e-5);
            for (std::size_t j = 0; j < expected.logits.size(); ++j)
                QVERIFY(std::abs(it->second.logits[j] - expected.logits[j]) < 1e-4);
        }
    }

    void greedyStepsChooseWhatTheSamplerWould_data() { test::addFixtureFamilyRows(); }

    // A greedy step decoder chooses each next token itself (the argmax of the step's logits, left in its inputs):
    // the chain of stepGreedy calls gives the tokens that step() and an argmax of its logits give, across the first
    // span boundary, and a token that is not its last choice (a caller's own) is written in as step() writes it.
    void greedyStepsChooseWhatTheSamplerWould()
    {
        QFETCH(QString, name);
        auto engine = loadModel(test::fixtureModel(name), { .device = "cpu", .dtype = "f32" });
        const auto& model = engine->transformer();
        const std::int64_t promptLength = 245, steps = 16;
        const auto prompt = idsTensor(someIds(static_cast<int>(promptLength), 160, 21));
        auto plainCache = prefilledCache(model, prompt);
        auto greedyCache = prefilledCache(model, prompt);
        StepDecoder plain(model, plainCache, promptLength + steps, true);
        StepDecoder greedy(model, greedyCache, promptLength + steps, true, nullptr, /*greedy=*/true);
        QVERIFY(!plain.choosesGreedily());
        QVERIFY(greedy.choosesGreedily());
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, plain.stepGreedy(1));

        std::int64_t plainToken = 7, greedyToken = 7;
        for (std::int64_t i = 0; i < steps; ++i) {
            if (i == steps / 2)
                plainToken = greedyToken = 3; // the caller's own token: not the decoder's last choice
            plainToken = plain.step(plainToken).argmax(-1).item<std::int64_t>();
            greedyToken = greedy.stepGreedy(greedyToken);
            QCOMPARE(greedyToken, plainToken);
        }
        QCOMPARE(greedyCache.length(), promptLength + steps);
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, greedy.stepGreedy(greedyToken)); // at its maximum length
    }

    void stepMaskMatchesTheHostMask_data()
    {
        QTest::addColumn<int>("window");
        QTest::newRow("no window") << 0;
        QTest::newRow("window 5") << 5;
    }

    // The device-side mask over a fixed span equals the host mask on the visible keys and hides the rest.
    void stepMaskMatchesTheHostMask()
    {
        QFETCH(int, window);
        const std::int64_t start = 9, tokens = 3, span = 16;
        const auto positions = at::arange(start, start + tokens, at::kLong);
        const auto step = makeStepMask(positions, span, window); // [T, span]
        const auto host = makeAttentionMask(start, tokens, window, at::kCPU, /*explicitCausal=*/true);
        QVERIFY(host.mask.has_value());
        QVERIFY(at::equal(step.narrow(1, 0, start + tokens), *host.mask));
        QVERIFY(!step.narrow(1, start + tokens, span - start - tokens).any().item<bool>());
    }

    void badUseIsRejected()
    {
        auto engine = loadModel(test::fixtureModel("olmoe"), { .device = "cpu", .dtype = "f32" });
        const auto& model = engine->transformer();
        auto empty = model.makeCache();
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, StepDecoder(model, empty, 10, true));
        auto cache = model.makeCache();
        model.forwardHidden(idsTensor(someIds(4, 160, 1)), &cache);
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, StepDecoder(model, cache, 4, true)); // no room to decode
        StepDecoder decoder(model, cache, 6, true);
        decoder.step(5);
        decoder.step(6);
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, decoder.step(7)); // past the maximum length
        QCOMPARE(cache.length(), 6);
    }
};

QTEST_GUILESS_MAIN(StepDecoderTest)
#include "tst_stepdecoder.moc"

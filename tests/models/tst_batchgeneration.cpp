// Batched generation (continuous batching): a batched step's logits against each sequence's own eager forward pass,
// on every fixture architecture (GQA, MLA's absorbed attention over per-slot latent caches, a sliding window), and
// whole generations of several requests of different lengths against generating each alone, with fewer slots than
// requests (so that requests join as others finish), seeded sampling, stop tokens, cancellation and bad requests.

#include "core/error.h"
#include "models/modelloader.h"
#include "nn/slotkvcache.h"
#include "nn/transformer.h"
#include "runtime/batchgenerator.h"
#include "reldiff.h"
#include "fixturemodels.h"

#include <QTest>

#include <stop_token>

using namespace moescope;

namespace {
using test::someIds;

at::Tensor idsTensor(const std::vector<std::int32_t>& ids)
{
    return at::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()), at::kLong);
}

// Five requests of different prompt lengths and budgets; the mixtral fixture's window (12) binds for most.
std::vector<GenerationRequest> mixedRequests()
{
    const std::vector<std::pair<int, int>> shapes { { 7, 12 }, { 40, 5 }, { 3, 17 }, { 25, 1 }, { 60, 9 } };
    std::vector<GenerationRequest> requests;
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        GenerationRequest r;
        r.prompt = someIds(shapes[i].first, 160, 30 + static_cast<int>(i));
        r.options.maxNewTokens = shapes[i].second;
        r.options.stopTokens = { 2 }; // not the fixtures' EOS, so that budgets decide
        requests.push_back(std::move(r));
    }
    // One seeded sampled request: the same draws from the same (up to rounding) distributions.
    requests[2].options.greedy = false;
    requests[2].options.temperature = 0.8;
    requests[2].options.topK = 20;
    requests[2].options.seed = 7;
    return requests;
}

BatchGenerator::Prefill prefillWith(const Transformer& model)
{
    return [&model](std::span<const std::int32_t> prompt, KvCache& cache) {
        const auto hidden = model.forwardHidden(idsTensor({ prompt.begin(), prompt.end() }), &cache);
        return hidden.narrow(0, hidden.size(0) - 1, 1);
    };
}
} // namespace

class BatchGenerationTest : public QObject {
    Q_OBJECT

private slots:
    // Teacher-forced: three sequences of 5, 30 and 17 tokens in slots 0, 1 and 3 (slot 2 empty), then 6 batched steps
    // against each sequence's eager forward pass on the same tokens. Tolerance 1e-5 relative (float32; masked keys
    // add exact zeros, the sums' order may differ).
    void batchedStepsMatchEachSequenceAlone_data() { test::addFixtureFamilyRows(); }
    void batchedStepsMatchEachSequenceAlone()
    {
        QFETCH(QString, name);
        auto engine = loadModel(test::fixtureModel(name), { .device = "cpu", .dtype = "f32" });
        const auto& model = engine->transformer();
        const std::vector<std::int64_t> slotOf { 0, 1, 3 };
        const std::vector<int> lengths { 5, 30, 17 };
        const std::int64_t steps = 6, slotCount = 4;
        SlotKvCache batch(model.spec().numLayers, slotCount, 64);
        std::vector<KvCache> alone;
        for (std::size_t s = 0; s < lengths.size(); ++s) {
            alone.push_back(model.makeCache());
            auto own = model.makeCache();
            const auto prompt = idsTensor(someIds(lengths[s], 160, 50 + static_cast<int>(s)));
            model.forwardHidden(prompt, &alone.back());
            model.forwardHidden(prompt, &own);
            batch.load(slotOf[s], own);
        }
        QVERIFY(!batch.occupied(2));
        QCOMPARE(batch.length(1), 30);

        double worst = 0;
        for (std::int64_t i = 0; i < steps; ++i) {
            auto ids = at::zeros({ slotCount }, at::kLong);
            auto positions = at::zeros({ slotCount }, at::kLong);
            std::int64_t span = 1;
            for (std::size_t s = 0; s < lengths.size(); ++s) {
                ids[slotOf[s]] = someIds(static_cast<int>(steps), 160, 60 + static_cast<int>(s))[i];
                positions[slotOf[s]] = batch.length(slotOf[s]);
                span = std::max(span, batch.length(slotOf[s]) + 1);
            }
            const auto got = model.logits(model.forwardSlots(ids, positions, batch, span)); // [slots, vocab]
            batch.advanceOccupied();
            QVERIFY(at::isfinite(got).all().item<bool>());
            for (std::size_t s = 0; s < lengths.size(); ++s) {
                const auto expected = model.logits(model.forwardHidden(ids.narrow(0, slotOf[s], 1), &alone[s]));
                const auto row = got.narrow(0, slotOf[s], 1);
                worst = std::max(worst, test::relDiff(row, expected));
            }
        }
        QVERIFY2(worst < 1e-5, qPrintable(QString("max relative logit difference %1").arg(worst)));
        QCOMPARE(batch.length(0), 5 + steps);
        QCOMPARE(batch.length(2), 0);
    }

    // Five requests with 2 slots (continuous batching) and with 8 (all at once) give each request what generating it
    // alone gives: the same tokens and stop reason.
    void generationMatchesGeneratingAlone_data() { test::addFixtureFamilyRows(); }
    void generationMatchesGeneratingAlone()
    {
        QFETCH(QString, name);
        auto engine = loadModel(test::fixtureModel(name), { .device = "cpu", .dtype = "f32" });
        const auto requests = mixedRequests();
        std::vector<GenerationResult> alone;
        for (const auto& r : requests)
            alone.push_back(engine->generate(r.prompt, r.options));
        for (int slotCount : { 2, 8 }) {
            std::vector<std::vector<std::int32_t>> streamed(requests.size());
            const auto batched = engine->generateBatch(
                requests, slotCount, [&](std::size_t r, std::int32_t token) { streamed.at(r).push_back(token); });
            QCOMPARE(batched.size(), requests.size());
            for (std::size_t r = 0; r < requests.size(); ++r) {
                const auto where = qPrintable(QString("request %1, %2 slots").arg(r + 1).arg(slotCount));
                QVERIFY2(batched[r].tokens == alone[r].tokens, where);
                QVERIFY2(batched[r].stopReason == alone[r].stopReason, where);
                QVERIFY2(streamed[r] == batched[r].tokens, where);
                if (batched[r].stopReason == "max_tokens") // else the stop token (sampled request) ended it
                    QCOMPARE(static_cast<int>(batched[r].tokens.size()), requests[r].options.maxNewTokens);
            }
        }
    }

    // Step counts show the batching: all requests together take as many steps as the longest needs; with two slots
    // a freed slot takes the next request while the other decodes on.
    void stepsAreShared()
    {
        auto engine = loadModel(test::fixtureModel("qwen3_moe"), { .device = "cpu", .dtype = "f32" });
        const auto& model = engine->transformer();
        const auto requests = mixedRequests(); // budgets 12, 5, 17, 1, 9: 11 + 4 + 16 + 0 + 8 = 39 steps alone
        BatchGenerator together(model, 8, true);
        together.run(requests, prefillWith(model), {});
        QCOMPARE(together.steps(), 16); // the longest: 17 tokens, the first from its prefill
        QCOMPARE(together.steppedTokens(), 39);
        BatchGenerator twoSlots(model, 2, true);
        twoSlots.run(requests, prefillWith(model), {});
        QCOMPARE(twoSlots.steppedTokens(), 39);
        QVERIFY2(twoSlots.steps() < 39 && twoSlots.steps() >= 20,
            qPrintable(QString("%1 steps with two slots").arg(twoSlots.steps())));
        QVERIFY(!twoSlots.replaying()); // no CUDA graphs on the CPU
    }

    // A request's stop token ends it there, in the batch as alone; the others go on.
    void stopTokensEndTheirRequestOnly()
    {
        auto engine = loadModel(test::fixtureModel("olmoe"), { .device = "cpu", .dtype = "f32" });
        auto requests = mixedRequests();
        const auto free = engine->generate(requests[0].prompt, requests[0].options);
        QVERIFY(free.tokens.size() >= 4);
        requests[0].options.stopTokens = { free.tokens[3] };
        const auto expected = engine->generate(requests[0].prompt, requests[0].options);
        QCOMPARE(expected.stopReason, std::string("stop_token"));
        const auto batched = engine->generateBatch(requests, 3);
        QVERIFY(batched[0].tokens == expected.tokens);
        QCOMPARE(batched[0].stopReason, std::string("stop_token"));
        QCOMPARE(batched[4].tokens.size(), std::size_t(9));
    }

    // Cancelling mid-way ends the unfinished requests as "cancelled" (the finished ones keep their results) and
    // throws nothing.
    void cancellingEndsUnfinishedRequests()
    {
        auto engine = loadModel(test::fixtureModel("mixtral"), { .device = "cpu", .dtype = "f32" });
        const auto requests = mixedRequests();
        std::stop_source stop;
        int seen = 0;
        const auto results = engine->generateBatch(
            requests, 2,
            [&](std::size_t, std::int32_t) {
                if (++seen == 10)
                    stop.request_stop();
            },
            stop.get_token());
        int cancelled = 0;
        std::size_t tokens = 0;
        for (const auto& r : results) {
            cancelled += r.stopReason == "cancelled";
            tokens += r.tokens.size();
        }
        QVERIFY(cancelled >= 1);
        QCOMPARE(tokens, std::size_t(10));
    }

    void badRequestsAreRejected()
    {
        auto engine = loadModel(test::fixtureModel("olmoe"), { .device = "cpu", .dtype = "f32" });
        auto requests = mixedRequests();
        requests[1].prompt.clear();
        try {
            engine->generateBatch(requests, 2);
            QFAIL("an empty prompt was accepted");
        } catch (const InvalidArgumentError& e) {
            QVERIFY2(std::string(e.what()).find("request 2 has no prompt") != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, engine->generateBatch(mixedRequests(), 0));
        requests = mixedRequests();
        requests[0].prompt[0] = 100000; // outside the vocabulary
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, engine->generateBatch(requests, 2));
        requests = mixedRequests();
        requests[3].options.maxNewTokens = 0;
        const auto results = engine->generateBatch(requests, 2);
        QVERIFY(results[3].tokens.empty());
        QCOMPARE(results[3].stopReason, std::string("max_tokens"));
        QCOMPARE(results[4].tokens.size(), std::size_t(9));
    }
};

QTEST_GUILESS_MAIN(BatchGenerationTest)
#include "tst_batchgeneration.moc"

// The shared blocks against plain reference computations: the grouped MoE against a loop over experts, chunked
// prefill (KV cache, masks with offsets, MLA's absorbed path, sliding windows) against one pass, a long prompt's
// chunks without latent-space scores, scoring against logits, the sampler's determinism, and the routing observer's
// "ask first" contract.

#include "eval/memorytracker.h"
#include "models/modelloader.h"
#include "nn/cpufloatgemv.h"
#include "nn/expertbank.h"
#include "nn/transformer.h"
#include "runtime/forwardobserver.h"
#include "runtime/sampler.h"
#include "reldiff.h"
// Qt's headers after ATen's (Qt's `slots` macro breaks ATen's declarations).
#include "fixturemodels.h"

#include <QTest>

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace moescope;

namespace {
using test::someIds;
std::string fixture(const char* name) { return test::fixtureModel(name); }

using test::relDiff;

class CountingObserver final : public ForwardObserver {
public:
    bool wanted = false;
    int asked = 0, events = 0;
    bool wantsRouting(int) const override
    {
        ++const_cast<CountingObserver*>(this)->asked;
        return wanted;
    }
    void onRouting(const RoutingEvent&) override { ++events; }
};
} // namespace

class NnBlocks : public QObject {
    Q_OBJECT

private slots:
    void groupedMoeMatchesLoopOverExperts()
    {
        at::manual_seed(7);
        const std::int64_t experts = 6, hidden = 16, inter = 8, tokens = 11, k = 2;
        const auto gateUp = at::randn({ experts, 2 * inter, hidden }); // [E, 2I, H]
        const auto down = at::randn({ experts, hidden, inter }); // [E, H, I]
        const auto x = at::randn({ tokens, hidden }); // [T, H]
        auto ids = at::randint(0, 4, { tokens, k }, at::kLong); // experts 4 and 5 get no tokens
        ids.select(1, 1).copy_((ids.select(1, 0) + 1) % 4); // distinct per token
        const auto weights = at::rand({ tokens, k }); // [T, k]
        const DenseExpertBank bank(gateUp, down);
        const auto out = bank.forward(x, ids, weights);

        auto expected = at::zeros_like(x);
        for (std::int64_t t = 0; t < tokens; ++t)
            for (std::int64_t j = 0; j < k; ++j) {
                const auto e = ids[t][j].item<std::int64_t>();
                const auto gu = at::matmul(gateUp[e], x[t]); // [2I]
                const auto h = at::silu(gu.narrow(0, 0, inter)) * gu.narrow(0, inter, inter);
                expected[t] += weights[t][j] * at::matmul(down[e], h);
            }
        const double rel = relDiff(out, expected);
        QVERIFY2(rel < 1e-5, qPrintable(QString::number(rel)));
    }

    // The CPU's grouped product in inference, expert by expert: one row through ATen, 2-8 rows through the float32
    // GEMV, more through ATen again, empty groups skipped; every group's rows within float32 rounding of its product.
    void groupedMatmulMatchesProductPerGroup()
    {
        at::manual_seed(5);
        const std::vector<std::int64_t> sizes = { 0, 1, 2, 5, 8, 9, 0, 3 };
        const std::int64_t in = 37, out = 24;
        const auto experts = static_cast<std::int64_t>(sizes.size());
        const auto w = at::randn({ experts, out, in }); // as an expert bank stores it: [E, M, K]
        std::vector<int> ends;
        std::int64_t total = 0;
        for (const auto n : sizes)
            ends.push_back(static_cast<int>(total += n));
        const auto x = at::randn({ total, in });
        c10::InferenceMode inference;
        const auto got = groupedMatmul(x, w.transpose(1, 2), at::tensor(ends, at::kInt)); // [N, M]
        std::int64_t begin = 0;
        for (std::int64_t g = 0; g < experts; ++g) {
            const auto n = sizes[static_cast<std::size_t>(g)];
            if (n > 0) {
                const auto want = at::matmul(x.narrow(0, begin, n), w[g].t());
                const double rel = relDiff(got.narrow(0, begin, n), want);
                QVERIFY2(rel < 1e-5, qPrintable(QString("group %1 (%2 rows): %3").arg(g).arg(n).arg(rel)));
            }
            begin += n;
        }
    }

    // A batched CPU step's few rows through the float32 GEMV: ATen's product within float32 rounding (the columns
    // past the last whole 8 and a bias included); one row, more than 8 rows and products that need a gradient stay
    // ATen's.
    void cpuFloatGemvMatchesLinear()
    {
        at::manual_seed(3);
        const at::Tensor noBias;
        for (const std::int64_t in : { 8, 37, 320 }) {
            const auto w = at::randn({ 203, in });
            const auto bias = at::randn({ 203 });
            for (std::int64_t rows = 2; rows <= kMaxCpuFloatGemvRows; ++rows) {
                const auto x = at::randn({ rows, in });
                if (!cpuFloatGemvApplies(x, w, bias))
                    QSKIP("this CPU has no AVX2 and FMA: the GEMV does not run here");
                const auto check = [&](const at::Tensor& got, const at::Tensor& want) {
                    const double rel = relDiff(got, want);
                    QVERIFY2(rel < 1e-5, qPrintable(QString("in %1, rows %2: %3").arg(in).arg(rows).arg(rel)));
                };
                check(cpuFloatGemv(x, w, bias), at::linear(x, w, bias));
                check(cpuFloatGemv(x, w, noBias), at::linear(x, w));
            }
        }
        const auto w = at::randn({ 16, 32 });
        QVERIFY(!cpuFloatGemvApplies(at::randn({ 1, 32 }), w, noBias));
        QVERIFY(!cpuFloatGemvApplies(at::randn({ kMaxCpuFloatGemvRows + 1, 32 }), w, noBias));
        QVERIFY(!cpuFloatGemvApplies(at::randn({ 4, 32 }).requires_grad_(), w, noBias));
        QVERIFY(!cpuFloatGemvApplies(at::randn({ 4, 32 }, at::kDouble), w, noBias));
    }

    // The assignment sorts ids as the narrowest integer type that holds them; the order must be the stable order of
    // the ids themselves (ties in token order), for 64 experts (bytes), 300 (int16) and the ids as given.
    void assignmentOrderIsTheStableOrderOfTheIds_data()
    {
        QTest::addColumn<qint64>("experts");
        QTest::newRow("64 experts") << qint64(64);
        QTest::newRow("300 experts") << qint64(300);
        QTest::newRow("40000 experts") << qint64(40000);
    }
    void assignmentOrderIsTheStableOrderOfTheIds()
    {
        QFETCH(qint64, experts);
        at::manual_seed(11);
        const std::int64_t tokens = 700, k = 6;
        const auto ids = at::randint(0, experts, { tokens, k }, at::kLong);
        const auto weights = at::rand({ tokens, k });
        const auto a = sortAssignments(ids, weights, experts);
        std::vector<std::pair<std::int64_t, std::int64_t>> expected; // (id, slot), sorted: the stable order
        const auto flat = ids.reshape({ -1 });
        for (std::int64_t s = 0; s < flat.numel(); ++s)
            expected.emplace_back(flat[s].item<std::int64_t>(), s);
        std::sort(expected.begin(), expected.end());
        QCOMPARE(a.slotOrder.numel(), static_cast<std::int64_t>(expected.size()));
        const auto order = a.slotOrder.to(at::kLong);
        for (std::size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(order[static_cast<std::int64_t>(i)].item<std::int64_t>(), expected[i].second);
        QCOMPARE(a.groupEnds.numel(), experts);
        QCOMPARE(a.groupEnds[experts - 1].item<int>(), static_cast<int>(tokens * k));
    }

    void chunkedPrefillMatchesOnePass_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("mla") << "deepseek_v2";
        QTest::newRow("mla-q-lora-yarn") << "deepseek_v3";
        QTest::newRow("sliding-window") << "mixtral";
        QTest::newRow("qk-norm") << "olmoe";
    }

    void chunkedPrefillMatchesOnePass()
    {
        QFETCH(QString, name);
        const auto ids = someIds(40, 160, 3);
        auto whole = loadModel(fixture(qPrintable(name)), { .device = "cpu", .dtype = "f32" });
        auto chunked = loadModel(fixture(qPrintable(name)), { .device = "cpu", .dtype = "f32", .prefillChunk = 5 });
        const double rel = relDiff(chunked->logits(ids), whole->logits(ids));
        QVERIFY2(rel < 1e-5, qPrintable(QString::number(rel)));
    }

    // A long prompt's chunks attend over the expanded keys through fused attention, not in MLA's latent space, where
    // every layer would materialise float32 scores of [heads x chunk, keys] (4 x 512 x 4,096 x 4 bytes = 32 MB here,
    // 4.3 GB a layer for DeepSeek-V2-Lite's 2,048-token chunks of a 32k prompt) and copies of them: the prefill's
    // tensors beyond the cache stay below one such matrix at their peak (17 MB here; 102 MB in latent space).
    void longPromptChunksDoNotMaterialiseLatentScores()
    {
        auto engine = loadModel(fixture("deepseek_v2"), { .device = "cpu", .dtype = "f32" });
        auto& model = engine->transformer();
        c10::InferenceMode inference;
        const std::int64_t length = 4096, chunk = 512, heads = model.spec().attention.numHeads;
        const auto ids = at::randint(3, 160, { length }, at::kLong);
        auto cache = model.makeCache();
        cache.reserve(length);
        const MemoryTracker tracker;
        at::Tensor hidden;
        for (std::int64_t b = 0; b < length; b += chunk)
            hidden = model.forwardHidden(ids.narrow(0, b, chunk), &cache);
        const auto transient = tracker.peak() - cache.bytes();
        const auto scores = heads * chunk * length * static_cast<std::int64_t>(sizeof(float));
        qInfo("transient peak %lld bytes, one latent-space scores matrix %lld", static_cast<long long>(transient),
            static_cast<long long>(scores));
        QVERIFY(transient < scores);
        QVERIFY(at::isfinite(hidden).all().item<bool>());
    }

    void scoresAreLogSoftmaxOfLogits()
    {
        auto engine = loadModel(fixture("qwen2_moe"), { .device = "cpu", .dtype = "f32", .prefillChunk = 7 });
        const auto ids = someIds(30, 160, 5);
        const auto logits = engine->logits(ids);
        const auto scores = engine->scoreTokens(ids, 4);
        QCOMPARE(scores.size(), ids.size() - 4);
        const auto table = at::from_blob(const_cast<float*>(logits.data()), { 30, 160 }, at::kFloat);
        const auto logProbs = at::log_softmax(table, -1);
        for (std::size_t i = 4; i < ids.size(); ++i)
            QVERIFY(std::abs(scores[i - 4] - logProbs[static_cast<long>(i - 1)][ids[i]].item<float>()) < 1e-5);
    }

    void observerIsAskedBeforeCopying()
    {
        auto engine = loadModel(fixture("olmoe"), { .device = "cpu" });
        const auto ids = someIds(8, 160, 9);
        CountingObserver off;
        engine->logits(ids, &off);
        QCOMPARE(off.asked, 3); // once per MoE layer
        QCOMPARE(off.events, 0);
        CountingObserver on;
        on.wanted = true;
        engine->logits(ids, &on);
        QCOMPARE(on.events, 3);
    }

    void samplerIsSeededAndConsistent()
    {
        at::manual_seed(1);
        const auto logits = at::randn({ 500 }) * 3;
        SamplingOptions o;
        o.greedy = false;
        o.temperature = 0.8;
        o.topP = 0.9;
        o.seed = 42;
        Sampler a(o), b(o);
        std::vector<std::int32_t> sa, sb;
        for (int i = 0; i < 50; ++i) {
            sa.push_back(a.next(logits));
            sb.push_back(b.next(logits));
        }
        QCOMPARE(sa, sb);
        o.seed = 43;
        Sampler c(o);
        std::vector<std::int32_t> sc;
        for (int i = 0; i < 50; ++i)
            sc.push_back(c.next(logits));
        QVERIFY(sc != sa);
        // top-k = 1 and a vanishing top-p both reduce to the argmax
        const auto argmax = static_cast<std::int32_t>(logits.argmax().item<std::int64_t>());
        o.topK = 1;
        QCOMPARE(Sampler(o).next(logits), argmax);
        o.topK = 0;
        o.topP = 1e-6;
        QCOMPARE(Sampler(o).next(logits), argmax);
        // top-p keeps only tokens inside the nucleus
        o.topP = 0.5;
        const auto probs = at::softmax(logits / 0.8, -1);
        auto [sorted, order] = at::sort(probs, -1, true);
        const auto nucleus = (sorted.cumsum(-1) - sorted < 0.5).sum().item<std::int64_t>();
        Sampler d(o);
        for (int i = 0; i < 200; ++i) {
            const auto t = d.next(logits);
            const auto rank = (order == t).nonzero().item<std::int64_t>();
            QVERIFY2(rank < nucleus, qPrintable(QString("rank %1 outside nucleus %2").arg(rank).arg(nucleus)));
        }
        o.temperature = 0;
        QVERIFY_THROWS_EXCEPTION(Error, Sampler { o });
    }
};

QTEST_GUILESS_MAIN(NnBlocks)
#include "tst_nnblocks.moc"

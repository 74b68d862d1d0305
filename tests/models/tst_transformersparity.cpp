// Every supported family against transformers 5.17 (CPU, float32) on the fixtures made by
// tests/fixtures/models/make_fixtures.py: logits, routing choices and 16-token greedy continuations.
// Tolerances: max |logit difference| <= 1e-4 x max |reference logit|; expert sets identical for every token and MoE
// layer unless the reference's k-th and (k+1)-th selection scores are within 1e-5 (a near-tie); applied routing
// weights within 1e-4; greedy continuations identical.

#include "eval/routingagreement.h"
#include "models/modelloader.h"
#include "nn/transformer.h"
#include "tensortestutil.h"
#include "testsupport.h"

#include <QDir>
#include <QTest>

#include <map>
#include <set>

using namespace moescope;

namespace {

std::vector<std::int32_t> toIds(const at::Tensor& t)
{
    const auto l = t.to(at::kLong).contiguous();
    return { l.data_ptr<std::int64_t>(), l.data_ptr<std::int64_t>() + l.numel() };
}

} // namespace

class TransformersParity : public QObject {
    Q_OBJECT

private slots:
    void parity_data()
    {
        QTest::addColumn<QString>("fixture");
        for (const char* name : { "deepseek_v2", "deepseek_v2_lite_yarn", "deepseek_v3", "deepseek_v3_fp8",
                 "qwen2_moe", "qwen3_moe", "mixtral", "olmoe", "llama_r1_distill", "qwen2_r1_distill" })
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void parity()
    {
        QFETCH(QString, fixture);
        const auto dir = (moescope::test::fixturesDir() + "/models/" + fixture).toStdString();
        const SafetensorsFile ref(dir + "/reference.safetensors");
        const auto ids = toIds(test::readTensor(ref, "input_ids"));
        const auto refLogits = test::readTensor(ref, "logits"); // [n, vocab]

        auto engine = loadModel(dir, { .device = "cpu", .dtype = "f32" });
        RoutingCapture routing;
        const auto logitsVec = engine->logits(ids, &routing);
        const auto logits = at::from_blob(const_cast<float*>(logitsVec.data()), refLogits.sizes(), at::kFloat);
        const double maxRef = refLogits.abs().max().item<double>();
        const double maxDiff = (logits - refLogits).abs().max().item<double>();
        qInfo("%s: max |logit diff| %.3g (bound %.3g)", qPrintable(fixture), maxDiff, 1e-4 * maxRef);
        QVERIFY2(maxDiff <= 1e-4 * maxRef, qPrintable(QString("max |diff| %1 > 1e-4 x %2").arg(maxDiff).arg(maxRef)));

        // Routing: identical expert sets (order aside) and weights, except at near-ties.
        int checkedLayers = 0;
        for (const auto& info : ref.tensors()) {
            const auto& name = info.name;
            if (name.rfind("routing.", 0) != 0 || name.size() < 4 || name.substr(name.size() - 4) != ".ids")
                continue;
            const int layer = std::stoi(name.substr(8, name.size() - 12));
            const auto refIds = test::readTensor(ref, name).to(at::kLong); // [n, k]
            const auto refWeights = test::readTensor(ref, "routing." + std::to_string(layer) + ".weights");
            const auto margin = test::readTensor(ref, "routing." + std::to_string(layer) + ".margin"); // [n]
            QVERIFY2(routing.layers().count(layer),
                qPrintable(QString("no routing captured for layer %1").arg(layer)));
            const auto& got = routing.layers().at(layer);
            const auto k = refIds.size(1);
            QCOMPARE(got.k, static_cast<int>(k));
            for (std::int64_t t = 0; t < refIds.size(0); ++t) {
                std::map<std::int64_t, float> expected, actual;
                for (std::int64_t j = 0; j < k; ++j) {
                    expected[refIds[t][j].item<std::int64_t>()] = refWeights[t][j].item<float>();
                    actual[got.ids[t * k + j]] = got.weights[t * k + j];
                }
                if (margin[t].item<float>() < 1e-5f)
                    continue; // near-tie: either choice is correct
                std::set<std::int64_t> e, a;
                for (auto& [id, w] : expected)
                    e.insert(id);
                for (auto& [id, w] : actual)
                    a.insert(id);
                QVERIFY2(e == a, qPrintable(QString("layer %1 token %2: expert sets differ").arg(layer).arg(t)));
                for (auto& [id, w] : expected)
                    QVERIFY2(std::abs(actual[id] - w) <= 1e-4,
                        qPrintable(QString("layer %1 token %2 expert %3: weight %4 vs %5")
                                       .arg(layer).arg(t).arg(id).arg(actual[id]).arg(w)));
            }
            ++checkedLayers;
        }
        QCOMPARE(checkedLayers, static_cast<int>(engine->spec().isMoe() && !fixture.endsWith("_fp8")
                ? engine->spec().moeLayerIndices().size()
                : 0));

        // Greedy continuation through the KV cache (incremental decode; MLA takes its absorbed path here).
        if (ref.find("greedy_ids")) {
            const auto expected = toIds(test::readTensor(ref, "greedy_ids"));
            SamplingOptions greedy;
            greedy.maxNewTokens = static_cast<int>(expected.size());
            greedy.stopTokens = { -1 }; // never stop early
            const auto result = engine->generate(ids, greedy);
            QCOMPARE(result.tokens, expected);
        }
    }
};

QTEST_GUILESS_MAIN(TransformersParity)
#include "tst_transformersparity.moc"

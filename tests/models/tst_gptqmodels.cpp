// GPTQ on whole models (the fixture checkpoints): the Gram matrices calibration collects (diagonal = the sums of
// squares, routed experts' Grams summing to k times the layer's, gate and up sharing one matrix, the LM head's
// inputs recorded, tied heads under the embedding's name), and "+gptq" checkpoints: written by the quantize engine,
// loaded back bit for bit equal to quantize-on-load with the same statistics, different from round-to-nearest and
// closer to the full model than it on the calibration ids (KL), the policy recorded in config.json, and refused
// without calibration text.

#include "core/error.h"
#include "io/jsonfile.h"
#include "models/modelloader.h"
#include "models/registry.h"
#include "quant/calibration.h"
#include "quant/checkpointquantizer.h"
#include "quant/quantizingweights.h"

#include "fixturemodels.h" // after LibTorch: it includes Qt, whose "slots" macro breaks LibTorch headers

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace moescope;

namespace {
using test::someIds;
std::string fixture(const QString& name)
{
    return test::fixtureModel(name);
}

const EngineOptions kCpu { .device = "cpu", .dtype = "f32" };

double relMax(const at::Tensor& a, const at::Tensor& b)
{
    return ((a - b).abs().max() / b.abs().max().clamp_min(1e-300)).item<double>();
}

double klFrom(const std::vector<float>& p, const std::vector<float>& q, std::int64_t vocab)
{
    const auto lp = at::log_softmax(at::tensor(p).view({ -1, vocab }), -1);
    const auto lq = at::log_softmax(at::tensor(q).view({ -1, vocab }), -1);
    return (lp.exp() * (lp - lq)).sum(-1).mean().item<double>();
}
} // namespace

class TestGptqModels : public QObject {
    Q_OBJECT

private slots:
    void gramMatricesAreCollected()
    {
        const auto dir = fixture("deepseek_v2");
        const auto spec = readModelSpec(dir);
        const auto ids = someIds(40, 160, 10);
        const auto plain = collectActivationStats(dir, spec, kCpu, ids, 16);
        QCOMPARE(plain->gramBytes, std::int64_t(0));
        QVERIFY(!plain->find("model.layers.0.self_attn.q_proj")->gram.defined());

        const auto stats = collectActivationStats(dir, spec, kCpu, ids, 16, {}, {}, /*gram=*/true);
        QVERIFY(stats->gramBytes > 0);
        const auto* q = stats->find("model.layers.0.self_attn.q_proj");
        QVERIFY(q && q->gram.defined());
        QVERIFY(q->gram.sizes() == at::IntArrayRef({ 64, 64 }));
        // diag(X^T X) = sum x^2 (to float32 accumulation differences); symmetric; positive semi-definite.
        QVERIFY(relMax(q->gram.diagonal(), q->sumSquares) < 1e-5);
        QVERIFY(at::equal(q->gram, q->gram.t()));
        const auto eig = at::linalg_eigvalsh(q->gram);
        QVERIFY(eig.min().item<double>() >= -1e-9 * eig.max().item<double>());

        // Routed experts: gate and up share one Gram; over the experts they sum to k = 2 times the layer's.
        const auto* layer = stats->find("model.layers.1.mlp.experts");
        QVERIFY(layer && layer->gram.defined());
        QCOMPARE(layer->count, std::int64_t(40));
        auto sum = at::zeros_like(layer->gram);
        for (int e = 0; e < 8; ++e) {
            const auto p = "model.layers.1.mlp.experts." + std::to_string(e) + ".";
            const auto* gate = stats->find(p + "gate_proj");
            if (!gate)
                continue;
            const auto* up = stats->find(p + "up_proj");
            const auto* down = stats->find(p + "down_proj");
            QVERIFY(gate->gram.is_same(up->gram));
            QVERIFY(down->gram.sizes() == at::IntArrayRef({ 24, 24 }));
            QVERIFY(relMax(down->gram.diagonal(), down->sumSquares) < 1e-5);
            QVERIFY(relMax(gate->gram.diagonal(), gate->sumSquares) < 1e-5);
            sum += gate->gram;
        }
        QVERIFY2(relMax(sum, 2 * layer->gram) < 1e-9, qPrintable(QString::number(relMax(sum, 2 * layer->gram))));

        // The LM head's inputs (final hidden states of every token).
        const auto* head = stats->find("lm_head");
        QVERIFY(head && head->gram.defined());
        QCOMPARE(head->count, std::int64_t(40));
        // A tied head records under the embedding's name.
        const auto tiedDir = fixture("qwen2_r1_distill");
        const auto tied = collectActivationStats(tiedDir, readModelSpec(tiedDir), kCpu, ids, 16, {}, {}, true);
        const auto* embed = tied->find("model.embed_tokens");
        QVERIFY(embed && embed->gram.defined());
        QCOMPARE(embed->count, std::int64_t(40));
    }

    void checkpointLoadsIdentically_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("scheme");
        QTest::newRow("deepseek_v2-int4-g32") << "deepseek_v2"
                                              << "int4-g32+gptq";
        QTest::newRow("qwen2-tied-int8") << "qwen2_r1_distill"
                                         << "int8+gptq";
        QTest::newRow("olmoe-int4-g64-asym") << "olmoe"
                                             << "int4-g64-asym+gptq";
        QTest::newRow("mixtral-fp8") << "mixtral"
                                     << "fp8+gptq";
        QTest::newRow("deepseek_v2-awq-gptq") << "deepseek_v2"
                                              << "int4-g32+awq+gptq";
    }

    void checkpointLoadsIdentically()
    {
        QFETCH(QString, name);
        QFETCH(QString, scheme);
        const auto dir = fixture(name);
        const auto spec = readModelSpec(dir);
        QTemporaryDir tmp;
        const auto out = std::filesystem::path(tmp.path().toStdString()) / "q";
        CheckpointQuantizeOptions o;
        o.policy = QuantPolicy::fromSpec(scheme.toStdString());
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, quantizeCheckpoint(dir, spec, out, o)); // no calibration
        const auto calibration = someIds(96, 160, 12);
        o.stats = collectActivationStats(dir, spec, kCpu, calibration, 32, {}, {}, true);
        const auto report = quantizeCheckpoint(dir, spec, out, o);
        QVERIFY(report.matricesQuantized > 0);
        const auto config = readJsonFile(out / "config.json");
        QCOMPARE(config["quantization_config"]["policy"]["gptq"].get<bool>(), true);

        const auto ids = someIds(24, 160, 13);
        auto saved = loadModel(out, kCpu);
        auto onLoadOptions = kCpu;
        onLoadOptions.wrapWeights = [policy = o.policy, stats = o.stats, naming = spec.naming](WeightSource& inner) {
            return std::make_unique<QuantizingWeights>(inner, policy, naming, stats);
        };
        auto onLoad = loadModel(dir, onLoadOptions);
        QCOMPARE(saved->summary().weightBytes, onLoad->summary().weightBytes);
        const auto a = saved->logits(ids);
        QCOMPARE(a, onLoad->logits(ids)); // bit for bit: same codes, same kernels

        // Not round-to-nearest in disguise; and on the calibration text itself, closer to the full model.
        const auto base = o.policy.defaultScheme.name();
        auto rtn = loadModel(dir, { .device = "cpu", .dtype = "f32", .quantization = base });
        QVERIFY(a != rtn->logits(ids));
        auto full = loadModel(dir, kCpu);
        const auto ref = full->logits(calibration);
        const double klGptq = klFrom(ref, saved->logits(calibration), 160);
        const double klRtn = klFrom(ref, rtn->logits(calibration), 160);
        qInfo("%s: KL from full precision on the calibration ids: RTN %.3g, GPTQ %.3g", qPrintable(scheme), klRtn,
            klGptq);
        // Measured: int4-g32 0.199 -> 0.132, tied int8 0.00144 -> 0.00132, olmoe int4-g64-asym 0.336 -> 0.258,
        // mixtral fp8 0.0817 -> 0.0787, int4-g32+awq+gptq 0.141. (GPTQ minimises each matrix's output error, not this
        // KL, but on the text it fitted it should not lose to rounding.)
        QVERIFY2(std::isfinite(klGptq) && klGptq < klRtn, qPrintable(QString("%1 vs %2").arg(klGptq).arg(klRtn)));
    }
};

QTEST_APPLESS_MAIN(TestGptqModels)
#include "tst_gptqmodels.moc"

// Quantized models in the runtime: quantized Linear and ExpertBank against dense products of the dequantized
// weights, quantize-on-load for every family, saved quantized checkpoints loading to exactly the same model through
// loadModel (per-expert mixed policies and fused expert layouts included), memory that matches the format (no
// dequantized copy kept; int4-g128 about 0.28x of bf16 at realistic dimensions), calibration (activation statistics,
// expert sensitivity, budget allocation), damaged quantized checkpoints, cancellation of the quantize command, and
// block-scaled FP8 checkpoints kept as stored (square blocks) or dequantized on load (other blocks).

#include "core/error.h"
#include "eval/memorytracker.h"
#include "io/safetensorscheckpoint.h"
#include "io/safetensorsfile.h"
#include "io/safetensorswriter.h"
#include "models/modelloader.h"
#include "models/registry.h"
#include "nn/expertbank.h"
#include "nn/transformer.h"
#include "quant/calibration.h"
#include "quant/checkpointquantizer.h"
#include "quant/cpuquantgemv.h"
#include "quant/quantizedcheckpoint.h"
#include "quant/quantizedexpertbank.h"
#include "quant/quantizedlinear.h"
#include "quant/quantizer.h"
#include "quant/storedfp8weights.h"
#include "randomcheckpoint.h"
#include "reldiff.h"
#include "fixturemodels.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

using namespace moescope;

namespace {
using test::someIds;
std::string fixture(const QString& name) { return test::fixtureModel(name); }
using test::relDiff;

const EngineOptions kCpu { .device = "cpu", .dtype = "f32" };

// Every matrix through WeightSource's default loaders, i.e. dense in the compute dtype (a stored FP8 checkpoint's
// weights dequantized on load).
class DenseWeights final : public WeightSource {
public:
    explicit DenseWeights(WeightSource& inner)
        : m_inner(inner)
    {
    }
    bool has(const std::string& n) const override { return m_inner.has(n); }
    at::Tensor load(const std::string& n, at::IntArrayRef s, bool f) override { return m_inner.load(n, s, f); }
    void loadInto(const std::string& n, at::Tensor d) override { m_inner.loadInto(n, d); }
    at::TensorOptions options() const override { return m_inner.options(); }

private:
    WeightSource& m_inner;
};

// The reference for a quantized model: the same quantization, immediately dequantized into ordinary dense weights,
// so the model runs the full-precision code path on exactly the values the quantized one represents.
class FakeQuantWeights final : public WeightSource {
public:
    FakeQuantWeights(WeightSource& inner, QuantScheme scheme)
        : m_inner(inner)
        , m_scheme(scheme)
    {
    }
    bool has(const std::string& n) const override { return m_inner.has(n); }
    at::Tensor load(const std::string& n, at::IntArrayRef s, bool f) override { return m_inner.load(n, s, f); }
    void loadInto(const std::string& n, at::Tensor d) override { m_inner.loadInto(n, d); }
    at::TensorOptions options() const override { return m_inner.options(); }
    Linear loadLinear(const std::string& m, std::int64_t out, std::int64_t in, bool bias) override
    {
        return Linear::dense(roundTrip(m + ".weight", { out, in }), bias ? m_inner.load(m + ".bias", { out }) : at::Tensor());
    }
    Linear loadEmbedding(const std::string& m, std::int64_t rows, std::int64_t cols) override
    {
        return Linear::dense(roundTrip(m + ".weight", { rows, cols }));
    }
    std::unique_ptr<ExpertBank> loadExperts(const std::string& p, const TensorNaming& naming, std::int64_t e,
        std::int64_t h, std::int64_t i) override
    {
        auto gateUp = at::empty({ e, 2 * i, h }), down = at::empty({ e, h, i });
        for (std::int64_t x = 0; x < e; ++x) {
            const auto q = p + "experts." + std::to_string(x) + ".";
            gateUp[x].narrow(0, 0, i).copy_(roundTrip(q + naming.gateProj + ".weight", { i, h }));
            gateUp[x].narrow(0, i, i).copy_(roundTrip(q + naming.upProj + ".weight", { i, h }));
            down[x].copy_(roundTrip(q + naming.downProj + ".weight", { h, i }));
        }
        return std::make_unique<DenseExpertBank>(gateUp, down);
    }

private:
    at::Tensor roundTrip(const std::string& name, at::IntArrayRef shape)
    {
        const auto w = m_inner.load(name, shape, true);
        return m_scheme.isFull() ? w : dequantizeWeight(quantizeWeight(w, m_scheme), at::kFloat);
    }
    WeightSource& m_inner;
    QuantScheme m_scheme;
};

EngineOptions cpuWith(const std::string& quantization)
{
    auto o = kCpu;
    o.quantization = quantization;
    return o;
}
} // namespace

class QuantModelsTest : public QObject {
    Q_OBJECT

private slots:
    void linearMatchesDequantizedProduct_data()
    {
        QTest::addColumn<QString>("scheme");
        for (const char* s : { "int8", "int4-g32", "int4-g128-asym", "fp8", "fp8-b128", "bf16" })
            QTest::newRow(s) << s;
    }

    void linearMatchesDequantizedProduct()
    {
        QFETCH(QString, scheme);
        at::manual_seed(1);
        const auto w = at::randn({ 96, 200 }) * 0.05; // [out, in]
        const auto bias = at::randn({ 96 });
        const auto x = at::randn({ 3, 7, 200 }); // [.., in]
        const auto q = quantizeWeight(w, QuantScheme::parse(scheme.toStdString()));
        const QuantizedLinearWeights linear(q, bias, at::kFloat);
        const auto dense = dequantizeWeight(q, at::kFloat);
        const auto expected = at::linear(x, dense, bias);
        const double rel = relDiff(linear.forward(x), expected);
        QVERIFY2(rel < 1e-5, qPrintable(QString::number(rel))); // float32 products in different orders
        QVERIFY(at::equal(linear.dense(), dense));
        const auto ids = at::tensor(std::vector<std::int64_t> { 5, 0, 95, 5 }, at::kLong).view({ 2, 2 });
        QVERIFY(at::equal(linear.lookup(ids), at::embedding(dense, ids))); // rows dequantized alone, bit for bit
        QCOMPARE(linear.weightBytes(), q.bytes() + static_cast<std::int64_t>(bias.nbytes()));
    }

    void expertBankMatchesDequantizedDense()
    {
        at::manual_seed(2);
        const std::int64_t experts = 8, hidden = 64, inter = 48, tokens = 13, k = 2;
        const char* schemes[] = { "int4-g32", "int4-g32", "int8", "fp8", "int4-g64-asym", "none", "bf16", "int8" };
        std::vector<QuantizedExpert> bank;
        for (std::int64_t e = 0; e < experts; ++e) {
            const auto s = QuantScheme::parse(schemes[e]);
            QuantizedExpert x;
            x.gate = quantizeWeight(at::randn({ inter, hidden }) * 0.1, s);
            x.up = quantizeWeight(at::randn({ inter, hidden }) * 0.1, s);
            x.down = quantizeWeight(at::randn({ hidden, inter }) * 0.1, s);
            bank.push_back(std::move(x));
        }
        const auto q = QuantizedExpertBank::fromExperts(std::move(bank), at::kFloat);
        QCOMPARE(q->schemeOf(2).name(), std::string("int8"));
        QCOMPARE(q->groups().size(), std::size_t(6));
        const auto dense = q->dequantized();
        const auto x = at::randn({ tokens, hidden });
        auto ids = at::randint(0, 6, { tokens, k }, at::kLong); // experts 6 and 7 get no tokens
        ids.select(1, 1).copy_((ids.select(1, 0) + 1) % 6);
        const auto weights = at::rand({ tokens, k });
        const double rel = relDiff(q->forward(x, ids, weights), dense->forward(x, ids, weights));
        QVERIFY2(rel < 1e-5, qPrintable(QString::number(rel)));
        QVERIFY(at::equal(q->forward(x.narrow(0, 0, 0), ids.narrow(0, 0, 0), weights.narrow(0, 0, 0)),
            x.narrow(0, 0, 0)));
    }

    // The CPU's decode products by INT8 / INT4 / FP8 codes (quant/cpuquantgemv.h) against the float32 product over the
    // dequantized matrix: 1-8 rows, a stack's third matrix, row lengths cut inside a group and inside 16 columns,
    // activation-aware scales; the AVX2 loop and the plain one. Bounds: 1e-5 relative in float32 (sums in another
    // order), 1e-2 with bf16 inputs (the output rounded to bf16).
    void cpuGemvMatchesDequantizedProduct_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<int>("tokens");
        QTest::addColumn<bool>("bf16");
        QTest::addColumn<bool>("scaled");
        for (const char* s : { "int8", "int4-g128", "int4-g64-asym", "int4-g32", "int4-g32-asym", "fp8", "fp8-b128" })
            for (const int cols : { 320, 1000, 64 })
                for (const int tokens : { 1, 3, 8, 11 }) // 11: passes of 8 and 3 rows
                    QTest::addRow("%s-%dx%d-t%d", s, 37, cols, tokens) << s << 37 << cols << tokens << false << false;
        QTest::newRow("int4-g128-bf16") << "int4-g128" << 96 << 320 << 2 << true << false;
        QTest::newRow("int8-bf16") << "int8" << 96 << 1000 << 1 << true << false;
        QTest::newRow("int4-g128-awq") << "int4-g128" << 64 << 320 << 1 << false << true;
        QTest::newRow("int8-awq") << "int8" << 64 << 1000 << 4 << false << true;
        QTest::newRow("fp8-b128-block-rows") << "fp8-b128" << 300 << 320 << 2 << false << false; // 3 rows of blocks
    }

    void cpuGemvMatchesDequantizedProduct()
    {
        QFETCH(QString, scheme);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, tokens);
        QFETCH(bool, bf16);
        QFETCH(bool, scaled);
        at::manual_seed(7);
        const auto s = QuantScheme::parse(scheme.toStdString());
        std::vector<QuantizedTensor> parts;
        for (int i = 0; i < 3; ++i) {
            parts.push_back(quantizeWeight(at::randn({ rows, cols }) * 0.05, s));
            if (scaled)
                parts.back().inputScale = at::rand({ cols }) + 0.5;
        }
        const auto q = stackQuantized(parts);
        const auto x = at::randn({ tokens, cols }).to(bf16 ? at::kBFloat16 : at::kFloat);
        QCOMPARE(cpuQuantGemvApplies(x, q), tokens <= kMaxCpuGemvRows); // a dense projection's rows, one pass
        const auto expected = at::linear(x.to(at::kFloat), dequantizeWeight(parts[2], at::kFloat)); // [tokens, rows]
        const double bound = bf16 ? 1e-2 : 1e-5;
        for (const bool plain : { false, true }) {
            const auto y = cpuQuantGemv(x, q, 2, plain);
            QCOMPARE(y.scalar_type(), x.scalar_type());
            const double rel = relDiff(y.to(at::kFloat), expected);
            QVERIFY2(rel < bound, qPrintable(QString("%1 loop: %2").arg(plain ? "plain" : "vector").arg(rel)));
        }
    }

    // Decode steps (1, 3 tokens) and a short prompt (24 tokens, up to ~12 slots an expert: passes of 8 and the rest) of
    // a bank of INT4, INT8 and FP8 experts on the CPU: the products by the codes, without dequantizing an expert (the
    // transient peak stays below one dequantized expert), against the dense bank of its dequantized weights.
    void expertBankDecodesOnCpuWithoutDequantizing()
    {
        at::manual_seed(4);
        const std::int64_t experts = 8, hidden = 256, inter = 128, k = 2;
        const char* schemes[] = { "int4-g32", "int8", "int4-g64-asym", "int4-g128", "fp8-b128", "fp8" };
        std::vector<QuantizedExpert> bank;
        for (std::int64_t e = 0; e < experts; ++e) {
            const auto s = QuantScheme::parse(schemes[e % 6]);
            bank.push_back({ quantizeWeight(at::randn({ inter, hidden }) * 0.1, s),
                quantizeWeight(at::randn({ inter, hidden }) * 0.1, s),
                quantizeWeight(at::randn({ hidden, inter }) * 0.1, s) });
        }
        const auto q = QuantizedExpertBank::fromExperts(std::move(bank), at::kFloat);
        const auto dense = q->dequantized();
        for (const std::int64_t tokens : { 1, 3, 24 }) {
            const auto x = at::randn({ tokens, hidden });
            auto ids = std::get<1>(at::rand({ tokens, experts }).topk(k, -1)); // [T, k], distinct per token
            const auto weights = at::rand({ tokens, k });
            const auto expected = dense->forward(x, ids, weights);
            MemoryTracker tracker;
            const auto y = q->forward(x, ids, weights);
            QVERIFY(tracker.peak() > 0);
            // Dequantizing even one expert takes its three matrices in float32.
            QVERIFY2(tracker.peak() < 3 * hidden * inter * 4, qPrintable(QString::number(tracker.peak())));
            const double rel = relDiff(y, expected);
            QVERIFY2(rel < 1e-5, qPrintable(QString::number(rel)));
        }
    }

    // A prompt whose routing crowds one expert (every token's first choice: more slots than the codes' products take)
    // on the CPU: that expert is dequantized alone and the others still multiply their codes, so the transient peak is
    // one dequantized expert and the dequantization's temporaries (measured 2.7 experts' bytes; bound 4, where all the
    // chosen ones dequantized together take 8 and more), and the outputs match the dense bank of the dequantized
    // weights.
    void expertBankDequantizesOneCrowdedExpertAtATimeOnCpu()
    {
        at::manual_seed(5);
        const std::int64_t experts = 8, hidden = 256, inter = 128, tokens = 80, k = 2;
        const auto s = QuantScheme::parse("int4-g32");
        std::vector<QuantizedExpert> bank;
        for (std::int64_t e = 0; e < experts; ++e)
            bank.push_back({ quantizeWeight(at::randn({ inter, hidden }) * 0.1, s),
                quantizeWeight(at::randn({ inter, hidden }) * 0.1, s),
                quantizeWeight(at::randn({ hidden, inter }) * 0.1, s) });
        const auto q = QuantizedExpertBank::fromExperts(std::move(bank), at::kFloat);
        const auto dense = q->dequantized();
        const auto x = at::randn({ tokens, hidden });
        auto ids = at::empty({ tokens, k }, at::kLong);
        ids.select(1, 0).fill_(0); // expert 0: 80 slots
        ids.select(1, 1).copy_(at::randint(1, experts, { tokens }, at::kLong)); // the others: ~11 each
        QVERIFY(at::bincount(ids.reshape({ -1 })).narrow(0, 1, experts - 1).max().item<std::int64_t>()
            <= kMaxCpuGemvSlots);
        const auto weights = at::rand({ tokens, k });
        const auto expected = dense->forward(x, ids, weights);
        MemoryTracker tracker;
        const auto y = q->forward(x, ids, weights);
        const std::int64_t oneExpert = 3 * hidden * inter * 4; // its three matrices in float32
        QVERIFY2(tracker.peak() > oneExpert, qPrintable(QString::number(tracker.peak()))); // expert 0 dequantized
        QVERIFY2(tracker.peak() < 4 * oneExpert, qPrintable(QString::number(tracker.peak())));
        const double rel = relDiff(y, expected);
        QVERIFY2(rel < 1e-5, qPrintable(QString::number(rel)));
    }

    void expertBankDequantizesOnlyActiveExperts()
    {
        at::manual_seed(3);
        const std::int64_t experts = 32, hidden = 128, inter = 128;
        std::vector<QuantizedExpert> bank;
        const auto s = QuantScheme::parse("int4-g64");
        for (std::int64_t e = 0; e < experts; ++e)
            bank.push_back({ quantizeWeight(at::randn({ inter, hidden }), s), quantizeWeight(at::randn({ inter, hidden }), s),
                quantizeWeight(at::randn({ hidden, inter }), s) });
        const auto q = QuantizedExpertBank::fromExperts(std::move(bank), at::kFloat);
        const auto x = at::randn({ 1, hidden });
        const auto ids = at::tensor(std::vector<std::int64_t> { 4, 17 }, at::kLong).view({ 1, 2 });
        const auto weights = at::full({ 1, 2 }, 0.5);
        const std::int64_t fullBank = experts * 3 * hidden * inter * 4; // the whole bank in float32
        MemoryTracker tracker;
        const auto y = q->forward(x, ids, weights);
        qInfo("decode step: transient peak %lld bytes, whole dequantized bank %lld", static_cast<long long>(tracker.peak()),
            static_cast<long long>(fullBank));
        QVERIFY(tracker.peak() > 0); // the tracker sees allocations at all
        QVERIFY2(tracker.peak() < fullBank / 4, "a decode step must not dequantize every expert");
    }

    void quantizeOnLoadRunsEveryFamily_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("scheme");
        for (const char* f : { "deepseek_v2", "deepseek_v3", "qwen2_moe", "qwen3_moe", "mixtral", "olmoe",
                 "llama_r1_distill", "qwen2_r1_distill", "deepseek_v3_fp8" })
            for (const char* s : { "int8", "int4-g32-asym" })
                QTest::addRow("%s-%s", f, s) << f << s;
        QTest::newRow("olmoe-fp8-b128") << "olmoe" << "fp8-b128";
        QTest::newRow("qwen2_moe-bf16") << "qwen2_moe" << "bf16";
    }

    void quantizeOnLoadRunsEveryFamily()
    {
        QFETCH(QString, name);
        QFETCH(QString, scheme);
        const auto ids = someIds(24, 160, 4);
        auto full = loadModel(fixture(name), kCpu);
        auto quant = loadModel(fixture(name), cpuWith(scheme.toStdString()));
        auto reference = kCpu;
        const auto s = QuantScheme::parse(scheme.toStdString());
        reference.wrapWeights = [s](WeightSource& inner) { return std::make_unique<FakeQuantWeights>(inner, s); };
        auto fake = loadModel(fixture(name), reference);
        QCOMPARE(quant->summary().quantization, scheme.toStdString());
        QVERIFY(quant->summary().weightBytes < full->summary().weightBytes);
        const auto a = quant->logits(ids), b = fake->logits(ids);
        for (const auto v : a)
            QVERIFY(std::isfinite(v));
        // Same represented weights through the quantized and the dense code paths: float32 rounding apart.
        const double rel = relDiff(a, b);
        qInfo("%s %s: vs dequantized dense model %.2g, vs full precision %.3f, weights %.3fx", qPrintable(name),
            qPrintable(scheme), rel, relDiff(a, full->logits(ids)),
            static_cast<double>(quant->summary().weightBytes) / static_cast<double>(full->summary().weightBytes));
        QVERIFY2(rel < 1e-4, qPrintable(QString::number(rel)));
    }

    void savedCheckpointLoadsIdentically_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("scheme");
        QTest::newRow("deepseek_v2-int4") << "deepseek_v2" << "int4-g128";
        QTest::newRow("qwen2_moe-int8") << "qwen2_moe" << "int8";
        QTest::newRow("mixtral-fp8") << "mixtral" << "fp8";
        QTest::newRow("qwen3_moe-sharded-asym") << "qwen3_moe" << "int4-g64-asym";
        QTest::newRow("olmoe-fp8-block") << "olmoe" << "fp8-b128";
        QTest::newRow("llama-bf16") << "llama_r1_distill" << "bf16";
        QTest::newRow("qwen2-tied-int8") << "qwen2_r1_distill" << "int8";
        QTest::newRow("deepseek_v3_fp8-source") << "deepseek_v3_fp8" << "int8";
    }

    void savedCheckpointLoadsIdentically()
    {
        QFETCH(QString, name);
        QFETCH(QString, scheme);
        QTemporaryDir tmp;
        const auto out = std::filesystem::path(tmp.path().toStdString()) / "q";
        const auto spec = readModelSpec(fixture(name));
        CheckpointQuantizeOptions o;
        o.policy = QuantPolicy::fromSpec(scheme.toStdString());
        o.shardBytes = 40000; // several shards even for the fixtures
        const auto report = quantizeCheckpoint(fixture(name), spec, out, o);
        QVERIFY(report.matricesQuantized > 0);
        QVERIFY(std::filesystem::exists(out / "config.json"));
        QVERIFY(!std::filesystem::exists(out.string() + ".partial"));
        QCOMPARE(describeModel(out).quantization, scheme.toStdString());

        const auto ids = someIds(20, 160, 5);
        auto saved = loadModel(out, kCpu);
        auto onLoad = loadModel(fixture(name), cpuWith(scheme.toStdString()));
        QCOMPARE(saved->summary().quantization, scheme.toStdString());
        QCOMPARE(saved->summary().weightBytes, onLoad->summary().weightBytes);
        QCOMPARE(saved->logits(ids), onLoad->logits(ids)); // bit for bit: same codes, same kernels
        // Tied embeddings stay tied (stored once).
        if (name == "qwen2_r1_distill")
            QVERIFY(!SafetensorsCheckpoint(out).contains("lm_head.qweight"));
    }

    void mixedPolicyWithFusedExperts()
    {
        QTemporaryDir tmp;
        const std::filesystem::path root = tmp.path().toStdString();
        test::writeRandomCheckpoint(root / "src", test::deepseekConfig(128, 3, 8, 64, 256), /*fused=*/true, 7);
        const auto policyPath = root / "policy.json";
        writeTextFileAtomic(policyPath, R"({"default": "int4-g64", "attention": "int8", "embeddings": "none",
            "lm_head": "int8", "shared_experts": "fp8", "experts": {"1": {"0": "int8", "3": "none"}, "2": {"7": "bf16"}}})");
        const auto spec = readModelSpec(root / "src");
        CheckpointQuantizeOptions o;
        o.policy = QuantPolicy::fromSpec("mixed:" + policyPath.string());
        quantizeCheckpoint(root / "src", spec, root / "q", o);
        auto saved = loadModel(root / "q", kCpu);
        auto onLoad = loadModel(root / "src", cpuWith("mixed:" + policyPath.string()));
        QCOMPARE(saved->summary().quantization, std::string("mixed:policy"));
        const auto ids = someIds(30, 256, 6);
        QCOMPARE(saved->logits(ids), onLoad->logits(ids));
        const auto& bank = dynamic_cast<const QuantizedExpertBank&>(saved->transformer().layers()[1].moe()->experts());
        QCOMPARE(bank.schemeOf(0).name(), std::string("int8"));
        QCOMPARE(bank.schemeOf(3).name(), std::string("none"));
        QCOMPARE(bank.schemeOf(5).name(), std::string("int4-g64"));
        const SafetensorsFile file((root / "q" / "model.safetensors").string());
        QVERIFY(file.find("model.embed_tokens.weight")); // kept as stored
        QVERIFY(file.find("model.layers.1.mlp.experts.3.up_proj.weight"));
        QVERIFY(file.find("model.layers.1.mlp.experts.5.up_proj.qweight"));
        QVERIFY(!file.find("model.layers.1.mlp.experts.gate_up_proj"));
        QCOMPARE(file.metadata().at("quant.model.layers.2.mlp.experts.7.down_proj"), std::string("bf16"));
        QCOMPARE(file.metadata().at("quant.lm_head"), std::string("int8"));
    }

    void memoryMatchesFormat()
    {
        // Realistic widths (groups of 128 fit): hidden 512, 16 experts of 256, vocab 4096.
        QTemporaryDir tmp;
        const std::filesystem::path dir = tmp.path().toStdString();
        test::writeRandomCheckpoint(dir, test::deepseekConfig(512, 4, 16, 256, 4096), false, 8, at::kBFloat16);
        auto bf16 = loadModel(dir, { .device = "cpu", .dtype = "bf16" });
        std::int64_t trackedAfterLoad = 0;
        std::unique_ptr<Engine> int4;
        {
            MemoryTracker tracker;
            // Plain min/max ranges: the memory layout is the subject here, and the clipping-range search would make
            // this ~30M-parameter load take minutes on a 2-core machine.
            int4 = loadModel(dir, { .device = "cpu", .dtype = "bf16", .quantization = "int4-g128+minmax" });
            trackedAfterLoad = tracker.current();
        }
        auto int8 = loadModel(dir, { .device = "cpu", .dtype = "bf16", .quantization = "int8+minmax" });
        const double r4 = static_cast<double>(int4->summary().weightBytes) / static_cast<double>(bf16->summary().weightBytes);
        const double r8 = static_cast<double>(int8->summary().weightBytes) / static_cast<double>(bf16->summary().weightBytes);
        qInfo("weights: bf16 %lld bytes, int8 %.4fx, int4-g128 %.4fx; tensors alive after the int4 load: %lld bytes",
            static_cast<long long>(bf16->summary().weightBytes), r8, r4, static_cast<long long>(trackedAfterLoad));
        // 0.25 codes + 1/128 float16 scales + the float32 router and bf16 norms: about 0.26x.
        QVERIFY2(r4 > 0.25 && r4 < 0.28, qPrintable(QString::number(r4)));
        QVERIFY2(r8 > 0.50 && r8 < 0.53, qPrintable(QString::number(r8)));
        // What stays allocated after loading is the format, not a dequantized copy (rope tables and the like aside).
        QVERIFY2(std::abs(static_cast<double>(trackedAfterLoad) / static_cast<double>(int4->summary().weightBytes) - 1) < 0.05,
            qPrintable(QString::number(trackedAfterLoad)));
        // The plan's estimate (used before loading) agrees with what loading produced.
        const SafetensorsCheckpoint ckpt(dir);
        const auto plan = planModules(readModelSpec(dir), [&](const std::string& n) { return ckpt.contains(n); });
        const auto estimate = plan.weightBytes(QuantPolicy::fromSpec("int4-g128"), 2);
        QVERIFY2(std::abs(static_cast<double>(estimate) / static_cast<double>(int4->summary().weightBytes) - 1) < 0.01,
            qPrintable(QString::number(estimate)));
        // A forward pass dequantizes layer by layer (only the experts its tokens use), never the whole model: its
        // transient peak stays below the bf16 model's weights. Measured 0.58x here: with 64 tokens nearly every expert
        // of a layer is active, and the dequantized gate/up and down weights coexist with their activations.
        const auto ids = someIds(64, 4096, 9);
        MemoryTracker forward;
        int4->logits(ids);
        qInfo("int4 forward of 64 tokens: transient peak %lld bytes", static_cast<long long>(forward.peak()));
        QVERIFY2(forward.peak() < bf16->summary().weightBytes, qPrintable(QString::number(forward.peak())));
    }

    // A block-scaled FP8 checkpoint loaded as it is keeps its FP8 matrices (codes and 128 x 128 block scales) and
    // computes what its weights dequantized on load compute.
    void storedFp8CheckpointStaysFp8()
    {
        const auto dir = fixture("deepseek_v3_fp8");
        auto stored = loadModel(dir, kCpu);
        QCOMPARE(stored->summary().quantization, std::string("fp8-b128 (stored)"));
        auto denseOptions = kCpu;
        denseOptions.wrapWeights = [](WeightSource& inner) { return std::make_unique<DenseWeights>(inner); };
        auto dense = loadModel(dir, denseOptions);
        // Each FP8 weight takes 1 byte instead of 4 (float32 compute), each block scale 4 bytes more.
        std::int64_t fp8Weights = 0, scales = 0;
        const SafetensorsCheckpoint ckpt(dir);
        for (const auto& name : ckpt.names())
            if (const auto* ref = ckpt.find(name); ref->info->dtype == DType::F8E4M3) {
                fp8Weights += ref->info->numel();
                scales += ckpt.find(name + "_scale_inv")->info->numel();
            }
        QVERIFY(fp8Weights > 0);
        QCOMPARE(dense->summary().weightBytes - stored->summary().weightBytes, 3 * fp8Weights - 4 * scales);
        const auto ids = someIds(24, 160, 7);
        const double d = relDiff(stored->logits(ids), dense->logits(ids));
        QVERIFY2(d < 1e-5, qPrintable(QString::number(d)));
    }

    // Blocks that are not square have no kernel layout: such a checkpoint is dequantized on load, as before, and
    // computes the same (each of the fixture's matrices fits in one block either way, so the scales are the same).
    void nonSquareFp8BlocksDequantizeOnLoad()
    {
        QTemporaryDir tmp;
        const auto dir = std::filesystem::path(tmp.path().toStdString()) / "fp8";
        std::filesystem::copy(fixture("deepseek_v3_fp8"), dir, std::filesystem::copy_options::recursive);
        nlohmann::json config;
        std::ifstream(dir / "config.json") >> config;
        config["quantization_config"]["weight_block_size"] = { 256, 128 };
        std::ofstream(dir / "config.json") << config.dump(2);
        QVERIFY(!storedFp8BlockSize(dir));
        auto dequantized = loadModel(dir, kCpu);
        QCOMPARE(dequantized->summary().quantization, std::string("fp8 (stored, dequantized on load)"));
        auto stored = loadModel(fixture("deepseek_v3_fp8"), kCpu);
        QVERIFY(dequantized->summary().weightBytes > stored->summary().weightBytes);
        const auto ids = someIds(24, 160, 8);
        const double d = relDiff(dequantized->logits(ids), stored->logits(ids));
        QVERIFY2(d < 1e-5, qPrintable(QString::number(d)));
    }

    void activationStatsCoverEveryMatrix()
    {
        const auto dir = fixture("deepseek_v2");
        const auto spec = readModelSpec(dir);
        const auto ids = someIds(40, 160, 10);
        const auto stats = collectActivationStats(dir, spec, kCpu, ids, 16);
        const auto* q = stats->find("model.layers.0.self_attn.q_proj");
        QVERIFY(q);
        QCOMPARE(q->count, std::int64_t(40));
        std::int64_t routed = 0;
        for (int e = 0; e < 8; ++e)
            if (const auto* x = stats->find("model.layers.1.mlp.experts." + std::to_string(e) + ".gate_proj")) {
                routed += x->count;
                QCOMPARE(stats->find("model.layers.1.mlp.experts." + std::to_string(e) + ".down_proj")->sumSquares.size(0),
                    std::int64_t(24));
            }
        QCOMPARE(routed, std::int64_t(40 * 2)); // every token reaches k = 2 experts
        // Mean squares equal the direct computation for the first layer's input norm output? Check positivity and
        // consistency: E[x^2] >= (E|x|)^2 per column.
        const auto meanSq = q->sumSquares / 40.0, meanAbs = q->sumAbs / 40.0;
        QVERIFY((meanSq - meanAbs.square() >= -1e-12).all().item<bool>());
    }

    void sensitivityAndBudget()
    {
        const auto dir = fixture("deepseek_v2");
        auto engine = loadModel(dir, kCpu);
        const auto ids = someIds(48, 160, 11);
        const auto before = engine->logits(ids);
        const auto report = measureExpertSensitivity(*engine, ids, QuantScheme::parse("int4-g32"), true, 16);
        QCOMPARE(engine->logits(ids), before); // every layer restored
        QCOMPARE(report.layers, std::vector<int>({ 1, 2 }));
        QCOMPARE(report.experts.size(), std::size_t(16));
        for (const auto kl : report.layerKl)
            QVERIFY(kl > 0);
        // Sensitivities share out each layer's KL.
        for (std::size_t l = 0; l < report.layers.size(); ++l) {
            double sum = 0;
            for (const auto& e : report.experts)
                if (e.layer == report.layers[l])
                    sum += e.sensitivity;
            QVERIFY(std::abs(sum - report.layerKl[l]) < 1e-9 * std::max(1.0, report.layerKl[l]));
        }
        const SafetensorsCheckpoint ckpt(dir);
        const auto plan = planModules(engine->spec(), [&](const std::string& n) { return ckpt.contains(n); });
        const auto base = QuantPolicy::fromSpec("int4-g32");
        const auto low = plan.weightBytes(base, 2), high = plan.weightBytes(QuantPolicy::fromSpec("int8"), 2);
        const auto budget = low + (high - low) / 8;
        const auto policy = allocateExpertPrecision(base, plan, report, QuantScheme::parse("int8"), budget);
        QVERIFY(!policy.experts.empty());
        QVERIFY(plan.weightBytes(policy, 2) <= budget);
        // Promoted experts are the most sensitive ones (all experts have the same size here).
        double weakestPromoted = 1e300, strongestLeft = 0;
        for (const auto& e : report.experts) {
            if (policy.experts.count({ e.layer, e.expert }))
                weakestPromoted = std::min(weakestPromoted, e.sensitivity);
            else
                strongestLeft = std::max(strongestLeft, e.sensitivity);
        }
        QVERIFY(weakestPromoted >= strongestLeft);

        // The LM head: measured, smaller in a finer scheme, and promoted when it pays most per byte.
        QVERIFY(report.headKl > 0 && std::isfinite(report.headKl));
        const auto fine = measureExpertSensitivity(*engine, ids, QuantScheme::parse("int8"), true, 16);
        QVERIFY2(fine.headKl < report.headKl, qPrintable(QString("%1 vs %2").arg(fine.headKl).arg(report.headKl)));
        auto headFirst = report;
        headFirst.headKl = 1e6; // far more sensitive per byte than any expert
        auto withHead = base;
        withHead.kinds[ModuleKind::LmHead] = QuantScheme::parse("int8");
        if (plan.tiedHead)
            withHead.kinds[ModuleKind::Embeddings] = QuantScheme::parse("int8");
        const auto headBudget = plan.weightBytes(withHead, 2);
        const auto promoted = allocateExpertPrecision(base, plan, headFirst, QuantScheme::parse("int8"), headBudget);
        QCOMPARE(promoted.kinds.at(ModuleKind::LmHead).name(), std::string("int8"));
        QVERIFY(promoted.experts.empty()); // the head took the whole budget
        QCOMPARE(plan.weightBytes(promoted, 2), headBudget);
        auto headLast = report;
        headLast.headKl = 0; // not worth a byte
        const auto without = allocateExpertPrecision(base, plan, headLast, QuantScheme::parse("int8"), budget);
        QVERIFY(!without.kinds.count(ModuleKind::LmHead));
        if (!policy.kinds.count(ModuleKind::LmHead)) { // a head that was skipped changed nothing else
            QCOMPARE(without.experts.size(), policy.experts.size());
            for (const auto& [key, scheme] : policy.experts)
                QVERIFY(without.experts.count(key));
        }
    }

    void activationAwareCheckpointStoresInputScales()
    {
        const auto dir = fixture("olmoe");
        const auto spec = readModelSpec(dir);
        QTemporaryDir tmp;
        const std::filesystem::path out = tmp.path().toStdString() + "/awq";
        CheckpointQuantizeOptions o;
        o.policy = QuantPolicy::fromSpec("int4-g32+awq");
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, quantizeCheckpoint(dir, spec, out, o));
        o.stats = collectActivationStats(dir, spec, kCpu, someIds(64, 160, 12), 32);
        quantizeCheckpoint(dir, spec, out, o);
        const SafetensorsCheckpoint q(out);
        int scaled = 0;
        for (const auto& n : q.names())
            scaled += n.ends_with(".input_scale");
        qInfo("%d matrices chose activation-aware scaling", scaled);
        QVERIFY(scaled > 0);
        auto engine = loadModel(out, kCpu);
        for (const auto v : engine->logits(someIds(10, 160, 13)))
            QVERIFY(std::isfinite(v));
    }

    void damagedQuantizedCheckpoints_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("missing-scales") << "drop:model.layers.0.self_attn.q_proj.scales" << "q_proj.scales";
        QTest::newRow("wrong-dtype") << "retype:model.layers.0.self_attn.q_proj.scales" << "q_proj.scales";
        QTest::newRow("bad-scheme") << "scheme:int5" << "quant.model.layers.0.self_attn.q_proj";
        QTest::newRow("no-scheme") << "scheme:" << "quant.model.layers.0.self_attn.q_proj";
        QTest::newRow("scheme-mismatch") << "scheme:int8" << "q_proj";
    }

    void damagedQuantizedCheckpoints()
    {
        QFETCH(QString, damage);
        QFETCH(QString, mentions);
        QTemporaryDir tmp;
        const std::filesystem::path root = tmp.path().toStdString();
        CheckpointQuantizeOptions o;
        o.policy = QuantPolicy::fromSpec("int4-g32");
        quantizeCheckpoint(fixture("olmoe"), readModelSpec(fixture("olmoe")), root / "q", o);
        // Rewrite the checkpoint with one thing broken.
        std::filesystem::copy(root / "q", root / "bad");
        std::filesystem::remove(root / "bad" / "model.safetensors");
        {
            const SafetensorsFile file((root / "q" / "model.safetensors").string());
            SafetensorsWriter writer;
            const auto [what, arg] = std::pair(damage.section(':', 0, 0).toStdString(), damage.section(':', 1).toStdString());
            for (const auto& t : file.tensors()) {
                if (what == "drop" && t.name == arg)
                    continue;
                if (what == "retype" && t.name == arg) {
                    writer.add(t.name, DType::I16, t.shape, file.data(t)); // float16 scales relabelled
                    continue;
                }
                writer.add(t.name, t.dtype, t.shape, file.data(t));
            }
            for (const auto& [k, v] : file.metadata())
                if (!(what == "scheme" && k == "quant.model.layers.0.self_attn.q_proj"))
                    writer.setMetadata(k, v);
            if (what == "scheme" && !arg.empty())
                writer.setMetadata("quant.model.layers.0.self_attn.q_proj", arg);
            writer.write(root / "bad" / "model.safetensors");
        }
        try {
            loadModel(root / "bad", kCpu);
            QFAIL("loaded a damaged checkpoint");
        } catch (const Error& e) {
            qInfo("%s", e.what());
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
        }
    }

    void quantizeRefusesAndCancelsCleanly()
    {
        QTemporaryDir tmp;
        const std::filesystem::path root = tmp.path().toStdString();
        const auto dir = fixture("qwen2_moe");
        const auto spec = readModelSpec(dir);
        CheckpointQuantizeOptions o;
        o.policy = QuantPolicy::fromSpec("int8");
        std::filesystem::create_directories(root / "busy");
        writeTextFileAtomic(root / "busy" / "keep.txt", "x");
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, quantizeCheckpoint(dir, spec, root / "busy", o));
        QVERIFY(std::filesystem::exists(root / "busy" / "keep.txt"));
        std::stop_source stop;
        QVERIFY_THROWS_EXCEPTION(CancelledError, quantizeCheckpoint(dir, spec, root / "cancelled", o, stop.get_token(),
                                                     [&](std::int64_t done, std::int64_t) {
                                                         if (done == 3)
                                                             stop.request_stop();
                                                     }));
        QVERIFY(!std::filesystem::exists(root / "cancelled"));
        QVERIFY(!std::filesystem::exists(root / "cancelled.partial"));
        // A quantized checkpoint is not quantized again.
        quantizeCheckpoint(dir, spec, root / "q", o);
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, quantizeCheckpoint(root / "q", spec, root / "qq", o));
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, loadModel(root / "q", cpuWith("int4-g32")));
    }
};

QTEST_GUILESS_MAIN(QuantModelsTest)
#include "tst_quantmodels.moc"

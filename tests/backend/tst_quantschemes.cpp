// Quantization arithmetic: the vectorised ATen quantizer against the plain reference loops bit for bit (codes,
// packed bytes, scales, zero points, dequantized values) for every scheme, ragged shapes included; the CPU's one-pass
// dequantization (both its loops, stacks of matrices) bit for bit against the reference too; round-trip error
// bounds per scheme; range search and activation-aware scaling never worse than plain min/max on their objective;
// FP8 encoding against ATen's conversion; scheme names and policy JSON parsing with its errors.
//
// Error bounds checked (w' the dequantized weight, per element, no range search):
//   int8      |w - w'| <= s/2 + 1e-7*|w|,         s = max|row| / 127
//   int4 sym  |w - w'| <= s/2 + 2^-10 * max|group| (the float16 rounding of s may push the largest value a hair
//             past code 7), s the stored float16 scale
//   int4 asym |w - w'| <= s/2 + 2^-10 * (max - min)
//   fp8       |w - w'| <= 2^-4 * |w| + 2^-10 * s (3 mantissa bits: half an ulp relative; subnormals absolute),
//             s = max|row or block| / 448

#include "core/error.h"
#include "nn/modelspec.h"
#include "quant/cpuquantgemv.h"
#include "quant/quantgrid.h"
#include "quant/quantizer.h"
#include "quant/quantpolicy.h"
#include "quant/referencequantizer.h"
#include "quanttestweights.h"
#include "testsupport.h"

#include <nlohmann/json.hpp>

#include <QTest>

#include <cmath>
#include <cstring>

using namespace moescope;

Q_DECLARE_METATYPE(std::string)

namespace {
using test::realisticWeights;

std::vector<float> toVector(const at::Tensor& t)
{
    const auto c = t.to(at::kFloat).contiguous();
    return { c.data_ptr<float>(), c.data_ptr<float>() + c.numel() };
}

std::vector<std::int32_t> codesOf(const QuantizedTensor& q)
{
    at::Tensor codes;
    switch (q.scheme.format) {
    case QuantFormat::Int8:
        codes = q.data.to(at::kInt);
        break;
    case QuantFormat::Int4:
        codes = unpackInt4(q.data, q.cols).to(at::kInt);
        break;
    case QuantFormat::Fp8:
        codes = q.data.view(at::kByte).to(at::kInt);
        break;
    default:
        break;
    }
    codes = codes.contiguous();
    return { codes.data_ptr<std::int32_t>(), codes.data_ptr<std::int32_t>() + codes.numel() };
}

std::int64_t countDifferences(const std::vector<float>& a, const std::vector<float>& b)
{
    std::int64_t n = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        n += std::memcmp(&a[i], &b[i], sizeof(float)) != 0;
    return n;
}
} // namespace

class QuantSchemesTest : public QObject {
    Q_OBJECT

private slots:
    void schemeNamesRoundTrip()
    {
        for (const auto& name : presetSchemeNames())
            QCOMPARE(QuantScheme::parse(name).name(), name);
        QCOMPARE(QuantScheme::parse("none").format, QuantFormat::None);
        for (const char* bad : { "int4", "int4-g16", "int4-g128-sym", "int3", "fp16", "", "int4-g128x" })
            QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, QuantScheme::parse(bad));
    }

    void fastMatchesReference_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<bool>("search");
        QTest::addColumn<bool>("weighted");
        for (const char* s : { "int8", "int4-g32", "int4-g64", "int4-g128", "int4-g32-asym", "int4-g64-asym",
                 "int4-g128-asym", "fp8", "fp8-b128" }) {
            QTest::addRow("%s-aligned-minmax", s) << s << 64 << 256 << false << false;
            QTest::addRow("%s-ragged-minmax", s) << s << 37 << 203 << false << false;
            if (QString(s).startsWith("int")) {
                QTest::addRow("%s-aligned-search", s) << s << 64 << 256 << true << false;
                QTest::addRow("%s-ragged-search-weighted", s) << s << 37 << 203 << true << true;
            }
        }
        QTest::addRow("fp8-b128-rows-past-block") << "fp8-b128" << 300 << 130 << false << false;
    }

    void fastMatchesReference()
    {
        QFETCH(QString, scheme);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(bool, search);
        QFETCH(bool, weighted);
        const auto s = QuantScheme::parse(scheme.toStdString());
        const auto w = realisticWeights(rows, cols, 11);
        QuantizeOptions o;
        o.rangeSearch = search;
        std::vector<double> cw;
        if (weighted) {
            o.columnWeights = at::rand({ cols }, at::kDouble) + 0.05;
            cw.assign(o.columnWeights.data_ptr<double>(), o.columnWeights.data_ptr<double>() + cols);
        }
        const auto fast = quantizeWeight(w, s, o);
        const auto wv = toVector(w);
        const auto ref = reference::quantize(wv, rows, cols, s, search, cw);

        // Scales (and zero points) first: a different clipping choice shows here.
        const auto scales = toVector(fast.scales);
        QCOMPARE(scales.size(), ref.scales.size());
        QCOMPARE(countDifferences(scales, ref.scales), std::int64_t(0));
        if (s.format == QuantFormat::Int4) {
            const auto half = fast.scales.contiguous();
            QCOMPARE(std::memcmp(half.data_ptr(), ref.halfScales.data(), ref.halfScales.size() * 2), 0);
            QCOMPARE(std::memcmp(fast.data.contiguous().data_ptr(), ref.packed.data(), ref.packed.size()), 0);
            if (s.asymmetric)
                QCOMPARE(std::memcmp(fast.zeros.contiguous().data_ptr(), ref.zeros.data(), ref.zeros.size()), 0);
        }
        QCOMPARE(codesOf(fast), ref.codes);
        const auto deqFast = toVector(dequantizeWeight(fast, at::kFloat));
        const auto deqRef = reference::dequantize(ref, rows, cols, s);
        QCOMPARE(countDifferences(deqFast, deqRef), std::int64_t(0));
    }

    // cpuDequantize (what dequantizeWeight runs on the CPU) over a stack of three matrices, its vector loop and its
    // plain one, against the reference dequantization of each matrix: bit for bit (groups and 16-column chunks cut by
    // the row's end, FP8 blocks cut by the matrix's edges).
    void cpuDequantizeMatchesReference_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        for (const char* s : { "int8", "int4-g32", "int4-g128", "int4-g64-asym", "fp8", "fp8-b128" }) {
            QTest::addRow("%s-aligned", s) << s << 64 << 256;
            QTest::addRow("%s-ragged", s) << s << 37 << 203;
        }
        QTest::addRow("fp8-b128-rows-past-block") << "fp8-b128" << 300 << 130;
    }

    void cpuDequantizeMatchesReference()
    {
        QFETCH(QString, scheme);
        QFETCH(int, rows);
        QFETCH(int, cols);
        const auto s = QuantScheme::parse(scheme.toStdString());
        QuantizeOptions o;
        o.rangeSearch = false;
        std::vector<QuantizedTensor> parts;
        std::vector<float> expected;
        for (int m = 0; m < 3; ++m) {
            const auto w = realisticWeights(rows, cols, 20 + m);
            parts.push_back(quantizeWeight(w, s, o));
            const auto ref = reference::quantize(toVector(w), rows, cols, s, false, {});
            const auto values = reference::dequantize(ref, rows, cols, s);
            expected.insert(expected.end(), values.begin(), values.end());
        }
        const auto stack = stackQuantized(parts);
        for (const bool plain : { false, true }) {
            const auto got = cpuDequantize(stack, plain);
            QCOMPARE(got.sizes().vec(), (std::vector<std::int64_t> { 3, rows, cols }));
            QCOMPARE(countDifferences(toVector(got), expected), std::int64_t(0));
        }
    }

    void packingMatchesReference_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::newRow("even") << 5 << 64;
        QTest::newRow("odd") << 3 << 33;
        QTest::newRow("one-column") << 4 << 1;
    }

    void packingMatchesReference()
    {
        QFETCH(int, rows);
        QFETCH(int, cols);
        at::manual_seed(3);
        const auto codes = at::randint(0, 16, { rows, cols }, at::kByte).contiguous();
        const auto packed = packInt4(codes).contiguous();
        const std::vector<std::uint8_t> c(codes.data_ptr<std::uint8_t>(), codes.data_ptr<std::uint8_t>() + codes.numel());
        const auto ref = reference::packInt4(c, rows, cols);
        QCOMPARE(packed.numel(), static_cast<std::int64_t>(ref.size()));
        QCOMPARE(std::memcmp(packed.data_ptr(), ref.data(), ref.size()), 0);
        QVERIFY(at::equal(unpackInt4(packed, cols), codes));
        // The first byte by hand: column 0 low nibble, column 1 high nibble.
        const int expected = c[0] | (cols > 1 ? c[1] << 4 : 0);
        QCOMPARE(static_cast<int>(packed.data_ptr<std::uint8_t>()[0]), expected);
    }

    void fp8EncodingMatchesAten()
    {
        // Every finite code, the midpoints between neighbours (ties), and random values across the range.
        std::vector<float> values;
        for (int code = 0; code < 0x7F; ++code) {
            const float v = reference::fp8Decode(static_cast<std::uint8_t>(code));
            values.push_back(v);
            values.push_back(-v);
            if (code < 0x7E) {
                const float next = reference::fp8Decode(static_cast<std::uint8_t>(code + 1));
                values.push_back((v + next) / 2);
                values.push_back(std::nextafter((v + next) / 2, 1000.0f));
            }
        }
        at::manual_seed(5);
        const auto random = (at::rand({ 4000 }) * 2 - 1) * at::pow(2.0, at::randint(-12, 9, { 4000 }).to(at::kFloat));
        for (const auto v : toVector(random.clamp(-448, 448)))
            values.push_back(v);
        const auto t = at::from_blob(values.data(), { static_cast<std::int64_t>(values.size()) }, at::kFloat);
        const auto aten = t.to(at::kFloat8_e4m3fn).view(at::kByte).contiguous();
        for (std::size_t i = 0; i < values.size(); ++i) {
            const auto mine = reference::fp8Encode(values[i]);
            if (mine != aten.data_ptr<std::uint8_t>()[i])
                QFAIL(qPrintable(QString("value %1: reference %2, ATen %3")
                                     .arg(static_cast<double>(values[i]), 0, 'g', 10)
                                     .arg(mine)
                                     .arg(aten.data_ptr<std::uint8_t>()[i])));
        }
    }

    void roundTripErrorBounds_data()
    {
        QTest::addColumn<QString>("scheme");
        for (const char* s : { "int8", "int4-g32", "int4-g128", "int4-g64-asym", "int4-g128-asym", "fp8", "fp8-b128" })
            QTest::newRow(s) << s;
    }

    void roundTripErrorBounds()
    {
        QFETCH(QString, scheme);
        const auto s = QuantScheme::parse(scheme.toStdString());
        const std::int64_t rows = 96, cols = 320;
        const auto w = realisticWeights(rows, cols, 21);
        QuantizeOptions plain;
        plain.rangeSearch = false;
        const auto q = quantizeWeight(w, s, plain);
        const auto err = (dequantizeWeight(q, at::kFloat) - w).abs(); // [rows, cols]
        at::Tensor bound; // [rows, cols]
        switch (s.format) {
        case QuantFormat::Int8:
            bound = q.scales.unsqueeze(1) / 2 + 1e-7 * w.abs();
            break;
        case QuantFormat::Int4: {
            const auto g = s.groupSize;
            const auto groups = (cols + g - 1) / g;
            const auto padded = at::constant_pad_nd(w, { 0, groups * g - cols }).view({ rows, groups, g });
            const auto range = s.asymmetric ? (padded.amax(-1).clamp_min(0) - padded.amin(-1).clamp_max(0))
                                            : padded.abs().amax(-1); // [rows, groups]
            const auto perGroup = q.scales.to(at::kFloat) / 2 + range * std::ldexp(1.0, -10);
            bound = perGroup.repeat_interleave(g, 1).narrow(1, 0, cols);
            break;
        }
        case QuantFormat::Fp8: {
            const auto scale = s.groupSize > 0
                ? q.scales.repeat_interleave(128, 0).narrow(0, 0, rows).repeat_interleave(128, 1).narrow(1, 0, cols)
                : q.scales.unsqueeze(1).expand({ rows, cols });
            bound = w.abs() * std::ldexp(1.0, -4) + scale * std::ldexp(1.0, -10);
            break;
        }
        default:
            QFAIL("unexpected scheme");
        }
        const auto worst = (err - bound).max().item<double>();
        const double rel = ((err.square().sum() / w.square().sum()).sqrt()).item<double>();
        qInfo("%s: relative RMS error %.4f", qPrintable(scheme), rel);
        QVERIFY2(worst <= 0, qPrintable(QString("bound exceeded by %1").arg(worst)));
        // And the relative RMS error stays in the range each format gives on these heavy-tailed weights with an
        // outlier column (which sets the scale of its rows/groups).
        const double limit = s.format == QuantFormat::Int8 ? 0.025 : s.format == QuantFormat::Fp8 ? 0.035 : 0.25;
        QVERIFY2(rel < limit, qPrintable(QString::number(rel)));
    }

    void rangeSearchNeverWorse_data()
    {
        QTest::addColumn<QString>("scheme");
        for (const char* s : { "int8", "int4-g128", "int4-g64-asym" })
            QTest::newRow(s) << s;
    }

    void rangeSearchNeverWorse()
    {
        QFETCH(QString, scheme);
        const auto s = QuantScheme::parse(scheme.toStdString());
        const auto w = realisticWeights(128, 512, 31);
        QuantizeOptions plain, search;
        plain.rangeSearch = false;
        const double e0 = reconstructionError(w, dequantizeWeight(quantizeWeight(w, s, plain), at::kFloat));
        const double e1 = reconstructionError(w, dequantizeWeight(quantizeWeight(w, s, search), at::kFloat));
        qInfo("%s: squared error min/max %.4g, range search %.4g (%.1f%% less)", qPrintable(scheme), e0, e1,
            100 * (1 - e1 / e0));
        QVERIFY(e1 <= e0);
        if (s.format == QuantFormat::Int4)
            QVERIFY2(e1 < 0.95 * e0, "range search should help 4-bit groups of heavy-tailed weights");
    }

    void activationAwareNeverWorseOnItsObjective()
    {
        const auto s = QuantScheme::parse("int4-g128");
        const auto w = realisticWeights(64, 256, 41);
        at::manual_seed(42);
        const auto meanAbs = at::rand({ 256 }) * 0.5 + 0.05;
        meanAbs.narrow(0, 10, 4).mul_(20.0); // a few loud input channels, as in real activations
        const auto meanSq = meanAbs.square() * 1.5;
        QuantizeOptions weighted;
        weighted.columnWeights = meanSq;
        QuantizeOptions awq = weighted;
        awq.activationScale = meanAbs;
        const auto plain = quantizeWeight(w, s, weighted);
        const auto scaled = quantizeWeight(w, s, awq);
        const double e0 = reconstructionError(w, dequantizeWeight(plain, at::kFloat), meanSq);
        const double e1 = reconstructionError(w, dequantizeWeight(scaled, at::kFloat), meanSq);
        qInfo("activation-weighted error: plain %.4g, activation-aware %.4g", e0, e1);
        QVERIFY(e1 <= e0 * (1 + 1e-12));
        QVERIFY2(scaled.inputScale.defined(), "loud channels should make scaling worth it");
        QVERIFY(e1 < 0.9 * e0);
    }

    void nonFiniteWeightsAreRejected()
    {
        auto w = realisticWeights(4, 32, 1);
        w[1][2] = std::numeric_limits<float>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, quantizeWeight(w, QuantScheme::parse("int8"), {}, "x"));
    }

    void zeroRowsQuantizeToZero()
    {
        const auto w = at::zeros({ 3, 40 });
        for (const char* s : { "int8", "int4-g32", "int4-g32-asym", "fp8", "fp8-b128" }) {
            const auto q = quantizeWeight(w, QuantScheme::parse(s));
            QVERIFY2(at::equal(dequantizeWeight(q, at::kFloat), w), s);
        }
    }

    void policyParsingErrors_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not-object") << "[1,2]" << "JSON object";
        QTest::newRow("unknown-key") << R"({"atention": "int8"})" << "atention";
        QTest::newRow("bad-scheme") << R"({"attention": "int5"})" << "attention";
        QTest::newRow("scheme-not-string") << R"({"default": 8})" << "default";
        QTest::newRow("bad-layer") << R"({"experts": {"x": {"1": "int8"}}})" << "'x'";
        QTest::newRow("bad-expert") << R"({"experts": {"1": {"-3": "int8"}}})" << "experts.1.-3";
        QTest::newRow("bad-expert-scheme") << R"({"experts": {"1": {"3": "int4-g100"}}})" << "experts.1.3";
        QTest::newRow("flag-not-bool") << R"({"range_search": "yes"})" << "range_search";
        QTest::newRow("modules-not-object") << R"({"modules": []})" << "modules";
    }

    void policyParsingErrors()
    {
        QFETCH(QString, json);
        QFETCH(QString, mentions);
        try {
            QuantPolicy::fromJson(nlohmann::json::parse(json.toStdString()), "policy.json");
            QFAIL("accepted a malformed policy");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).contains("policy.json") && QString(e.what()).contains(mentions), e.what());
        }
    }

    void policyResolvesByPriority()
    {
        const auto p = QuantPolicy::fromJson(nlohmann::json::parse(R"({
            "default": "int4-g128", "attention": "int8", "embeddings": "bf16", "shared_experts": "fp8",
            "experts": {"2": {"5": "int8"}}, "modules": {"model.layers.0.self_attn.o_proj": "none"},
            "range_search": false})"),
            "p.json");
        const TensorNaming naming;
        auto at = [&](const std::string& m) { return p.schemeFor(m, locateModule(m, naming)).name(); };
        QCOMPARE(at("model.layers.0.self_attn.q_proj"), std::string("int8"));
        QCOMPARE(at("model.layers.0.self_attn.o_proj"), std::string("none"));
        QCOMPARE(at("model.layers.2.mlp.experts.5.down_proj"), std::string("int8"));
        QCOMPARE(at("model.layers.2.mlp.experts.4.down_proj"), std::string("int4-g128"));
        QCOMPARE(at("model.layers.1.mlp.shared_experts.up_proj"), std::string("fp8"));
        QCOMPARE(at("model.layers.0.mlp.gate_proj"), std::string("int4-g128")); // dense MLP: default
        QCOMPARE(at("lm_head"), std::string("bf16")); // follows embeddings
        QCOMPARE(at("model.embed_tokens"), std::string("bf16"));
        QVERIFY(!p.rangeSearch);
        // JSON round trip.
        const auto again = QuantPolicy::fromJson(p.toJson(), "again");
        QCOMPARE(again.toJson().dump(), p.toJson().dump());
        // Spec strings.
        const auto spec = QuantPolicy::fromSpec("int4-g64-asym+minmax+awq");
        QCOMPARE(spec.defaultScheme.name(), std::string("int4-g64-asym"));
        QVERIFY(!spec.rangeSearch && spec.activationAware);
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, QuantPolicy::fromSpec("int8+fast"));
        QVERIFY_THROWS_EXCEPTION(IoError, QuantPolicy::fromSpec("mixed:/nonexistent/policy.json"));
    }

    void modulesAreLocated()
    {
        TensorNaming mixtral;
        mixtral.mlpModule = "block_sparse_moe";
        const auto e = locateModule("model.layers.7.block_sparse_moe.experts.12.w2", mixtral);
        QCOMPARE(e.kind, ModuleKind::RoutedExperts);
        QCOMPARE(e.layer, 7);
        QCOMPARE(e.expert, 12);
        TensorNaming qwen;
        qwen.sharedModule = "shared_expert";
        QCOMPARE(locateModule("model.layers.3.mlp.shared_expert.up_proj", qwen).kind, ModuleKind::SharedExperts);
        QCOMPARE(locateModule("model.layers.3.self_attn.kv_b_proj", qwen).kind, ModuleKind::Attention);
        QCOMPARE(locateModule("model.layers.0.mlp.down_proj", qwen).kind, ModuleKind::DenseMlp);
        QCOMPARE(locateModule("lm_head", qwen).kind, ModuleKind::LmHead);
    }

    // The policy files the bundle ships (resources/quant-policies) parse and say what their names promise.
    void shippedPoliciesParse_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("experts");
        QTest::addColumn<QString>("head");
        QTest::addColumn<bool>("gptq");
        QTest::newRow("int8-head-bf16") << "int8-head-bf16.json" << "int8" << "bf16" << false;
        QTest::newRow("int8-head-bf16-gptq") << "int8-head-bf16-gptq.json" << "int8" << "bf16" << true;
        QTest::newRow("int4-g128-head-int8") << "int4-g128-head-int8.json" << "int4-g128" << "int8" << false;
        QTest::newRow("int4-g128-head-int8-gptq") << "int4-g128-head-int8-gptq.json" << "int4-g128" << "int8" << true;
        QTest::newRow("int4-g128-experts-int8-rest") << "int4-g128-experts-int8-rest.json" << "int4-g128" << "int8"
                                                     << false;
    }

    void shippedPoliciesParse()
    {
        QFETCH(QString, file);
        QFETCH(QString, experts);
        QFETCH(QString, head);
        QFETCH(bool, gptq);
        const auto policy
            = QuantPolicy::fromFile((test::sourceDir() + "/resources/quant-policies/" + file).toStdString());
        QCOMPARE(QString::fromStdString(policy.schemeForExpert(3, 5).name()), experts);
        QCOMPARE(QString::fromStdString(policy.schemeFor("lm_head", { ModuleKind::LmHead, -1, -1 }).name()), head);
        QCOMPARE(policy.errorCompensation, gptq);
        QCOMPARE(policy.needsCalibration(), gptq);
        if (file == "int4-g128-experts-int8-rest.json") { // only the routed experts in 4 bits
            QCOMPARE(QString::fromStdString(
                         policy.schemeFor("model.layers.2.self_attn.kv_b_proj", { ModuleKind::Attention, 2, -1 }).name()),
                QString("int8"));
            QCOMPARE(QString::fromStdString(policy
                                                .schemeFor("model.layers.2.mlp.shared_experts.up_proj",
                                                    { ModuleKind::SharedExperts, 2, -1 })
                                                .name()),
                QString("int8"));
            QCOMPARE(QString::fromStdString(
                         policy.schemeFor("model.layers.0.mlp.down_proj", { ModuleKind::DenseMlp, 0, -1 }).name()),
                QString("int8"));
        }
    }
};

QTEST_GUILESS_MAIN(QuantSchemesTest)
#include "tst_quantschemes.moc"

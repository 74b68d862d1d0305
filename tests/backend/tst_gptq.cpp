// GPTQ (quant/gptq.h) on synthetic matrices: the output error ||X W^T - X Q^T||^2 against round-to-nearest for every
// weight-only scheme, on the calibration inputs and on fresh inputs of the same distribution; the result on the
// scheme's grid (re-encoding the dequantized values with the stored scales gives back the stored codes); the error
// feedback against a hand computation; a diagonal Hessian reducing GPTQ to column-weighted rounding bit for bit;
// dead input columns; activation-aware scaling combined with GPTQ; bad Hessians; the "+gptq" policy option.
//
// Inputs: X = Z A with Z standard normal [N, I] and A = I + 0.9 * (a random [I, I] / sqrt(I)) (strongly correlated
// columns, as the inputs of real projections after RMSNorm), times per-column loudness 0.2..3 with a few loud
// channels. Weights: heavy-tailed with an outlier column (as tst_quantschemes).

#include "core/error.h"
#include "quant/gptq.h"
#include "quant/quantgrid.h"
#include "quant/quantizer.h"
#include "quant/quantpolicy.h"
#include "quant/referencequantizer.h"
#include "quanttestweights.h"

#include <nlohmann/json.hpp>

#include <QTest>

#include <cmath>

using namespace moescope;

namespace {
using test::realisticWeights;

// n correlated input rows [n, cols] in float64; the same seed gives the same distribution, `sample` other draws.
at::Tensor correlatedInputs(std::int64_t n, std::int64_t cols, std::uint64_t seed, std::uint64_t sample)
{
    at::manual_seed(seed);
    const auto mix = at::eye(cols, at::kDouble) + 0.9 * at::randn({ cols, cols }, at::kDouble) / std::sqrt(cols);
    auto loud = at::rand({ cols }, at::kDouble) * 2.8 + 0.2; // [cols]
    loud.narrow(0, 5, 3).mul_(6.0);
    at::manual_seed(sample);
    return at::matmul(at::randn({ n, cols }, at::kDouble), mix) * loud; // [n, cols]
}

at::Tensor gram(const at::Tensor& x)
{
    return at::matmul(x.t(), x);
} // [cols, cols]

at::Tensor deq(const QuantizedTensor& q)
{
    return dequantizeWeight(q, at::kFloat);
}

// Codes of the dequantized values re-encoded with q's stored scales (and zero points), in the stored layout.
at::Tensor reencoded(const QuantizedTensor& q, const at::Tensor& values)
{
    const auto s = q.scheme;
    switch (s.format) {
    case QuantFormat::Int8:
        return at::round(values / q.scales.unsqueeze(1)).to(at::kChar);
    case QuantFormat::Int4: {
        const auto scales = q.scales.to(at::kFloat).repeat_interleave(s.groupSize, 1).narrow(1, 0, q.cols);
        auto codes = at::round(values / at::where(scales == 0, at::ones_like(scales), scales));
        codes = s.asymmetric ? codes + q.zeros.to(at::kFloat).repeat_interleave(s.groupSize, 1).narrow(1, 0, q.cols)
                             : codes + 8;
        return packInt4(codes.to(at::kByte));
    }
    case QuantFormat::Fp8: {
        const auto scales = s.groupSize > 0 ? q.scales.repeat_interleave(s.groupSize, 0)
                                                  .narrow(0, 0, q.rows)
                                                  .repeat_interleave(s.groupSize, 1)
                                                  .narrow(1, 0, q.cols)
                                            : q.scales.unsqueeze(1);
        return (values / scales).to(at::kFloat8_e4m3fn);
    }
    default:
        return {};
    }
}

bool sameStored(const at::Tensor& a, const at::Tensor& b)
{
    if (a.scalar_type() == at::kFloat8_e4m3fn)
        return at::equal(a.view(at::kByte), b.view(at::kByte));
    return at::equal(a, b);
}
} // namespace

class TestGptq : public QObject {
    Q_OBJECT

private slots:
    // Margins: the least reduction of the output error that GPTQ must reach over round-to-nearest with the same range
    // search weighted by diag(H), on the calibration inputs and on fresh inputs of the same distribution (GPTQ fits
    // 4096 samples of a 256-wide input, so it generalises). Measured with these seeds (calibration / fresh):
    // int8 46.9% / 44.1%, int4-g128 58.3 / 55.1, int4-g32 63.9 / 61.6, int4-g128-asym 52.2 / 49.5,
    // int4-g64-asym 55.8 / 53.1, fp8 50.8 / 48.6, fp8-b128 53.1 / 50.6.
    void beatsRoundToNearest_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<double>("calibrationGain"); // GPTQ error <= (1 - gain) * RTN error
        QTest::addColumn<double>("freshGain");
        QTest::newRow("int8") << "int8" << 0.4 << 0.35;
        QTest::newRow("int4-g128") << "int4-g128" << 0.5 << 0.4;
        QTest::newRow("int4-g32") << "int4-g32" << 0.4 << 0.3;
        QTest::newRow("int4-g128-asym") << "int4-g128-asym" << 0.5 << 0.4;
        QTest::newRow("int4-g64-asym") << "int4-g64-asym" << 0.4 << 0.3;
        QTest::newRow("fp8") << "fp8" << 0.4 << 0.3;
        QTest::newRow("fp8-b128") << "fp8-b128" << 0.4 << 0.3;
    }

    void beatsRoundToNearest()
    {
        QFETCH(QString, scheme);
        QFETCH(double, calibrationGain);
        QFETCH(double, freshGain);
        const auto s = QuantScheme::parse(scheme.toStdString());
        const auto w = realisticWeights(96, 256, 7);
        const auto x = correlatedInputs(4096, 256, 21, 1);
        const auto fresh = correlatedInputs(4096, 256, 21, 2);
        const auto h = gram(x);
        QuantizeOptions rtn;
        rtn.columnWeights = h.diagonal().to(at::kFloat);
        QuantizeOptions gptq;
        gptq.hessian = h;
        const auto qr = deq(quantizeWeight(w, s, rtn));
        const auto qg = deq(quantizeWeight(w, s, gptq));
        const double er = hessianError(w, qr, h), eg = hessianError(w, qg, h);
        const double fr = hessianError(w, qr, gram(fresh)), fg = hessianError(w, qg, gram(fresh));
        // hessianError is ||X dW^T||^2: check it against the direct product once.
        const auto direct = at::matmul(x, (w.to(at::kDouble) - qg.to(at::kDouble)).t()).square().sum().item<double>();
        QVERIFY2(std::abs(direct - eg) <= 1e-9 * direct, qPrintable(QString("%1 vs %2").arg(direct).arg(eg)));
        qInfo("%s: output error RTN %.4g, GPTQ %.4g (%.1f%% less); fresh inputs %.4g vs %.4g (%.1f%% less)",
            qPrintable(scheme), er, eg, 100 * (1 - eg / er), fr, fg, 100 * (1 - fg / fr));
        QVERIFY2(eg <= (1 - calibrationGain) * er, qPrintable(QString::number(eg / er)));
        QVERIFY2(fg <= (1 - freshGain) * fr, qPrintable(QString::number(fg / fr)));
    }

    void resultLiesOnTheGrid_data()
    {
        QTest::addColumn<QString>("scheme");
        for (const char* s : { "int8", "int4-g128", "int4-g32", "int4-g64-asym", "fp8", "fp8-b128" })
            QTest::newRow(s) << s;
    }

    // Every value is representable: the dequantized matrix re-encodes, with the stored scales, to the stored codes
    // (packed layout for INT4), and dequantizes again to itself. Ragged shapes (cols not a multiple of the group or
    // block, rows not a multiple of the FP8 block) included.
    void resultLiesOnTheGrid()
    {
        QFETCH(QString, scheme);
        const auto s = QuantScheme::parse(scheme.toStdString());
        const auto w = realisticWeights(150, 200, 8);
        QuantizeOptions o;
        o.hessian = gram(correlatedInputs(1024, 200, 22, 3));
        const auto q = quantizeWeight(w, s, o);
        QCOMPARE(q.rows, std::int64_t(150));
        QCOMPARE(q.cols, std::int64_t(200));
        const auto values = deq(q);
        QVERIFY(at::isfinite(values).all().item<bool>());
        QVERIFY(sameStored(reencoded(q, values), q.data));
        auto again = q;
        again.data = reencoded(q, values);
        QVERIFY(at::equal(deq(again), values));
        if (s.format == QuantFormat::Int8)
            QVERIFY(q.data.to(at::kInt).abs().max().item<int>() <= 127);
        // The same storage as round-to-nearest: tensors of the same dtypes and shapes.
        const auto plain = quantizeWeight(w, s);
        QVERIFY(q.data.sizes() == plain.data.sizes());
        QVERIFY(q.data.scalar_type() == plain.data.scalar_type());
        QVERIFY(q.scales.sizes() == plain.scales.sizes());
        QVERIFY(q.scales.scalar_type() == plain.scales.scalar_type());
        QCOMPARE(q.zeros.defined(), plain.zeros.defined());
        QCOMPARE(q.bytes(), plain.bytes());
    }

    // One row [0.45, 0.3, 127] at INT8 scale 1 (no range search), H coupling inputs 0 and 1 only. Column 0 rounds
    // to 0; its error 0.45 moves to column 1 as -dW_0 * H01 / H11 (damped: H11 + 0.01 * mean diag), so column 1
    // becomes 0.3 + 0.45 * 2 / 3.04 = 0.596 and rounds to 1 where round-to-nearest gives 0.
    void errorFeedbackByHand()
    {
        const auto w = at::tensor({ 0.45f, 0.3f, 127.0f }).view({ 1, 3 });
        const auto h = at::tensor({ 4.0, 2.0, 0.0, 2.0, 3.0, 0.0, 0.0, 0.0, 5.0 }, at::kDouble).view({ 3, 3 });
        QuantizeOptions o;
        o.rangeSearch = false;
        o.hessian = h;
        const auto q = quantizeWeight(w, QuantScheme::parse("int8"), o);
        QCOMPARE(q.scales.item<float>(), 1.0f);
        QVERIFY(at::equal(q.data.to(at::kInt).view({ 3 }), at::tensor({ 0, 1, 127 }, at::kInt)));
        o.hessian = at::Tensor();
        QVERIFY(at::equal(quantizeWeight(w, QuantScheme::parse("int8"), o).data.to(at::kInt).view({ 3 }),
            at::tensor({ 0, 0, 127 }, at::kInt)));
        // Column 0 rounding to 1 instead (w0 = 0.55) moves -0.45 * 2 / 3.04: column 1 becomes 0.004 -> 0.
        const auto w2 = at::tensor({ 0.55f, 0.3f, 127.0f }).view({ 1, 3 });
        o.hessian = h;
        QVERIFY(at::equal(quantizeWeight(w2, QuantScheme::parse("int8"), o).data.to(at::kInt).view({ 3 }),
            at::tensor({ 1, 0, 127 }, at::kInt)));
    }

    // Uncorrelated inputs leave nothing to compensate: GPTQ is then column-weighted round-to-nearest, bit for bit
    // (same range search candidates, weighted by diag(H)).
    void diagonalHessianIsWeightedRounding()
    {
        const auto w = realisticWeights(40, 160, 9);
        at::manual_seed(3);
        const auto d = (at::rand({ 160 }) * 4 + 0.1).to(at::kDouble); // float values: the RTN weights below are float
        for (const char* name : { "int8", "int4-g32", "int4-g64-asym", "fp8", "fp8-b128" }) {
            const auto s = QuantScheme::parse(name);
            QuantizeOptions g;
            g.hessian = at::diag(d);
            QuantizeOptions r;
            r.columnWeights = d.to(at::kFloat);
            const auto a = quantizeWeight(w, s, g), b = quantizeWeight(w, s, r);
            QVERIFY2(sameStored(a.data, b.data), name);
            QVERIFY2(at::equal(a.scales, b.scales), name);
            if (b.zeros.defined())
                QVERIFY2(at::equal(a.zeros, b.zeros), name);
        }
    }

    // Inputs that are always zero (H_jj = 0, e.g. a dead channel): their weights become exact zeros and the rest
    // stays finite and better than rounding.
    void deadInputColumns()
    {
        const auto w = realisticWeights(32, 128, 10);
        auto x = correlatedInputs(2048, 128, 23, 4);
        x.narrow(1, 10, 4).zero_();
        x.narrow(1, 100, 1).zero_();
        const auto h = gram(x);
        for (const char* name : { "int8", "int4-g32", "int4-g32-asym" }) {
            QuantizeOptions o;
            o.hessian = h;
            const auto v = deq(quantizeWeight(w, QuantScheme::parse(name), o));
            QVERIFY(at::isfinite(v).all().item<bool>());
            QVERIFY2(at::equal(v.narrow(1, 10, 4), at::zeros({ 32, 4 })), name);
            QVERIFY2(at::equal(v.narrow(1, 100, 1), at::zeros({ 32, 1 })), name);
            const auto rtn = deq(quantizeWeight(w, QuantScheme::parse(name)));
            QVERIFY2(hessianError(w, v, h) < hessianError(w, rtn, h), name);
        }
        // All inputs dead: everything quantizes to zero.
        QuantizeOptions o;
        o.hessian = at::zeros({ 128, 128 }, at::kDouble);
        QVERIFY(at::equal(deq(quantizeWeight(w, QuantScheme::parse("int4-g128"), o)), at::zeros({ 32, 128 })));
    }

    // +awq with +gptq: each alpha's scaled matrix goes through GPTQ and alpha 0 (no scaling) is a candidate, so the
    // output error is never above plain GPTQ's.
    void activationAwareWithGptqNeverWorse()
    {
        const auto w = realisticWeights(64, 256, 11);
        const auto x = correlatedInputs(4096, 256, 24, 5);
        const auto h = gram(x);
        QuantizeOptions g;
        g.hessian = h;
        QuantizeOptions both = g;
        both.activationScale = x.abs().mean(0).to(at::kFloat);
        const auto s = QuantScheme::parse("int4-g128");
        const double e0 = hessianError(w, deq(quantizeWeight(w, s, g)), h);
        const auto combined = quantizeWeight(w, s, both);
        const double e1 = hessianError(w, deq(combined), h);
        qInfo("int4-g128 output error: GPTQ %.4g, GPTQ + activation-aware scaling %.4g", e0, e1);
        QVERIFY(e1 <= e0 * (1 + 1e-12));
    }

    void badHessiansAreRejected()
    {
        const auto w = realisticWeights(8, 64, 12);
        const auto s = QuantScheme::parse("int8");
        QuantizeOptions o;
        o.hessian = at::eye(63, at::kDouble);
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, quantizeWeight(w, s, o, "m"));
        o.hessian = at::eye(64, at::kDouble);
        o.hessian[3][4] = std::numeric_limits<double>::quiet_NaN();
        try {
            quantizeWeight(w, s, o, "model.layers.0.mlp.up_proj.weight");
            QFAIL("accepted a NaN Hessian");
        } catch (const InvalidArgumentError& e) {
            QVERIFY2(QString(e.what()).contains("up_proj"), e.what());
        }
        // Strongly indefinite (not a Gram matrix): no dampening makes it positive definite.
        // Off-diagonals -0.5, diagonal 1: eigenvalue 1 - 0.5 * 63 = -30.5, beyond dampening up to the mean diagonal.
        o.hessian = at::full({ 64, 64 }, -0.5, at::kDouble);
        o.hessian.diagonal().fill_(1.0);
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, quantizeWeight(w, s, o, "m"));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, quantizeGptq(w, QuantScheme::parse("bf16"), at::eye(64), true));
    }

    void policyOption()
    {
        const auto p = QuantPolicy::fromSpec("int4-g128+gptq");
        QVERIFY(p.errorCompensation && !p.activationAware && p.rangeSearch && p.needsCalibration());
        const auto both = QuantPolicy::fromSpec("int8+minmax+awq+gptq");
        QVERIFY(both.errorCompensation && both.activationAware && !both.rangeSearch);
        QVERIFY(!QuantPolicy::fromSpec("int8").needsCalibration());
        QCOMPARE(p.toJson()["gptq"].get<bool>(), true);
        const auto again = QuantPolicy::fromJson(p.toJson(), "p.json");
        QVERIFY(again.errorCompensation);
        const auto file
            = QuantPolicy::fromJson(nlohmann::json::parse(R"({"default": "int4-g128", "gptq": true})"), "f");
        QVERIFY(file.errorCompensation && file.needsCalibration());
        try {
            QuantPolicy::fromJson(nlohmann::json::parse(R"({"gptq": "yes"})"), "policy.json");
            QFAIL("accepted a non-boolean gptq");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).contains("gptq") && QString(e.what()).contains("policy.json"), e.what());
        }
        try {
            QuantPolicy::fromSpec("int8+gtpq");
            QFAIL("accepted a misspelt option");
        } catch (const InvalidArgumentError& e) {
            QVERIFY2(QString(e.what()).contains("+gptq"), e.what()); // the message lists the valid options
        }
    }
};

QTEST_APPLESS_MAIN(TestGptq)
#include "tst_gptq.moc"

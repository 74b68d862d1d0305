// The comparison's numbers against a direct computation on a fixture model: the same windows scored through
// Engine::logits of separately loaded models, with KL, NLL, top-1, Δp and routing changes computed here in float64;
// then the JSON contract, the CSV/Markdown export and the session round trip.

#include <ATen/ATen.h>

#include "core/error.h"
#include "eval/comparisonreport.h"
#include "io/jsonfile.h"
#include "eval/summarystats.h"
#include "models/modelloader.h"
#include "models/registry.h"
#include "runtime/forwardobserver.h"
#include "store/sessionstore.h"
#include "fixturemodels.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <map>
#include <set>

using namespace moescope;

namespace {
using test::someIds;
std::string fixture(const char* name) { return test::fixtureModel(name); }

class Routes final : public ForwardObserver {
public:
    bool wantsRouting(int) const override { return true; }
    void onRouting(const RoutingEvent& e) override
    {
        for (std::int64_t t = 0; t < e.tokens; ++t)
            sets[e.layer][e.firstPosition + t] = std::set<int>(e.expertIds + t * e.k, e.expertIds + (t + 1) * e.k);
    }
    std::map<int, std::map<std::int64_t, std::set<int>>> sets;
};

struct Direct {
    std::vector<std::int64_t> positions;
    std::vector<double> nllBase, nllVar, kl, dp;
    std::vector<double> margin; // the baseline's top-1 probability minus its second's
    std::vector<int> top1;
    std::map<int, std::pair<int, int>> routing; // layer -> (changed, tokens)
};

Direct direct(Engine& base, Engine& var, const std::vector<std::int32_t>& ids, std::int64_t window)
{
    Direct d;
    const auto n = static_cast<std::int64_t>(ids.size());
    const auto vocab = base.spec().vocabSize;
    std::int64_t prevEnd = 0;
    for (std::int64_t begin = 0; begin < n; begin += window / 2) {
        const auto end = std::min(begin + window, n);
        const auto first = std::max(prevEnd, begin + 1);
        const std::vector<std::int32_t> part(ids.begin() + begin, ids.begin() + end);
        Routes rb, rv;
        auto lb = base.logits(part, &rb), lv = var.logits(part, &rv);
        const auto len = static_cast<std::int64_t>(part.size());
        const auto tb = at::from_blob(lb.data(), { len, vocab }, at::kFloat).to(at::kDouble);
        const auto tv = at::from_blob(lv.data(), { len, vocab }, at::kFloat).to(at::kDouble);
        const auto pb = at::log_softmax(tb, -1), pv = at::log_softmax(tv, -1);
        for (std::int64_t p = first; p < end; ++p) {
            const auto row = p - 1 - begin;
            const auto y = ids[static_cast<std::size_t>(p)];
            d.positions.push_back(p);
            d.nllBase.push_back(-pb[row][y].item<double>());
            d.nllVar.push_back(-pv[row][y].item<double>());
            d.kl.push_back((pb[row].exp() * (pb[row] - pv[row])).sum().item<double>());
            d.dp.push_back(std::exp(-d.nllVar.back()) - std::exp(-d.nllBase.back()));
            d.top1.push_back(tb[row].argmax().item<std::int64_t>() == tv[row].argmax().item<std::int64_t>());
            const auto top2 = std::get<0>(pb[row].exp().topk(2));
            d.margin.push_back(top2[0].item<double>() - top2[1].item<double>());
            for (const auto& [layer, sets] : rb.sets) {
                auto& r = d.routing[layer];
                r.first += sets.at(row) != rv.sets.at(layer).at(row);
                ++r.second;
            }
        }
        prevEnd = end;
        if (end == n)
            break;
    }
    return d;
}
} // namespace

class ComparisonTest : public QObject {
    Q_OBJECT

private slots:
    void matchesDirectComputation()
    {
        const auto dir = fixture("qwen2_moe");
        const auto spec = readModelSpec(dir);
        const auto ids = someIds(75, 160, 21);
        ComparisonOptions o;
        o.device = "cpu";
        o.dtype = "f32";
        o.window = 16;
        o.decodeTokens = 4;
        const std::vector<std::string> variants { "int8", "int4-g32-asym+minmax" };
        const auto r = runComparison(dir, spec, ids, variants, o);
        QCOMPARE(r.variants.size(), std::size_t(2));
        QCOMPARE(r.baseline.quantization, std::string("f32"));

        auto base = loadModel(dir, { .device = "cpu", .dtype = "f32" });
        for (std::size_t i = 0; i < variants.size(); ++i) {
            auto var = loadModel(dir, { .device = "cpu", .dtype = "f32", .quantization = variants[i] });
            const auto d = direct(*base, *var, ids, o.window);
            const auto& v = r.variants[i];
            QCOMPARE(r.positions, d.positions);
            QCOMPARE(v.kl.size(), d.kl.size());
            // Per token: float64 distributions of float32 logits computed through a different path (KV-cached
            // prefill there, one uncached pass here): equal to ~1e-6.
            for (std::size_t t = 0; t < d.kl.size(); ++t) {
                QVERIFY2(std::abs(v.kl[t] - d.kl[t]) < 1e-6 + 1e-4 * d.kl[t], qPrintable(QString::number(t)));
                QVERIFY(std::abs(v.nll[t] - d.nllVar[t]) < 1e-5);
                QVERIFY(std::abs(r.baseline.nll[t] - d.nllBase[t]) < 1e-5);
                QVERIFY(std::abs(v.deltaP[t] - d.dp[t]) < 1e-6);
            }
            const double pplBase = std::exp(meanOf(d.nllBase)), pplVar = std::exp(meanOf(d.nllVar));
            QVERIFY(std::abs(r.baseline.ppl / pplBase - 1) < 1e-5);
            QVERIFY(std::abs(v.ppl / pplVar - 1) < 1e-5);
            QVERIFY(std::abs(v.pplRatio / (pplVar / pplBase) - 1) < 1e-5);
            QVERIFY(v.pplLow <= v.ppl && v.ppl <= v.pplHigh);
            QVERIFY(v.pplRatioLow <= v.pplRatio && v.pplRatio <= v.pplRatioHigh);
            QVERIFY(std::abs(v.klMean - meanOf(d.kl)) < 1e-6);
            QVERIFY(std::abs(v.klP99 - quantile(d.kl, 0.99)) < 1e-6);
            QVERIFY(std::abs(v.klMax - quantile(d.kl, 1.0)) < 1e-6);
            QVERIFY(std::abs(v.deltaPRms - rootMeanSquare(d.dp)) < 1e-6);
            double agree = 0;
            for (const auto a : d.top1)
                agree += a;
            QVERIFY(std::abs(v.top1Agreement - agree / static_cast<double>(d.top1.size())) <= 1.0 / d.top1.size());
            // Agreement on the tokens the baseline decides (margin >= kDecidedMargin): counted directly, with
            // margins within 1e-5 of the threshold left to either side (float32 margins there, float64 here).
            QCOMPARE(r.baselineMargin.size(), d.margin.size());
            double decided = 0, decidedAgree = 0, unsure = 0;
            for (std::size_t t = 0; t < d.margin.size(); ++t) {
                QVERIFY(std::abs(r.baselineMargin[t] - d.margin[t]) < 1e-5);
                unsure += std::abs(d.margin[t] - kDecidedMargin) < 1e-5;
                if (d.margin[t] >= kDecidedMargin) {
                    ++decided;
                    decidedAgree += d.top1[t];
                }
            }
            QVERIFY(decided > 0 && decided < static_cast<double>(d.margin.size())); // both kinds occur here
            QVERIFY(std::abs(r.decidedShare - decided / static_cast<double>(d.margin.size()))
                <= (unsure + 0.5) / static_cast<double>(d.margin.size()));
            QVERIFY(std::abs(v.top1AgreementDecided - decidedAgree / decided) <= (unsure + 0.5) / decided);
            QCOMPARE(v.moeLayers.size(), d.routing.size());
            std::size_t l = 0;
            for (const auto& [layer, counts] : d.routing) {
                QCOMPARE(v.moeLayers[l], layer);
                const double share = static_cast<double>(counts.first) / counts.second;
                QVERIFY2(std::abs(v.routingChanged[l] - share) <= 1.0 / counts.second, qPrintable(QString::number(layer)));
                QVERIFY(v.routingJaccard[l] > 0 && v.routingJaccard[l] <= 1);
                ++l;
            }
            QCOMPARE(v.weightBytes, var->summary().weightBytes);
            QVERIFY(v.peakBytes > v.weightBytes);
            QVERIFY(v.prefillTokensPerSecond > 0 && v.decodeTokensPerSecond > 0);
            qInfo("%s: ppl ratio %.4f, KLD mean %.5f, top-1 %.3f, routing changed %.3f (layer %d)", variants[i].c_str(),
                v.pplRatio, v.klMean, v.top1Agreement, v.routingChanged.front(), v.moeLayers.front());
        }
        // int4 damages more than int8.
        QVERIFY(r.variants[1].klMean > r.variants[0].klMean);
    }

    void jsonExportAndSession()
    {
        const auto dir = fixture("olmoe");
        ComparisonOptions o;
        o.device = "cpu";
        o.dtype = "f32";
        o.window = 12;
        o.decodeTokens = 2;
        const auto r = runComparison(dir, readModelSpec(dir), someIds(40, 160, 22), { "bf16", "int4-g128" }, o);
        const auto j = comparisonToJson(r);
        QCOMPARE(j["baseline"].get<std::string>(), std::string("f32"));
        QVERIFY(j.contains("decided_share") && j.contains("decided_margin"));
        for (const char* key : { "name", "ppl", "ppl_ratio", "kld_mean", "kld_p99", "top1_agreement",
                 "top1_agreement_decided", "routing_changed",
                 "weight_bytes", "decode_tok_s", "ppl_ci", "kld_median", "kld_p90", "kld_max", "delta_p_mean",
                 "delta_p_rms", "routing_jaccard", "peak_bytes", "prefill_tok_s" })
            QVERIFY2(j["variants"][0].contains(key), key);
        QCOMPARE(j["variants"][1]["routing_changed"].size(), std::size_t(3)); // all three olmoe layers are MoE
        // bf16 weights lose very little against float32.
        QVERIFY(j["variants"][0]["kld_mean"].get<double>() < j["variants"][1]["kld_mean"].get<double>());

        QTemporaryDir tmp;
        const std::filesystem::path folder = tmp.path().toStdString();
        exportComparison(r, folder / "export");
        const auto csv = readTextFile(folder / "export" / "comparison.csv", 1 << 20);
        QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 4L); // header, baseline, two variants
        const auto md = readTextFile(folder / "export" / "comparison.md", 1 << 20);
        QVERIFY(md.find("| int4-g128 |") != std::string::npos);

        auto store = SessionStore::create(folder / "s.moescope", "test");
        const auto id = saveComparison(store, r);
        const auto back = loadComparison(store, id);
        QCOMPARE(back.positions, r.positions);
        QCOMPARE(back.variants.size(), r.variants.size());
        QCOMPARE(back.variants[1].kl, r.variants[1].kl);
        QCOMPARE(back.variants[1].layersRerouted, r.variants[1].layersRerouted);
        QCOMPARE(back.variants[1].routingChanged, r.variants[1].routingChanged);
        QCOMPARE(back.variants[1].klP99, r.variants[1].klP99);
        QCOMPARE(back.baselineMargin, r.baselineMargin);
        QCOMPARE(comparisonToJson(back).dump(), j.dump());
        QVERIFY_THROWS_EXCEPTION(FormatError, loadComparison(store, id + 100));
    }
};

QTEST_GUILESS_MAIN(ComparisonTest)
#include "tst_comparison.moc"

#include "eval/comparisonreport.h"

#include "core/error.h"
#include "io/jsonfile.h"
#include "store/sessionstore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace moescope {

namespace {
    // NaN/inf are not JSON: null.
    nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

    nlohmann::json numbers(const std::vector<double>& v)
    {
        auto out = nlohmann::json::array();
        for (const auto x : v)
            out.push_back(number(x));
        return out;
    }

    nlohmann::json modelJson(const VariantResult& v, const ComparisonResult& r, bool baseline)
    {
        nlohmann::json j = { { "name", v.name }, { "quantization", v.quantization }, { "ppl", number(v.ppl) },
            { "ppl_ci", { number(v.pplLow), number(v.pplHigh) } }, { "weight_bytes", v.weightBytes },
            { "weight_vs_bf16",
                number(r.bf16WeightBytes ? static_cast<double>(v.weightBytes) / static_cast<double>(r.bf16WeightBytes)
                                         : NAN) },
            { "peak_bytes", v.peakBytes }, { "load_peak_bytes", v.loadPeakBytes },
            { "prefill_tok_s", number(v.prefillTokensPerSecond) }, { "decode_tok_s", number(v.decodeTokensPerSecond) } };
        if (baseline)
            return j;
        j["ppl_ratio"] = number(v.pplRatio);
        j["ppl_ratio_ci"] = { number(v.pplRatioLow), number(v.pplRatioHigh) };
        j["kld_mean"] = number(v.klMean);
        j["kld_median"] = number(v.klMedian);
        j["kld_p90"] = number(v.klP90);
        j["kld_p99"] = number(v.klP99);
        j["kld_max"] = number(v.klMax);
        j["top1_agreement"] = number(v.top1Agreement);
        j["top1_agreement_decided"] = number(v.top1AgreementDecided);
        j["delta_p_mean"] = number(v.deltaPMean);
        j["delta_p_rms"] = number(v.deltaPRms);
        j["routing_layers"] = v.moeLayers;
        j["routing_changed"] = numbers(v.routingChanged);
        j["routing_jaccard"] = numbers(v.routingJaccard);
        return j;
    }

    double get(const nlohmann::json& j, const char* key)
    {
        return j.contains(key) && j[key].is_number() ? j[key].get<double>() : NAN;
    }
    double at(const nlohmann::json& j, std::size_t i) { return j[i].is_number() ? j[i].get<double>() : NAN; }

    VariantResult modelFromJson(const nlohmann::json& j)
    {
        VariantResult v;
        v.name = j.value("name", std::string());
        v.quantization = j.value("quantization", std::string());
        v.ppl = get(j, "ppl");
        if (j.contains("ppl_ci") && j["ppl_ci"].size() == 2) {
            v.pplLow = at(j["ppl_ci"], 0);
            v.pplHigh = at(j["ppl_ci"], 1);
        }
        v.pplRatio = j.contains("ppl_ratio") ? get(j, "ppl_ratio") : 1.0;
        if (j.contains("ppl_ratio_ci") && j["ppl_ratio_ci"].size() == 2) {
            v.pplRatioLow = at(j["ppl_ratio_ci"], 0);
            v.pplRatioHigh = at(j["ppl_ratio_ci"], 1);
        }
        v.klMean = get(j, "kld_mean");
        v.klMedian = get(j, "kld_median");
        v.klP90 = get(j, "kld_p90");
        v.klP99 = get(j, "kld_p99");
        v.klMax = get(j, "kld_max");
        v.top1Agreement = j.contains("top1_agreement") ? get(j, "top1_agreement") : 1.0;
        v.top1AgreementDecided = get(j, "top1_agreement_decided"); // NaN in sessions saved before it was measured
        v.deltaPMean = get(j, "delta_p_mean");
        v.deltaPRms = get(j, "delta_p_rms");
        v.moeLayers = j.value("routing_layers", std::vector<int>());
        for (const auto& x : j.value("routing_changed", nlohmann::json::array()))
            v.routingChanged.push_back(x.is_number() ? x.get<double>() : NAN);
        for (const auto& x : j.value("routing_jaccard", nlohmann::json::array()))
            v.routingJaccard.push_back(x.is_number() ? x.get<double>() : NAN);
        v.weightBytes = j.value("weight_bytes", std::int64_t(0));
        v.peakBytes = j.value("peak_bytes", std::int64_t(0));
        v.loadPeakBytes = j.value("load_peak_bytes", std::int64_t(0));
        v.prefillTokensPerSecond = get(j, "prefill_tok_s");
        v.decodeTokensPerSecond = get(j, "decode_tok_s");
        return v;
    }

    double average(const std::vector<double>& v)
    {
        if (v.empty())
            return NAN;
        double s = 0;
        for (const auto x : v)
            s += x;
        return s / static_cast<double>(v.size());
    }

    std::string fixed(double v, int digits)
    {
        if (!std::isfinite(v))
            return "-";
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", digits, v);
        return buf;
    }

    std::string csvField(const std::string& s)
    {
        if (s.find_first_of(",\"\n") == std::string::npos)
            return s;
        std::string out = "\"";
        for (const char c : s)
            out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    }

    std::string mdCell(const std::string& s)
    {
        std::string out;
        for (const char c : s)
            out += c == '|' ? std::string("\\|") : std::string(1, c);
        return out;
    }

    template <typename T>
    std::span<const T> spanOf(const std::vector<T>& v)
    {
        return { v.data(), v.size() };
    }
} // namespace

nlohmann::json comparisonToJson(const ComparisonResult& r)
{
    auto variants = nlohmann::json::array();
    for (const auto& v : r.variants)
        variants.push_back(modelJson(v, r, false));
    return { { "baseline", r.baseline.quantization }, { "model", r.model }, { "device", r.device },
        { "compute_dtype", r.computeDtype }, { "window", r.window }, { "stride", r.stride },
        { "text_tokens", r.textTokens }, { "scored_tokens", r.positions.size() },
        { "decided_margin", number(r.decidedMargin) }, { "decided_share", number(r.decidedShare) },
        { "bf16_weight_bytes", r.bf16WeightBytes }, { "seconds", r.seconds },
        { "baseline_metrics", modelJson(r.baseline, r, true) }, { "variants", variants },
        { "method",
            { { "ppl_ci", "95% normal approximation over per-token NLL" },
                { "ppl_ratio_ci", "95% normal approximation over paired per-token NLL differences" },
                { "kld", "KL(baseline || variant) per token in float64; percentiles by linear interpolation" },
                { "top1_agreement_decided",
                    "top-1 agreement on the tokens whose baseline top-1 probability leads its second by at least "
                    "decided_margin (decided_share of the scored tokens)" },
                { "windows", "window tokens, stride window/2, each token scored once" } } } };
}

std::string comparisonCsv(const ComparisonResult& r)
{
    std::ostringstream s;
    s << "name,quantization,weight_bytes,weight_vs_bf16,peak_bytes,ppl,ppl_low,ppl_high,ppl_ratio,ppl_ratio_low,"
         "ppl_ratio_high,kld_mean,kld_median,kld_p90,kld_p99,kld_max,top1_agreement,delta_p_mean,delta_p_rms,"
         "routing_changed_mean,routing_jaccard_mean,prefill_tok_s,decode_tok_s,top1_agreement_decided\n";
    auto row = [&](const VariantResult& v, bool baseline) {
        const double ratio = r.bf16WeightBytes ? static_cast<double>(v.weightBytes) / static_cast<double>(r.bf16WeightBytes) : NAN;
        s << csvField(v.name) << "," << csvField(v.quantization) << "," << v.weightBytes << "," << fixed(ratio, 4)
          << "," << v.peakBytes << "," << fixed(v.ppl, 4) << "," << fixed(v.pplLow, 4) << "," << fixed(v.pplHigh, 4);
        if (baseline) {
            s << ",1,1,1,0,0,0,0,0,1,0,0,0,1";
        } else {
            s << "," << fixed(v.pplRatio, 5) << "," << fixed(v.pplRatioLow, 5) << "," << fixed(v.pplRatioHigh, 5)
              << "," << fixed(v.klMean, 6) << "," << fixed(v.klMedian, 6) << "," << fixed(v.klP90, 6) << ","
              << fixed(v.klP99, 6) << "," << fixed(v.klMax, 6) << "," << fixed(v.top1Agreement, 5) << ","
              << fixed(v.deltaPMean, 6) << "," << fixed(v.deltaPRms, 6) << "," << fixed(average(v.routingChanged), 5)
              << "," << fixed(average(v.routingJaccard), 5);
        }
        s << "," << fixed(v.prefillTokensPerSecond, 2) << "," << fixed(v.decodeTokensPerSecond, 2) << ","
          << (baseline ? std::string("1") : fixed(v.top1AgreementDecided, 5)) << "\n";
    };
    row(r.baseline, true);
    for (const auto& v : r.variants)
        row(v, false);
    return s.str();
}

std::string routingDriftCsv(const ComparisonResult& r)
{
    std::ostringstream s;
    s << "variant,layer,changed_share,mean_jaccard\n";
    for (const auto& v : r.variants)
        for (std::size_t i = 0; i < v.moeLayers.size(); ++i)
            s << csvField(v.name) << "," << v.moeLayers[i] << "," << fixed(v.routingChanged[i], 5) << ","
              << fixed(v.routingJaccard[i], 5) << "\n";
    return s.str();
}

std::string comparisonMarkdown(const ComparisonResult& r)
{
    std::ostringstream s;
    const auto& b = r.baseline;
    s << "| Model | Weights (vs bf16) | PPL (95% CI) | PPL ratio | KLD mean | KLD p99 | Top-1 agree | Top-1 agree, "
         "decided | Δp RMS | Routing changed | Prefill tok/s | Decode tok/s |\n";
    s << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    auto memory = [&](const VariantResult& v) {
        const double ratio = r.bf16WeightBytes ? static_cast<double>(v.weightBytes) / static_cast<double>(r.bf16WeightBytes) : NAN;
        return fixed(static_cast<double>(v.weightBytes) / (1 << 20), 1) + " MiB (" + fixed(100 * ratio, 1) + "%)";
    };
    auto speed = [&](double v, double base) { // 0: not timed (--decode-tokens 0)
        if (!(v > 0))
            return std::string("-");
        return fixed(v, 1) + (base > 0 ? " (" + fixed(v / base, 2) + "x)" : "");
    };
    s << "| " << mdCell("baseline (" + b.quantization + ")") << " | " << memory(b) << " | " << fixed(b.ppl, 3) << " ("
      << fixed(b.pplLow, 3) << "-" << fixed(b.pplHigh, 3) << ") | 1 | 0 | 0 | 100% | 100% | 0 | 0% | "
      << speed(b.prefillTokensPerSecond, 0) << " | " << speed(b.decodeTokensPerSecond, 0) << " |\n";
    for (const auto& v : r.variants)
        s << "| " << mdCell(v.name) << " | " << memory(v) << " | " << fixed(v.ppl, 3) << " (" << fixed(v.pplLow, 3)
          << "-" << fixed(v.pplHigh, 3) << ") | " << fixed(v.pplRatio, 4) << " (" << fixed(v.pplRatioLow, 4) << "-"
          << fixed(v.pplRatioHigh, 4) << ") | " << fixed(v.klMean, 5) << " | " << fixed(v.klP99, 4) << " | "
          << fixed(100 * v.top1Agreement, 2) << "% | " << fixed(100 * v.top1AgreementDecided, 2) << "% | "
          << fixed(v.deltaPRms, 4) << " | "
          << fixed(100 * average(v.routingChanged), 2) << "% | "
          << speed(v.prefillTokensPerSecond, b.prefillTokensPerSecond) << " | "
          << speed(v.decodeTokensPerSecond, b.decodeTokensPerSecond) << " |\n";
    s << "\n" << r.positions.size() << " tokens scored on " << r.device << " (" << r.computeDtype << "), windows of "
      << r.window << " tokens with stride " << r.stride
      << ". PPL CI: normal approximation over per-token NLL; PPL ratio CI from paired per-token NLL differences; "
         "KLD = KL(baseline || variant) per token; top-1 agree, decided = on the "
      << fixed(100 * r.decidedShare, 1) << "% of tokens whose baseline top-1 probability leads its second by at least "
      << fixed(r.decidedMargin, 2)
      << " (near-ties flip under any rounding); routing changed = share of tokens whose top-k expert set differs, "
         "averaged over MoE layers.\n";
    return s.str();
}

void exportComparison(const ComparisonResult& result, const std::filesystem::path& folder)
{
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec)
        throw IoError("cannot create " + folder.string() + ": " + ec.message());
    writeTextFileAtomic(folder / "comparison.csv", comparisonCsv(result));
    writeTextFileAtomic(folder / "routing_drift.csv", routingDriftCsv(result));
    writeTextFileAtomic(folder / "comparison.md", comparisonMarkdown(result));
}

std::int64_t saveComparison(SessionStore& store, const ComparisonResult& r, std::optional<std::int64_t> documentId,
    const std::string& paramsJson)
{
    const auto id = store.createRun("comparison", documentId, r.model, paramsJson);
    try {
        store.saveArray(id, "positions", BlobType::I64, spanOf(r.positions));
        store.saveArray(id, "targets", BlobType::I32, spanOf(r.targets));
        store.saveArray(id, "baseline.nll", BlobType::F32, spanOf(r.baseline.nll));
        store.saveArray(id, "baseline.margin", BlobType::F32, spanOf(r.baselineMargin));
        if (!r.tokenBegin.empty()) { // byte offsets < 2^31 (the text limit), stored as I32
            store.saveArray(id, "token_begin", BlobType::I32, spanOf(r.tokenBegin));
            store.saveArray(id, "token_end", BlobType::I32, spanOf(r.tokenEnd));
        }
        for (std::size_t i = 0; i < r.variants.size(); ++i) {
            const auto& v = r.variants[i];
            const auto p = "variant." + std::to_string(i) + ".";
            store.saveArray(id, p + "nll", BlobType::F32, spanOf(v.nll));
            store.saveArray(id, p + "kl", BlobType::F32, spanOf(v.kl));
            store.saveArray(id, p + "delta_p", BlobType::F32, spanOf(v.deltaP));
            store.saveArray(id, p + "top1", BlobType::U8, spanOf(v.top1Agree));
            store.saveArray(id, p + "rerouted", BlobType::U8, spanOf(v.layersRerouted));
        }
        store.updateRun(id, "complete", comparisonToJson(r).dump());
    } catch (...) {
        store.updateRun(id, "failed", "{}");
        throw;
    }
    return id;
}

ComparisonResult loadComparison(SessionStore& store, std::int64_t runId)
{
    const auto run = store.run(runId);
    if (!run || run->kind != "comparison" || run->status != "complete")
        throw FormatError("session run " + std::to_string(runId) + " is not a complete comparison");
    const auto j = parseJson(run->summaryJson, "comparison run " + std::to_string(runId));
    ComparisonResult r;
    r.model = j.value("model", std::string());
    r.device = j.value("device", std::string());
    r.computeDtype = j.value("compute_dtype", std::string());
    r.window = j.value("window", std::int64_t(0));
    r.stride = j.value("stride", std::int64_t(0));
    r.textTokens = j.value("text_tokens", std::int64_t(0));
    r.bf16WeightBytes = j.value("bf16_weight_bytes", std::int64_t(0));
    r.seconds = j.value("seconds", 0.0);
    r.decidedMargin = get(j, "decided_margin");
    r.decidedShare = get(j, "decided_share");
    r.baseline = modelFromJson(j.value("baseline_metrics", nlohmann::json::object()));
    for (const auto& v : j.value("variants", nlohmann::json::array()))
        r.variants.push_back(modelFromJson(v));
    r.positions = store.loadArray<std::int64_t>(runId, "positions", BlobType::I64);
    r.targets = store.loadArray<std::int32_t>(runId, "targets", BlobType::I32);
    r.baseline.nll = store.loadArray<float>(runId, "baseline.nll", BlobType::F32);
    const auto parts = store.blobs(runId);
    auto has = [&](const char* name) {
        return std::any_of(parts.begin(), parts.end(), [&](const BlobInfo& b) { return b.name == name; });
    };
    if (has("baseline.margin")) // sessions saved before margins were kept have none
        r.baselineMargin = store.loadArray<float>(runId, "baseline.margin", BlobType::F32);
    if (has("token_begin")) {
        r.tokenBegin = store.loadArray<std::uint32_t>(runId, "token_begin", BlobType::I32);
        r.tokenEnd = store.loadArray<std::uint32_t>(runId, "token_end", BlobType::I32);
        if (r.tokenBegin.size() != r.positions.size() || r.tokenEnd.size() != r.positions.size())
            throw FormatError("comparison run " + std::to_string(runId) + ": token spans do not match its positions");
    }
    for (std::size_t i = 0; i < r.variants.size(); ++i) {
        auto& v = r.variants[i];
        const auto p = "variant." + std::to_string(i) + ".";
        v.nll = store.loadArray<float>(runId, p + "nll", BlobType::F32);
        v.kl = store.loadArray<float>(runId, p + "kl", BlobType::F32);
        v.deltaP = store.loadArray<float>(runId, p + "delta_p", BlobType::F32);
        v.top1Agree = store.loadArray<std::uint8_t>(runId, p + "top1", BlobType::U8);
        v.layersRerouted = store.loadArray<std::uint8_t>(runId, p + "rerouted", BlobType::U8);
    }
    return r;
}

} // namespace moescope

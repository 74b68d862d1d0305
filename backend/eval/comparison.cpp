#include "eval/comparison.h"

#include "core/error.h"
#include "eval/memorytracker.h"
#include "eval/routingagreement.h"
#include "eval/summarystats.h"
#include "nn/transformer.h"
#include "io/safetensorscheckpoint.h"
#include "quant/calibration.h"
#include "quant/moduleplan.h"
#include "quant/quantizingweights.h"
#include "runtime/engine.h"
#include "runtime/tensorerrors.h"

#include <c10/core/InferenceMode.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace moescope {

namespace {
    using Clock = std::chrono::steady_clock;
    constexpr std::int64_t kRowsPerChunk = 64; // rows of [rows, vocab] float64 distributions at a time

    double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

    struct Model {
        std::unique_ptr<Engine> engine;
        VariantResult result;
        RoutingCapture routing;
        RoutingAgreement agreement;
        double forwardSeconds = 0;
        std::int64_t forwardTokens = 0;
        std::int64_t transientPeak = 0;
        std::vector<double> nll;
    };

    // One window's forward pass: logits of rows [r0, r0 + rows) as float32 [rows, vocab], timed and memory-tracked.
    at::Tensor windowLogits(Model& m, const at::Tensor& ids, std::int64_t r0, std::int64_t rows, std::stop_token stop)
    {
        auto& model = m.engine->transformer();
        m.routing.clear();
        MemoryTracker tracker;
        const auto t0 = Clock::now();
        const auto hidden = model.forwardHidden(ids, nullptr, &m.routing, stop); // [t, hidden]
        auto logits = model.logits(hidden.narrow(0, r0, rows)); // [rows, vocab]
        logits.max().item<float>(); // waits for the device, so the time is the pass's
        m.forwardSeconds += secondsSince(t0);
        m.forwardTokens += ids.size(0);
        m.transientPeak = std::max(m.transientPeak, tracker.peak());
        return logits;
    }

    // Per-token comparison of two distributions over the same rows; appends to the variant's arrays.
    void compareRows(const at::Tensor& base, const at::Tensor& variant, const at::Tensor& targets, VariantResult& v,
        std::vector<double>& nllVariant)
    {
        for (std::int64_t r = 0; r < base.size(0); r += kRowsPerChunk) {
            const auto n = std::min(kRowsPerChunk, base.size(0) - r);
            const auto lp = at::log_softmax(base.narrow(0, r, n).to(at::kDouble), -1); // [n, vocab]
            const auto lq = at::log_softmax(variant.narrow(0, r, n).to(at::kDouble), -1);
            const auto tgt = targets.narrow(0, r, n).unsqueeze(1); // [n, 1]
            const auto kl = (lp.exp() * (lp - lq)).sum(-1).to(at::kCPU).contiguous(); // [n]
            const auto nllB = lp.gather(1, tgt).squeeze(1).neg().to(at::kCPU).contiguous(); // [n]
            const auto nllV = lq.gather(1, tgt).squeeze(1).neg().to(at::kCPU).contiguous();
            const auto agree = (base.narrow(0, r, n).argmax(-1) == variant.narrow(0, r, n).argmax(-1))
                                   .to(at::kCPU, at::kByte)
                                   .contiguous(); // [n]
            const auto* klp = kl.data_ptr<double>();
            const auto* bp = nllB.data_ptr<double>();
            const auto* qp = nllV.data_ptr<double>();
            const auto* ap = agree.data_ptr<std::uint8_t>();
            for (std::int64_t i = 0; i < n; ++i) {
                v.kl.push_back(static_cast<float>(klp[i]));
                v.nll.push_back(static_cast<float>(qp[i]));
                v.deltaP.push_back(static_cast<float>(std::exp(-qp[i]) - std::exp(-bp[i])));
                v.top1Agree.push_back(ap[i]);
                nllVariant.push_back(qp[i]);
            }
        }
    }

    // The baseline's NLL of each row's target, and (appended to margins) its top-1 probability minus its second's.
    std::vector<double> baselineRows(const at::Tensor& logits, const at::Tensor& targets, std::vector<float>& margins)
    {
        std::vector<double> out;
        for (std::int64_t r = 0; r < logits.size(0); r += kRowsPerChunk) {
            const auto n = std::min(kRowsPerChunk, logits.size(0) - r);
            const auto lp = at::log_softmax(logits.narrow(0, r, n).to(at::kDouble), -1);
            const auto nll = lp.gather(1, targets.narrow(0, r, n).unsqueeze(1)).squeeze(1).neg().to(at::kCPU);
            const auto* p = nll.contiguous().data_ptr<double>();
            out.insert(out.end(), p, p + n);
            const auto top2 = std::get<0>(lp.exp().topk(std::min<std::int64_t>(2, lp.size(1)), -1)); // [n, <= 2]
            const auto margin = (top2.size(1) > 1 ? top2.select(1, 0) - top2.select(1, 1) : top2.select(1, 0))
                                    .to(at::kCPU)
                                    .contiguous();
            const auto* m = margin.data_ptr<double>();
            for (std::int64_t i = 0; i < n; ++i)
                margins.push_back(static_cast<float>(m[i]));
        }
        return out;
    }

    void timeDecode(Model& m, std::span<const std::int32_t> ids, int steps, std::stop_token stop)
    {
        if (steps <= 0 || ids.empty())
            return;
        SamplingOptions s;
        s.maxNewTokens = steps + 1;
        s.greedy = true;
        s.stopTokens = { -1 }; // never produced: time every step
        MemoryTracker tracker;
        const auto r = m.engine->generate(ids.first(std::min<std::size_t>(ids.size(), 64)), s, {}, nullptr, stop);
        m.transientPeak = std::max(m.transientPeak, tracker.peak());
        const auto forwards = static_cast<double>(r.tokens.size()) - 1; // the last token is not forwarded
        if (forwards > 0 && r.decodeSeconds > 0)
            m.result.decodeTokensPerSecond = forwards / r.decodeSeconds;
    }

    void finish(Model& m, const std::vector<double>& baseNll, const std::vector<float>& baseMargin,
        double decidedMargin, bool isBaseline)
    {
        auto& v = m.result;
        const auto ci = meanWithInterval(m.nll);
        v.ppl = std::exp(ci.mean);
        v.pplLow = std::exp(ci.low);
        v.pplHigh = std::exp(ci.high);
        v.weightBytes = m.engine->summary().weightBytes;
        v.peakBytes = v.weightBytes + m.transientPeak;
        v.prefillTokensPerSecond = m.forwardSeconds > 0 ? static_cast<double>(m.forwardTokens) / m.forwardSeconds : 0;
        if (isBaseline)
            return;
        std::vector<double> diff(m.nll.size());
        for (std::size_t i = 0; i < diff.size(); ++i)
            diff[i] = m.nll[i] - baseNll[i];
        const auto ratio = meanWithInterval(diff);
        v.pplRatio = std::exp(ratio.mean);
        v.pplRatioLow = std::exp(ratio.low);
        v.pplRatioHigh = std::exp(ratio.high);
        const std::vector<double> kl(v.kl.begin(), v.kl.end());
        v.klMean = meanOf(kl);
        v.klMedian = quantile(kl, 0.5);
        v.klP90 = quantile(kl, 0.9);
        v.klP99 = quantile(kl, 0.99);
        v.klMax = quantile(kl, 1.0);
        double agree = 0;
        for (const auto a : v.top1Agree)
            agree += a;
        v.top1Agreement = v.top1Agree.empty() ? 1.0 : agree / static_cast<double>(v.top1Agree.size());
        double decided = 0, decidedAgree = 0;
        for (std::size_t i = 0; i < v.top1Agree.size() && i < baseMargin.size(); ++i) {
            if (baseMargin[i] >= decidedMargin) {
                ++decided;
                decidedAgree += v.top1Agree[i];
            }
        }
        v.top1AgreementDecided = decided > 0 ? decidedAgree / decided : NAN;
        const std::vector<double> dp(v.deltaP.begin(), v.deltaP.end());
        v.deltaPMean = meanOf(dp);
        v.deltaPRms = rootMeanSquare(dp);
        v.moeLayers = m.agreement.layers();
        v.routingChanged = m.agreement.changedShare();
        v.routingJaccard = m.agreement.meanJaccard();
    }
} // namespace

ComparisonResult runComparison(const std::filesystem::path& dir, const ModelSpec& spec,
    std::span<const std::int32_t> allIds, const std::vector<std::string>& variants, const ComparisonOptions& options,
    std::stop_token stop, const ComparisonProgress& progress)
{
    if (options.window < 4)
        throw InvalidArgumentError("comparison window must be at least 4 tokens");
    if (!(options.decidedMargin >= 0 && options.decidedMargin < 1))
        throw InvalidArgumentError("the decided-token margin must be a probability in [0, 1), not "
            + std::to_string(options.decidedMargin));
    const auto ids = options.maxTokens > 0 && static_cast<std::int64_t>(allIds.size()) > options.maxTokens
        ? allIds.first(static_cast<std::size_t>(options.maxTokens))
        : allIds;
    const auto started = Clock::now();
    auto report = [&](const std::string& stage, std::int64_t done, std::int64_t total) {
        if (progress)
            progress(stage, done, total);
    };

    ComparisonResult out;
    out.model = dir.string();
    out.window = options.window;
    out.stride = options.window / 2;
    out.textTokens = static_cast<std::int64_t>(ids.size());
    EngineOptions base;
    base.device = options.device;
    base.dtype = options.dtype;
    {
        const SafetensorsCheckpoint checkpoint(dir);
        out.bf16WeightBytes = planModules(spec, [&](const std::string& t) { return checkpoint.contains(t); })
                                  .weightBytes(QuantPolicy(), 2);
    }

    // Activation statistics once, for every "+awq" / "+gptq" variant (Gram matrices only when a GPTQ variant needs
    // them).
    std::vector<QuantPolicy> policies(variants.size());
    for (std::size_t i = 0; i < variants.size(); ++i)
        if (variants[i].rfind("dir:", 0) != 0)
            policies[i] = QuantPolicy::fromSpec(variants[i]); // bad names fail before any work
    if (ids.size() < 2)
        throw InvalidArgumentError("the comparison text has fewer than two tokens");
    std::shared_ptr<ActivationStats> stats;
    bool gram = false;
    for (const auto& p : policies)
        gram = gram || p.errorCompensation;
    for (std::size_t i = 0; i < variants.size(); ++i) {
        if (policies[i].needsCalibration() && !stats) {
            if (options.calibrationIds.size() < 2)
                throw InvalidArgumentError("variant '" + variants[i]
                    + "' needs calibration text (--calib-text-file) for activation-aware scaling or GPTQ");
            report("calibrating", 0, 1);
            stats = collectActivationStats(dir, spec, base, options.calibrationIds, options.window, stop, {}, gram);
        }
    }

    std::vector<Model> models(variants.size() + 1);
    for (std::size_t i = 0; i <= variants.size(); ++i) {
        throwIfStopRequested(stop);
        report("loading", static_cast<std::int64_t>(i), static_cast<std::int64_t>(variants.size() + 1));
        auto& m = models[i];
        EngineOptions o = base;
        auto path = dir;
        if (i == 0) {
            m.result.name = "baseline";
        } else {
            const auto& name = variants[i - 1];
            m.result.name = name;
            if (name.rfind("dir:", 0) == 0) {
                path = name.substr(4);
            } else if (policies[i - 1].needsCalibration()) {
                o.wrapWeights = [policy = policies[i - 1], stats, naming = spec.naming](WeightSource& inner) {
                    return std::make_unique<QuantizingWeights>(inner, policy, naming, stats);
                };
            } else {
                o.quantization = name;
            }
        }
        MemoryTracker tracker;
        m.engine = Engine::load(path, spec, o, stop);
        m.result.loadPeakBytes = tracker.peak();
        m.result.quantization
            = i > 0 && policies[i - 1].needsCalibration() ? policies[i - 1].label() : m.engine->summary().quantization;
        if (i == 0) {
            out.device = m.engine->summary().device;
            out.computeDtype = m.engine->summary().computeDtype;
            if (m.result.quantization == "none")
                m.result.quantization = out.computeDtype;
        }
    }

    guardTensorErrors("comparing models", [&] {
        c10::InferenceMode inference;
        const auto n = static_cast<std::int64_t>(ids.size());
        const auto device = models[0].engine->transformer().options().device();
        std::int64_t prevEnd = 0;
        for (std::int64_t begin = 0; begin < n; begin += out.stride) {
            throwIfStopRequested(stop);
            const auto end = std::min(begin + options.window, n);
            const auto firstScored = std::max(prevEnd, begin + 1);
            if (firstScored < end) {
                const std::vector<std::int64_t> window(ids.begin() + begin, ids.begin() + end);
                const auto windowIds = at::tensor(window, at::kLong).to(device); // [t]
                const auto r0 = firstScored - 1 - begin, rows = end - firstScored;
                const auto targets = windowIds.narrow(0, r0 + 1, rows); // [rows]
                for (std::int64_t p = firstScored; p < end; ++p) {
                    out.positions.push_back(p);
                    out.targets.push_back(ids[static_cast<std::size_t>(p)]);
                }
                auto& b = models[0];
                const auto baseLogits = windowLogits(b, windowIds, r0, rows, stop);
                const auto baseNll = baselineRows(baseLogits, targets, out.baselineMargin);
                b.nll.insert(b.nll.end(), baseNll.begin(), baseNll.end());
                for (const auto x : baseNll)
                    b.result.nll.push_back(static_cast<float>(x));
                for (std::size_t i = 1; i < models.size(); ++i) {
                    auto& m = models[i];
                    const auto logits = windowLogits(m, windowIds, r0, rows, stop);
                    compareRows(baseLogits, logits, targets, m.result, m.nll);
                    const auto offset = m.result.layersRerouted.size();
                    m.result.layersRerouted.resize(offset + static_cast<std::size_t>(rows), 0);
                    m.agreement.add(b.routing, m.routing, r0, rows, m.result.layersRerouted.data() + offset);
                }
            }
            prevEnd = end;
            report("scoring", end, n);
            if (end == n)
                break;
        }
        for (std::size_t i = 0; i < models.size(); ++i) {
            report("decoding", static_cast<std::int64_t>(i), static_cast<std::int64_t>(models.size()));
            timeDecode(models[i], ids, options.decodeTokens, stop);
        }
    });

    for (std::size_t i = 0; i < models.size(); ++i)
        finish(models[i], models[0].nll, out.baselineMargin, options.decidedMargin, i == 0);
    out.decidedMargin = options.decidedMargin;
    const auto decided = std::count_if(out.baselineMargin.begin(), out.baselineMargin.end(),
        [&](float m) { return m >= options.decidedMargin; });
    out.decidedShare = out.baselineMargin.empty()
        ? 1.0
        : static_cast<double>(decided) / static_cast<double>(out.baselineMargin.size());
    out.baseline = std::move(models[0].result);
    for (std::size_t i = 1; i < models.size(); ++i)
        out.variants.push_back(std::move(models[i].result));
    out.seconds = secondsSince(started);
    return out;
}

} // namespace moescope

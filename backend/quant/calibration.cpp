#include "quant/calibration.h"

#include "core/error.h"
#include "nn/moeblock.h"
#include "nn/transformer.h"
#include "quant/quantizedexpertbank.h"
#include "quant/quantizer.h"

#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>

namespace moescope {

namespace {
// Runs ids through the model in windows (no cache), calling onWindow(begin, hidden [t, hidden]).
template <typename OnWindow>
void forEachWindow(
    Engine& engine, std::span<const std::int32_t> ids, std::int64_t window, std::stop_token stop, OnWindow&& onWindow)
{
    auto& model = engine.transformer();
    const auto n = static_cast<std::int64_t>(ids.size());
    for (std::int64_t begin = 0; begin < n; begin += window) {
        throwIfStopRequested(stop);
        const auto len = std::min(window, n - begin);
        const std::vector<std::int64_t> part(ids.begin() + begin, ids.begin() + begin + len);
        const auto t = at::tensor(part, at::kLong).to(model.options().device()); // [t]
        onWindow(begin, model.forwardHidden(t, nullptr, nullptr, stop));
    }
}

void checkCalibrationIds(std::span<const std::int32_t> ids, std::int64_t window)
{
    if (ids.size() < 2)
        throw InvalidArgumentError("calibration needs at least two tokens of text");
    if (window < 2)
        throw InvalidArgumentError("calibration window must be at least 2 tokens");
}

// Quantizes a dense bank's experts (every expert in `scheme`).
std::unique_ptr<QuantizedExpertBank> quantizeBank(
    const DenseExpertBank& dense, const QuantScheme& scheme, bool rangeSearch)
{
    const auto experts = dense.numExperts();
    const auto inter = dense.down().size(2);
    QuantizeOptions o;
    o.rangeSearch = rangeSearch;
    std::vector<QuantizedExpert> bank;
    for (std::int64_t e = 0; e < experts; ++e) {
        QuantizedExpert x;
        x.gate = quantizeWeight(dense.gateUp()[e].narrow(0, 0, inter), scheme, o);
        x.up = quantizeWeight(dense.gateUp()[e].narrow(0, inter, inter), scheme, o);
        x.down = quantizeWeight(dense.down()[e], scheme, o);
        bank.push_back(std::move(x));
    }
    return QuantizedExpertBank::fromExperts(std::move(bank), dense.gateUp().scalar_type());
}

// Returns the quantized experts' output and accumulates each expert's routed-weighted squared output error.
class MeasuringBank final : public ExpertBank {
public:
    MeasuringBank(const DenseExpertBank& dense, std::unique_ptr<DenseExpertBank> dequantized, at::Tensor& errors,
        at::Tensor& slots)
        : m_dense(dense)
        , m_quantized(std::move(dequantized))
        , m_errors(errors)
        , m_slots(slots)
    {
    }
    at::Tensor forward(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights) const override
    {
        const auto experts = numExperts();
        const auto a = sortAssignments(ids, weights, experts);
        const auto expertOfSlot = a.expertOfSlot(ids); // [T*k]
        const auto xs = x.index_select(0, a.tokenOfSlot); // [T*k, H]
        const auto yd = expertSlotOutputs(xs, m_dense.gateUp(), m_dense.down(), a.groupEnds); // [T*k, H]
        const auto yq = expertSlotOutputs(xs, m_quantized->gateUp(), m_quantized->down(), a.groupEnds);
        const auto w = a.weightOfSlot.to(at::kFloat); // [T*k]
        const auto err = (yd - yq).to(at::kFloat).square().sum(1) * w.square(); // [T*k]
        m_errors.index_add_(0, expertOfSlot.to(m_errors.device()), err.to(m_errors.device()).to(at::kDouble));
        m_slots.index_add_(0, expertOfSlot.to(m_slots.device()), at::ones_like(expertOfSlot).to(m_slots.device()));
        return combineWeightedSlots(x, a, yq, ids, weights); // [T, H]
    }
    std::int64_t weightBytes() const override { return m_quantized->weightBytes(); }
    std::int64_t numExperts() const override { return m_dense.numExperts(); }

private:
    const DenseExpertBank& m_dense;
    std::unique_ptr<DenseExpertBank> m_quantized;
    at::Tensor& m_errors;
    at::Tensor& m_slots;
};
} // namespace

std::shared_ptr<ActivationStats> collectActivationStats(const std::filesystem::path& dir, const ModelSpec& spec,
    EngineOptions options, std::span<const std::int32_t> ids, std::int64_t window, std::stop_token stop,
    const ProgressCallback& progress, bool gram)
{
    checkCalibrationIds(ids, window);
    auto stats = std::make_shared<ActivationStats>();
    stats->gram = gram;
    if (!options.quantization.empty())
        throw InvalidArgumentError("activation statistics are collected on the full-precision model");
    options.wrapWeights = [stats](WeightSource& inner) { return std::make_unique<ActivationRecorder>(inner, stats); };
    auto engine = Engine::load(dir, spec, options, stop);
    c10::InferenceMode inference;
    forEachWindow(*engine, ids, window, stop, [&](std::int64_t begin, const at::Tensor& hidden) {
        if (gram)
            engine->transformer().logits(hidden); // the LM head records its inputs (GPTQ quantizes it too)
        if (progress)
            progress(begin + hidden.size(0), static_cast<std::int64_t>(ids.size()));
    });
    stats->tokens = static_cast<std::int64_t>(ids.size());
    return stats;
}

SensitivityReport measureExpertSensitivity(Engine& engine, std::span<const std::int32_t> ids, const QuantScheme& low,
    bool rangeSearch, std::int64_t window, std::stop_token stop, const ProgressCallback& progress)
{
    checkCalibrationIds(ids, window);
    c10::InferenceMode inference;
    auto& model = engine.transformer();
    SensitivityReport report;
    report.lowScheme = low.name();
    report.tokens = static_cast<std::int64_t>(ids.size());

    // Full-precision log-probabilities of every calibration position and, on the same hidden states in the same
    // pass, the KL with the head alone in the low scheme.
    QuantizeOptions headOptions;
    headOptions.rangeSearch = rangeSearch;
    const auto head = model.lmHead().dense();
    const auto lowHead = dequantizeWeight(quantizeWeight(head, low, headOptions, "lm_head"), head.scalar_type());
    std::vector<at::Tensor> reference;
    double headKl = 0;
    forEachWindow(engine, ids, window, stop, [&](std::int64_t, const at::Tensor& hidden) {
        const auto logp = at::log_softmax(model.logits(hidden), -1); // [t, vocab]
        const auto logq = at::log_softmax(at::linear(hidden, lowHead).to(at::kFloat), -1); // [t, vocab]
        headKl += (logp.exp() * (logp - logq)).sum().item<double>();
        reference.push_back(logp);
    });
    report.headKl = std::max(headKl / static_cast<double>(ids.size()), 0.0);

    std::vector<int> moeLayers;
    for (std::size_t i = 0; i < model.layers().size(); ++i)
        if (model.layers()[i].isMoe())
            moeLayers.push_back(static_cast<int>(i));
    const auto total = static_cast<std::int64_t>(moeLayers.size());
    for (std::int64_t n = 0; n < total; ++n) {
        const int l = moeLayers[static_cast<std::size_t>(n)];
        auto& block = *model.layers()[static_cast<std::size_t>(l)].moe();
        const auto* dense = dynamic_cast<const DenseExpertBank*>(&block.experts());
        if (!dense)
            throw UnsupportedError(
                "sensitivity calibration needs a full-precision model (layer " + std::to_string(l) + " is quantized)");
        // Keep the original tensors to restore the layer afterwards.
        auto restore = std::make_unique<DenseExpertBank>(dense->gateUp(), dense->down());
        const auto experts = dense->numExperts();
        auto errors = at::zeros({ experts }, at::kDouble);
        auto slots = at::zeros({ experts }, at::kLong);
        block.setExperts(std::make_unique<MeasuringBank>(
            *restore, quantizeBank(*restore, low, rangeSearch)->dequantized(), errors, slots));
        double kl = 0;
        std::size_t w = 0;
        try {
            forEachWindow(engine, ids, window, stop, [&](std::int64_t, const at::Tensor& hidden) {
                const auto logq = at::log_softmax(model.logits(hidden), -1); // [t, vocab]
                const auto& logp = reference[w++];
                kl += (logp.exp() * (logp - logq)).sum().item<double>();
            });
        } catch (...) {
            block.setExperts(std::move(restore));
            throw;
        }
        block.setExperts(std::move(restore));
        kl /= static_cast<double>(ids.size());
        report.layers.push_back(l);
        report.layerKl.push_back(kl);
        const double sum = errors.sum().item<double>();
        for (std::int64_t e = 0; e < experts; ++e) {
            ExpertSensitivity s;
            s.layer = l;
            s.expert = static_cast<int>(e);
            s.slots = slots[e].item<std::int64_t>();
            s.localError = errors[e].item<double>();
            s.sensitivity = sum > 0 ? std::max(kl, 0.0) * s.localError / sum : 0.0;
            report.experts.push_back(s);
        }
        if (progress)
            progress(n + 1, total);
    }
    return report;
}

QuantPolicy allocateExpertPrecision(const QuantPolicy& base, const ModulePlan& plan, const SensitivityReport& report,
    const QuantScheme& high, std::int64_t budgetBytes, int fullElementBytes)
{
    QuantPolicy policy = base;
    auto bytes = plan.weightBytes(policy, fullElementBytes);
    // Extra bytes of promoting one expert of a layer: from its expert bank's shape.
    std::map<int, std::array<std::int64_t, 2>> shapeOfLayer; // layer -> {hidden, intermediate}
    for (const auto& w : plan.weights)
        if (w.kind == PlannedWeight::Kind::Experts)
            shapeOfLayer[w.where.layer] = { w.shape[1], w.shape[2] };
    auto expertBytes = [&](const QuantScheme& s, int layer) {
        const auto [h, i] = shapeOfLayer.at(layer);
        return 2 * s.storageBytes(i, h, fullElementBytes) + s.storageBytes(h, i, fullElementBytes);
    };
    struct Candidate {
        ExpertSensitivity s; // layer -1: the LM head
        std::int64_t extra;
    };
    std::vector<Candidate> candidates;
    for (const auto& s : report.experts) {
        if (!shapeOfLayer.count(s.layer))
            continue;
        const auto current = policy.schemeForExpert(s.layer, s.expert);
        const auto extra = expertBytes(high, s.layer) - expertBytes(current, s.layer);
        if (extra > 0 && s.sensitivity > 0)
            candidates.push_back({ s, extra });
    }
    // The head's extra bytes: the policy with the head (and the embedding table, which a tied head is) promoted.
    auto withHead = policy;
    withHead.kinds[ModuleKind::LmHead] = high;
    if (plan.tiedHead)
        withHead.kinds[ModuleKind::Embeddings] = high;
    const auto headExtra = plan.weightBytes(withHead, fullElementBytes) - bytes;
    if (headExtra > 0 && report.headKl > 0) {
        ExpertSensitivity head;
        head.layer = -1;
        head.sensitivity = report.headKl;
        candidates.push_back({ head, headExtra });
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        return a.s.sensitivity / static_cast<double>(a.extra) > b.s.sensitivity / static_cast<double>(b.extra);
    });
    for (const auto& c : candidates) {
        if (bytes + c.extra > budgetBytes)
            continue;
        if (c.s.layer < 0)
            policy.kinds = withHead.kinds; // expert promotions live in policy.experts, untouched by this
        else
            policy.experts[{ c.s.layer, c.s.expert }] = high;
        bytes += c.extra;
    }
    return policy;
}

nlohmann::json SensitivityReport::toJson() const
{
    nlohmann::json layersJson = nlohmann::json::array();
    for (std::size_t i = 0; i < layers.size(); ++i)
        layersJson.push_back({ { "layer", layers[i] }, { "kl_all_experts_low", layerKl[i] } });
    nlohmann::json expertsJson = nlohmann::json::array();
    for (const auto& e : experts)
        expertsJson.push_back({ { "layer", e.layer }, { "expert", e.expert }, { "slots", e.slots },
            { "local_error", e.localError }, { "sensitivity", e.sensitivity } });
    return { { "low_scheme", lowScheme }, { "tokens", tokens }, { "lm_head_kl_low", headKl }, { "layers", layersJson },
        { "experts", expertsJson } };
}

} // namespace moescope

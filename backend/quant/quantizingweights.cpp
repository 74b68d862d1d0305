#include "quant/quantizingweights.h"

#include "core/error.h"
#include "quant/quantizedexpertbank.h"
#include "quant/quantizedlinear.h"

namespace moescope {

namespace {
// The Hessian of one module for GPTQ: its own mean x x^T. Below `cols` samples the Gram matrix is rank deficient
// and GPTQ would fit the few tokens seen (a rarely routed expert), so the missing samples are filled from a
// prior: the fallback's mean x x^T (all tokens that reached the layer, for routed gate/up projections), else the
// module's own per-column second moments without correlations (which turns GPTQ into column-weighted rounding).
// A module with no samples takes the fallback's, else none (round-to-nearest).
at::Tensor hessianFor(const ActivationStats::Entry* e, const ActivationStats::Entry* fallback)
{
    const bool own = e && e->gram.defined() && e->count > 0;
    const bool prior = fallback && fallback->gram.defined() && fallback->count > 0;
    if (!own)
        return prior ? fallback->gram / static_cast<double>(fallback->count) : at::Tensor();
    const auto cols = e->gram.size(0);
    const auto n = static_cast<double>(e->count);
    if (e->count >= cols)
        return e->gram / n; // [in, in]
    const auto missing = static_cast<double>(cols - e->count);
    const auto mean
        = prior ? fallback->gram / static_cast<double>(fallback->count) : at::diag(e->gram.diagonal() / n); // [in, in]
    return (e->gram + mean * missing) / static_cast<double>(cols);
}
} // namespace

QuantizeOptions quantizeOptionsFor(const QuantPolicy& policy, const ActivationStats* stats, const std::string& module,
    const std::string& fallback)
{
    QuantizeOptions o;
    o.rangeSearch = policy.rangeSearch;
    if (!policy.needsCalibration())
        return o;
    if (!stats)
        throw InvalidArgumentError("the policy asks for "
            + std::string(policy.activationAware ? "activation-aware" : "GPTQ")
            + " quantization but no calibration text was given");
    const auto* own = stats->find(module);
    const auto* layer = fallback.empty() ? nullptr : stats->find(fallback);
    const auto* e = own ? own : layer;
    if (policy.activationAware && e) {
        o.columnWeights = (e->sumSquares / static_cast<double>(e->count)).to(at::kFloat);
        o.activationScale = (e->sumAbs / static_cast<double>(e->count)).to(at::kFloat);
    }
    if (policy.errorCompensation)
        o.hessian = hessianFor(own, layer);
    return o;
}

QuantizeOptions embeddingOptions(const QuantPolicy& policy, const ActivationStats* stats, const std::string& module)
{
    // A lookup table sees no activations: no activation-aware scaling. A tied LM head's inputs were recorded under
    // the table's name, and GPTQ uses them (the head is the matrix's only product).
    auto p = policy;
    p.activationAware = false;
    p.errorCompensation = p.errorCompensation && stats && stats->find(module);
    return quantizeOptionsFor(p, stats, module);
}

QuantizingWeights::QuantizingWeights(WeightSource& inner, QuantPolicy policy, TensorNaming naming,
    std::shared_ptr<const ActivationStats> stats)
    : WrappingWeightSource(inner)
    , m_policy(std::move(policy))
    , m_naming(std::move(naming))
    , m_stats(std::move(stats))
{
    if (m_policy.needsCalibration() && !m_stats)
        throw InvalidArgumentError("the policy asks for calibrated quantization (+awq or +gptq) but no calibration "
                                   "text was given");
}

QuantizedTensor QuantizingWeights::quantizeLoaded(const std::string& module, const at::Tensor& w,
    const QuantScheme& scheme) const
{
    if (scheme.isFull()) {
        QuantizedTensor q;
        q.scheme = scheme;
        q.rows = w.size(0);
        q.cols = w.size(1);
        q.data = w.to(options().dtype());
        return q;
    }
    const auto where = locateModule(module, m_naming);
    const auto fallback = where.kind == ModuleKind::RoutedExperts && !module.ends_with("." + m_naming.downProj)
        ? module.substr(0, module.find(".experts.") + 8)
        : std::string();
    return quantizeWeight(w, scheme, quantizeOptionsFor(m_policy, m_stats.get(), module, fallback),
        module + ".weight");
}

Linear QuantizingWeights::loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias)
{
    const auto scheme = m_policy.schemeFor(module, locateModule(module, m_naming));
    if (scheme.isFull())
        return m_inner.loadLinear(module, out, in, bias);
    auto q = quantizeLoaded(module, m_inner.load(module + ".weight", { out, in }, /*keepFloat32=*/true), scheme);
    at::Tensor b = bias ? m_inner.load(module + ".bias", { out }) : at::Tensor(); // [out]
    return makeQuantizedLinear(std::move(q), std::move(b), options().dtype().toScalarType());
}

Linear QuantizingWeights::loadEmbedding(const std::string& module, std::int64_t rows, std::int64_t cols)
{
    const auto scheme = m_policy.schemeFor(module, locateModule(module, m_naming));
    if (scheme.isFull())
        return m_inner.loadEmbedding(module, rows, cols);
    auto q = quantizeWeight(m_inner.load(module + ".weight", { rows, cols }, true), scheme,
        embeddingOptions(m_policy, m_stats.get(), module), module + ".weight");
    return makeQuantizedLinear(std::move(q), {}, options().dtype().toScalarType());
}

std::unique_ptr<ExpertBank> QuantizingWeights::loadExperts(const std::string& mlpPrefix, const TensorNaming& naming,
    std::int64_t experts, std::int64_t hidden, std::int64_t intermediate)
{
    const auto layer = locateModule(mlpPrefix + "experts.0.", m_naming).layer;
    bool anyChange = false;
    for (std::int64_t e = 0; e < experts; ++e)
        anyChange = anyChange || !m_policy.schemeForExpert(layer, static_cast<int>(e)).isFull();
    if (!anyChange)
        return m_inner.loadExperts(mlpPrefix, naming, experts, hidden, intermediate);

    const auto fused = mlpPrefix + "experts.gate_up_proj";
    at::Tensor gateUpAll, downAll; // fused layout: [E, 2I, H], [E, H, I] in float32
    if (m_inner.has(fused)) {
        gateUpAll = m_inner.load(fused, { experts, 2 * intermediate, hidden }, true);
        downAll = m_inner.load(mlpPrefix + "experts.down_proj", { experts, hidden, intermediate }, true);
    }
    std::vector<QuantizedExpert> bank;
    bank.reserve(static_cast<std::size_t>(experts));
    for (std::int64_t e = 0; e < experts; ++e) {
        const auto scheme = m_policy.schemeForExpert(layer, static_cast<int>(e));
        const auto p = mlpPrefix + "experts." + std::to_string(e) + ".";
        auto matrix = [&](const std::string& proj, std::int64_t rows, std::int64_t cols, const at::Tensor& fusedPart) {
            return fusedPart.defined() ? fusedPart : m_inner.load(p + proj + ".weight", { rows, cols }, true);
        };
        QuantizedExpert x;
        x.gate = quantizeLoaded(p + naming.gateProj,
            matrix(naming.gateProj, intermediate, hidden,
                gateUpAll.defined() ? gateUpAll[e].narrow(0, 0, intermediate) : at::Tensor()),
            scheme);
        x.up = quantizeLoaded(p + naming.upProj,
            matrix(naming.upProj, intermediate, hidden,
                gateUpAll.defined() ? gateUpAll[e].narrow(0, intermediate, intermediate) : at::Tensor()),
            scheme);
        x.down = quantizeLoaded(p + naming.downProj,
            matrix(naming.downProj, hidden, intermediate, downAll.defined() ? downAll[e] : at::Tensor()), scheme);
        bank.push_back(std::move(x));
    }
    return QuantizedExpertBank::fromExperts(std::move(bank), options().dtype().toScalarType());
}

} // namespace moescope

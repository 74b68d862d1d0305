#pragma once
// Quantize on load: a WeightSource decorator over a full-precision source (a checkpoint) that returns quantized
// projections, embedding tables and expert banks as a QuantPolicy says. Each matrix is read in float32, quantized
// and dropped, so loading needs the quantized model plus one matrix (one expert bank for fused checkpoints).
// Router weights, norms and biases pass through unchanged.

#include "nn/modelspec.h"
#include "nn/weightsource.h"
#include "quant/activationstats.h"
#include "quant/quantizer.h"
#include "quant/quantpolicy.h"

#include <memory>

namespace moescope {

class QuantizingWeights final : public WrappingWeightSource {
public:
    // stats: calibration statistics for activation-aware policies (required when policy.activationAware).
    QuantizingWeights(WeightSource& inner, QuantPolicy policy, TensorNaming naming,
        std::shared_ptr<const ActivationStats> stats = {});

    Linear loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias) override;
    Linear loadEmbedding(const std::string& module, std::int64_t rows, std::int64_t cols) override;
    std::unique_ptr<ExpertBank> loadExperts(const std::string& mlpPrefix, const TensorNaming& naming,
        std::int64_t experts, std::int64_t hidden, std::int64_t intermediate) override;

private:
    QuantizedTensor quantizeLoaded(const std::string& module, const at::Tensor& w, const QuantScheme& scheme) const;

    QuantPolicy m_policy;
    TensorNaming m_naming;
    std::shared_ptr<const ActivationStats> m_stats;
};

// The quantizer options for one module under a policy: range search as the policy says; with activation-aware
// policies, column weights E[x^2] and activation scales E|x| from stats (the module's own entry, else `fallback`'s);
// with GPTQ the Hessian E[x x^T] (a module seen on fewer tokens than it has inputs is completed from `fallback`'s;
// see the .cpp). `fallback`: "<mlp>experts", every token that reached a routed expert's layer.
QuantizeOptions quantizeOptionsFor(const QuantPolicy& policy, const ActivationStats* stats, const std::string& module,
    const std::string& fallback = {});
// The same for an embedding table: never activation-aware; GPTQ only when stats recorded the table's products
// (a tied LM head), else plain rounding.
QuantizeOptions embeddingOptions(const QuantPolicy& policy, const ActivationStats* stats, const std::string& module);

} // namespace moescope

#pragma once
// Calibration on user text: activation statistics for activation-aware quantization, and per-expert sensitivity
// for mixed 4/8-bit policies.
//
// Sensitivity method: for each MoE layer l in turn, all its routed experts are quantized to the low scheme (the rest
// of the model stays in full precision) and the mean KL divergence of the output distribution from the
// full-precision one is measured over the calibration tokens (KL_l). In the same pass each expert's local damage is
// measured: the routed-weighted squared error of its output, sum over its tokens of w^2 * |f_e(x) - f^_e(x)|^2
// (err_le). The expert's sensitivity is its share of the layer's KL, KL_l * err_le / sum_e err_le. This costs one
// forward pass over the calibration text per MoE layer (not one per expert) and attributes the KL the way the
// errors enter the residual stream.
// The LM head is measured the same way: the KL of the output with the head alone in the low scheme (on the hidden
// states of the full-precision pass; for a tied head this leaves out the same matrix's error as the input embedding,
// so it is a lower bound). On small models the head is often the most sensitive matrix per byte.
// Budget allocation: experts and the head are promoted from the low to the high scheme in order of sensitivity per
// extra byte while the model's weight bytes stay within the budget.

#include "core/cancellation.h"
#include "quant/activationstats.h"
#include "quant/moduleplan.h"
#include "quant/quantpolicy.h"
#include "runtime/engine.h"

#include <nlohmann/json_fwd.hpp>

#include <span>

namespace moescope {

// Loads the model in full precision with every projection recording its inputs and runs ids through it in windows.
// gram: also the Gram matrices GPTQ needs (ActivationStats::gram), the LM head's included.
std::shared_ptr<ActivationStats> collectActivationStats(const std::filesystem::path& dir, const ModelSpec& spec,
    EngineOptions options, std::span<const std::int32_t> ids, std::int64_t window = 512, std::stop_token stop = {},
    const ProgressCallback& progress = {}, bool gram = false);

struct ExpertSensitivity {
    int layer = 0;
    int expert = 0;
    std::int64_t slots = 0; // calibration token assignments routed to it
    double localError = 0; // err_le
    double sensitivity = 0; // share of the layer's KL (nats per token)
};

struct SensitivityReport {
    std::string lowScheme;
    std::int64_t tokens = 0;
    std::vector<int> layers; // MoE layers measured
    std::vector<double> layerKl; // KL_l per measured layer (mean nats per token)
    std::vector<ExpertSensitivity> experts;
    double headKl = 0; // KL with the LM head alone in the low scheme (mean nats per token)

    nlohmann::json toJson() const;
};

// engine: a full-precision model (its routed experts are swapped one layer at a time and restored before return).
SensitivityReport measureExpertSensitivity(Engine& engine, std::span<const std::int32_t> ids, const QuantScheme& low,
    bool rangeSearch = true, std::int64_t window = 512, std::stop_token stop = {},
    const ProgressCallback& progress = {});

// Promotes the most sensitive experts of `base` (its routed experts should be in the low scheme), and the LM head
// (with the embedding table it is tied to) when it pays more per byte, to `high` while plan.weightBytes stays
// <= budgetBytes. fullElementBytes: as ModulePlan::weightBytes.
QuantPolicy allocateExpertPrecision(const QuantPolicy& base, const ModulePlan& plan, const SensitivityReport& report,
    const QuantScheme& high, std::int64_t budgetBytes, int fullElementBytes = 2);

} // namespace moescope

#include "quant/policycalibration.h"

#include "core/error.h"
#include "io/safetensorscheckpoint.h"
#include "quant/calibration.h"
#include "quant/moduleplan.h"

#include <cstdio>

namespace moescope {

namespace {
QuantPolicy schemeSpec(const std::string& spec, const char* option)
{
    if (spec.rfind("mixed:", 0) == 0)
        throw InvalidArgumentError(std::string(option) + " '" + spec
            + "': expected a scheme with optional options, e.g. int4-g128 or int4-g128+gptq, not a policy file");
    try {
        return QuantPolicy::fromSpec(spec);
    } catch (const InvalidArgumentError& e) {
        throw InvalidArgumentError(std::string(option) + ": " + e.what());
    }
}

bool sameOptions(const QuantPolicy& a, const QuantPolicy& b)
{
    return a.rangeSearch == b.rangeSearch && a.activationAware == b.activationAware
        && a.errorCompensation == b.errorCompensation;
}

std::string budgetText(double budget)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", budget);
    return text;
}
} // namespace

void validatePolicyCalibration(const PolicyCalibrationOptions& options)
{
    const auto low = schemeSpec(options.low, "low scheme");
    const auto high = schemeSpec(options.high, "high scheme");
    if (options.high.find('+') != std::string::npos && !sameOptions(low, high))
        throw InvalidArgumentError("high scheme '" + options.high
            + "': +minmax/+awq/+gptq apply to the whole policy; put them on the low scheme (e.g. --low "
            + low.defaultScheme.name() + "+gptq --high " + high.defaultScheme.name() + ")");
    if (!low.defaultScheme.isQuantized())
        throw InvalidArgumentError("low scheme '" + options.low + "' must be a quantized scheme (int8, int4-g*, fp8)");
    if (!(options.budget > 0) || options.budget > 16)
        throw InvalidArgumentError(
            "the budget must be a share of the bf16 weight bytes above 0 and at most 16 (e.g. 0.35)");
    if (options.window < 2)
        throw InvalidArgumentError("the calibration window must be at least 2 tokens");
}

CalibratedPolicy calibrateMixedPolicy(const std::filesystem::path& dir, const ModelSpec& spec,
    std::span<const std::int32_t> ids, const PolicyCalibrationOptions& options, std::stop_token stop,
    const ProgressCallback& progress)
{
    validatePolicyCalibration(options);
    if (ids.size() < 2)
        throw InvalidArgumentError("calibration needs at least two tokens of text");
    const auto lowSpec = schemeSpec(options.low, "low scheme");
    const auto low = lowSpec.defaultScheme;
    const auto high = schemeSpec(options.high, "high scheme").defaultScheme;

    CalibratedPolicy out;
    const auto plan = [&] {
        const SafetensorsCheckpoint checkpoint(dir);
        return planModules(spec, [&](const std::string& n) { return checkpoint.contains(n); });
    }();
    out.bf16Bytes = plan.weightBytes(QuantPolicy(), 2);
    const auto budgetBytes = static_cast<std::int64_t>(options.budget * static_cast<double>(out.bf16Bytes));

    // Default base: the routed experts in the low scheme and every other matrix in the high one when that fits the
    // budget (per byte, attention, shared experts, dense layers and the embedding / head lose far more in 4 bits than
    // the routed experts: README, "Where INT4's error comes from"), else everything in the low scheme.
    auto expertsLowRestIn = [&](const QuantScheme& rest) {
        auto p = QuantPolicy::uniform(rest);
        p.kinds[ModuleKind::RoutedExperts] = low; // named in the written policy
        return p;
    };
    QuantPolicy base = options.base ? QuantPolicy::fromFile(*options.base) : expertsLowRestIn(high);
    if (!options.base && plan.weightBytes(base, 2) > budgetBytes)
        base = expertsLowRestIn(low);
    // The low scheme's options are the policy's (a policy file's own flags stay on unless the spec turns them on).
    base.rangeSearch = base.rangeSearch && lowSpec.rangeSearch;
    base.activationAware = base.activationAware || lowSpec.activationAware;
    base.errorCompensation = base.errorCompensation || lowSpec.errorCompensation;
    out.baseVsBf16 = static_cast<double>(plan.weightBytes(base, 2)) / static_cast<double>(out.bf16Bytes);

    throwIfStopRequested(stop);
    auto engine = Engine::load(dir, spec, options.engine, stop);
    // Sensitivity is measured with round-to-nearest in the low scheme: +awq/+gptq lower every expert's error, and the
    // ranking by sensitivity per byte is what the allocation needs.
    const auto report = measureExpertSensitivity(*engine, ids, low, base.rangeSearch, options.window, stop, progress);
    engine.reset();
    throwIfStopRequested(stop);
    out.policy = allocateExpertPrecision(base, plan, report, high, budgetBytes);
    if (out.policy.name.empty() || out.policy.name == base.name)
        out.policy.name = "calibrated-" + options.low + "-" + high.name() + "-" + budgetText(options.budget);
    out.weightBytes = plan.weightBytes(out.policy, 2);
    out.weightVsBf16 = static_cast<double>(out.weightBytes) / static_cast<double>(out.bf16Bytes);
    out.promotedExperts = static_cast<std::int64_t>(out.policy.experts.size() - base.experts.size());
    out.json = out.policy.toJson();
    out.json["calibration"] = { { "budget_vs_bf16", options.budget }, { "low", options.low }, { "high", high.name() },
        { "weight_bytes_bf16_model", out.bf16Bytes }, { "weight_bytes", out.weightBytes },
        { "weight_vs_bf16", out.weightVsBf16 }, { "promoted_experts", out.promotedExperts }, { "tokens", ids.size() },
        { "method",
            "per MoE layer: KL of the output with the layer's experts in the low scheme (round-to-nearest), shared "
            "among its experts by their routed-weighted output error; the LM head: KL of the output with the head "
            "alone in the low scheme; greedy promotion by sensitivity per byte" },
        { "promoted_lm_head", out.policy.kinds.count(ModuleKind::LmHead) > 0 && !base.kinds.count(ModuleKind::LmHead) },
        { "sensitivity", report.toJson() } };
    return out;
}

} // namespace moescope

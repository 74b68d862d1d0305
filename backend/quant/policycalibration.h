#pragma once
// A mixed 4/8-bit policy calibrated on text, as `moescope-cli calibrate` and the Quantization panel's "Calibrate mixed
// policy…" make it: every routed expert starts in the low scheme (the other matrices in the high one when that fits
// the budget, else in the low one), experts (and the LM head) are promoted to the high
// scheme by measured sensitivity per byte within a budget given as a share of the model's bf16 weight bytes
// (quant/calibration.h says how sensitivity is measured). The written JSON is the policy plus an informational
// "calibration" block (QuantPolicy::fromJson skips it). One function shared by the CLI and the GUI's job; callable
// from any thread, one call loads its own full-precision copy of the model.

#include "core/cancellation.h"
#include "nn/modelspec.h"
#include "quant/quantpolicy.h"
#include "runtime/engine.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace moescope {

struct PolicyCalibrationOptions {
    // Low scheme as a variant spec: "SCHEME[+minmax][+awq][+gptq]". The options apply to the whole policy (a policy has
    // one set of quantizer options), so the high scheme may repeat them but not differ.
    std::string low = "int4-g128";
    std::string high = "int8";
    double budget = 0.35; // share of the bf16 weight bytes (> 0)
    // A policy for the other matrices (default: the high scheme if the routed experts in the low one fit the budget
    // with it, else the low scheme).
    std::optional<std::filesystem::path> base;
    std::int64_t window = 512; // tokens per forward pass while measuring
    EngineOptions engine; // device and dtype of the full-precision model measured
};

struct CalibratedPolicy {
    QuantPolicy policy;
    nlohmann::json json; // policy.toJson() plus the "calibration" block: what to write to the policy file
    std::int64_t bf16Bytes = 0; // the model's weights in bf16
    std::int64_t weightBytes = 0; // the model's weights under the policy
    double weightVsBf16 = 0;
    std::int64_t promotedExperts = 0;
    double baseVsBf16 = 0; // the base policy alone (above the budget: nothing could be promoted)
};

// Checks the specs and the budget before anything loads: InvalidArgumentError naming the option and the supported
// form ("int4-g128+gptq"; "mixed:" policies are not schemes).
void validatePolicyCalibration(const PolicyCalibrationOptions& options);

// ids: the calibration tokens (at least two). Throws InvalidArgumentError for bad options, CancelledError when
// stopped, the loader's errors for a bad model folder. progress: MoE layers measured of all.
CalibratedPolicy calibrateMixedPolicy(const std::filesystem::path& dir, const ModelSpec& spec,
    std::span<const std::int32_t> ids, const PolicyCalibrationOptions& options, std::stop_token stop = {},
    const ProgressCallback& progress = {});

} // namespace moescope

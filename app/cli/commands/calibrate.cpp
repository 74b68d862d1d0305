#include "commands.h"

#include "core/error.h"
#include "io/jsonfile.h"
#include "io/safetensorscheckpoint.h"
#include "models/modelloader.h"
#include "models/registry.h"
#include "quant/calibration.h"
#include "textinput.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace moescope::cli {

int runCalibrate(Args& args)
{
    const std::string dir = args.required("--model");
    const std::string out = args.required("--out");
    const auto low = QuantScheme::parse(args.value("--low", "int4-g128"));
    const auto high = QuantScheme::parse(args.value("--high", "int8"));
    const auto budget = args.doubleValue("--budget", 0.35);
    const auto basePath = args.option("--base");
    const auto maxTokens = args.intValue("--tokens", 1024);
    const auto window = args.intValue("--window", 512);
    EngineOptions engineOptions;
    engineOptions.device = args.value("--device", "auto");
    engineOptions.dtype = args.value("--dtype", "auto");
    auto ids = readTokenInput(args, dir, "--text-file", "--ids-file");
    args.finish();
    if (!ids)
        throw InvalidArgumentError("missing required option --text-file (or --ids-file)");
    if (!(budget > 0))
        throw InvalidArgumentError("--budget must be a positive share of the bf16 weight bytes");
    if (maxTokens > 0 && static_cast<std::int64_t>(ids->size()) > maxTokens)
        ids->resize(static_cast<std::size_t>(maxTokens));

    QuantPolicy base = basePath ? QuantPolicy::fromFile(*basePath) : QuantPolicy::uniform(low);
    if (!basePath)
        base.kinds[ModuleKind::RoutedExperts] = low;
    const auto spec = readModelSpec(dir);
    const SafetensorsCheckpoint checkpoint(dir);
    const auto plan = planModules(spec, [&](const std::string& n) { return checkpoint.contains(n); });
    const auto bf16Bytes = plan.weightBytes(QuantPolicy(), 2);
    const auto budgetBytes = static_cast<std::int64_t>(budget * static_cast<double>(bf16Bytes));
    if (plan.weightBytes(base, 2) > budgetBytes)
        std::fprintf(stderr, "calibrate: the base policy alone takes %.3fx of bf16, above the budget %.3fx\n",
            static_cast<double>(plan.weightBytes(base, 2)) / static_cast<double>(bf16Bytes), budget);

    auto engine = loadModel(dir, engineOptions);
    const auto report = measureExpertSensitivity(
        *engine, *ids, low, base.rangeSearch, window, {}, [](std::int64_t done, std::int64_t total) {
            std::fprintf(
                stderr, "calibrate: layer %lld/%lld\n", static_cast<long long>(done), static_cast<long long>(total));
        });
    auto policy = allocateExpertPrecision(base, plan, report, high, budgetBytes);
    if (policy.name.empty() || policy.name == base.name)
        policy.name = "calibrated-" + low.name() + "-" + high.name() + "-" + std::to_string(budget).substr(0, 4);
    const auto bytes = plan.weightBytes(policy, 2);
    auto json = policy.toJson();
    json["calibration"] = { { "budget_vs_bf16", budget }, { "weight_bytes_bf16_model", bf16Bytes },
        { "weight_bytes", bytes }, { "weight_vs_bf16", static_cast<double>(bytes) / static_cast<double>(bf16Bytes) },
        { "promoted_experts", policy.experts.size() - base.experts.size() },
        { "method",
            "per MoE layer: KL of the output with the layer's experts in the low scheme, shared among its experts by "
            "their routed-weighted output error; the LM head: KL of the output with the head alone in the low "
            "scheme; greedy promotion by sensitivity per byte" },
        { "promoted_lm_head", policy.kinds.count(ModuleKind::LmHead) > 0 && !base.kinds.count(ModuleKind::LmHead) },
        { "sensitivity", report.toJson() } };
    writeTextFileAtomic(out, json.dump(2));
    const nlohmann::json summary = { { "out", out }, { "weight_vs_bf16", json["calibration"]["weight_vs_bf16"] },
        { "promoted_experts", json["calibration"]["promoted_experts"] }, { "tokens", ids->size() } };
    std::cout << summary.dump(2) << "\n";
    return 0;
}

} // namespace moescope::cli

#include "commands.h"

#include "core/error.h"
#include "io/jsonfile.h"
#include "models/registry.h"
#include "quant/policycalibration.h"
#include "textinput.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace moescope::cli {

int runCalibrate(Args& args)
{
    const std::string dir = args.required("--model");
    const std::string out = args.required("--out");
    PolicyCalibrationOptions options;
    options.low = args.value("--low", options.low);
    options.high = args.value("--high", options.high);
    options.budget = args.doubleValue("--budget", options.budget);
    if (const auto base = args.option("--base"))
        options.base = *base;
    const auto maxTokens = args.intValue("--tokens", 1024);
    options.window = args.intValue("--window", options.window);
    options.engine.device = args.value("--device", "auto");
    options.engine.dtype = args.value("--dtype", "auto");
    validatePolicyCalibration(options); // a typo fails before the text is read and tokenized
    auto ids = readTokenInput(args, dir, "--text-file", "--ids-file");
    args.finish();
    if (!ids)
        throw InvalidArgumentError("missing required option --text-file (or --ids-file)");
    if (maxTokens > 0 && static_cast<std::int64_t>(ids->size()) > maxTokens)
        ids->resize(static_cast<std::size_t>(maxTokens));

    const auto result
        = calibrateMixedPolicy(dir, readModelSpec(dir), *ids, options, {}, [](std::int64_t done, std::int64_t total) {
              std::fprintf(
                  stderr, "calibrate: layer %lld/%lld\n", static_cast<long long>(done), static_cast<long long>(total));
          });
    if (result.baseVsBf16 > options.budget)
        std::fprintf(stderr, "calibrate: the base policy alone takes %.3fx of bf16, above the budget %.3fx\n",
            result.baseVsBf16, options.budget);
    writeTextFileAtomic(out, result.json.dump(2));
    const nlohmann::json summary = { { "out", out }, { "weight_vs_bf16", result.weightVsBf16 },
        { "promoted_experts", result.promotedExperts }, { "tokens", ids->size() } };
    std::cout << summary.dump(2) << "\n";
    return 0;
}

} // namespace moescope::cli

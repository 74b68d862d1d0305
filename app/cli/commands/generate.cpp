#include <cstdint>
#include "commands.h"

#include "core/error.h"
#include "models/modelloader.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace moescope::cli {

int runGenerate(Args& args)
{
    const auto dir = args.required("--model");
    const auto prompt = parseIdList(args.required("--ids"), "--ids");
    SamplingOptions sampling;
    sampling.maxNewTokens = static_cast<int>(args.intValue("--max-new", 32));
    const bool greedy = args.flag("--greedy");
    const auto temperature = args.option("--temperature");
    const auto topP = args.option("--top-p");
    const auto topK = args.option("--top-k");
    sampling.seed = static_cast<std::uint64_t>(args.intValue("--seed", 0));
    if (greedy && (temperature || topP || topK))
        throw InvalidArgumentError("--greedy cannot be combined with --temperature, --top-p or --top-k");
    sampling.greedy = greedy || !(temperature || topP || topK);
    Args sub({ "--t", temperature.value_or("1"), "--p", topP.value_or("1"), "--k", topK.value_or("0") });
    sampling.temperature = sub.doubleValue("--t", 1.0);
    sampling.topP = sub.doubleValue("--p", 1.0);
    sampling.topK = static_cast<int>(sub.intValue("--k", 0));
    if (auto stops = args.option("--stop"))
        sampling.stopTokens = parseIdList(*stops, "--stop");
    EngineOptions options;
    options.device = args.value("--device", "auto");
    options.dtype = args.value("--dtype", "auto");
    const bool timing = args.flag("--timing");
    args.finish();

    auto engine = loadModel(dir, options);
    const auto result = engine->generate(prompt, sampling);
    nlohmann::json out = { { "ids", result.tokens } };
    if (timing) {
        out["stop_reason"] = result.stopReason;
        out["prefill_seconds"] = result.prefillSeconds;
        out["decode_seconds"] = result.decodeSeconds;
    }
    std::cout << out.dump() << "\n";
    return 0;
}

} // namespace moescope::cli

#include "commands.h"

#include "models/modelloader.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace moescope::cli {

int runInfo(Args& args)
{
    const auto dir = args.required("--model");
    args.finish();
    const auto s = describeModel(dir);
    nlohmann::json out = {
        { "model_type", s.modelType },
        { "family", s.family },
        { "layers", s.layers },
        { "moe_layers", s.moeLayers },
        { "hidden_size", s.hiddenSize },
        { "experts", s.experts },
        { "experts_per_token", s.expertsPerToken },
        { "shared_experts", s.sharedExperts },
        { "params_total", s.paramsTotal },
        { "params_active", s.paramsActive },
        { "dtype", s.checkpointDtype },
        { "quantization", s.quantization },
        { "vocab_size", s.vocabSize },
        { "context_length", s.contextLength },
        { "weight_bytes", s.weightBytes },
    };
    std::cout << out.dump(2) << "\n";
    return 0;
}

} // namespace moescope::cli

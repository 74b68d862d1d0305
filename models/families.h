#pragma once
// One mapping function per architecture family: config.json -> ModelSpec. Each is a few dozen lines because all
// computation lives in the shared backend blocks (one MoE block, two attention kinds).

#include "io/configreader.h"
#include "nn/modelspec.h"

namespace moescope::models {

ModelSpec deepseekV2Spec(const ConfigReader& config);
ModelSpec deepseekV3Spec(const ConfigReader& config);
ModelSpec qwen2MoeSpec(const ConfigReader& config);
ModelSpec qwen3MoeSpec(const ConfigReader& config);
ModelSpec mixtralSpec(const ConfigReader& config);
ModelSpec olmoeSpec(const ConfigReader& config);
ModelSpec llamaSpec(const ConfigReader& config);
ModelSpec qwen2Spec(const ConfigReader& config);

} // namespace moescope::models

#pragma once
// Loading a model folder in the hub's layout: config.json -> registry -> Engine.

#include "runtime/engine.h"

namespace moescope {

std::unique_ptr<Engine> loadModel(const std::filesystem::path& dir, const EngineOptions& options = {},
    std::stop_token stop = {}, const ProgressCallback& progress = {});
// The summary of a model folder without loading its weights.
ModelSummary describeModel(const std::filesystem::path& dir);

} // namespace moescope

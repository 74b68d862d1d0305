#include "models/modelloader.h"

#include "models/registry.h"

namespace moescope {

std::unique_ptr<Engine> loadModel(const std::filesystem::path& dir, const EngineOptions& options,
    std::stop_token stop, const ProgressCallback& progress)
{
    return Engine::load(dir, readModelSpec(dir), options, stop, progress);
}

ModelSummary describeModel(const std::filesystem::path& dir) { return summarizeCheckpoint(dir, readModelSpec(dir)); }

} // namespace moescope

#pragma once
// How Engine::load (runtime/engine.cpp) builds its WeightSource chain: the checkpoint's own source, then the reader
// of a saved MoEScope quantized checkpoint (recognised from config.json), a quantize-on-load decorator
// (EngineOptions::quantization) or, for a block-scaled FP8 checkpoint loaded as it is, the decorator keeping its FP8
// matrices as stored (quant/storedfp8weights.h), then the caller's own wrapper (EngineOptions::wrapWeights).

#include "nn/modelspec.h"
#include "nn/weightsource.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace moescope {

class CheckpointWeights;
class SafetensorsCheckpoint;

using WeightSourceWrapper = std::function<std::unique_ptr<WeightSource>(WeightSource& inner)>;

struct WeightLoading {
    std::vector<std::unique_ptr<WeightSource>> decorators; // innermost first
    WeightSource* top = nullptr; // what the Transformer loads from
    std::string label = "none"; // ModelSummary::quantization
};

// quantization: "", a scheme name, "SCHEME+minmax" or "mixed:POLICY.json". UnsupportedError when asked to quantize
// an already quantized checkpoint.
WeightLoading prepareWeightLoading(CheckpointWeights& checkpoint, const std::filesystem::path& dir,
    const ModelSpec& spec, const std::string& quantization, const WeightSourceWrapper& wrap);

// Device bytes the weights will take once loaded (for the free-memory check before loading).
std::uint64_t estimateLoadedBytes(const std::filesystem::path& dir, const ModelSpec& spec,
    const SafetensorsCheckpoint& checkpoint, const std::string& quantization, int computeElementBytes);

} // namespace moescope

#include "quant/quantloading.h"

#include "core/error.h"
#include "io/safetensorscheckpoint.h"
#include "quant/moduleplan.h"
#include "quant/quantizedcheckpoint.h"
#include "quant/quantizingweights.h"
#include "quant/storedfp8weights.h"
#include "runtime/checkpointweights.h"

#include <nlohmann/json.hpp>

namespace moescope {

WeightLoading prepareWeightLoading(CheckpointWeights& checkpoint, const std::filesystem::path& dir,
    const ModelSpec& spec, const std::string& quantization, const WeightSourceWrapper& wrap)
{
    WeightLoading w;
    w.top = &checkpoint;
    const auto saved = moescopeQuantizationConfig(dir);
    if (!saved.is_null()) {
        if (!quantization.empty())
            throw UnsupportedError(dir.string() + " is already quantized (" + saved.value("scheme", std::string("?"))
                + "); quantize its full-precision source instead");
        w.decorators.push_back(std::make_unique<QuantizedCheckpointWeights>(checkpoint));
        w.top = w.decorators.back().get();
        w.label = saved.value("scheme", std::string("mixed"));
    } else if (!quantization.empty()) {
        auto policy = QuantPolicy::fromSpec(quantization);
        w.label = policy.label();
        if (policy.changesWeights()) {
            w.decorators.push_back(std::make_unique<QuantizingWeights>(checkpoint, std::move(policy), spec.naming));
            w.top = w.decorators.back().get();
        }
    } else if (const auto block = storedFp8BlockSize(dir)) {
        w.decorators.push_back(std::make_unique<StoredFp8Weights>(checkpoint, *block));
        w.top = w.decorators.back().get();
        w.label = QuantScheme { QuantFormat::Fp8, *block, false }.name() + " (stored)";
    } else {
        w.label = quantizationLabel(dir);
    }
    if (wrap) {
        w.decorators.push_back(wrap(*w.top));
        w.top = w.decorators.back().get();
    }
    return w;
}

std::uint64_t estimateLoadedBytes(const std::filesystem::path& dir, const ModelSpec& spec,
    const SafetensorsCheckpoint& checkpoint, const std::string& quantization, int computeElementBytes)
{
    if (!moescopeQuantizationConfig(dir).is_null() || (quantization.empty() && storedFp8BlockSize(dir)))
        return checkpoint.totalBytes(); // loaded as stored
    const auto plan = planModules(spec, [&](const std::string& n) { return checkpoint.contains(n); });
    const auto policy = quantization.empty() ? QuantPolicy() : QuantPolicy::fromSpec(quantization);
    return static_cast<std::uint64_t>(plan.weightBytes(policy, computeElementBytes));
}

} // namespace moescope

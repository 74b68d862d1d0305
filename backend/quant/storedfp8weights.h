#pragma once
// Block-scaled FP8 checkpoints as published (DeepSeek-V3/R1 and others in its layout: "<m>.weight" F8_E4M3 [O, I] with
// "<m>.weight_scale_inv" F32 [ceil(O/b), ceil(I/b)], one scale per b x b block, w = code * scale) kept as stored:
// each such matrix becomes a QuantizedTensor in the fp8 format with block scales, so the weights take their stored
// bytes on the device (half of bf16) and decode streams them through the FP8 kernels. A WeightSource decorator over
// the checkpoint's own source; every other tensor (norms, embeddings, router) loads through it unchanged.

#include "nn/weightsource.h"
#include "quant/quantizedtensor.h"

#include <filesystem>
#include <optional>

namespace moescope {

class CheckpointWeights;

// The square block size of a folder's FP8 checkpoint (quantization_config "quant_method": "fp8" with
// "weight_block_size" [b, b]); nullopt for anything else (other methods, non-square blocks).
std::optional<int> storedFp8BlockSize(const std::filesystem::path& dir);

class StoredFp8Weights final : public WrappingWeightSource {
public:
    StoredFp8Weights(CheckpointWeights& inner, int blockSize);

    Linear loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias) override;
    std::unique_ptr<ExpertBank> loadExperts(const std::string& mlpPrefix, const TensorNaming& naming,
        std::int64_t experts, std::int64_t hidden, std::int64_t intermediate) override;

private:
    bool isFp8(const std::string& module) const;
    QuantizedTensor readMatrix(const std::string& module, std::int64_t rows, std::int64_t cols);

    CheckpointWeights& m_checkpoint; // the wrapped source, for its stored tensors
    int m_block;
};

} // namespace moescope

#pragma once
// The quantized checkpoint format (safetensors + config.json), read and written.
//
// A quantized matrix "<m>" (a projection "<m>.weight" of the original, routed experts always per expert as
// "<mlp>experts.<e>.<proj>") is stored as
//   <m>.qweight      codes: I8 [O, I] (int8) | U8 [O, ceil(I/2)] (int4, column 2j in the low nibble) |
//                    F8_E4M3 [O, I] (fp8) | BF16 [O, I] (bf16)
//   <m>.scales       F32 [O] (int8, fp8) | F16 [O, ceil(I/g)] (int4-gG) | F32 [ceil(O/128), ceil(I/128)] (fp8-b128)
//   <m>.zeros        U8 [O, ceil(I/g)], values 0..15 (int4-gG-asym only)
//   <m>.input_scale  F32 [I] (activation-aware scaling only: the codes represent W * input_scale per column)
//   <m>.bias         unchanged
// and its scheme name ("int4-g128-asym": format, group size, zero points) in the safetensors header's
// __metadata__ under "quant.<m>" of the shard holding <m>.qweight. Dequantization: int8/fp8 w = code * scale;
// int4 w = (code - zero) * scale with zero = 8 when symmetric; then w /= input_scale when present.
// Matrices a policy keeps in full precision, norms, router weights and biases keep their original names and dtypes.
// config.json gains "quantization_config": {"quant_method": "moescope", "format_version": 1, "scheme": LABEL,
// "policy": {...}, "weight_bytes": N, ...}.

#include "nn/modelspec.h"
#include "nn/weightsource.h"
#include "quant/quantizedtensor.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>

namespace moescope {

class CheckpointWeights;
class SafetensorsWriter;

inline constexpr const char* kQuantMethod = "moescope";
inline constexpr int kQuantFormatVersion = 1;

// The quantization_config of a folder's config.json when it is a MoEScope quantized checkpoint, else null.
nlohmann::json moescopeQuantizationConfig(const std::filesystem::path& dir);
// What ModelSummary::quantization says for a folder: the scheme label of a MoEScope checkpoint, "fp8-b128 (stored)"
// for a block-scaled FP8 checkpoint, "<method> (stored, dequantized on load)" for other quantized checkpoints, else
// "none".
std::string quantizationLabel(const std::filesystem::path& dir);

// Adds a quantized matrix's tensors (moved to the CPU) and its scheme to a shard being written; returns the tensor
// names added.
std::vector<std::string> addQuantizedTensors(SafetensorsWriter& writer, const std::string& module, const QuantizedTensor& q);

// Loads matrices stored as above: a WeightSource decorator over the checkpoint's own source. Matrices without
// "<m>.qweight" load as stored (through the inner source).
class QuantizedCheckpointWeights final : public WeightSource {
public:
    explicit QuantizedCheckpointWeights(CheckpointWeights& inner);

    // "<m>.weight" counts as present when "<m>.qweight" is (the transformer asks for lm_head.weight to decide ties).
    bool has(const std::string& name) const override;
    at::Tensor load(const std::string& name, at::IntArrayRef shape, bool keepFloat32 = false) override;
    void loadInto(const std::string& name, at::Tensor dst) override;
    at::TensorOptions options() const override;

    Linear loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias) override;
    Linear loadEmbedding(const std::string& module, std::int64_t rows, std::int64_t cols) override;
    std::unique_ptr<ExpertBank> loadExperts(const std::string& mlpPrefix, const TensorNaming& naming,
        std::int64_t experts, std::int64_t hidden, std::int64_t intermediate) override;

    // One stored matrix [rows, cols] ("<m>.qweight" or, kept in full precision, "<m>.weight") on the device.
    QuantizedTensor readMatrix(const std::string& module, std::int64_t rows, std::int64_t cols);

private:
    bool isQuantized(const std::string& module) const;

    CheckpointWeights& m_inner;
};

} // namespace moescope

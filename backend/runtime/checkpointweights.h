#pragma once
// WeightSource over a safetensors checkpoint: converts each tensor to the compute dtype on the target device,
// dequantizes DeepSeek-V3-style FP8 weights (F8_E4M3 + "<name>_scale_inv" block scales) on load, and checks every
// shape against the configuration. Remembers which tensors were used so leftovers can be reported.

#include "io/safetensorscheckpoint.h"
#include "nn/weightsource.h"

#include <filesystem>
#include <optional>
#include <set>
#include <utility>

namespace moescope {

// The FP8 block of a checkpoint folder (config.json's quantization_config.weight_block_size, rows x columns), nullopt
// when it says none (readers then take DeepSeek-V3's 128 x 128, kDefaultFp8Block).
std::optional<std::pair<int, int>> fp8BlockSizeOf(const std::filesystem::path& dir);
inline constexpr std::pair<int, int> kDefaultFp8Block { 128, 128 };

class CheckpointWeights final : public WeightSource {
public:
    CheckpointWeights(const SafetensorsCheckpoint& checkpoint, at::Device device, at::ScalarType dtype,
        std::pair<int, int> fp8BlockSize = kDefaultFp8Block);

    bool has(const std::string& name) const override { return m_checkpoint.contains(name); }
    at::Tensor load(const std::string& name, at::IntArrayRef expectedShape, bool keepFloat32 = false) override;
    void loadInto(const std::string& name, at::Tensor dst) override;
    at::TensorOptions options() const override { return at::TensorOptions().device(m_device).dtype(m_dtype); }
    // The tensor exactly as stored (no dtype conversion, no FP8 dequantization), copied to the device: quantized
    // codes and scales. ShapeError when the shape differs from expectedShape.
    at::Tensor loadStored(const std::string& name, at::IntArrayRef expectedShape);
    const SafetensorsCheckpoint& checkpoint() const { return m_checkpoint; }
    // The tensor's entry after checking its shape against expectedShape; marks it used.
    const TensorRef& find(const std::string& name, at::IntArrayRef expectedShape);

    // Tensors of the checkpoint never asked for (e.g. DeepSeek-V3's multi-token-prediction layer).
    std::vector<std::string> unusedTensors() const;

private:
    // The stored tensor (a CPU view of the mapping), or for FP8 the dequantized float32 tensor on the device.
    at::Tensor fetch(const std::string& name, at::IntArrayRef expectedShape);

    const SafetensorsCheckpoint& m_checkpoint;
    at::Device m_device;
    at::ScalarType m_dtype;
    std::pair<int, int> m_fp8Block;
    std::set<std::string> m_used;
};

// The LibTorch dtype of a stored dtype (UnsupportedError for unsigned 16/32/64-bit integers).
at::ScalarType toScalarType(DType dtype);
// A CPU tensor viewing the checkpoint's mapped bytes (read-only: never write into it).
at::Tensor viewTensor(const TensorRef& ref);

} // namespace moescope

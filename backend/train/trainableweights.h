#pragma once
// A WeightSource that creates fresh trainable parameters (float32, requires_grad) instead of reading a checkpoint,
// so training builds its model with exactly the blocks and tensor names inference uses. Routed experts come out
// stacked ("...experts.gate_up_proj" [E, 2I, H], "...experts.down_proj" [E, H, I]); exportHub() splits them back
// into the hub's per-expert tensors.

#include <cstdint>
#include "nn/weightsource.h"

#include <string>
#include <utility>
#include <vector>

namespace moescope {

class TrainableWeights final : public WeightSource {
public:
    // std: normal initialisation of matrices; projections that write into the residual stream (o_proj, down_proj)
    // get std / sqrt(2 * layers). Norm scales start at 1, biases at 0.
    TrainableWeights(at::Device device, double std, int layers, bool tiedEmbeddings, std::uint64_t seed);

    bool has(const std::string& name) const override;
    at::Tensor load(const std::string& name, at::IntArrayRef expectedShape, bool keepFloat32 = false) override;
    void loadInto(const std::string& name, at::Tensor dst) override;
    at::TensorOptions options() const override { return at::TensorOptions().device(m_device).dtype(at::kFloat); }

    // Every parameter in creation order (name, tensor).
    const std::vector<std::pair<std::string, at::Tensor>>& parameters() const { return m_parameters; }
    // Whether weight decay applies (matrices yes; norms, biases and embeddings no).
    static bool decays(const std::string& name);

private:
    at::Device m_device;
    double m_std;
    int m_layers;
    bool m_tied;
    at::Generator m_generator;
    std::vector<std::pair<std::string, at::Tensor>> m_parameters;
};

} // namespace moescope

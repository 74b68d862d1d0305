#pragma once
// A WeightSource that draws random weights directly on the target device at the real shapes (no files): benchmarks
// of 30B-parameter configurations need no download and no host-side initialisation. Norm scales are 1, biases 0,
// everything else normal(0, std).

#include "nn/weightsource.h"

namespace moescope {

class RandomWeights final : public WeightSource {
public:
    RandomWeights(at::Device device, at::ScalarType dtype, double std = 0.02, std::uint64_t seed = 0);

    bool has(const std::string& name) const override { return name != "lm_head.weight" || !m_tiedHead; }
    at::Tensor load(const std::string& name, at::IntArrayRef shape, bool keepFloat32 = false) override;
    void loadInto(const std::string& name, at::Tensor dst) override;
    at::TensorOptions options() const override { return at::TensorOptions().device(m_device).dtype(m_dtype); }
    void setTiedHead(bool tied) { m_tiedHead = tied; }

private:
    at::Device m_device;
    at::ScalarType m_dtype;
    double m_std;
    bool m_tiedHead = false;
};

} // namespace moescope

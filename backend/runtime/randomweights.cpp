#include "runtime/randomweights.h"

#include "core/error.h"

namespace moescope {

RandomWeights::RandomWeights(at::Device device, at::ScalarType dtype, double std, std::uint64_t seed)
    : m_device(device)
    , m_dtype(dtype)
    , m_std(std)
{
    at::manual_seed(seed);
}

at::Tensor RandomWeights::load(const std::string& name, at::IntArrayRef shape, bool keepFloat32)
{
    const auto opts = at::TensorOptions().device(m_device).dtype(keepFloat32 ? at::kFloat : m_dtype);
    if (name.find("norm") != std::string::npos)
        return at::ones(shape, opts);
    if (name.size() > 5 && (name.ends_with(".bias") || name.ends_with("correction_bias")))
        return at::zeros(shape, opts);
    return at::randn(shape, opts).mul_(m_std); // drawn on the device
}

void RandomWeights::loadInto(const std::string& name, at::Tensor dst)
{
    dst.copy_(load(name, dst.sizes()));
}

} // namespace moescope

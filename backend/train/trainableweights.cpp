#include <cstdint>
#include "train/trainableweights.h"

#include "core/error.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

namespace moescope {

namespace {
    bool endsWith(const std::string& s, const std::string& suffix)
    {
        return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
    }
} // namespace

TrainableWeights::TrainableWeights(at::Device device, double std, int layers, bool tiedEmbeddings, std::uint64_t seed)
    : m_device(device)
    , m_std(std)
    , m_layers(layers)
    , m_tied(tiedEmbeddings)
    , m_generator(at::make_generator<at::CPUGeneratorImpl>(seed))
{
}

bool TrainableWeights::has(const std::string& name) const { return !(m_tied && name == "lm_head.weight"); }

bool TrainableWeights::decays(const std::string& name)
{
    return !(name.find("norm") != std::string::npos || endsWith(name, ".bias") || name.find("embed") != std::string::npos
        || endsWith(name, "e_score_correction_bias"));
}

at::Tensor TrainableWeights::load(const std::string& name, at::IntArrayRef shape, bool)
{
    at::Tensor t;
    if (name.find("norm") != std::string::npos)
        t = at::ones(shape, at::kFloat);
    else if (endsWith(name, ".bias") || endsWith(name, "e_score_correction_bias"))
        t = at::zeros(shape, at::kFloat);
    else {
        const bool residualOut = name.find("o_proj") != std::string::npos || name.find("down_proj") != std::string::npos;
        const double std = residualOut ? m_std / std::sqrt(2.0 * m_layers) : m_std;
        t = at::normal(0.0, std, shape, m_generator, at::TensorOptions().dtype(at::kFloat)); // drawn on the CPU: same on every device
    }
    t = t.to(m_device).set_requires_grad(true);
    m_parameters.emplace_back(name, t);
    return t;
}

void TrainableWeights::loadInto(const std::string& name, at::Tensor)
{
    throw InvalidArgumentError("trainable weights are created stacked; no per-tensor copy for '" + name + "'");
}

} // namespace moescope

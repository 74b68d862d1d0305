#include <cstdint>
#include "nn/densemlp.h"

#include "nn/fuseddecode.h"
#include "nn/fusedprefill.h"
#include "nn/weightsource.h"

namespace moescope {

DenseMlp::DenseMlp(const std::string& prefix, std::int64_t hidden, std::int64_t intermediate, WeightSource& w)
    : m_gate(w.loadLinear(prefix + "gate_proj", intermediate, hidden, false))
    , m_up(w.loadLinear(prefix + "up_proj", intermediate, hidden, false))
    , m_down(w.loadLinear(prefix + "down_proj", hidden, intermediate, false))
{
}

at::Tensor DenseMlp::operator()(const at::Tensor& x) const
{
    if (m_gate.weights()->storesDense() && m_up.weights()->storesDense()) { // decode on CUDA: SiLU in the same kernel
        const auto gate = m_gate.dense(), up = m_up.dense(); // (no biases: loaded without)
        if (fusedGatedGemvApplies(x, gate, up))
            return m_down(fusedGatedGemv(x, gate, up));
    }
    const auto gateUp = Linear::applyAll(x, { &m_gate, &m_up }); // [T, I] each
    const auto& gate = gateUp[0];
    const auto& up = gateUp[1];
    return m_down(fusedSiluProductApplies(gate, up) ? fusedSiluProduct(gate, up) : at::silu(gate) * up); // [T, hidden]
}

std::int64_t DenseMlp::weightBytes() const
{
    return m_gate.weightBytes() + m_up.weightBytes() + m_down.weightBytes();
}

} // namespace moescope

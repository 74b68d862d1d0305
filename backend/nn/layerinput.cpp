#include "nn/layerinput.h"

#include "nn/rmsnorm.h"

#include <utility>

namespace moescope {

LayerInput::LayerInput(at::Tensor x, at::Tensor normed)
    : m_x(std::move(x))
    , m_normed(std::move(normed))
{
}

LayerInput::LayerInput(PendingNorm pending)
    : m_pending(std::move(pending))
    , m_weight(m_pending->weight)
    , m_eps(m_pending->eps)
{
}

std::vector<at::Tensor> LayerInput::project(std::initializer_list<const Linear*> linears)
{
    if (m_pending) {
        if (auto together = Linear::applyAllNormed(*m_pending, linears)) {
            m_x = std::move(together->first);
            m_pending.reset();
            return std::move(together->second);
        }
    }
    return Linear::applyAll(normed(), linears);
}

const at::Tensor& LayerInput::normed()
{
    settle();
    if (!m_normed.defined()) // the one launch kept only the sum: the same norm kernel's bits again
        m_normed = rmsNorm(m_x, m_weight, m_eps);
    return m_normed;
}

const at::Tensor& LayerInput::residual()
{
    settle();
    return m_x;
}

void LayerInput::settle()
{
    if (!m_pending)
        return;
    auto [x, normed] = fusedCombineAddRmsNorm(m_pending->x, m_pending->slots, m_pending->weight, m_pending->eps);
    m_x = std::move(x);
    m_normed = std::move(normed);
    m_pending.reset();
}

} // namespace moescope

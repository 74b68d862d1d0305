#pragma once
// A decoder layer's input: the residual stream with what is pending on it added, and that sum's input norm. On a
// decode step whose MoE output is still pending, neither is made before the attention's first projections ask for
// the norm, so that the add, the norm and the projections can take one launch (fusedNormedGemvs).

#include "nn/fuseddecode.h"
#include "nn/linear.h"

#include <ATen/ATen.h>

#include <initializer_list>
#include <optional>
#include <vector>

namespace moescope {

class LayerInput {
public:
    // The settled residual x and its norm.
    LayerInput(at::Tensor x, at::Tensor normed);
    // A norm whose residual add is pending (fusedCombineAddRmsNorm applies to it).
    explicit LayerInput(PendingNorm pending);

    // Each linear's product with the norm, in order (Linear::applyAll); with a pending add in the same launch where
    // the linears can (Linear::applyAllNormed).
    std::vector<at::Tensor> project(std::initializer_list<const Linear*> linears);
    // The norm [T, hidden] (made now if still pending).
    const at::Tensor& normed();
    // The residual with its pending output added [T, hidden] (made now if still pending).
    const at::Tensor& residual();

private:
    void settle();

    std::optional<PendingNorm> m_pending;
    at::Tensor m_x;
    at::Tensor m_normed; // undefined after a launch that did not keep it, until asked for
    at::Tensor m_weight;
    double m_eps = 0.0;
};

} // namespace moescope

#pragma once
// SwiGLU feed-forward block: down(silu(gate(x)) * up(x)). Used for dense layers and shared experts.

#include <cstdint>
#include "nn/linear.h"

#include <string>

namespace moescope {

class WeightSource;

class DenseMlp {
public:
    DenseMlp() = default;
    DenseMlp(const std::string& prefix, std::int64_t hidden, std::int64_t intermediate, WeightSource& weights);

    at::Tensor operator()(const at::Tensor& x) const; // [T, hidden] -> [T, hidden]
    std::int64_t weightBytes() const;
    bool isNull() const { return m_gate.isNull(); }

private:
    Linear m_gate, m_up, m_down;
};

} // namespace moescope

#include <cstdint>
#include "nn/linear.h"

#include "nn/fuseddecode.h"

namespace moescope {

namespace {
    class DenseLinearWeights final : public LinearWeights {
    public:
        DenseLinearWeights(at::Tensor weight, at::Tensor bias)
            : m_weight(std::move(weight))
            , m_bias(std::move(bias))
        {
        }
        at::Tensor forward(const at::Tensor& x) const override
        {
            if (fusedGemvApplies(x, m_weight, m_bias)) // decode on CUDA: cuBLAS reaches a third of the bandwidth here
                return fusedGemv(x, m_weight, m_bias);
            return m_bias.defined() ? at::linear(x, m_weight, m_bias) : at::linear(x, m_weight);
        }
        at::Tensor dense() const override { return m_weight; }
        const at::Tensor& bias() const { return m_bias; }
        std::int64_t weightBytes() const override
        {
            return m_weight.nbytes() + (m_bias.defined() ? m_bias.nbytes() : 0);
        }
        std::int64_t inFeatures() const override { return m_weight.size(1); }
        std::int64_t outFeatures() const override { return m_weight.size(0); }

    private:
        at::Tensor m_weight; // [out, in]
        at::Tensor m_bias; // [out] or undefined
    };
} // namespace

std::vector<at::Tensor> Linear::applyAll(const at::Tensor& x, std::initializer_list<const Linear*> linears)
{
    std::vector<at::Tensor> weights, biases;
    for (const auto* linear : linears) {
        const auto* plain = dynamic_cast<const DenseLinearWeights*>(linear->weights());
        if (!plain)
            break;
        weights.push_back(plain->dense());
        biases.push_back(plain->bias());
    }
    if (weights.size() == linears.size() && fusedGemvsApply(x, weights, biases))
        return fusedGemvs(x, weights, biases);
    std::vector<at::Tensor> outputs;
    for (const auto* linear : linears)
        outputs.push_back((*linear)(x));
    return outputs;
}

Linear Linear::dense(at::Tensor weight, at::Tensor bias)
{
    return Linear(std::make_shared<DenseLinearWeights>(std::move(weight), std::move(bias)));
}

} // namespace moescope

#include <cstdint>
#include "nn/linear.h"

#include "nn/cpufloatgemv.h"
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
            if (fusedGemvApplies(x, m_weight, m_bias)) // a token's decode on CUDA: cuBLAS reads slower here
                return fusedGemv(x, m_weight, m_bias);
            if (cpuFloatGemvApplies(x, m_weight, m_bias)) // a batched decode step's few tokens on the CPU
                return cpuFloatGemv(x, m_weight, m_bias);
            return m_bias.defined() ? at::linear(x, m_weight, m_bias) : at::linear(x, m_weight);
        }
        at::Tensor dense() const override { return m_weight; }
        std::optional<std::vector<at::Tensor>> forwardTogether(
            const at::Tensor& x, const std::vector<const LinearWeights*>& group) const override
        {
            std::vector<at::Tensor> weights, biases;
            for (const auto* member : group) {
                const auto* plain = dynamic_cast<const DenseLinearWeights*>(member);
                if (!plain)
                    return std::nullopt;
                weights.push_back(plain->m_weight);
                biases.push_back(plain->m_bias);
            }
            if (!fusedGemvsApply(x, weights, biases))
                return std::nullopt;
            return fusedGemvs(x, weights, biases);
        }
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
    std::vector<const LinearWeights*> group;
    for (const auto* linear : linears)
        group.push_back(linear->weights());
    if (!group.empty())
        if (auto together = group.front()->forwardTogether(x, group))
            return std::move(*together);
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

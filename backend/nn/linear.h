#pragma once
// A linear projection y = x W^T (+ b). Holds its weight in whatever form it was loaded (dense now; quantized formats
// plug in behind the same call), so blocks never look at the representation.

#include <cstdint>
#include <ATen/ATen.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <vector>

namespace moescope {

class LinearWeights {
public:
    virtual ~LinearWeights() = default;
    virtual at::Tensor forward(const at::Tensor& x) const = 0; // [..., in] -> [..., out]
    virtual at::Tensor dense() const = 0; // [out, in] in the compute dtype (dequantized if needed)
    virtual bool storesDense() const { return true; } // dense() is the stored weight, not a temporary copy
    virtual std::int64_t weightBytes() const = 0;
    virtual std::int64_t inFeatures() const = 0;
    virtual std::int64_t outFeatures() const = 0;
    // Rows of the weight for token ids (an embedding table's lookup): ids [...] int64 -> [..., in] in the compute
    // dtype. Quantized tables dequantize only the rows asked for.
    virtual at::Tensor lookup(const at::Tensor& ids) const { return at::embedding(dense(), ids); }
    // The products of x with every weight of group (this one first) in one go, when their kind can run them
    // together (decode kernels that read several matrices in one launch); nullopt: apply them one by one.
    virtual std::optional<std::vector<at::Tensor>> forwardTogether(
        const at::Tensor& /*x*/, const std::vector<const LinearWeights*>& /*group*/) const
    {
        return std::nullopt;
    }
};

class Linear {
public:
    Linear() = default;
    explicit Linear(std::shared_ptr<const LinearWeights> weights)
        : m_weights(std::move(weights))
    {
    }
    static Linear dense(at::Tensor weight, at::Tensor bias = {});

    at::Tensor operator()(const at::Tensor& x) const { return m_weights->forward(x); }
    at::Tensor dense() const { return m_weights->dense(); }
    at::Tensor lookup(const at::Tensor& ids) const { return m_weights->lookup(ids); }
    std::int64_t weightBytes() const { return m_weights ? m_weights->weightBytes() : 0; }
    std::int64_t inFeatures() const { return m_weights->inFeatures(); }
    std::int64_t outFeatures() const { return m_weights->outFeatures(); }
    bool isNull() const { return !m_weights; }
    const LinearWeights* weights() const { return m_weights.get(); }

    // Each linear's product with the same x, in order; projections of a decode step on CUDA of one kind (bf16, or
    // quantized) share one kernel launch (attention's q, k and v; an MLP's gate and up), others run one by one.
    static std::vector<at::Tensor> applyAll(const at::Tensor& x, std::initializer_list<const Linear*> linears);

private:
    std::shared_ptr<const LinearWeights> m_weights;
};

} // namespace moescope

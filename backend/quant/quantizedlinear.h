#pragma once
// LinearWeights over a quantized matrix: the codes and scales stay resident in the format's size; forward()
// dequantizes the weight into a temporary just for the product (so peak memory grows by one matrix, never by a
// model), except INT8 on devices where ATen has a weight-only int8 matrix product. lookup() dequantizes only the
// rows it is asked for, so a quantized embedding table stays quantized. Immutable after construction; callers
// serialise forward passes as for every block.

#include "nn/linear.h"
#include "quant/quantizedtensor.h"

namespace moescope {

class QuantizedLinearWeights final : public LinearWeights {
public:
    // weight: one matrix [out, in] on the compute device; bias [out] in computeDtype or undefined.
    QuantizedLinearWeights(QuantizedTensor weight, at::Tensor bias, at::ScalarType computeDtype);

    at::Tensor forward(const at::Tensor& x) const override;
    at::Tensor dense() const override; // a temporary dequantized copy [out, in]
    bool storesDense() const override;
    at::Tensor lookup(const at::Tensor& ids) const override;
    std::optional<std::vector<at::Tensor>> forwardTogether(
        const at::Tensor& x, const std::vector<const LinearWeights*>& group) const override;
    std::int64_t weightBytes() const override;
    std::int64_t inFeatures() const override { return m_weight.cols; }
    std::int64_t outFeatures() const override { return m_weight.rows; }

    const QuantizedTensor& quantized() const { return m_weight; }
    const at::Tensor& bias() const { return m_bias; }

private:
    QuantizedTensor m_weight;
    at::Tensor m_bias;
    at::ScalarType m_dtype;
};

// Convenience: a Linear holding a quantized weight.
Linear makeQuantizedLinear(QuantizedTensor weight, at::Tensor bias, at::ScalarType computeDtype);

} // namespace moescope

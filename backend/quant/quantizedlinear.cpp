#include "quant/quantizedlinear.h"

#include "quant/cpuquantgemv.h"
#include "quant/fusedquantdecode.h"
#include "quant/quantizer.h"

namespace moescope {

QuantizedLinearWeights::QuantizedLinearWeights(QuantizedTensor weight, at::Tensor bias, at::ScalarType computeDtype)
    : m_weight(std::move(weight))
    , m_bias(std::move(bias))
    , m_dtype(computeDtype)
{
}

at::Tensor QuantizedLinearWeights::forward(const at::Tensor& x) const
{
    const auto& q = m_weight;
    const bool full = q.scheme.format == QuantFormat::None
        || (q.scheme.format == QuantFormat::BF16 && x.scalar_type() == at::kBFloat16);
    if (full)
        return m_bias.defined() ? at::linear(x, q.data, m_bias) : at::linear(x, q.data); // [..., out]
    if (fusedQuantGemvApplies(x, q, m_bias)) // decode on CUDA: dequantized in registers, no bf16 copy
        return fusedQuantGemv(x, q, m_bias);
    if (cpuQuantGemvApplies(x, q)) { // a few rows (decode) on the CPU: the codes read once, no dequantized copy
        const auto y = cpuQuantGemv(x, q);
        return m_bias.defined() ? y + m_bias : y;
    }
    // More rows of bf16 / f16 activations by int8 weights on the CPU: ATen's kernel, vectorised for them, without a
    // dequantized copy. With float32 it is slower than dequantize + GEMM past a few rows (bench_quant: 512 rows ~30x).
    if (q.scheme.format == QuantFormat::Int8 && x.is_cpu() && x.scalar_type() != at::kFloat
        && !q.inputScale.defined() && x.size(-1) == q.cols) {
        const auto rows = x.reshape({ -1, q.cols }).contiguous(); // [N, in]
        auto y = at::_weight_int8pack_mm(rows, q.data, q.scales.to(x.scalar_type())); // [N, out]
        auto sizes = x.sizes().vec();
        sizes.back() = q.rows;
        y = y.view(sizes);
        return m_bias.defined() ? y + m_bias : y;
    }
    const auto w = dequantizeWeight(q, x.scalar_type()); // [out, in], temporary
    return m_bias.defined() ? at::linear(x, w, m_bias) : at::linear(x, w);
}

std::optional<std::vector<at::Tensor>> QuantizedLinearWeights::forwardTogether(
    const at::Tensor& x, const std::vector<const LinearWeights*>& group) const
{
    std::vector<const QuantizedTensor*> weights;
    std::vector<at::Tensor> biases;
    for (const auto* member : group) {
        const auto* quantized = dynamic_cast<const QuantizedLinearWeights*>(member);
        if (!quantized)
            return std::nullopt;
        weights.push_back(&quantized->m_weight);
        biases.push_back(quantized->m_bias);
    }
    if (!fusedQuantGemvsApply(x, weights, biases))
        return std::nullopt;
    return fusedQuantGemvs(x, weights, biases);
}

at::Tensor QuantizedLinearWeights::dense() const { return dequantizeWeight(m_weight, m_dtype); }

bool QuantizedLinearWeights::storesDense() const
{
    return m_weight.scheme.format == QuantFormat::None
        || (m_weight.scheme.format == QuantFormat::BF16 && m_dtype == at::kBFloat16);
}

at::Tensor QuantizedLinearWeights::lookup(const at::Tensor& ids) const
{
    const auto rows = dequantizeRows(m_weight, ids.reshape({ -1 }), m_dtype); // [N, in]
    auto sizes = ids.sizes().vec();
    sizes.push_back(m_weight.cols);
    return rows.view(sizes); // [..., in]
}

std::int64_t QuantizedLinearWeights::weightBytes() const
{
    return m_weight.bytes() + (m_bias.defined() ? static_cast<std::int64_t>(m_bias.nbytes()) : 0);
}

Linear makeQuantizedLinear(QuantizedTensor weight, at::Tensor bias, at::ScalarType computeDtype)
{
    return Linear(std::make_shared<QuantizedLinearWeights>(std::move(weight), std::move(bias), computeDtype));
}

} // namespace moescope

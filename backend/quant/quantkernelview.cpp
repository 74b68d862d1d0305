#include "quant/quantkernelview.h"

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
#include "nn/kernelinputs.h"

namespace moescope {

namespace {
    bool contiguousOnCuda(const at::Tensor& t) { return t.defined() && t.is_cuda() && t.is_contiguous(); }
} // namespace

std::optional<kernels::QuantMatrices> quantKernelView(const QuantizedTensor& q, bool readInputScale)
{
    if (!contiguousOnCuda(q.data) || !contiguousOnCuda(q.scales) || !kernelinputs::aligned16(q.data))
        return std::nullopt;
    kernels::QuantMatrices m;
    if (q.inputScale.defined()) { // float32 [.., cols] beside the codes, 16-byte aligned rows of 8-value multiples
        if (!readInputScale || !contiguousOnCuda(q.inputScale) || q.inputScale.scalar_type() != at::kFloat
            || q.inputScale.numel() != q.stackSize() * q.cols || q.cols % 4 != 0
            || !kernelinputs::aligned16(q.inputScale))
            return std::nullopt;
        m.inputScale = q.inputScale.data_ptr<float>();
    }
    m.codes = q.data.data_ptr();
    m.scales = q.scales.data_ptr();
    m.rows = q.rows;
    m.cols = q.cols;
    m.groupSize = static_cast<int>(q.scheme.groupSize);
    const auto codes = q.data.scalar_type(), scales = q.scales.scalar_type();
    switch (q.scheme.format) {
    case QuantFormat::Int8:
        m.format = kernels::QuantCodes::Int8;
        return codes == at::kChar && scales == at::kFloat ? std::optional(m) : std::nullopt;
    case QuantFormat::Fp8:
        m.format = kernels::QuantCodes::Fp8;
        return codes == at::kFloat8_e4m3fn && scales == at::kFloat ? std::optional(m) : std::nullopt;
    case QuantFormat::Int4:
        if (codes != at::kByte || scales != at::kHalf || m.groupSize <= 0
            || (q.zeros.defined() && (!contiguousOnCuda(q.zeros) || q.zeros.scalar_type() != at::kByte)))
            return std::nullopt;
        m.format = kernels::QuantCodes::Int4;
        m.zeros = q.zeros.defined() ? q.zeros.data_ptr<std::uint8_t>() : nullptr;
        return m;
    default:
        return std::nullopt;
    }
}

} // namespace moescope
#endif

#include "quant/fusedquantdecode.h"

#include "core/error.h"

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
#include "kernels/decodekernels.h"
#include "nn/kernelinputs.h"

#include <optional>
#endif

namespace moescope {

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
using namespace kernelinputs;

namespace {
    bool onCudaContiguous(const at::Tensor& t) { return t.defined() && t.is_cuda() && t.is_contiguous(); }

    // The kernels' view of a quantized stack, when its layout is one they read.
    std::optional<kernels::QuantMatrices> kernelView(const QuantizedTensor& q)
    {
        if (q.inputScale.defined() || !onCudaContiguous(q.data) || !onCudaContiguous(q.scales) || !aligned16(q.data))
            return std::nullopt;
        kernels::QuantMatrices m;
        m.codes = q.data.data_ptr();
        m.scales = q.scales.data_ptr();
        m.rows = q.rows;
        m.cols = q.cols;
        if (q.scheme.format == QuantFormat::Int8) {
            if (q.cols % 16 != 0 || q.data.scalar_type() != at::kChar || q.scales.scalar_type() != at::kFloat)
                return std::nullopt;
            m.format = kernels::QuantCodes::Int8;
            return m;
        }
        if (q.scheme.format == QuantFormat::Int4) {
            const auto g = q.scheme.groupSize;
            if (g <= 0 || g % 32 != 0 || q.cols % g != 0 || q.data.scalar_type() != at::kByte
                || q.scales.scalar_type() != at::kHalf)
                return std::nullopt;
            if (q.zeros.defined() && (!onCudaContiguous(q.zeros) || q.zeros.scalar_type() != at::kByte))
                return std::nullopt;
            m.format = kernels::QuantCodes::Int4;
            m.groupSize = g;
            m.zeros = q.zeros.defined() ? q.zeros.data_ptr<std::uint8_t>() : nullptr;
            return m;
        }
        return std::nullopt;
    }

    bool decodeInput(const at::Tensor& x, std::int64_t cols)
    {
        return kernelsMayRun() && cudaBf16(x) && x.is_contiguous() && aligned16(x) && x.size(-1) == cols
            && x.numel() / cols <= kMaxDecodeTokens;
    }
} // namespace

bool fusedQuantMoeDecodeApplies(const at::Tensor& x, std::int64_t k, const QuantizedTensor& gate,
    const QuantizedTensor& up, const QuantizedTensor& down)
{
    return decodeInput(x, gate.cols) && x.dim() == 2 && k >= 1 && k <= kernels::kMaxTopK && kernelView(gate)
        && kernelView(up) && kernelView(down) && gate.scheme == up.scheme && gate.scheme == down.scheme;
}

at::Tensor fusedQuantMoeDecode(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights,
    const QuantizedTensor& gate, const QuantizedTensor& up, const QuantizedTensor& down)
{
    const auto tokens = x.size(0);
    const auto k = ids.size(1);
    const auto slotIds = ids.to(at::kLong).contiguous(); // [T, k]
    const auto slotWeights = slotWeightsTensor(weights); // [T, k]
    auto h = at::empty({ tokens * k, gate.rows }, x.options()); // [S, I]
    auto y = at::empty({ tokens * k, down.rows }, x.options()); // [S, H]
    auto out = at::empty({ tokens, down.rows }, x.options()); // [T, H]
    kernels::launchQuantMoeDecode(bf16Data(x), *kernelView(gate), *kernelView(up), *kernelView(down),
        slotIds.data_ptr<std::int64_t>(), slotWeightsOf(slotWeights), tokens, static_cast<int>(k), bf16Data(h),
        bf16Data(y), bf16Data(out), streamOf(x));
    return out;
}

bool fusedQuantGemvApplies(const at::Tensor& x, const QuantizedTensor& weight, const at::Tensor& bias)
{
    return weight.stackSize() == 1 && weight.data.dim() == 2 && decodeInput(x, weight.cols) && kernelView(weight)
        && (!bias.defined() || (bias.is_cuda() && bias.scalar_type() == at::kBFloat16 && bias.is_contiguous()));
}

at::Tensor fusedQuantGemv(const at::Tensor& x, const QuantizedTensor& weight, const at::Tensor& bias)
{
    auto sizes = x.sizes().vec();
    sizes.back() = weight.rows;
    auto y = at::empty(sizes, x.options()); // [..., out]
    kernels::launchQuantGemv(bf16Data(x), *kernelView(weight), bias.defined() ? bf16Data(bias) : nullptr,
        x.numel() / weight.cols, bf16Data(y), streamOf(x));
    return y;
}
#else
bool fusedQuantMoeDecodeApplies(const at::Tensor&, std::int64_t, const QuantizedTensor&, const QuantizedTensor&,
    const QuantizedTensor&)
{
    return false;
}
at::Tensor fusedQuantMoeDecode(const at::Tensor&, const at::Tensor&, const at::Tensor&, const QuantizedTensor&,
    const QuantizedTensor&, const QuantizedTensor&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedQuantGemvApplies(const at::Tensor&, const QuantizedTensor&, const at::Tensor&) { return false; }
at::Tensor fusedQuantGemv(const at::Tensor&, const QuantizedTensor&, const at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
#endif

} // namespace moescope

#include "quant/fuseddequant.h"

#include "core/error.h"

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
#include "core/envswitch.h"
#include "kernels/dequantkernels.h"
#include "nn/kernelinputs.h"
#include "quant/quantkernelview.h"

#include <c10/cuda/CUDAException.h>

#include <optional>
#endif

namespace moescope {

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
using namespace kernelinputs;

namespace {
    // The dequantization kernel's view of q's codes and scales (the whole stack), or nothing where it does not read
    // the layout.
    std::optional<kernels::QuantMatrices> dequantView(const QuantizedTensor& q)
    {
        static const bool switchedOff = switchedOffByEnvironment("MOESCOPE_DEQUANT_KERNEL");
        if (switchedOff || !kernelsMayRun())
            return std::nullopt;
        const auto m = quantKernelView(q, /*readInputScale=*/true);
        return m && kernels::dequantizeSupports(*m) ? m : std::nullopt;
    }

    // dequantView where `out` is a target the kernel writes ([n, rows, cols] bf16 on CUDA, unit column stride,
    // 16-byte aligned rows), or nothing.
    std::optional<kernels::QuantMatrices> targetView(const QuantizedTensor& q, const at::Tensor& out)
    {
        const bool fits = out.is_cuda() && out.scalar_type() == at::kBFloat16 && out.dim() == 3
            && out.size(1) == q.rows && out.size(2) == q.cols && out.stride(2) == 1 && out.stride(1) % 8 == 0
            && out.stride(0) % 8 == 0 && aligned16(out);
        return fits ? dequantView(q) : std::nullopt;
    }

    void launch(const QuantizedTensor& q, const kernels::QuantMatrices& m, const at::Tensor& source,
        const at::Tensor& out, const at::Tensor& dest, std::int64_t count, const at::Tensor& slotCounts = {})
    {
        kernels::DequantTarget target;
        target.out = reinterpret_cast<__nv_bfloat16*>(out.data_ptr<at::BFloat16>());
        target.outMatrixStride = out.dim() > 2 ? out.stride(0) : 0;
        target.outRowStride = out.stride(-2);
        target.source = source.defined() ? source.data_ptr<std::int64_t>() : nullptr;
        target.dest = dest.defined() ? dest.data_ptr<std::int64_t>() : nullptr;
        target.slotCounts = slotCounts.defined() ? slotCounts.data_ptr<std::int64_t>() : nullptr;
        target.count = count;
        kernels::launchDequantize(m, target, streamOf(q.data));
        C10_CUDA_KERNEL_LAUNCH_CHECK();
    }
} // namespace

bool fusedDequantizeApplies(const QuantizedTensor& q, at::ScalarType dtype)
{
    return dtype == at::kBFloat16 && dequantView(q).has_value();
}

at::Tensor fusedDequantize(const QuantizedTensor& q)
{
    const auto m = dequantView(q);
    if (!m)
        throw UnsupportedError("fusedDequantize: the dequantization kernel does not read this layout");
    auto sizes = q.data.sizes().vec();
    sizes.back() = q.cols;
    auto out = at::empty(sizes, q.data.options().dtype(at::kBFloat16));
    launch(q, *m, at::Tensor(), out, at::Tensor(), q.stackSize());
    return out;
}

bool fusedDequantizeFits(const QuantizedTensor& q, const at::Tensor& out) { return targetView(q, out).has_value(); }

void fusedDequantizeInto(const QuantizedTensor& q, const at::Tensor& source, const at::Tensor& out,
    const at::Tensor& dest, const at::Tensor& slotCounts)
{
    const auto m = targetView(q, out); // when set, out is [n, rows, cols]
    const auto count = source.defined() ? source.numel() : q.stackSize();
    const auto indexFits = [&](const at::Tensor& index) {
        return !index.defined()
            || (index.scalar_type() == at::kLong && index.device() == out.device() && index.numel() == count);
    };
    const bool fits = m && indexFits(source) && indexFits(dest) && (dest.defined() || out.size(0) == count)
        && (!slotCounts.defined()
            || (slotCounts.scalar_type() == at::kLong && slotCounts.device() == out.device() && slotCounts.dim() == 1
                && slotCounts.size(0) == out.size(0)));
    if (!fits)
        throw UnsupportedError("fusedDequantizeInto: the dequantization kernel does not take this layout or target");
    const auto contiguous = [](const at::Tensor& t) { return t.defined() ? t.contiguous() : t; };
    launch(q, *m, contiguous(source), out, contiguous(dest), count, contiguous(slotCounts));
}

#else

bool fusedDequantizeApplies(const QuantizedTensor&, at::ScalarType) { return false; }
at::Tensor fusedDequantize(const QuantizedTensor&)
{
    throw UnsupportedError("this build has no CUDA dequantization kernel");
}
bool fusedDequantizeFits(const QuantizedTensor&, const at::Tensor&) { return false; }
void fusedDequantizeInto(const QuantizedTensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&,
    const at::Tensor&)
{
    throw UnsupportedError("this build has no CUDA dequantization kernel");
}

#endif

} // namespace moescope

#include "nn/fusedprefill.h"

#include "core/error.h"

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
#include "nn/kernelinputs.h" // the kernels' API, the input checks and the launch check

#include <ATen/autocast_mode.h>
#endif

namespace moescope {

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
namespace {
    using namespace kernelinputs;

    // A tensor the prefill kernels read or write: bf16 on CUDA, 2-D, not empty (an empty grid is no launch),
    // contiguous, 16-byte aligned, in inference.
    bool kernelsServe(const at::Tensor& t)
    {
        return kernelsMayRun() && cudaBf16(t) && !at::autocast::is_autocast_enabled(at::kCUDA) && t.dim() == 2
            && t.numel() > 0 && t.is_contiguous() && aligned16(t);
    }
} // namespace

bool fusedSiluProductApplies(const at::Tensor& gateUp)
{
    return kernelsServe(gateUp) && gateUp.size(1) % 16 == 0;
}

namespace {
    // h [N, I] from gate and up rows rowStride apart, both within `storage` (its options and stream).
    at::Tensor siluProduct(const at::Tensor& storage, const __nv_bfloat16* gate, const __nv_bfloat16* up,
        std::int64_t rowStride, std::int64_t rows, std::int64_t inter)
    {
        auto h = at::empty({ rows, inter }, storage.options()); // [N, I]
        kernels::launchSiluProduct(gate, up, rowStride, rows, inter, bf16Data(h), streamOf(storage));
        C10_CUDA_KERNEL_LAUNCH_CHECK();
        return h;
    }
} // namespace

at::Tensor fusedSiluProduct(const at::Tensor& gateUp)
{
    const auto inter = gateUp.size(1) / 2;
    return siluProduct(gateUp, bf16Data(gateUp), bf16Data(gateUp) + inter, 2 * inter, gateUp.size(0), inter);
}

bool fusedSiluProductApplies(const at::Tensor& gate, const at::Tensor& up)
{
    return kernelsServe(gate) && kernelsServe(up) && up.sizes() == gate.sizes() && gate.size(1) % 8 == 0;
}

at::Tensor fusedSiluProduct(const at::Tensor& gate, const at::Tensor& up)
{
    return siluProduct(gate, bf16Data(gate), bf16Data(up), gate.size(1), gate.size(0), gate.size(1));
}

bool fusedCombineSortedApplies(const at::Tensor& y, const at::Tensor& ids)
{
    return kernelsServe(y) && ids.dim() == 2 && ids.size(1) >= 1 && ids.size(1) <= kernels::kMaxTopK
        && y.size(0) == ids.numel();
}

at::Tensor fusedCombineSorted(const at::Tensor& y, const at::Tensor& order, const at::Tensor& ids,
    const at::Tensor& weights)
{
    const auto tokens = ids.size(0), k = ids.size(1), hidden = y.size(1);
    const auto slotIds = ids.to(at::kLong).contiguous(); // [T, k]
    const auto slotOrder = order.to(at::kLong).contiguous(); // [T*k]
    const auto slotWeights = slotWeightsTensor(weights); // [T, k]
    auto rowOfSlot = at::empty({ tokens * k }, slotIds.options()); // [T*k] scratch
    auto out = at::empty({ tokens, hidden }, y.options()); // [T, H]
    kernels::launchCombineSortedSlots(bf16Data(y), slotOrder.data_ptr<std::int64_t>(),
        slotIds.data_ptr<std::int64_t>(), slotWeightsOf(slotWeights), tokens, static_cast<int>(k), hidden,
        rowOfSlot.data_ptr<std::int64_t>(), bf16Data(out), streamOf(y));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return out;
}

namespace {
// A head part the concatenation reads: bf16 on CUDA, [N, H, width], 16-byte pieces (width, strides and data).
bool headPartFits(const at::Tensor& t)
{
    return cudaBf16(t) && t.dim() == 3 && t.stride(2) == 1 && t.size(2) % 8 == 0 && t.stride(0) % 8 == 0
        && t.stride(1) % 8 == 0 && aligned16(t);
}
kernels::HeadPart headPartOf(const at::Tensor& t)
{
    return { bf16Data(t), t.stride(0), t.stride(1), static_cast<int>(t.size(2)) };
}
} // namespace

bool fusedConcatHeadsApplies(const at::Tensor& first, const at::Tensor& second)
{
    return kernelsMayRun() && !at::autocast::is_autocast_enabled(at::kCUDA) && headPartFits(first)
        && headPartFits(second) && first.size(0) == second.size(0) && first.size(1) == second.size(1)
        && first.numel() > 0 && first.device() == second.device();
}

at::Tensor fusedConcatHeads(const at::Tensor& first, const at::Tensor& second)
{
    const auto rows = first.size(0), heads = first.size(1);
    auto out = at::empty({ rows, heads, first.size(2) + second.size(2) }, first.options());
    kernels::launchConcatHeads(
        headPartOf(first), headPartOf(second), rows, static_cast<int>(heads), bf16Data(out), streamOf(first));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return out;
}
#else
bool fusedSiluProductApplies(const at::Tensor&) { return false; }
at::Tensor fusedSiluProduct(const at::Tensor&) { throw UnsupportedError("this build has no fused CUDA kernels"); }
bool fusedSiluProductApplies(const at::Tensor&, const at::Tensor&) { return false; }
at::Tensor fusedSiluProduct(const at::Tensor&, const at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA kernels");
}
bool fusedCombineSortedApplies(const at::Tensor&, const at::Tensor&) { return false; }
at::Tensor fusedCombineSorted(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA kernels");
}
bool fusedConcatHeadsApplies(const at::Tensor&, const at::Tensor&)
{
    return false;
}
at::Tensor fusedConcatHeads(const at::Tensor&, const at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA kernels");
}
#endif

} // namespace moescope

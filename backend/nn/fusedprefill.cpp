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
#endif

} // namespace moescope

#include <cstdint>
#include "nn/expertbank.h"

#include "core/error.h"
#include "nn/cpufloatgemv.h"
#include "nn/fuseddecode.h"
#include "nn/fusedprefill.h"
#include "nn/modelspec.h"
#include "nn/weightsource.h"

#include <ATen/autocast_mode.h>

namespace moescope {

DenseExpertBank::DenseExpertBank(at::Tensor gateUp, at::Tensor down)
    : m_gateUp(std::move(gateUp))
    , m_down(std::move(down))
{
}

std::unique_ptr<DenseExpertBank> DenseExpertBank::load(const std::string& mlpPrefix, const TensorNaming& naming,
    std::int64_t experts, std::int64_t hidden, std::int64_t intermediate, WeightSource& w)
{
    const auto fused = mlpPrefix + "experts.gate_up_proj";
    if (w.has(fused)) // transformers-5 layout: already stacked
        return std::make_unique<DenseExpertBank>(w.load(fused, { experts, 2 * intermediate, hidden }),
            w.load(mlpPrefix + "experts.down_proj", { experts, hidden, intermediate }));

    auto gateUp = at::empty({ experts, 2 * intermediate, hidden }, w.options()); // [E, 2I, H]
    auto down = at::empty({ experts, hidden, intermediate }, w.options()); // [E, H, I]
    for (std::int64_t e = 0; e < experts; ++e) {
        const auto p = mlpPrefix + "experts." + std::to_string(e) + ".";
        w.loadInto(p + naming.gateProj + ".weight", gateUp[e].narrow(0, 0, intermediate));
        w.loadInto(p + naming.upProj + ".weight", gateUp[e].narrow(0, intermediate, intermediate));
        w.loadInto(p + naming.downProj + ".weight", down[e]);
    }
    return std::make_unique<DenseExpertBank>(std::move(gateUp), std::move(down));
}

ExpertAssignment sortAssignments(const at::Tensor& ids, const at::Tensor& weights, std::int64_t experts)
{
    const auto k = ids.size(1);
    const auto flat = ids.reshape({ -1 }); // [T*k]
    // Sorted as the narrowest integers that hold every id: CUDA's radix sort takes one pass per key byte (eight for
    // int64). A stable sort of the same values gives the same order whatever their type.
    const auto keys = experts <= 256 ? flat.to(at::kByte) : experts <= 32768 ? flat.to(at::kShort) : flat;
    const auto order = at::argsort(keys, /*stable=*/true); // [T*k]
    ExpertAssignment a;
    a.slotOrder = order;
    a.tokenOfSlot = at::floor_divide(order, k); // [T*k]
    a.weightOfSlot = weights.reshape({ -1 }).index_select(0, order); // [T*k]
    a.groupSizes = at::zeros({ experts }, flat.options()).index_add_(0, flat, at::ones_like(flat)); // [E]
    a.groupEnds = a.groupSizes.cumsum(0).to(at::kInt); // [E]
    return a;
}

at::Tensor groupedMatmul(const at::Tensor& x, const at::Tensor& w, const at::Tensor& groupEnds)
{
    const bool cudaGrouped = x.is_cuda() && x.scalar_type() == at::kBFloat16;
    // Training on the CPU: ATen's grouped product carries the gradient.
    const bool cpuTraining = x.is_cpu() && at::GradMode::is_enabled() && (x.requires_grad() || w.requires_grad());
    if (cudaGrouped || cpuTraining)
        return at::_grouped_mm(x, w, groupEnds); // [N, M]
    // Per-expert products of the experts that have rows; reads group sizes on the host. (ATen's CPU grouped product
    // multiplies every expert's group, the empty ones too: a decode step of the demo model made 192 products, ~170
    // of them empty.)
    auto out = at::empty({ x.size(0), w.size(2) }, x.options()); // [N, M]
    const auto ends = groupEnds.to(at::kCPU);
    const auto* e = ends.data_ptr<int>();
    std::int64_t begin = 0;
    for (std::int64_t g = 0; g < w.size(0); ++g) {
        if (e[g] > begin) {
            auto rows = out.narrow(0, begin, e[g] - begin);
            const auto in = x.narrow(0, begin, e[g] - begin);
            const auto weight = w[g].t(); // [M, K]: the expert's matrix as stored
            if (cpuFloatGemvApplies(in, weight, {})) // 2-8 rows: each weight row read once for all of them
                rows.copy_(cpuFloatGemv(in, weight, {}));
            else
                at::matmul_out(rows, in, w[g]);
        }
        begin = e[g];
    }
    return out;
}

namespace {
    // Grouped GEMM has no autocast rule: under autocast (training) cast operands to the autocast dtype ourselves.
    at::Tensor autocastOperand(const at::Tensor& t)
    {
        const auto type = t.device().type();
        if (at::autocast::is_autocast_enabled(type) && t.is_floating_point())
            return t.to(at::autocast::get_autocast_dtype(type));
        return t;
    }
} // namespace

at::Tensor expertSlotOutputs(const at::Tensor& xs, const at::Tensor& gateUp, const at::Tensor& down,
    const at::Tensor& groupEnds)
{
    const auto gu = groupedMatmul(xs, gateUp.transpose(1, 2), groupEnds); // [N, 2I]
    return groupedMatmul(gatedActivation(gu), down.transpose(1, 2), groupEnds); // [N, H]
}

at::Tensor gatedActivation(const at::Tensor& gu)
{
    if (fusedSiluProductApplies(gu))
        return fusedSiluProduct(gu); // [N, I]
    const auto intermediate = gu.size(1) / 2;
    return at::silu(gu.narrow(1, 0, intermediate)) * gu.narrow(1, intermediate, intermediate); // [N, I]
}

at::Tensor DenseExpertBank::forward(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights) const
{
    if (fusedMoeDecodeApplies(x, ids.size(1), m_gateUp, m_down)) // a decode step on CUDA: one pass, two kernels
        return fusedMoeDecode(x, ids, weights, m_gateUp, m_down);
    const auto a = sortAssignments(ids, weights, numExperts());
    const auto xs = autocastOperand(x.index_select(0, a.tokenOfSlot)); // [T*k, H]
    const auto y = expertSlotOutputs(xs, autocastOperand(m_gateUp), autocastOperand(m_down), a.groupEnds); // [T*k, H]
    return combineWeightedSlots(x, a, y, ids, weights); // [T, H]
}

at::Tensor DenseExpertBank::decodeSlotOutputs(const at::Tensor& x, const at::Tensor& ids) const
{
    if (fusedMoeDecodeApplies(x, ids.size(1), m_gateUp, m_down))
        return fusedMoeDecodeSlots(x, ids, m_gateUp, m_down); // [T*k, H]
    return {};
}

at::Tensor combineWeightedSlots(const at::Tensor& x, const ExpertAssignment& a, const at::Tensor& y,
    const at::Tensor& ids, const at::Tensor& weights)
{
    if (y.scalar_type() == x.scalar_type() && fusedCombineSortedApplies(y, ids))
        return fusedCombineSorted(y, a.slotOrder, ids, weights); // [T, H]
    // Scale in the weights' dtype (float32 unless the family rounds them), then back to the model dtype.
    const auto scaled = (y * a.weightOfSlot.unsqueeze(1)).to(x.scalar_type()); // [T*k, H]
    return combineExpertSlots(x, a, scaled); // [T, H]
}

at::Tensor combineExpertSlots(const at::Tensor& x, const ExpertAssignment& a, const at::Tensor& y)
{
    const auto tokens = x.size(0);
    if (!x.is_cuda() || tokens == 0) // the CPU's index_add_ walks the slots in order: ascending expert per token
        return at::zeros_like(x).index_add_(0, a.tokenOfSlot, y); // [T, H]
    // On CUDA one index_add_ over all slots adds a token's experts in whatever order the atomics land, and with
    // k >= 3 bf16 sums depend on the order: add them one expert at a time in ascending id, rounding after each
    // addition, as transformers' per-expert loop does. Deterministic, and bit-for-bit the reference's combination.
    const auto k = y.size(0) / tokens;
    const auto byToken = at::argsort(a.tokenOfSlot, /*stable=*/true); // [T*k]: the sort by expert was stable
    const auto slots = y.index_select(0, byToken).view({ tokens, k, y.size(1) }); // [T, k, H]
    auto out = slots.select(1, 0).clone(); // [T, H]
    for (std::int64_t j = 1; j < k; ++j)
        out.add_(slots.select(1, j));
    return out;
}

} // namespace moescope

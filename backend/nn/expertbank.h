#pragma once
// The routed experts of one MoE layer, stacked so that the whole layer runs as two grouped matrix products over the
// token->expert assignments sorted by expert: no loop over experts and no host synchronisation.
// Dense now; quantized banks implement the same interface.

#include <cstdint>
#include <ATen/ATen.h>

#include <memory>
#include <string>

namespace moescope {

class WeightSource;
struct TensorNaming;

class ExpertBank {
public:
    virtual ~ExpertBank() = default;
    // x [T, hidden], ids [T, k] int64, weights [T, k] (float32, or the model dtype to scale in it)
    // -> sum_k weights * expert_k(x): [T, hidden]
    virtual at::Tensor forward(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights) const = 0;
    // A decode step's unweighted slot outputs [T * k, hidden] (slot = token * k + choice) from the bank's fused decode
    // kernels, whose weighted sum the caller leaves to the next norm (nn/fuseddecode.h); undefined where those
    // kernels do not apply (the caller takes forward()). Banks that observe forward() (calibration) keep this default.
    virtual at::Tensor decodeSlotOutputs(const at::Tensor& /*x*/, const at::Tensor& /*ids*/) const { return {}; }
    virtual std::int64_t weightBytes() const = 0;
    virtual std::int64_t numExperts() const = 0;
};

class DenseExpertBank final : public ExpertBank {
public:
    // gateUp [E, 2I, H] (gate rows first), down [E, H, I]
    DenseExpertBank(at::Tensor gateUp, at::Tensor down);
    // Loads per-expert tensors "<mlp>experts.<e>.<gate|up|down>" or fused "<mlp>experts.gate_up_proj"/"down_proj".
    static std::unique_ptr<DenseExpertBank> load(const std::string& mlpPrefix, const TensorNaming& naming,
        std::int64_t experts, std::int64_t hidden, std::int64_t intermediate, WeightSource& weights);

    at::Tensor forward(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights) const override;
    at::Tensor decodeSlotOutputs(const at::Tensor& x, const at::Tensor& ids) const override;
    std::int64_t weightBytes() const override { return m_gateUp.nbytes() + m_down.nbytes(); }
    std::int64_t numExperts() const override { return m_gateUp.size(0); }
    const at::Tensor& gateUp() const { return m_gateUp; }
    const at::Tensor& down() const { return m_down; }

private:
    at::Tensor m_gateUp; // [E, 2I, H]
    at::Tensor m_down; // [E, H, I]
};

// Token->expert assignments sorted by expert, shared by every bank implementation.
struct ExpertAssignment {
    at::Tensor slotOrder; // [T*k] int64: sorted position p holds slot order[p] (slot = token * k + choice)
    at::Tensor tokenOfSlot; // [T*k] int64: source token of each sorted slot
    at::Tensor weightOfSlot; // [T*k] float32
    at::Tensor groupSizes; // [E] the ids' integer type: slots per expert
    at::Tensor groupEnds; // [E] int32: cumulative slot counts per expert (offsets for grouped GEMM)

    // The expert of each sorted slot, ascending (ids: the [T, k] ids the assignment was sorted from).
    at::Tensor expertOfSlot(const at::Tensor& ids) const { return ids.reshape({ -1 }).index_select(0, slotOrder); }
};
ExpertAssignment sortAssignments(const at::Tensor& ids, const at::Tensor& weights, std::int64_t experts);

// Sums the weighted slot outputs y [T*k, H] (sorted as `a`) of each token of x [T, H] into [T, H], adding a token's
// experts in ascending expert id with a rounding after each addition (transformers' order), deterministically.
at::Tensor combineExpertSlots(const at::Tensor& x, const ExpertAssignment& a, const at::Tensor& y);
// The unweighted slot outputs y [T*k, H] (sorted as `a`, made from ids and weights [T, k]) scaled by their weights (in
// the weights' dtype, then x's) and combined as combineExpertSlots does; one kernel on CUDA where it applies.
at::Tensor combineWeightedSlots(const at::Tensor& x, const ExpertAssignment& a, const at::Tensor& y,
    const at::Tensor& ids, const at::Tensor& weights);

// silu(gate) * up of the slots' gate/up products gu [N, 2I] (gate columns first) -> [N, I], with the eager path's
// roundings; one kernel on CUDA where it applies.
at::Tensor gatedActivation(const at::Tensor& gu);

// The SwiGLU experts applied to slots sorted by expert (unweighted): xs [N, H], gateUp [E, 2I, H] (gate rows first),
// down [E, H, I], groupEnds [E] -> [N, H]. Every bank implementation runs its experts through this.
at::Tensor expertSlotOutputs(const at::Tensor& xs, const at::Tensor& gateUp, const at::Tensor& down,
    const at::Tensor& groupEnds);

// x [N, K] sorted by group, w [E, K, M] (any strides), groupEnds [E] -> [N, M]. Uses at::_grouped_mm where the device
// and dtype support it; otherwise a per-group loop (CUDA float32 only, not a speed path).
at::Tensor groupedMatmul(const at::Tensor& x, const at::Tensor& w, const at::Tensor& groupEnds);

} // namespace moescope

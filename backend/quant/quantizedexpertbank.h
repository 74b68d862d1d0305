#pragma once
// An ExpertBank whose experts are stored quantized, each expert in its own scheme (a mixed policy keeps sensitive
// experts in INT8 and the rest in INT4): experts of one scheme are stacked in a group. Decode steps on CUDA run the
// fused quantized kernels, once per group (quant/fusedquantdecode.h), and on the CPU experts with few slots multiply
// their codes directly (quant/cpuquantgemv.h), and experts with many slots are dequantized one at a time (peak
// memory: one expert in the compute dtype). Otherwise (CUDA beyond decode steps) forward() dequantizes the experts
// into one temporary [n, 2I, H] + [n, H, I] pair, then runs the same grouped products as DenseExpertBank: through the
// CUDA dequantization kernel n is every expert, the kernel skipping those no slot chose (no synchronisation), on the
// ATen chain the chosen ones (one host synchronisation to learn which). Peak memory: one layer's experts in the
// compute dtype.

#include "nn/expertbank.h"
#include "quant/quantizedtensor.h"

#include <vector>

namespace moescope {

// One expert's three projections: gate [I, H], up [I, H], down [H, I], all in one scheme.
struct QuantizedExpert {
    QuantizedTensor gate, up, down;
};

class QuantizedExpertBank final : public ExpertBank {
public:
    struct Group {
        std::vector<std::int64_t> experts; // expert indices, in stacking order
        QuantizedTensor gate, up, down; // [n, I, H], [n, I, H], [n, H, I]
    };

    QuantizedExpertBank(std::int64_t experts, std::int64_t hidden, std::int64_t intermediate, std::vector<Group> groups,
        at::ScalarType computeDtype);
    // Groups experts by scheme. experts.size() is the number of experts.
    static std::unique_ptr<QuantizedExpertBank> fromExperts(std::vector<QuantizedExpert> experts,
        at::ScalarType computeDtype);

    at::Tensor forward(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights) const override;
    // The unweighted slot outputs [T * k, H] of a decode step through the fused kernels, one launch per group (with
    // several groups, each runs its own experts' slots only), or undefined where they do not apply.
    at::Tensor decodeSlotOutputs(const at::Tensor& x, const at::Tensor& ids) const override;
    std::int64_t weightBytes() const override;
    std::int64_t numExperts() const override { return m_experts; }

    const std::vector<Group>& groups() const { return m_groups; }
    QuantScheme schemeOf(std::int64_t expert) const;
    // All experts dequantized into a dense bank (tests, tools; allocates the full-precision bank).
    std::unique_ptr<DenseExpertBank> dequantized() const;

private:
    // Whether every group dequantizes through the CUDA kernel (on the device, no host round trips).
    bool dequantizesByKernel() const;
    // The unweighted slot outputs [T * k, H] on the CPU (else undefined), an expert at a time: one with up to
    // kMaxCpuGemvSlots slots through cpuQuantGemv (its codes read, nothing dequantized), one with more dequantized
    // alone (one expert's weights in the compute dtype at a time). xs [T * k, H] the slots' inputs sorted by expert,
    // groupEnds [A] their ends per chosen expert, chosen the experts (ascending).
    at::Tensor cpuSlotOutputs(
        const at::Tensor& xs, const std::vector<std::int64_t>& chosen, const at::Tensor& groupEnds) const;
    // gateUp [n, 2I, H] and down [n, H, I] of the given experts (int64, any order) in the compute dtype.
    std::pair<at::Tensor, at::Tensor> dequantizeExperts(const std::vector<std::int64_t>& experts,
        const at::Device& device) const;
    // gateUp [E, 2I, H] and down [E, H, I] of every expert through the kernel, without host round trips; an expert
    // no slot chose (slotCounts [E] int64 on the device, 0) is left unwritten.
    std::pair<at::Tensor, at::Tensor> dequantizeEveryByKernel(const at::Tensor& slotCounts) const;

    std::int64_t m_experts;
    std::int64_t m_hidden;
    std::int64_t m_intermediate;
    std::vector<Group> m_groups;
    std::vector<std::pair<int, std::int64_t>> m_place; // per expert: (group, index in the group)
    std::vector<bool> m_cpuCodes; // per group: its stacks take the CPU's products by codes (cpuQuantGemvTakes)
    // On CUDA only, on the weights' device: each group's experts (Group::experts), and with several groups, per group
    // [E] int64 each expert's index in the group or -1.
    std::vector<at::Tensor> m_expertsOnDevice;
    std::vector<at::Tensor> m_indexInGroupOnDevice;
    at::ScalarType m_dtype;
};

} // namespace moescope

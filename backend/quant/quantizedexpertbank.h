#pragma once
// An ExpertBank whose experts are stored quantized, each expert in its own scheme (a mixed policy keeps sensitive
// experts in INT8 and the rest in INT4): experts of one scheme are stacked in a group. forward() dequantizes only the
// experts that received tokens (one host synchronisation to learn which), into one temporary [active, 2I, H] +
// [active, H, I] pair, then runs the same grouped products as DenseExpertBank. Peak memory: one layer's active
// experts in the compute dtype.

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
    at::Tensor decodeSlotOutputs(const at::Tensor& x, const at::Tensor& ids) const override;
    std::int64_t weightBytes() const override;
    std::int64_t numExperts() const override { return m_experts; }

    const std::vector<Group>& groups() const { return m_groups; }
    QuantScheme schemeOf(std::int64_t expert) const;
    // All experts dequantized into a dense bank (tests, tools; allocates the full-precision bank).
    std::unique_ptr<DenseExpertBank> dequantized() const;

private:
    // The one group of a single-scheme bank whose fused decode kernels take x's step, or null.
    const Group* fusedDecodeGroup(const at::Tensor& x, std::int64_t k) const;
    // Whether every group dequantizes through the CUDA kernel (on the device, no host round trips).
    bool dequantizesByKernel() const;
    // gateUp [n, 2I, H] and down [n, H, I] of the given experts (int64, any order) in the compute dtype. With
    // slotCounts (int64 [n] on the device: slots per listed expert) the kernel may leave an expert with no slots
    // unwritten.
    std::pair<at::Tensor, at::Tensor> dequantizeExperts(const std::vector<std::int64_t>& experts,
        const at::Device& device, const at::Tensor& slotCounts = {}) const;

    std::int64_t m_experts;
    std::int64_t m_hidden;
    std::int64_t m_intermediate;
    std::vector<Group> m_groups;
    std::vector<std::pair<int, std::int64_t>> m_place; // per expert: (group, index in the group)
    at::ScalarType m_dtype;
};

} // namespace moescope

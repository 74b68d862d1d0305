#include "quant/quantizedexpertbank.h"

#include "core/error.h"
#include "nn/fuseddecode.h"
#include "quant/cpuquantgemv.h"
#include "quant/fuseddequant.h"
#include "quant/fusedquantdecode.h"
#include "quant/quantizer.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace moescope {

QuantizedExpertBank::QuantizedExpertBank(std::int64_t experts, std::int64_t hidden, std::int64_t intermediate,
    std::vector<Group> groups, at::ScalarType computeDtype)
    : m_experts(experts)
    , m_hidden(hidden)
    , m_intermediate(intermediate)
    , m_groups(std::move(groups))
    , m_place(static_cast<std::size_t>(experts), { -1, 0 })
    , m_dtype(computeDtype)
{
    for (std::size_t g = 0; g < m_groups.size(); ++g) {
        const auto& group = m_groups[g];
        for (std::size_t i = 0; i < group.experts.size(); ++i) {
            const auto e = group.experts[i];
            if (e < 0 || e >= experts || m_place[static_cast<std::size_t>(e)].first >= 0)
                throw InvalidArgumentError("quantized expert bank: expert " + std::to_string(e)
                    + " is out of range or in two groups");
            m_place[static_cast<std::size_t>(e)] = { static_cast<int>(g), static_cast<std::int64_t>(i) };
        }
        const auto n = static_cast<std::int64_t>(group.experts.size());
        if (group.gate.rows != intermediate || group.gate.cols != hidden || group.up.rows != intermediate
            || group.up.cols != hidden || group.down.rows != hidden || group.down.cols != intermediate
            || group.gate.stackSize() != n || group.up.stackSize() != n || group.down.stackSize() != n)
            throw ShapeError("quantized expert bank: a group's matrices do not match [" + std::to_string(n) + ", "
                + std::to_string(intermediate) + ", " + std::to_string(hidden) + "]");
    }
    for (std::int64_t e = 0; e < experts; ++e)
        if (m_place[static_cast<std::size_t>(e)].first < 0)
            throw InvalidArgumentError("quantized expert bank: expert " + std::to_string(e) + " has no weights");
    for (const auto& group : m_groups)
        m_cpuCodes.push_back(
            cpuQuantGemvTakes(group.gate) && cpuQuantGemvTakes(group.up) && cpuQuantGemvTakes(group.down));
    // Device-side lookups for the CUDA paths (dequantizeEveryByKernel, the multi-group decode).
    const auto device = m_groups.front().gate.data.device();
    if (!device.is_cuda())
        return;
    for (std::size_t g = 0; g < m_groups.size(); ++g) {
        m_expertsOnDevice.push_back(at::tensor(m_groups[g].experts, at::kLong).to(device));
        if (m_groups.size() == 1)
            continue;
        std::vector<std::int64_t> indexIn(static_cast<std::size_t>(experts), -1); // each expert's index in g, or -1
        for (std::int64_t e = 0; e < experts; ++e)
            if (const auto [group, i] = m_place[static_cast<std::size_t>(e)]; group == static_cast<int>(g))
                indexIn[static_cast<std::size_t>(e)] = i;
        m_indexInGroupOnDevice.push_back(at::tensor(indexIn, at::kLong).to(device));
    }
}

std::unique_ptr<QuantizedExpertBank> QuantizedExpertBank::fromExperts(std::vector<QuantizedExpert> experts,
    at::ScalarType computeDtype)
{
    if (experts.empty())
        throw InvalidArgumentError("quantized expert bank: no experts");
    const auto hidden = experts.front().gate.cols, intermediate = experts.front().gate.rows;
    std::map<std::string, std::vector<std::int64_t>> byScheme;
    for (std::size_t e = 0; e < experts.size(); ++e)
        byScheme[experts[e].gate.scheme.name()].push_back(static_cast<std::int64_t>(e));
    std::vector<Group> groups;
    for (auto& [name, members] : byScheme) {
        Group g;
        g.experts = members;
        std::vector<QuantizedTensor> gate, up, down;
        for (const auto e : members) {
            auto& x = experts[static_cast<std::size_t>(e)];
            gate.push_back(std::move(x.gate));
            up.push_back(std::move(x.up));
            down.push_back(std::move(x.down));
        }
        g.gate = stackQuantized(gate);
        g.up = stackQuantized(up);
        g.down = stackQuantized(down);
        groups.push_back(std::move(g));
    }
    return std::make_unique<QuantizedExpertBank>(static_cast<std::int64_t>(experts.size()), hidden, intermediate,
        std::move(groups), computeDtype);
}

std::int64_t QuantizedExpertBank::weightBytes() const
{
    std::int64_t n = 0;
    for (const auto& g : m_groups)
        n += g.gate.bytes() + g.up.bytes() + g.down.bytes();
    return n;
}

QuantScheme QuantizedExpertBank::schemeOf(std::int64_t expert) const
{
    return m_groups[static_cast<std::size_t>(m_place.at(static_cast<std::size_t>(expert)).first)].gate.scheme;
}

bool QuantizedExpertBank::dequantizesByKernel() const
{
    return std::all_of(m_groups.begin(), m_groups.end(), [&](const Group& g) {
        return fusedDequantizeApplies(g.gate, m_dtype) && fusedDequantizeApplies(g.up, m_dtype)
            && fusedDequantizeApplies(g.down, m_dtype);
    });
}

std::pair<at::Tensor, at::Tensor> QuantizedExpertBank::dequantizeExperts(const std::vector<std::int64_t>& experts,
    const at::Device& device) const
{
    const auto n = static_cast<std::int64_t>(experts.size());
    const auto opts = at::TensorOptions().device(device).dtype(m_dtype);
    auto gateUp = at::empty({ n, 2 * m_intermediate, m_hidden }, opts); // [n, 2I, H]
    auto down = at::empty({ n, m_hidden, m_intermediate }, opts); // [n, H, I]
    // Per group: the wanted experts' places in the group and in the output.
    std::vector<std::vector<std::int64_t>> inGroup(m_groups.size()), inOutput(m_groups.size());
    for (std::int64_t i = 0; i < n; ++i) {
        const auto [g, j] = m_place.at(static_cast<std::size_t>(experts[static_cast<std::size_t>(i)]));
        inGroup[static_cast<std::size_t>(g)].push_back(j);
        inOutput[static_cast<std::size_t>(g)].push_back(i);
    }
    const auto gates = gateUp.narrow(1, 0, m_intermediate), ups = gateUp.narrow(1, m_intermediate, m_intermediate);
    for (std::size_t g = 0; g < m_groups.size(); ++g) {
        if (inGroup[g].empty())
            continue;
        const auto& group = m_groups[g];
        const bool fused = fusedDequantizeFits(group.gate, gates) && fusedDequantizeFits(group.up, ups)
            && fusedDequantizeFits(group.down, down); // on CUDA: straight into place, no selected copies
        // The whole group in its order into consecutive outputs (e.g. every expert of a one-scheme bank): no index
        // tensors, which would cost a host-to-device copy (and a wait) each.
        const auto m = static_cast<std::int64_t>(inGroup[g].size());
        bool whole = m == group.gate.stackSize();
        for (std::int64_t i = 0; whole && i < m; ++i)
            whole = inGroup[g][static_cast<std::size_t>(i)] == i
                && inOutput[g][static_cast<std::size_t>(i)] == inOutput[g].front() + i;
        if (whole) {
            const auto first = inOutput[g].front();
            auto place = [&](const at::Tensor& out, const QuantizedTensor& q) {
                if (fused)
                    fusedDequantizeInto(q, {}, out.narrow(0, first, m), {});
                else
                    out.narrow(0, first, m).copy_(dequantizeWeight(q, m_dtype));
            };
            place(gates, group.gate);
            place(ups, group.up);
            place(down, group.down);
            continue;
        }
        const auto src = at::tensor(inGroup[g], at::kLong).to(device); // [m]
        const auto dst = at::tensor(inOutput[g], at::kLong).to(device); // [m]
        if (fused) {
            fusedDequantizeInto(group.gate, src, gates, dst);
            fusedDequantizeInto(group.up, src, ups, dst);
            fusedDequantizeInto(group.down, src, down, dst);
            continue;
        }
        gateUp.narrow(1, 0, m_intermediate).index_copy_(0, dst, dequantizeWeight(group.gate.select(src), m_dtype));
        gateUp.narrow(1, m_intermediate, m_intermediate)
            .index_copy_(0, dst, dequantizeWeight(group.up.select(src), m_dtype));
        down.index_copy_(0, dst, dequantizeWeight(group.down.select(src), m_dtype));
    }
    return { gateUp, down };
}

std::pair<at::Tensor, at::Tensor> QuantizedExpertBank::dequantizeEveryByKernel(const at::Tensor& slotCounts) const
{
    const auto opts = slotCounts.options().dtype(m_dtype);
    auto gateUp = at::empty({ m_experts, 2 * m_intermediate, m_hidden }, opts); // [E, 2I, H]
    auto down = at::empty({ m_experts, m_hidden, m_intermediate }, opts); // [E, H, I]
    const auto gates = gateUp.narrow(1, 0, m_intermediate), ups = gateUp.narrow(1, m_intermediate, m_intermediate);
    for (std::size_t g = 0; g < m_groups.size(); ++g) { // each group's stack in order into its experts' places
        const auto& group = m_groups[g];
        const auto& places = m_expertsOnDevice[g];
        fusedDequantizeInto(group.gate, {}, gates, places, slotCounts);
        fusedDequantizeInto(group.up, {}, ups, places, slotCounts);
        fusedDequantizeInto(group.down, {}, down, places, slotCounts);
    }
    return { gateUp, down };
}

at::Tensor QuantizedExpertBank::decodeSlotOutputs(const at::Tensor& x, const at::Tensor& ids) const
{
    const auto k = ids.size(1);
    const bool applies = ids.numel() > 0 && x.scalar_type() == m_dtype
        && std::all_of(m_groups.begin(), m_groups.end(),
            [&](const Group& g) { return fusedQuantMoeDecodeApplies(x, k, g.gate, g.up, g.down); });
    if (!applies)
        return {};
    if (m_groups.size() == 1) // experts stacked in order: the ids index the stack
        return fusedQuantMoeDecodeSlots(x, ids, m_groups.front().gate, m_groups.front().up, m_groups.front().down);
    // Each group's kernels run the slots of its own experts (looking each slot's expert up in the group's index, -1
    // for another group's) and write their rows of one output: every row is written once, and nothing waits for the
    // host (graphs can record it).
    auto slots = at::empty({ ids.numel(), m_hidden }, x.options()); // [T*k, H]
    for (std::size_t g = 0; g < m_groups.size(); ++g)
        fusedQuantMoeDecodeSlots(x, ids, m_groups[g].gate, m_groups[g].up, m_groups[g].down, slots,
            m_indexInGroupOnDevice[g]);
    return slots;
}

at::Tensor QuantizedExpertBank::forward(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights) const
{
    if (ids.numel() == 0)
        return at::zeros_like(x); // [T, H]
    if (const auto slots = decodeSlotOutputs(x, ids); slots.defined()) // decode on CUDA, no host sync
        return fusedCombineSlots({ slots, ids, weights, false, {} });
    // Through the dequantization kernel every expert is listed and the kernel skips those no slot chose, in place of
    // finding the chosen ones on the host, which waits for the device and copies their list to the host and back.
    // Elsewhere only the chosen ones: on the CPU an expert at a time (cpuSlotOutputs), on the ATen chain together.
    const bool listEvery = x.is_cuda() && dequantizesByKernel();
    std::vector<std::int64_t> chosen; // without listEvery: the chosen experts, ascending
    at::Tensor local = ids; // [T, k]: each slot's expert among those dequantized
    if (!listEvery) {
        const auto flat = ids.reshape({ -1 }); // [T*k]
        const auto active = std::get<0>(at::_unique(flat, /*sorted=*/true)); // [A]
        const auto activeHost = active.to(at::kCPU).contiguous();
        chosen.assign(activeHost.data_ptr<std::int64_t>(), activeHost.data_ptr<std::int64_t>() + activeHost.numel());
        // Expert id -> position among the active experts.
        auto remap = at::full({ m_experts }, -1, flat.options()); // [E]
        remap.index_copy_(0, active, at::arange(static_cast<std::int64_t>(chosen.size()), flat.options()));
        local = remap.index_select(0, flat).view(ids.sizes());
    }
    const auto a = sortAssignments(local, weights, listEvery ? m_experts : static_cast<std::int64_t>(chosen.size()));
    const auto xs = x.index_select(0, a.tokenOfSlot).to(m_dtype); // [T*k, H]
    if (const auto y = listEvery ? at::Tensor() : cpuSlotOutputs(xs, chosen, a.groupEnds); y.defined())
        return combineWeightedSlots(x, a, y, local, weights); // [T, H]
    const auto [gateUp, down] = listEvery ? dequantizeEveryByKernel(a.groupSizes.to(at::kLong))
                                          : dequantizeExperts(chosen, x.device()); // [A, 2I, H], [A, H, I]
    const auto y = expertSlotOutputs(xs, gateUp, down, a.groupEnds); // [T*k, H]
    return combineWeightedSlots(x, a, y, local, weights); // [T, H]
}

at::Tensor QuantizedExpertBank::cpuSlotOutputs(
    const at::Tensor& xs, const std::vector<std::int64_t>& chosen, const at::Tensor& groupEnds) const
{
    if (!xs.is_cpu() || xs.size(0) == 0)
        return {};
    const auto ends = groupEnds.to(at::kLong).contiguous(); // [A] on the CPU
    const auto* end = ends.data_ptr<std::int64_t>();
    auto y = at::empty({ xs.size(0), m_hidden }, xs.options()); // [T*k, H]
    for (std::size_t c = 0; c < chosen.size(); ++c) {
        const auto start = c > 0 ? end[c - 1] : 0;
        if (end[c] == start)
            continue;
        const auto rows = xs.narrow(0, start, end[c] - start); // this expert's slots
        const auto [g, i] = m_place.at(static_cast<std::size_t>(chosen[c]));
        const auto& group = m_groups[static_cast<std::size_t>(g)];
        at::Tensor out;
        if (rows.size(0) <= kMaxCpuGemvSlots && m_cpuCodes[static_cast<std::size_t>(g)]) {
            const auto gateUp = at::cat({ cpuQuantGemv(rows, group.gate, i), cpuQuantGemv(rows, group.up, i) }, 1);
            out = cpuQuantGemv(gatedActivation(gateUp), group.down, i);
        } else { // many slots: dequantize + GEMM reads the expert once for all of them
            const auto [gateUp, down] = dequantizeExperts({ chosen[c] }, xs.device()); // [1, 2I, H], [1, H, I]
            out = at::linear(gatedActivation(at::linear(rows, gateUp[0])), down[0]);
        }
        y.narrow(0, start, end[c] - start).copy_(out);
    }
    return y;
}

std::unique_ptr<DenseExpertBank> QuantizedExpertBank::dequantized() const
{
    std::vector<std::int64_t> all(static_cast<std::size_t>(m_experts));
    std::iota(all.begin(), all.end(), std::int64_t(0));
    const auto device = m_groups.front().gate.data.device();
    auto [gateUp, down] = dequantizeExperts(all, device);
    return std::make_unique<DenseExpertBank>(std::move(gateUp), std::move(down));
}

} // namespace moescope

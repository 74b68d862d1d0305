#include "quant/fusedquantdecode.h"

#include "core/error.h"
#include "nn/fuseddecode.h"

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
#include "kernels/decodekernels.h"
#include "nn/fusedprefill.h"
#include "nn/kernelinputs.h"
#include "quant/quantkernelview.h"

#include <c10/cuda/CUDAException.h>

#include <array>
#include <optional>
#endif

namespace moescope {

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
using namespace kernelinputs;

namespace {
    // The decode kernels' view of a quantized stack, when its layout is one they read: rows of whole 16-byte loads
    // (Int8 and Fp8: cols and blocks multiples of 16; Int4: 32-code chunks, groups multiples of 32). The last INT4
    // group may be cut by the row's end, as the quantizer stores it (scales [rows, ceil(cols / g)]): the demo model's
    // 320 columns are 2.5 groups of 128.
    std::optional<kernels::QuantMatrices> kernelView(const QuantizedTensor& q)
    {
        auto m = quantKernelView(q);
        if (!m)
            return std::nullopt;
        const bool fits = m->format == kernels::QuantCodes::Int4 ? m->groupSize % 32 == 0 && m->cols % 32 == 0
                                                                 : m->cols % 16 == 0 && m->groupSize % 16 == 0;
        return fits ? m : std::nullopt;
    }

    bool decodeInput(const at::Tensor& x, std::int64_t cols)
    {
        return kernelsMayRun() && cudaBf16(x) && x.is_contiguous() && aligned16(x) && x.size(-1) == cols
            && x.numel() / cols <= kMaxMoeDecodeTokens;
    }

    // Activation-aware scaling (the codes represent W * s per column): the kernels multiply the codes of q without
    // s by inputs divided by s.
    QuantizedTensor withoutInputScale(const QuantizedTensor& q)
    {
        QuantizedTensor unscaled = q;
        unscaled.inputScale = at::Tensor();
        return unscaled;
    }

    // The kernels' view of q's codes without s where s is one the decode path divides by (quantKernelView reads it),
    // or nothing.
    std::optional<kernels::QuantMatrices> unscaledKernelView(const QuantizedTensor& q)
    {
        if (q.inputScale.defined() && !quantKernelView(q, /*readInputScale=*/true))
            return std::nullopt;
        return kernelView(withoutInputScale(q));
    }

    bool scaled(const QuantizedTensor& q) { return q.inputScale.defined(); }

    bool anyScaled(const QuantizedTensor& gate, const QuantizedTensor& up, const QuantizedTensor& down)
    {
        return scaled(gate) || scaled(up) || scaled(down);
    }

    // The slots' inputs [T * k, cols] bf16 from in [T, r, cols] (r = k: a row per slot; r = 1: a row per token, for
    // its k slots), each divided by the activation-aware scales of q's matrix ids [T * k] (-1: any), or as they are
    // where q has none. The division runs in float32 and stores bf16: one kernel after the scales' lookup.
    at::Tensor slotInputs(const at::Tensor& in, const at::Tensor& ids, const QuantizedTensor& q, std::int64_t k)
    {
        const std::vector<std::int64_t> sizes { in.size(0), k, q.cols };
        if (!scaled(q))
            return in.expand(sizes).reshape({ -1, q.cols }).contiguous();
        const auto s = q.inputScale.reshape({ -1, q.cols }).index_select(0, ids.clamp_min(0)).view(sizes);
        auto out = at::empty(sizes, in.options().dtype(at::kBFloat16));
        at::div_out(out, in, s);
        return out.view({ -1, q.cols });
    }

    // y [S, rows] = q[ids[s]] in[s] for in [S, cols] bf16 (q's codes without their scale); slots of id -1 skipped.
    void slotProducts(const at::Tensor& in, const at::Tensor& ids, const QuantizedTensor& q, at::Tensor y)
    {
        kernels::launchQuantSlotProducts(bf16Data(in), *unscaledKernelView(q), ids.data_ptr<std::int64_t>(),
            ids.numel(), bf16Data(y), streamOf(in));
        C10_CUDA_KERNEL_LAUNCH_CHECK();
    }

    // The slot outputs of a step whose experts have activation-aware scaling: each slot's input divided by its
    // expert's scales, then one product per slot and matrix (gate and up apart, as their scales differ), the SiLU
    // product, and the down projection of the scaled result. x [T, H], slotIds [T, k] int64, y [T * k, H].
    void scaledSlotOutputs(const at::Tensor& x, const at::Tensor& slotIds, const QuantizedTensor& gate,
        const QuantizedTensor& up, const QuantizedTensor& down, const at::Tensor& y)
    {
        const auto slots = slotIds.numel(), k = slotIds.size(1);
        const auto ids = slotIds.reshape({ -1 }); // [S]
        const auto xs = x.unsqueeze(1); // [T, 1, H]
        auto g = at::empty({ slots, gate.rows }, x.options()), u = at::empty({ slots, up.rows }, x.options());
        slotProducts(slotInputs(xs, ids, gate, k), ids, gate, g);
        slotProducts(slotInputs(xs, ids, up, k), ids, up, u);
        const auto h = fusedSiluProduct(g, u).view({ x.size(0), k, -1 }); // [T, k, I]
        slotProducts(slotInputs(h, ids, down, k), ids, down, y);
    }
} // namespace

bool fusedQuantMoeDecodeApplies(const at::Tensor& x, std::int64_t k, const QuantizedTensor& gate,
    const QuantizedTensor& up, const QuantizedTensor& down)
{
    const bool shapes = decodeInput(x, gate.cols) && x.dim() == 2 && k >= 1 && k <= kernels::kMaxTopK
        && gate.scheme == up.scheme && gate.scheme == down.scheme;
    if (anyScaled(gate, up, down))
        return shapes && unscaledKernelView(gate) && unscaledKernelView(up) && unscaledKernelView(down);
    return shapes && kernelView(gate) && kernelView(up) && kernelView(down);
}

at::Tensor fusedQuantMoeDecodeSlots(const at::Tensor& x, const at::Tensor& ids, const QuantizedTensor& gate,
    const QuantizedTensor& up, const QuantizedTensor& down, const at::Tensor& into, const at::Tensor& stackIndex)
{
    const auto tokens = x.size(0);
    const auto k = ids.size(1);
    const auto slotIds = ids.to(at::kLong).contiguous(); // [T, k]
    if (into.defined()
        && (!cudaBf16(into) || !into.is_contiguous() || into.sizes() != at::IntArrayRef { tokens * k, down.rows }))
        throw ShapeError("fused quantized decode: the slot outputs' tensor is not [" + std::to_string(tokens * k)
            + ", " + std::to_string(down.rows) + "] contiguous bf16 on CUDA");
    auto y = into.defined() ? into : at::empty({ tokens * k, down.rows }, x.options()); // [S, H]
    if (stackIndex.defined()
        && (stackIndex.device() != x.device() || stackIndex.scalar_type() != at::kLong || !stackIndex.is_contiguous()))
        throw InvalidArgumentError("fused quantized decode: the stack index is not contiguous int64 on the device");
    if (anyScaled(gate, up, down)) { // the ids in the stack, for the scales' lookup
        const auto local = stackIndex.defined() ? stackIndex.index_select(0, slotIds.view({ -1 })).view(slotIds.sizes())
                                                : slotIds;
        scaledSlotOutputs(x, local, gate, up, down, y);
        return y;
    }
    auto h = at::empty({ tokens * k, gate.rows }, x.options()); // [S, I]
    const auto experts = gate.stackSize();
    const bool grouped = groupSlotsByExpert(tokens, k, experts);
    const auto grouping = grouped ? at::empty({ experts + 1 + tokens * k }, x.options().dtype(at::kInt)) : at::Tensor();
    auto views = std::array { *kernelView(gate), *kernelView(up), *kernelView(down) };
    for (auto& view : views)
        view.stackIndex = stackIndex.defined() ? stackIndex.data_ptr<std::int64_t>() : nullptr;
    kernels::launchQuantMoeDecode(bf16Data(x), views[0], views[1], views[2], slotIds.data_ptr<std::int64_t>(), tokens,
        static_cast<int>(k), experts, grouped ? grouping.data_ptr<int>() : nullptr, bf16Data(h), bf16Data(y),
        streamOf(x));
    C10_CUDA_KERNEL_LAUNCH_CHECK(); // a failed launch named here, not at the next ATen operator
    return y;
}

at::Tensor fusedQuantMoeDecode(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights,
    const QuantizedTensor& gate, const QuantizedTensor& up, const QuantizedTensor& down)
{
    return fusedCombineSlots({ fusedQuantMoeDecodeSlots(x, ids, gate, up, down), ids, weights, false, {} });
}

bool fusedQuantGemvsApply(
    const at::Tensor& x, const std::vector<const QuantizedTensor*>& weights, const std::vector<at::Tensor>& biases)
{
    if (weights.empty() || weights.size() > static_cast<std::size_t>(kernels::kMaxGemvTargets)
        || biases.size() != weights.size())
        return false;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const auto& w = *weights[i];
        const auto& bias = biases[i];
        const auto view = kernelView(w);
        if (w.stackSize() != 1 || w.data.dim() != 2 || !decodeInput(x, w.cols) || !view
            || view->format != kernelView(*weights.front())->format
            || !kernels::quantGemvSuits(*view, x.numel() / w.cols) // more tokens: dequantized into a GEMM
            || (bias.defined() && (!bias.is_cuda() || bias.scalar_type() != at::kBFloat16 || !bias.is_contiguous())))
            return false;
    }
    return true;
}

std::vector<at::Tensor> fusedQuantGemvs(
    const at::Tensor& x, const std::vector<const QuantizedTensor*>& weights, const std::vector<at::Tensor>& biases)
{
    kernels::QuantGemvTargets targets;
    std::vector<at::Tensor> outputs;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        auto sizes = x.sizes().vec();
        sizes.back() = weights[i]->rows;
        outputs.push_back(at::empty(sizes, x.options())); // [..., out_i]
        targets.target[i] = { *kernelView(*weights[i]), biases[i].defined() ? bf16Data(biases[i]) : nullptr,
            bf16Data(outputs.back()) };
    }
    targets.count = static_cast<int>(weights.size());
    kernels::launchQuantGemvTargets(bf16Data(x), targets, x.numel() / x.size(-1), streamOf(x));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return outputs;
}

bool fusedQuantGemvApplies(const at::Tensor& x, const QuantizedTensor& weight, const at::Tensor& bias)
{
    const auto unscaled = withoutInputScale(weight);
    return unscaledKernelView(weight) && fusedQuantGemvsApply(x, { &unscaled }, { bias });
}

at::Tensor fusedQuantGemv(const at::Tensor& x, const QuantizedTensor& weight, const at::Tensor& bias)
{
    const auto unscaled = withoutInputScale(weight);
    if (!scaled(weight))
        return fusedQuantGemvs(x, { &unscaled }, { bias }).front();
    // Activation-aware scaling: the input divided by the scale (in float32, stored bf16) times the codes without it.
    auto in = at::empty_like(x);
    at::div_out(in, x, weight.inputScale);
    return fusedQuantGemvs(in, { &unscaled }, { bias }).front();
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
at::Tensor fusedQuantMoeDecodeSlots(const at::Tensor&, const at::Tensor&, const QuantizedTensor&,
    const QuantizedTensor&, const QuantizedTensor&, const at::Tensor&, const at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedQuantGemvsApply(const at::Tensor&, const std::vector<const QuantizedTensor*>&, const std::vector<at::Tensor>&)
{
    return false;
}
std::vector<at::Tensor> fusedQuantGemvs(
    const at::Tensor&, const std::vector<const QuantizedTensor*>&, const std::vector<at::Tensor>&)
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

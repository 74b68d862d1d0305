#include "nn/fuseddecode.h"

#include "core/envswitch.h"
#include "core/error.h"
#include "nn/router.h"

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
#include "kernels/decodekernels.h"
#include "nn/kernelinputs.h"

#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <ATen/autocast_mode.h>
#endif

namespace moescope {

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
using namespace kernelinputs;

namespace {
    constexpr std::int64_t kMaxNormRows = 128; // decode: a few tokens' hidden states or their heads
} // namespace

bool fusedMoeDecodeApplies(const at::Tensor& x, std::int64_t k, const at::Tensor& gateUp, const at::Tensor& down)
{
    if (!kernelsMayRun() || !cudaBf16(x) || !cudaBf16(gateUp) || !cudaBf16(down)
        || at::autocast::is_autocast_enabled(at::kCUDA))
        return false;
    const auto hidden = x.size(-1);
    const auto inter = down.size(2);
    return x.dim() == 2 && x.size(0) <= kMaxMoeDecodeTokens && k >= 1 && k <= kernels::kMaxTopK && hidden % 8 == 0
        && inter % 8 == 0 && gateUp.is_contiguous() && down.is_contiguous() && gateUp.size(2) == hidden
        && x.is_contiguous() && aligned16(x) && aligned16(gateUp) && aligned16(down);
}

at::Tensor fusedMoeDecodeSlots(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& gateUp,
    const at::Tensor& down)
{
    const auto tokens = x.size(0);
    const auto k = ids.size(1);
    const auto hidden = x.size(1);
    const auto inter = down.size(2);
    const auto slotIds = ids.to(at::kLong).contiguous(); // [T, k]
    auto h = at::empty({ tokens * k, inter }, x.options()); // [S, I]
    auto y = at::empty({ tokens * k, hidden }, x.options()); // [S, H]
    const auto experts = gateUp.size(0);
    const bool grouped = groupSlotsByExpert(tokens, k, experts);
    const auto grouping = grouped ? at::empty({ experts + 1 + tokens * k }, x.options().dtype(at::kInt)) : at::Tensor();
    kernels::launchMoeDecode(bf16Data(x), bf16Data(gateUp), bf16Data(down), slotIds.data_ptr<std::int64_t>(), tokens,
        static_cast<int>(k), experts, hidden, inter, grouped ? grouping.data_ptr<int>() : nullptr, bf16Data(h),
        bf16Data(y), streamOf(x));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return y;
}

at::Tensor fusedMoeDecode(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights,
    const at::Tensor& gateUp, const at::Tensor& down)
{
    return fusedCombineSlots({ fusedMoeDecodeSlots(x, ids, gateUp, down), ids, weights, false, {} });
}

namespace {
    // The kernels' view of the slots: int64 ids, weights as SlotWeights reads them.
    struct SlotInputs {
        at::Tensor ids, weights;
        kernels::SlotWeights view;
    };
    SlotInputs slotInputsOf(const ExpertSlotOutputs& slots)
    {
        SlotInputs in { slots.ids.to(at::kLong).contiguous(), slotWeightsTensor(slots.weights), {} };
        in.view = slotWeightsOf(in.weights);
        in.view.roundToBf16 = slots.roundWeightsToBf16 && !in.view.bf16;
        return in;
    }
} // namespace

at::Tensor fusedCombineSlots(const ExpertSlotOutputs& slots)
{
    const auto in = slotInputsOf(slots);
    const auto tokens = in.ids.size(0);
    const auto hidden = slots.y.size(1);
    auto out = at::empty({ tokens, hidden }, slots.y.options()); // [T, H]
    kernels::launchCombineSlots(bf16Data(slots.y), in.ids.data_ptr<std::int64_t>(), in.view, tokens,
        static_cast<int>(in.ids.size(1)), hidden, bf16Data(out), streamOf(slots.y));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return slots.shared.defined() ? out + slots.shared : out;
}

bool fusedGemvApplies(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias)
{
    if (!kernelsMayRun() || !cudaBf16(x) || !cudaBf16(weight) || weight.dim() != 2 || !weight.is_contiguous())
        return false;
    const auto in = weight.size(1);
    // One token: cuBLAS's tensor cores serve several better (kernels::launchGemvTargets).
    return x.size(-1) == in && in % 8 == 0 && x.numel() == in && x.is_contiguous() && aligned16(x) && aligned16(weight)
        && (!bias.defined() || (cudaBf16(bias) && bias.is_contiguous()));
}

at::Tensor fusedGemv(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias)
{
    return fusedGemvs(x, { weight }, { bias }).front();
}

bool fusedGemvsApply(const at::Tensor& x, const std::vector<at::Tensor>& weights, const std::vector<at::Tensor>& biases)
{
    if (weights.empty() || weights.size() > static_cast<std::size_t>(kernels::kMaxGemvTargets)
        || biases.size() != weights.size())
        return false;
    for (std::size_t i = 0; i < weights.size(); ++i)
        if (!fusedGemvApplies(x, weights[i], biases[i]))
            return false;
    return true;
}

std::vector<at::Tensor> fusedGemvs(
    const at::Tensor& x, const std::vector<at::Tensor>& weights, const std::vector<at::Tensor>& biases)
{
    const auto in = x.size(-1);
    kernels::GemvTargets targets;
    std::vector<at::Tensor> outputs;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        auto sizes = x.sizes().vec();
        sizes.back() = weights[i].size(0);
        outputs.push_back(at::empty(sizes, x.options())); // [..., out_i]
        targets.target[i] = { bf16Data(weights[i]), biases[i].defined() ? bf16Data(biases[i]) : nullptr,
            weights[i].size(0), bf16Data(outputs.back()) };
    }
    targets.count = static_cast<int>(weights.size());
    kernels::launchGemvTargets(bf16Data(x), targets, in, streamOf(x));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return outputs;
}

bool fusedRmsNormApplies(const at::Tensor& x, const at::Tensor& weight)
{
    if (!kernelsMayRun() || !cudaBf16(x) || !cudaBf16(weight) || weight.dim() != 1 || x.size(-1) != weight.size(0))
        return false;
    // Prefill's many rows only where the kernel sums them in ATen's order (bit-identical to the eager norm) over the
    // same layout as the eager path's float copy: x contiguous, or a slice (e.g. MLA's latent in kv_a's output),
    // whose float copy is contiguous as the kernel's bf16 copy is.
    const auto rows = x.numel() / x.size(-1);
    const bool sameLayout = x.is_contiguous() ? aligned8(x) : !x.is_non_overlapping_and_dense();
    const bool atenOrder = kernels::rmsNormInAtenOrder(rows, x.size(-1)) && sameLayout;
    return rows <= kMaxNormRows || atenOrder;
}

namespace {
    // out = norm(x (+ residual)) with the sum written when there is a residual.
    std::pair<at::Tensor, at::Tensor> launchNorm(
        const at::Tensor& x, const at::Tensor& residual, const at::Tensor& weight, double eps)
    {
        const auto input = x.contiguous();
        const auto r = residual.defined() ? residual.contiguous() : at::Tensor();
        const auto w = weight.contiguous();
        auto sum = r.defined() ? at::empty_like(input) : at::Tensor();
        auto out = at::empty_like(input);
        const auto d = x.size(-1);
        kernels::launchRmsNorm(bf16Data(input), r.defined() ? bf16Data(r) : nullptr, bf16Data(w), input.numel() / d, d,
            static_cast<float>(eps), sum.defined() ? bf16Data(sum) : nullptr, bf16Data(out), streamOf(x));
        C10_CUDA_KERNEL_LAUNCH_CHECK();
        return { sum, out };
    }
} // namespace

at::Tensor fusedRmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps)
{
    return launchNorm(x, {}, weight, eps).second;
}

bool fusedEmbedRmsNormApplies(const at::Tensor& table, const at::Tensor& ids, const at::Tensor& weight)
{
    return kernelsMayRun() && cudaBf16(table) && table.dim() == 2 && table.is_contiguous() && aligned16(table)
        && cudaBf16(weight) && weight.dim() == 1 && weight.size(0) == table.size(1) && weight.is_contiguous()
        && aligned16(weight) && ids.device() == table.device() && ids.scalar_type() == at::kLong && ids.dim() == 1
        && ids.is_contiguous() && kernels::gatherRmsNormApplies(ids.size(0), table.size(1));
}

std::pair<at::Tensor, at::Tensor> fusedEmbedRmsNorm(
    const at::Tensor& table, const at::Tensor& ids, const at::Tensor& weight, double eps)
{
    auto x = at::empty({ ids.size(0), table.size(1) }, table.options());
    auto out = at::empty_like(x);
    kernels::launchGatherRmsNorm(bf16Data(table), ids.data_ptr<std::int64_t>(), ids.size(0), table.size(1),
        bf16Data(weight), static_cast<float>(eps), bf16Data(x), bf16Data(out), streamOf(table));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return { x, out };
}

bool fusedAddRmsNormApplies(const at::Tensor& x, const at::Tensor& residual, const at::Tensor& weight)
{
    const auto rows = x.numel() / x.size(-1);
    return fusedRmsNormApplies(x, weight) && cudaBf16(residual) && residual.sizes() == x.sizes()
        && (rows <= kMaxNormRows || (residual.is_contiguous() && aligned8(residual)));
}

std::pair<at::Tensor, at::Tensor> fusedAddRmsNorm(
    const at::Tensor& x, const at::Tensor& residual, const at::Tensor& weight, double eps)
{
    return launchNorm(x, residual, weight, eps);
}

bool slotSumsFitNorm(const at::Tensor& x)
{
    return kernelsMayRun() && cudaBf16(x) && x.dim() == 2 && x.is_contiguous() && aligned16(x)
        && kernels::combineAddRmsNormApplies(x.size(0), x.size(1));
}

bool fusedCombineAddRmsNormApplies(const at::Tensor& x, const ExpertSlotOutputs& slots, const at::Tensor& weight)
{
    const auto tokens = x.size(0), hidden = x.size(-1);
    auto rowsFit = [&](const at::Tensor& t, std::int64_t rows) {
        return cudaBf16(t) && t.dim() == 2 && t.size(0) == rows && t.size(1) == hidden && t.is_contiguous()
            && aligned16(t);
    };
    return slotSumsFitNorm(x) && cudaBf16(weight) && weight.dim() == 1 && weight.size(0) == hidden
        && weight.is_contiguous() && aligned16(weight) && slots.ids.dim() == 2 && slots.ids.size(0) == tokens
        && slots.ids.size(1) <= kernels::kMaxTopK && slots.weights.sizes() == slots.ids.sizes()
        && rowsFit(slots.y, tokens * slots.ids.size(1)) && (!slots.shared.defined() || rowsFit(slots.shared, tokens));
}

std::pair<at::Tensor, at::Tensor> fusedCombineAddRmsNorm(
    const at::Tensor& x, const ExpertSlotOutputs& slots, const at::Tensor& weight, double eps)
{
    const auto in = slotInputsOf(slots);
    kernels::SlotAddend addend;
    addend.y = bf16Data(slots.y);
    addend.ids = in.ids.data_ptr<std::int64_t>();
    addend.weights = in.view;
    addend.k = static_cast<int>(in.ids.size(1));
    addend.shared = slots.shared.defined() ? bf16Data(slots.shared) : nullptr;
    auto sum = at::empty_like(x);
    auto out = at::empty_like(x);
    kernels::launchCombineAddRmsNorm(bf16Data(x), addend, bf16Data(weight), x.size(0), x.size(1),
        static_cast<float>(eps), bf16Data(sum), bf16Data(out), streamOf(x));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return { sum, out };
}

namespace {
    // Every head of a [T, heads, D] view in 16-byte pieces.
    bool headPiecesFit(const at::Tensor& t) { return aligned16(t) && t.stride(0) % 8 == 0 && t.stride(1) % 8 == 0; }
    // The norm-and-rope kernel's limits (kernels/decodekernels.h: RopeStepInputs): 16-byte pieces of q, k and v, a
    // head's pieces a power of two up to a warp, at most 8192 values of a token's q or k.
    bool stepNormsFit(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const StepQkNorms& norms)
    {
        const auto dim = q.size(2), pieces = dim / 8;
        auto viewFits = [](const at::Tensor& t) { return headPiecesFit(t) && t.size(1) * t.size(2) <= 8192; };
        auto weightFits = [&](const at::Tensor& w, const at::Tensor& x) {
            return cudaBf16(w) && w.is_contiguous() && aligned16(w)
                && w.numel() == (norms.perHead ? dim : x.size(1) * dim);
        };
        return dim % 8 == 0 && pieces <= 32 && (pieces & (pieces - 1)) == 0 && viewFits(q) && viewFits(k)
            && viewFits(v) && weightFits(norms.q, q) && weightFits(norms.k, k);
    }
    // The step kernels (rotation with the cache write, the MLA step) serve a decode step's few rows.
    bool decodeRopeApplies(const at::Tensor& x, const at::Tensor& cos)
    {
        return fusedRopeApplies(x, cos) && x.size(0) * x.size(1) <= kMaxNormRows;
    }
} // namespace

bool fusedRopeStepApplies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cos,
    const at::Tensor& cacheK, const at::Tensor& cacheV, const StepQkNorms& norms)
{
    auto cacheFits = [&](const at::Tensor& cache, const at::Tensor& x) {
        return cudaBf16(cache) && cache.is_contiguous() && cache.dim() == 3 && cache.size(1) == x.size(1)
            && cache.size(2) == x.size(2);
    };
    return decodeRopeApplies(q, cos) && decodeRopeApplies(k, cos) && cudaBf16(v) && v.dim() == 3 && v.stride(2) == 1
        && v.sizes() == k.sizes() && k.size(2) == q.size(2) && cacheFits(cacheK, k) && cacheFits(cacheV, v)
        && (!norms.q.defined() || stepNormsFit(q, k, v, norms));
}

namespace {
    // The rotated queries go to out ([T, H, D] contiguous); sin and positions must outlive the launch (made
    // contiguous / int64 by the caller).
    kernels::RopeStepInputs ropeStepInputs(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
        const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheK,
        at::Tensor& cacheV, bool interleaved, bool float32, bool keepInterleaved, const StepQkNorms& norms,
        at::Tensor& out)
    {
        auto view = [](const at::Tensor& t) {
            return kernels::RopeStepView { bf16Data(t), t.size(1), t.stride(0), t.stride(1) };
        };
        kernels::RopeStepInputs in;
        in.q = view(q);
        in.k = view(k);
        in.v = view(v);
        in.dim = q.size(2);
        in.rotation = { cos.data_ptr<float>(), sin.data_ptr<float>(), interleaved, float32, keepInterleaved };
        in.positions = positions.data_ptr<std::int64_t>();
        in.qOut = bf16Data(out);
        in.cacheK = bf16Data(cacheK);
        in.cacheV = bf16Data(cacheV);
        if (norms.q.defined()) {
            in.qNorm = bf16Data(norms.q);
            in.kNorm = bf16Data(norms.k);
            in.perHeadNorm = norms.perHead;
            in.eps = static_cast<float>(norms.eps);
        }
        return in;
    }
} // namespace

at::Tensor fusedRopeStep(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cos,
    const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheK, at::Tensor& cacheV, bool interleaved,
    bool float32, bool keepInterleaved, const StepQkNorms& norms)
{
    auto out = at::empty(q.sizes(), q.options()); // [T, H, D]
    const auto s = sin.contiguous();
    const auto rows = positions.to(at::kLong).contiguous(); // [T]
    const auto in = ropeStepInputs(
        q, k, v, cos, s, rows, cacheK, cacheV, interleaved, float32, keepInterleaved, norms, out);
    kernels::launchRopeStep(in, q.size(0), streamOf(q));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return out;
}

bool fusedGatedGemvApplies(const at::Tensor& x, const at::Tensor& gate, const at::Tensor& up)
{
    if (!kernelsMayRun() || !cudaBf16(x) || !cudaBf16(gate) || !cudaBf16(up) || x.dim() != 2 || gate.dim() != 2
        || at::autocast::is_autocast_enabled(at::kCUDA))
        return false;
    const auto hidden = x.size(1);
    return x.size(0) <= kMaxDecodeTokens && hidden % 8 == 0 && gate.size(1) == hidden && up.sizes() == gate.sizes()
        && x.is_contiguous() && gate.is_contiguous() && up.is_contiguous() && aligned16(x) && aligned16(gate)
        && aligned16(up);
}

at::Tensor fusedGatedGemv(const at::Tensor& x, const at::Tensor& gate, const at::Tensor& up)
{
    auto h = at::empty({ x.size(0), gate.size(0) }, x.options()); // [T, I]
    kernels::launchGatedGemv(
        bf16Data(x), bf16Data(gate), bf16Data(up), x.size(0), x.size(1), gate.size(0), bf16Data(h), streamOf(x));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return h;
}

namespace {
    // The selection's shared arrays: up to kMaxRouterExperts experts, k of them at most kMaxTopK.
    bool routerSelectionFits(std::int64_t experts, std::int64_t k)
    {
        return experts <= kernels::kMaxRouterExperts && k >= 1
            && k <= std::min<std::int64_t>(kernels::kMaxTopK, experts);
    }
} // namespace

bool fusedRouterApplies(const at::Tensor& x, const at::Tensor& weight, std::int64_t k)
{
    if (!kernelsMayRun() || !cudaBf16(x) || !weight.is_cuda() || weight.dim() != 2 || !weight.is_contiguous()
        || !(weight.scalar_type() == at::kFloat || weight.scalar_type() == at::kBFloat16))
        return false;
    const auto hidden = x.size(-1);
    return x.dim() == 2 && x.size(0) <= kMaxDecodeTokens && weight.size(1) == hidden && hidden % 8 == 0
        && routerSelectionFits(weight.size(0), k) && x.is_contiguous() && aligned16(x) && aligned16(weight);
}

namespace {
    // The selection's outputs (scores [T, E], ids and weights [T, k]) on the device of `options`.
    RoutingDecision emptySelection(
        std::int64_t tokens, std::int64_t experts, std::int64_t k, const at::TensorOptions& options)
    {
        const auto f32 = options.dtype(at::kFloat);
        RoutingDecision d;
        d.scores = at::empty({ tokens, experts }, f32);
        d.ids = at::empty({ tokens, k }, options.dtype(at::kLong));
        d.weights = at::empty({ tokens, k }, f32);
        return d;
    }

    // The choice's bias as the kernels read it (float32, contiguous), or an undefined tensor.
    at::Tensor kernelBias(const RouterChoice& choice)
    {
        return choice.bias.defined() ? choice.bias.to(at::kFloat).contiguous() : at::Tensor();
    }

    RoutingDecision launchRouter(const at::Tensor& x, const at::Tensor& weight, const RouterChoice& choice,
        const kernels::RouterAddNorm* addNorm)
    {
        const auto tokens = x.size(0);
        const auto experts = weight.size(0);
        auto d = emptySelection(tokens, experts, choice.k, x.options());
        d.logits = at::empty({ tokens, experts }, x.options().dtype(at::kFloat));
        const auto b = kernelBias(choice);
        kernels::launchRouter(bf16Data(x), weight.data_ptr(), weight.scalar_type() == at::kFloat, tokens, x.size(1),
            static_cast<int>(experts), static_cast<int>(choice.k), choice.sigmoid,
            b.defined() ? b.data_ptr<float>() : nullptr, choice.normalize, static_cast<float>(choice.scaling),
            d.logits.data_ptr<float>(), d.scores.data_ptr<float>(), d.ids.data_ptr<std::int64_t>(),
            d.weights.data_ptr<float>(), streamOf(x), addNorm);
        C10_CUDA_KERNEL_LAUNCH_CHECK();
        return d;
    }
} // namespace

bool fusedRouterSelectionApplies(const at::Tensor& logits, std::int64_t k)
{
    return kernelsMayRun() && logits.is_cuda() && logits.scalar_type() == at::kFloat && logits.dim() == 2
        && logits.size(0) >= 1 && logits.size(0) <= std::numeric_limits<int>::max() && logits.is_contiguous()
        && routerSelectionFits(logits.size(1), k);
}

RoutingDecision fusedRouterSelection(const at::Tensor& logits, const RouterChoice& choice)
{
    const auto tokens = logits.size(0);
    const auto experts = logits.size(1);
    auto d = emptySelection(tokens, experts, choice.k, logits.options());
    d.logits = logits;
    const auto b = kernelBias(choice);
    kernels::launchRouterSelection(logits.data_ptr<float>(), tokens, static_cast<int>(experts),
        static_cast<int>(choice.k), choice.sigmoid, b.defined() ? b.data_ptr<float>() : nullptr, choice.normalize,
        static_cast<float>(choice.scaling), d.scores.data_ptr<float>(), d.ids.data_ptr<std::int64_t>(),
        d.weights.data_ptr<float>(), streamOf(logits));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return d;
}

RoutingDecision fusedRouter(const at::Tensor& x, const at::Tensor& weight, const RouterChoice& choice)
{
    return launchRouter(x, weight, choice, nullptr);
}

bool fusedAddNormRouterApplies(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& normWeight,
    const at::Tensor& routerWeight, std::int64_t k)
{
    const auto hidden = x.size(-1);
    return fusedRouterApplies(x, routerWeight, k) && kernels::routerAddNormApplies(x.size(0), hidden)
        && cudaBf16(delta) && delta.sizes() == x.sizes() && delta.is_contiguous() && aligned16(delta)
        && cudaBf16(normWeight) && normWeight.dim() == 1 && normWeight.size(0) == hidden
        && normWeight.is_contiguous() && aligned16(normWeight);
}

std::pair<at::Tensor, at::Tensor> fusedAddNormRouter(const at::Tensor& x, const at::Tensor& delta,
    const at::Tensor& normWeight, double eps, const at::Tensor& routerWeight, const RouterChoice& choice,
    RoutingDecision& decision)
{
    auto sum = at::empty_like(x);
    auto normed = at::empty_like(x);
    const kernels::RouterAddNorm addNorm { bf16Data(delta), bf16Data(normWeight), static_cast<float>(eps),
        bf16Data(sum), bf16Data(normed) };
    decision = launchRouter(x, routerWeight, choice, &addNorm);
    return { sum, normed };
}

bool fusedRopeAnglesApply(const at::Tensor& positions, const at::Tensor& invFreq)
{
    return kernelsMayRun() && positions.is_cuda() && positions.scalar_type() == at::kLong && positions.dim() == 1
        && positions.is_contiguous() && invFreq.device() == positions.device()
        && invFreq.scalar_type() == at::kFloat && invFreq.dim() == 1 && invFreq.is_contiguous();
}

std::pair<at::Tensor, at::Tensor> fusedRopeAngles(const at::Tensor& positions, const at::Tensor& invFreq, double factor)
{
    const auto tokens = positions.size(0), half = invFreq.size(0);
    auto cos = at::empty({ tokens, half }, invFreq.options());
    auto sin = at::empty({ tokens, half }, invFreq.options());
    if (tokens * half == 0)
        return { cos, sin };
    kernels::launchRopeAngles(positions.data_ptr<std::int64_t>(), tokens, invFreq.data_ptr<float>(), half,
        static_cast<float>(factor), cos.data_ptr<float>(), sin.data_ptr<float>(), streamOf(positions));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return { cos, sin };
}

// The bf16 rotation is elementwise with the eager path's roundings, so prefill gets it too. The float32 one
// (DeepSeek-V2's complex product) differs from the eager product by an ulp here and there: decode rows only, so that
// prefill stays bit for bit the eager path (a DeepSeek-V2 prefill through it agreed with transformers on 99.2% of
// top-1 tokens instead of 100%).
bool fusedRopeApplies(const at::Tensor& x, const at::Tensor& cos, bool float32)
{
    return kernelsMayRun() && cudaBf16(x) && x.dim() == 3 && x.numel() > 0 && x.stride(2) == 1 && x.size(2) % 2 == 0
        && cos.is_cuda() && cos.scalar_type() == at::kFloat && cos.is_contiguous() && cos.dim() == 2
        && cos.size(0) == x.size(0) && cos.size(1) * 2 == x.size(2)
        && (!float32 || x.size(0) * x.size(1) <= kMaxNormRows);
}

at::Tensor fusedRope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, bool interleaved, bool float32,
    bool keepInterleaved)
{
    auto out = at::empty(x.sizes(), x.options()); // [T, heads, dim]
    const auto s = sin.contiguous();
    kernels::launchRope(bf16Data(x), x.size(0), x.size(1), x.size(2), x.stride(0), x.stride(1),
        { cos.data_ptr<float>(), s.data_ptr<float>(), interleaved, float32, keepInterleaved }, bf16Data(out),
        streamOf(x));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return out;
}

bool fusedMlaStepApplies(const at::Tensor& compressed, const at::Tensor& normWeight, const at::Tensor& qPe,
    const at::Tensor& cos, const at::Tensor& cacheLatent, const at::Tensor& cacheKPe)
{
    if (!decodeRopeApplies(qPe, cos) || !cudaBf16(compressed) || !cudaBf16(normWeight) || !cudaBf16(cacheLatent)
        || !cudaBf16(cacheKPe) || compressed.dim() != 2 || cacheLatent.dim() != 2 || cacheKPe.dim() != 2)
        return false;
    const auto c = cacheLatent.size(1), rope = qPe.size(2);
    return compressed.size(0) == qPe.size(0) && compressed.stride(1) == 1 && compressed.stride(0) % 8 == 0
        && compressed.size(1) == c + rope && c % 8 == 0 && c <= 2048 && normWeight.numel() == c
        && normWeight.is_contiguous() && cacheLatent.is_contiguous() && cacheKPe.is_contiguous()
        && cacheKPe.size(1) == rope && cacheKPe.size(0) == cacheLatent.size(0) && aligned16(compressed)
        && aligned16(normWeight) && aligned16(cacheLatent);
}

at::Tensor fusedMlaStep(const at::Tensor& compressed, const at::Tensor& normWeight, double eps, const at::Tensor& qPe,
    const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheLatent,
    at::Tensor& cacheKPe, bool interleaved, bool float32, bool keepInterleaved)
{
    auto out = at::empty(qPe.sizes(), qPe.options()); // [T, H, rope]
    const auto s = sin.contiguous();
    const auto rows = positions.to(at::kLong).contiguous(); // [T]
    kernels::MlaStepInputs in;
    in.compressed = bf16Data(compressed);
    in.compressedStride = compressed.stride(0);
    in.latentDim = static_cast<int>(cacheLatent.size(1));
    in.normWeight = bf16Data(normWeight);
    in.eps = static_cast<float>(eps);
    in.q = { bf16Data(qPe), qPe.size(1), qPe.stride(0), qPe.stride(1) };
    in.rope = static_cast<int>(qPe.size(2));
    in.rotation = { cos.data_ptr<float>(), s.data_ptr<float>(), interleaved, float32, keepInterleaved };
    in.positions = rows.data_ptr<std::int64_t>();
    in.qOut = bf16Data(out);
    in.cacheLatent = bf16Data(cacheLatent);
    in.cacheKPe = bf16Data(cacheKPe);
    kernels::launchMlaStep(in, compressed.size(0), streamOf(compressed));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return out;
}

bool fusedMlaDecodeApplies(const at::Tensor& qNope, const at::Tensor& qPe, const at::Tensor& kvBHeads,
    std::int64_t valueDim, const at::Tensor& latent, const at::Tensor& kPe)
{
    if (!kernelsMayRun() || !cudaBf16(qNope) || !cudaBf16(qPe) || !cudaBf16(kvBHeads) || !cudaBf16(latent)
        || !cudaBf16(kPe) || qNope.dim() != 3 || qPe.dim() != 3 || kvBHeads.dim() != 3 || latent.dim() != 2
        || kPe.dim() != 2)
        return false;
    const auto tokens = qNope.size(0), heads = qNope.size(1), nope = qNope.size(2);
    const auto c = latent.size(1), rope = kPe.size(1);
    return tokens >= 1 && tokens <= kMaxDecodeTokens && qNope.stride(2) == 1 && qPe.is_contiguous()
        && qPe.size(0) == tokens && qPe.size(1) == heads && qPe.size(2) == rope && kvBHeads.is_contiguous()
        && kvBHeads.size(0) == heads && kvBHeads.size(1) == nope + valueDim && kvBHeads.size(2) == c
        && latent.is_contiguous() && kPe.is_contiguous() && kPe.size(0) == latent.size(0) && latent.size(0) >= 1
        && c % 128 == 0 && c <= kernels::kMaxMlaLatentDim && nope <= kernels::kMaxMlaNope && rope % 16 == 0
        && rope <= kernels::kMaxMlaRope && valueDim >= 1
        && aligned16(qPe) && aligned16(kvBHeads) && aligned16(latent) && aligned16(kPe);
}

at::Tensor fusedMlaDecode(const at::Tensor& qNope, const at::Tensor& qPe, const at::Tensor& kvBHeads,
    std::int64_t valueDim, const at::Tensor& latent, const at::Tensor& kPe, const at::Tensor& positions, double scale)
{
    kernels::MlaDecodeInputs in;
    in.qNope = bf16Data(qNope);
    in.qTokenStride = qNope.stride(0);
    in.qHeadStride = qNope.stride(1);
    in.qPe = bf16Data(qPe);
    in.kvB = bf16Data(kvBHeads);
    in.latent = bf16Data(latent);
    in.kPe = bf16Data(kPe);
    const auto rows = positions.to(at::kLong).contiguous(); // [T]
    in.positions = rows.data_ptr<std::int64_t>();
    in.tokens = static_cast<int>(qNope.size(0));
    in.heads = static_cast<int>(qNope.size(1));
    in.nope = static_cast<int>(qNope.size(2));
    in.rope = static_cast<int>(kPe.size(1));
    in.valueDim = static_cast<int>(valueDim);
    in.latentDim = static_cast<int>(latent.size(1));
    in.span = latent.size(0);
    in.scale = static_cast<float>(scale);
    const auto layout = kernels::mlaDecodeLayout(in);
    const std::int64_t queryRows = qNope.size(0) * qNope.size(1);
    auto qLatent = at::empty({ queryRows, latent.size(1) }, qNope.options());
    auto sums = at::empty({ layout.chunks, queryRows, latent.size(1) }, qNope.options().dtype(at::kFloat));
    auto stats = at::empty({ layout.chunks, queryRows, 2 }, qNope.options().dtype(at::kFloat));
    auto out = at::empty({ qNope.size(0), qNope.size(1) * valueDim }, qNope.options());
    kernels::launchMlaDecode(in, { bf16Data(qLatent), sums.data_ptr<float>(), stats.data_ptr<float>() },
        bf16Data(out), streamOf(qNope));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return out;
}

namespace {
    // Whether the GQA decode kernels take `heads` query heads of headDim over keys / values [S, Hkv, D] (unless
    // MOESCOPE_GQA_DECODE_KERNEL=0 switches them off).
    bool gqaCacheFits(std::int64_t heads, std::int64_t headDim, const at::Tensor& keys, const at::Tensor& values)
    {
        static const bool switchedOff = switchedOffByEnvironment("MOESCOPE_GQA_DECODE_KERNEL");
        if (switchedOff || !kernelsMayRun() || !cudaBf16(keys) || !cudaBf16(values) || keys.dim() != 3
            || values.sizes() != keys.sizes())
            return false;
        return keys.size(2) == headDim
            && kernels::gqaDecodeSupports(static_cast<int>(heads), static_cast<int>(keys.size(1)),
                static_cast<int>(headDim), keys.size(0))
            && keys.is_contiguous() && values.is_contiguous() && aligned16(keys) && aligned16(values);
    }
} // namespace

bool fusedGqaDecodeApplies(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values)
{
    return cudaBf16(q) && q.dim() == 3 && q.size(0) == 1 && q.is_contiguous() && aligned16(q)
        && gqaCacheFits(q.size(1), q.size(2), keys, values);
}

namespace {
    // The kernel's inputs for q [1, H, D] over keys / values [S, Hkv, D]; position (int64 [1]) must outlive the
    // launch. (A step from its projections passes the buffer its queries are rotated into where the span takes two
    // launches.)
    kernels::GqaDecodeInputs gqaDecodeInputs(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values,
        const at::Tensor& position, int window, double scale)
    {
        kernels::GqaDecodeInputs in;
        in.q = bf16Data(q);
        in.keys = bf16Data(keys);
        in.values = bf16Data(values);
        in.positions = position.data_ptr<std::int64_t>();
        in.heads = static_cast<int>(q.size(1));
        in.kvHeads = static_cast<int>(keys.size(1));
        in.headDim = static_cast<int>(q.size(2));
        in.window = window;
        in.span = keys.size(0);
        in.scale = static_cast<float>(scale);
        return in;
    }
    // Scratch of the chunks' sums and stats for `in`, and its output [1, H * D].
    struct GqaDecodeBuffers {
        at::Tensor sums, stats, out;
    };
    GqaDecodeBuffers gqaDecodeBuffers(const kernels::GqaDecodeInputs& in, const at::TensorOptions& options)
    {
        const auto chunks = kernels::gqaDecodeLayout(in).chunks;
        const auto floats = options.dtype(at::kFloat);
        return { at::empty({ chunks, in.heads, in.headDim }, floats), at::empty({ chunks, in.heads, 2 }, floats),
            at::empty({ 1, static_cast<std::int64_t>(in.heads) * in.headDim }, options) };
    }
} // namespace

at::Tensor fusedGqaDecode(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values,
    const at::Tensor& positions, int window, double scale)
{
    const auto position = positions.to(at::kLong).contiguous(); // [1]
    const auto in = gqaDecodeInputs(q, keys, values, position, window, scale);
    auto buffers = gqaDecodeBuffers(in, q.options());
    kernels::launchGqaDecode(in, buffers.sums.data_ptr<float>(), buffers.stats.data_ptr<float>(),
        bf16Data(buffers.out), streamOf(q));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return buffers.out;
}

bool fusedGqaDecodeStepApplies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cos,
    const at::Tensor& cacheK, const at::Tensor& cacheV, std::int64_t span, const StepQkNorms& norms)
{
    static const bool switchedOff = switchedOffByEnvironment("MOESCOPE_GQA_STEP_KERNEL");
    return !switchedOff && fusedRopeStepApplies(q, k, v, cos, cacheK, cacheV, norms) && q.size(0) == 1
        && span >= 1 && span <= cacheK.size(0) && headPiecesFit(q) && headPiecesFit(k) && headPiecesFit(v)
        && gqaCacheFits(q.size(1), q.size(2), cacheK.narrow(0, 0, span), cacheV.narrow(0, 0, span));
}

at::Tensor fusedGqaDecodeStep(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cos,
    const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheK, at::Tensor& cacheV, std::int64_t span,
    const GqaStepOptions& options)
{
    const auto s = sin.contiguous();
    const auto position = positions.to(at::kLong).contiguous(); // [1]
    auto rotated = at::empty(q.sizes(), q.options()); // written only where the span takes the two launches
    const auto step = ropeStepInputs(q, k, v, cos, s, position, cacheK, cacheV, options.interleaved, options.float32,
        options.keepInterleaved, options.norms, rotated);
    const auto in = gqaDecodeInputs(
        rotated, cacheK.narrow(0, 0, span), cacheV.narrow(0, 0, span), position, options.window, options.scale);
    auto buffers = gqaDecodeBuffers(in, q.options());
    kernels::launchGqaDecodeStep(in, step, buffers.sums.data_ptr<float>(), buffers.stats.data_ptr<float>(),
        bf16Data(buffers.out), streamOf(q));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    return buffers.out;
}

bool fusedGreedyNextApplies(const at::Tensor& logits, const at::Tensor& inputs)
{
    return kernelsMayRun() && logits.is_cuda()
        && (logits.scalar_type() == at::kFloat || logits.scalar_type() == at::kBFloat16) && logits.dim() == 2
        && logits.size(0) == 1 && logits.size(1) >= 1 && logits.is_contiguous() && inputs.device() == logits.device()
        && inputs.scalar_type() == at::kLong && inputs.numel() == 2 && inputs.is_contiguous();
}

void fusedGreedyNext(const at::Tensor& logits, at::Tensor& inputs)
{
    const auto slices = kernels::greedyNextScratchSlices();
    const auto values = at::empty({ slices }, logits.options().dtype(at::kFloat));
    const auto indices = at::empty({ slices }, inputs.options());
    auto launch = [&](const auto* data) {
        kernels::launchGreedyNext(data, logits.size(1), values.data_ptr<float>(), indices.data_ptr<std::int64_t>(),
            inputs.data_ptr<std::int64_t>(), streamOf(logits));
    };
    if (logits.scalar_type() == at::kFloat)
        launch(logits.data_ptr<float>());
    else
        launch(bf16Data(logits));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
}

bool fusedDecodeBranchApplies(const at::Tensor& x)
{
    static const bool switchedOff = switchedOffByEnvironment("MOESCOPE_SHARED_EXPERT_STREAM");
    return !switchedOff && kernelsMayRun() && x.is_cuda();
}

namespace {
    c10::cuda::CUDAStream cudaStreamOf(const c10::Stream& s)
    {
        return c10::cuda::CUDAStream(c10::cuda::CUDAStream::UNCHECKED, s);
    }
} // namespace

DecodeBranch::DecodeBranch(const at::Tensor& x)
    : m_main(c10::cuda::getCurrentCUDAStream(x.device().index()).unwrap())
    , m_side(c10::cuda::getStreamFromPool(false, x.device().index()).unwrap())
{
    at::cuda::CUDAEvent forked;
    forked.record(cudaStreamOf(m_main));
    forked.block(cudaStreamOf(m_side));
    // x is read on the side stream: its memory is not reused before that work is done.
    c10::cuda::CUDACachingAllocator::recordStream(x.storage().data_ptr(), cudaStreamOf(m_side));
}

at::Tensor DecodeBranch::run(const std::function<at::Tensor()>& f)
{
    at::Tensor result;
    {
        c10::cuda::CUDAStreamGuard onSide(cudaStreamOf(m_side));
        result = f();
    }
    // Made on the side stream, used on the current one.
    c10::cuda::CUDACachingAllocator::recordStream(result.storage().data_ptr(), cudaStreamOf(m_main));
    return result;
}

void DecodeBranch::join()
{
    at::cuda::CUDAEvent done;
    done.record(cudaStreamOf(m_side));
    done.block(cudaStreamOf(m_main));
}
#else
bool fusedMoeDecodeApplies(const at::Tensor&, std::int64_t, const at::Tensor&, const at::Tensor&) { return false; }
at::Tensor fusedMoeDecode(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedRmsNormApplies(const at::Tensor&, const at::Tensor&) { return false; }
bool fusedEmbedRmsNormApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&) { return false; }
std::pair<at::Tensor, at::Tensor> fusedEmbedRmsNorm(const at::Tensor&, const at::Tensor&, const at::Tensor&, double)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedGemvApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&) { return false; }
at::Tensor fusedGemv(const at::Tensor&, const at::Tensor&, const at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedRopeAnglesApply(const at::Tensor&, const at::Tensor&) { return false; }
std::pair<at::Tensor, at::Tensor> fusedRopeAngles(const at::Tensor&, const at::Tensor&, double)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedRopeApplies(const at::Tensor&, const at::Tensor&, bool) { return false; }
bool fusedGemvsApply(const at::Tensor&, const std::vector<at::Tensor>&, const std::vector<at::Tensor>&) { return false; }
std::vector<at::Tensor> fusedGemvs(const at::Tensor&, const std::vector<at::Tensor>&, const std::vector<at::Tensor>&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
at::Tensor fusedMoeDecodeSlots(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
at::Tensor fusedCombineSlots(const ExpertSlotOutputs&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool slotSumsFitNorm(const at::Tensor&) { return false; }
bool fusedCombineAddRmsNormApplies(const at::Tensor&, const ExpertSlotOutputs&, const at::Tensor&) { return false; }
std::pair<at::Tensor, at::Tensor> fusedCombineAddRmsNorm(
    const at::Tensor&, const ExpertSlotOutputs&, const at::Tensor&, double)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedAddRmsNormApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&) { return false; }
std::pair<at::Tensor, at::Tensor> fusedAddRmsNorm(const at::Tensor&, const at::Tensor&, const at::Tensor&, double)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedRouterApplies(const at::Tensor&, const at::Tensor&, std::int64_t) { return false; }
bool fusedRouterSelectionApplies(const at::Tensor&, std::int64_t) { return false; }
RoutingDecision fusedRouterSelection(const at::Tensor&, const RouterChoice&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedAddNormRouterApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&, std::int64_t)
{
    return false;
}
std::pair<at::Tensor, at::Tensor> fusedAddNormRouter(const at::Tensor&, const at::Tensor&, const at::Tensor&, double,
    const at::Tensor&, const RouterChoice&, RoutingDecision&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedRopeStepApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&,
    const at::Tensor&, const StepQkNorms&)
{
    return false;
}
at::Tensor fusedRopeStep(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&,
    const at::Tensor&, at::Tensor&, at::Tensor&, bool, bool, bool, const StepQkNorms&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedGatedGemvApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&) { return false; }
at::Tensor fusedGatedGemv(const at::Tensor&, const at::Tensor&, const at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
RoutingDecision fusedRouter(const at::Tensor&, const at::Tensor&, const RouterChoice&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
at::Tensor fusedRope(const at::Tensor&, const at::Tensor&, const at::Tensor&, bool, bool, bool)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
at::Tensor fusedRmsNorm(const at::Tensor&, const at::Tensor&, double)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedMlaStepApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&,
    const at::Tensor&)
{
    return false;
}
at::Tensor fusedMlaStep(const at::Tensor&, const at::Tensor&, double, const at::Tensor&, const at::Tensor&,
    const at::Tensor&, const at::Tensor&, at::Tensor&, at::Tensor&, bool, bool, bool)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedMlaDecodeApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&, std::int64_t, const at::Tensor&,
    const at::Tensor&)
{
    return false;
}
at::Tensor fusedMlaDecode(const at::Tensor&, const at::Tensor&, const at::Tensor&, std::int64_t, const at::Tensor&,
    const at::Tensor&, const at::Tensor&, double)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedGqaDecodeApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&) { return false; }
bool fusedGqaDecodeStepApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&,
    const at::Tensor&, const at::Tensor&, std::int64_t, const StepQkNorms&)
{
    return false;
}
at::Tensor fusedGqaDecodeStep(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&,
    const at::Tensor&, const at::Tensor&, at::Tensor&, at::Tensor&, std::int64_t, const GqaStepOptions&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
at::Tensor fusedGqaDecode(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&, int, double)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedGreedyNextApplies(const at::Tensor&, const at::Tensor&) { return false; }
void fusedGreedyNext(const at::Tensor&, at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedDecodeBranchApplies(const at::Tensor&) { return false; }
DecodeBranch::DecodeBranch(const at::Tensor&)
    : m_main(c10::Stream::DEFAULT, c10::Device(c10::kCPU))
    , m_side(c10::Stream::DEFAULT, c10::Device(c10::kCPU))
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
at::Tensor DecodeBranch::run(const std::function<at::Tensor()>&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
void DecodeBranch::join() { throw UnsupportedError("this build has no fused CUDA decode kernels"); }
#endif

} // namespace moescope

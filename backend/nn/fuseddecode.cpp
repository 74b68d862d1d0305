#include "nn/fuseddecode.h"

#include "core/error.h"

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
#include "kernels/decodekernels.h"
#include "nn/kernelinputs.h"

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
    if (!inferenceOnly() || !cudaBf16(x) || !cudaBf16(gateUp) || !cudaBf16(down)
        || at::autocast::is_autocast_enabled(at::kCUDA))
        return false;
    const auto hidden = x.size(-1);
    const auto inter = down.size(2);
    return x.dim() == 2 && x.size(0) <= kMaxDecodeTokens && k >= 1 && k <= kernels::kMaxTopK && hidden % 8 == 0
        && inter % 8 == 0 && gateUp.is_contiguous() && down.is_contiguous() && gateUp.size(2) == hidden
        && x.is_contiguous() && aligned16(x) && aligned16(gateUp) && aligned16(down);
}

at::Tensor fusedMoeDecode(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights,
    const at::Tensor& gateUp, const at::Tensor& down)
{
    const auto tokens = x.size(0);
    const auto k = ids.size(1);
    const auto hidden = x.size(1);
    const auto inter = down.size(2);
    const auto slotIds = ids.to(at::kLong).contiguous(); // [T, k]
    const auto slotWeights = weights.to(at::kFloat).contiguous(); // [T, k]
    auto h = at::empty({ tokens * k, inter }, x.options()); // [S, I]
    auto out = at::empty({ tokens, hidden }, x.options()); // [T, H]
    kernels::launchMoeDecode(bf16Data(x), bf16Data(gateUp), bf16Data(down), slotIds.data_ptr<std::int64_t>(),
        slotWeights.data_ptr<float>(), tokens, static_cast<int>(k), hidden, inter, bf16Data(h), bf16Data(out),
        streamOf(x));
    return out;
}

bool fusedGemvApplies(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias)
{
    if (!inferenceOnly() || !cudaBf16(x) || !cudaBf16(weight) || weight.dim() != 2 || !weight.is_contiguous())
        return false;
    const auto in = weight.size(1);
    return x.size(-1) == in && in % 8 == 0 && x.numel() / in <= kMaxDecodeTokens && x.is_contiguous() && aligned16(x)
        && aligned16(weight)
        && (!bias.defined() || (cudaBf16(bias) && bias.is_contiguous()));
}

at::Tensor fusedGemv(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias)
{
    const auto in = weight.size(1);
    const auto out = weight.size(0);
    auto sizes = x.sizes().vec();
    sizes.back() = out;
    auto y = at::empty(sizes, x.options()); // [..., out]
    kernels::launchGemv(bf16Data(x), bf16Data(weight), bias.defined() ? bf16Data(bias) : nullptr, x.numel() / in, in,
        out, bf16Data(y), streamOf(x));
    return y;
}

bool fusedRmsNormApplies(const at::Tensor& x, const at::Tensor& weight)
{
    if (!inferenceOnly() || !cudaBf16(x) || !cudaBf16(weight) || weight.dim() != 1 || x.size(-1) != weight.size(0))
        return false;
    return x.numel() / x.size(-1) <= kMaxNormRows;
}

at::Tensor fusedRmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps)
{
    const auto input = x.contiguous();
    const auto w = weight.contiguous();
    auto out = at::empty_like(input);
    const auto d = x.size(-1);
    kernels::launchRmsNorm(bf16Data(input), bf16Data(w), input.numel() / d, d, static_cast<float>(eps),
        bf16Data(out), streamOf(x));
    return out;
}

bool fusedRopeApplies(const at::Tensor& x, const at::Tensor& cos)
{
    return inferenceOnly() && cudaBf16(x) && x.dim() == 3 && x.stride(2) == 1 && x.size(2) % 2 == 0
        && x.size(0) * x.size(1) <= kMaxNormRows && cos.is_cuda() && cos.scalar_type() == at::kFloat
        && cos.is_contiguous() && cos.dim() == 2 && cos.size(0) == x.size(0) && cos.size(1) * 2 == x.size(2);
}

at::Tensor fusedRope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, bool interleaved, bool float32,
    bool keepInterleaved)
{
    auto out = at::empty(x.sizes(), x.options()); // [T, heads, dim]
    const auto s = sin.contiguous();
    kernels::launchRope(bf16Data(x), x.size(0), x.size(1), x.size(2), x.stride(0), x.stride(1), cos.data_ptr<float>(),
        s.data_ptr<float>(), interleaved, float32, keepInterleaved, bf16Data(out), streamOf(x));
    return out;
}
#else
bool fusedMoeDecodeApplies(const at::Tensor&, std::int64_t, const at::Tensor&, const at::Tensor&) { return false; }
at::Tensor fusedMoeDecode(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedRmsNormApplies(const at::Tensor&, const at::Tensor&) { return false; }
bool fusedGemvApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&) { return false; }
at::Tensor fusedGemv(const at::Tensor&, const at::Tensor&, const at::Tensor&)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
bool fusedRopeApplies(const at::Tensor&, const at::Tensor&) { return false; }
at::Tensor fusedRope(const at::Tensor&, const at::Tensor&, const at::Tensor&, bool, bool, bool)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
at::Tensor fusedRmsNorm(const at::Tensor&, const at::Tensor&, double)
{
    throw UnsupportedError("this build has no fused CUDA decode kernels");
}
#endif

} // namespace moescope

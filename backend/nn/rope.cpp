#include "nn/rope.h"

#include "nn/fuseddecode.h"

#include "core/error.h"

#include <cmath>
#include <numbers>

namespace moescope {

double yarnMscale(double scale, double mscale)
{
    return scale <= 1.0 ? 1.0 : 0.1 * mscale * std::log(scale) + 1.0;
}

namespace {
    at::Tensor defaultFrequencies(const RopeSpec& spec) // [dim/2]
    {
        auto exponents = at::arange(0, spec.dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(spec.dim);
        return 1.0 / at::pow(spec.theta, exponents);
    }

    // YaRN (as transformers' _compute_yarn_parameters): blend interpolated and extrapolated frequencies over the
    // correction range [low, high] of rotary dimensions.
    at::Tensor yarnFrequencies(const RopeSpec& spec, double& attentionFactor)
    {
        const double dim = spec.dim;
        const double factor = spec.factor;
        if (spec.attentionFactor >= 0)
            attentionFactor = spec.attentionFactor;
        else if (spec.mscale != 0.0 && spec.mscaleAllDim != 0.0)
            attentionFactor = yarnMscale(factor, spec.mscale) / yarnMscale(factor, spec.mscaleAllDim);
        else
            attentionFactor = yarnMscale(factor, 1.0);

        auto correctionDim = [&](double rotations) {
            return dim * std::log(spec.originalMaxPositions / (rotations * 2 * std::numbers::pi))
                / (2 * std::log(spec.theta));
        };
        double low = correctionDim(spec.betaFast);
        double high = correctionDim(spec.betaSlow);
        if (spec.truncate) {
            low = std::floor(low);
            high = std::ceil(high);
        }
        low = std::max(low, 0.0);
        high = std::min(high, dim - 1);
        if (low == high)
            high += 0.001;

        const auto posFreqs = at::pow(spec.theta, at::arange(0, spec.dim, 2, at::kLong).to(at::kFloat) / dim);
        const auto extrapolation = 1.0 / posFreqs; // [dim/2]
        const auto interpolation = 1.0 / (factor * posFreqs);
        const auto ramp = at::clamp((at::arange(spec.dim / 2, at::kFloat) - low) / (high - low), 0, 1);
        const auto extrapolationFactor = 1 - ramp;
        return interpolation * (1 - extrapolationFactor) + extrapolation * extrapolationFactor;
    }

    at::Tensor llama3Frequencies(const RopeSpec& spec)
    {
        const auto invFreq = defaultFrequencies(spec);
        const double oldContext = spec.originalMaxPositions;
        const double lowWavelen = oldContext / spec.lowFreqFactor;
        const double highWavelen = oldContext / spec.highFreqFactor;
        const auto wavelen = 2 * std::numbers::pi / invFreq;
        auto scaled = at::where(wavelen > lowWavelen, invFreq / spec.factor, invFreq);
        const auto smooth = (oldContext / wavelen - spec.lowFreqFactor) / (spec.highFreqFactor - spec.lowFreqFactor);
        const auto smoothed = (1 - smooth) * scaled / spec.factor + smooth * scaled;
        const auto medium = (wavelen >= highWavelen).logical_and(wavelen <= lowWavelen);
        return at::where(medium, smoothed, scaled);
    }
} // namespace

Rope::Rope(const RopeSpec& spec, const at::Device& device)
    : m_interleaved(spec.interleaved)
    , m_float32(spec.float32Rotation)
{
    if (spec.dim <= 0 || spec.dim % 2 != 0)
        throw ShapeError("rotary dimension must be a positive even number, got " + std::to_string(spec.dim));
    at::Tensor invFreq;
    switch (spec.type) {
    case RopeType::Default:
        invFreq = defaultFrequencies(spec);
        break;
    case RopeType::Linear:
        invFreq = defaultFrequencies(spec) / spec.factor;
        break;
    case RopeType::Yarn:
        if (spec.originalMaxPositions <= 0)
            throw FormatError("yarn rope scaling needs original_max_position_embeddings");
        invFreq = yarnFrequencies(spec, m_attentionFactor);
        break;
    case RopeType::Llama3:
        invFreq = llama3Frequencies(spec);
        break;
    case RopeType::Dynamic:
        throw UnsupportedError("rope scaling type 'dynamic' is not supported");
    }
    m_invFreq = invFreq.to(device);
}

std::pair<at::Tensor, at::Tensor> Rope::cosSin(const at::Tensor& positions) const
{
    if (fusedRopeAnglesApply(positions, m_invFreq)) // on CUDA: one kernel instead of six (every decode step)
        return fusedRopeAngles(positions, m_invFreq, m_attentionFactor);
    return cosSinUnfused(positions);
}

std::pair<at::Tensor, at::Tensor> Rope::cosSinUnfused(const at::Tensor& positions) const
{
    const auto freqs = positions.to(at::kFloat).unsqueeze(1) * m_invFreq.unsqueeze(0); // [T, dim/2]
    return { freqs.cos() * m_attentionFactor, freqs.sin() * m_attentionFactor };
}

at::Tensor Rope::apply(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const
{
    if (fusedRopeApplies(x, cos, m_float32)) // on CUDA: one kernel instead of about ten
        return fusedRope(x, cos, sin, m_interleaved, m_float32, m_float32 && m_interleaved);
    return applyUnfused(x, cos, sin);
}

at::Tensor Rope::applyStoringKeys(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cos,
    const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheK, at::Tensor& cacheV,
    const StepQkNorms& norms) const
{
    if (!fusedRopeStepApplies(q, k, v, cos, cacheK, cacheV, norms))
        return {};
    return fusedRopeStep(q, k, v, cos, sin, positions, cacheK, cacheV, m_interleaved, m_float32,
        m_float32 && m_interleaved, norms);
}

at::Tensor Rope::applyAttendingStep(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
    const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheK, at::Tensor& cacheV,
    std::int64_t span, const StepQkNorms& norms, int window, double scale) const
{
    if (!fusedGqaDecodeStepApplies(q, k, v, cos, cacheK, cacheV, span, norms))
        return {};
    return fusedGqaDecodeStep(q, k, v, cos, sin, positions, cacheK, cacheV, span,
        { m_interleaved, m_float32, m_float32 && m_interleaved, norms, window, scale });
}

at::Tensor Rope::applyStoringLatent(const at::Tensor& qPe, const at::Tensor& compressed, const at::Tensor& normWeight,
    double eps, const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheLatent,
    at::Tensor& cacheKPe) const
{
    if (!fusedMlaStepApplies(compressed, normWeight, qPe, cos, cacheLatent, cacheKPe))
        return {};
    return fusedMlaStep(compressed, normWeight, eps, qPe, cos, sin, positions, cacheLatent, cacheKPe, m_interleaved,
        m_float32, m_float32 && m_interleaved);
}

at::Tensor Rope::applyUnfused(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const
{
    const auto half = x.size(-1) / 2;
    if (m_float32 && m_interleaved) {
        // DeepSeek-V2's reference rotates the pairs as complex numbers in float32 and keeps them interleaved; doing
        // exactly that keeps bf16 runs bit-identical to it (the pairs' layout also sets the order of the attention
        // dot products' sums).
        auto sizes = x.sizes().vec();
        sizes.back() = half;
        sizes.push_back(2);
        const auto pairs = at::view_as_complex(x.to(at::kFloat).reshape(sizes).contiguous()); // [T, heads, dim/2]
        const auto rotation = at::view_as_complex(at::stack({ cos, sin }, -1).to(at::kFloat)).unsqueeze(1);
        return at::view_as_real(pairs * rotation).flatten(-2).to(x.scalar_type()); // [T, heads, dim]
    }
    const auto dtype = m_float32 ? at::kFloat : x.scalar_type();
    const auto xr = x.to(dtype);
    const auto c = cos.unsqueeze(1).to(dtype); // [T, 1, dim/2]
    const auto s = sin.unsqueeze(1).to(dtype);
    at::Tensor x1, x2; // [T, heads, dim/2]
    if (m_interleaved) {
        x1 = xr.slice(-1, 0, xr.size(-1), 2);
        x2 = xr.slice(-1, 1, xr.size(-1), 2);
    } else {
        x1 = xr.slice(-1, 0, half);
        x2 = xr.slice(-1, half);
    }
    return at::cat({ x1 * c - x2 * s, x2 * c + x1 * s }, -1).to(x.scalar_type()); // [T, heads, dim]
}

} // namespace moescope

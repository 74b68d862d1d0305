#include <cstdint>
#include "nn/decoderlayer.h"

#include "nn/fuseddecode.h"
#include "nn/rmsnorm.h"
#include "nn/weightsource.h"

namespace moescope {

DecoderLayer::DecoderLayer(const ModelSpec& spec, int index, WeightSource& w, const Rope& rope)
    : m_index(index)
    , m_eps(spec.rmsNormEps)
{
    const auto prefix = "model.layers." + std::to_string(index) + ".";
    m_inputNorm = w.loadNorm(prefix + "input_layernorm", spec.hiddenSize);
    m_postAttentionNorm = w.loadNorm(prefix + "post_attention_layernorm", spec.hiddenSize);
    if (spec.attention.kind == AttentionKind::Mla)
        m_attention = std::make_unique<MlaAttention>(spec, prefix + "self_attn.", w, rope);
    else
        m_attention = std::make_unique<GqaAttention>(spec, prefix + "self_attn.", w, rope);
    const auto& layer = spec.layers.at(static_cast<std::size_t>(index));
    const auto mlpPrefix = prefix + spec.naming.mlpModule + ".";
    if (layer.moe)
        m_moe = std::make_unique<MoeBlock>(spec, mlpPrefix, w);
    else
        m_mlp = DenseMlp(prefix + "mlp.", spec.hiddenSize, layer.denseIntermediate, w);
}

ResidualStream DecoderLayer::forward(const ResidualStream& in, const AttentionContext& ctx, ForwardObserver* observer,
    RoutingDecision* decision) const
{
    const auto [x, input] = settledAndNormed(in, m_inputNorm, m_eps); // [T, hidden] each
    const auto attention = m_attention->forward(input, m_index, ctx);
    if (m_moe) {
        auto [h, out] = m_moe->forwardAfterAdd(x, attention, m_postAttentionNorm, m_eps, m_index, ctx.start, observer,
            decision);
        return { std::move(h), std::move(out), {} };
    }
    auto [h, normed] = addRmsNorm(x, attention, m_postAttentionNorm, m_eps);
    return { std::move(h), { m_mlp(normed), {} }, {} };
}

std::pair<at::Tensor, at::Tensor> settledAndNormed(const ResidualStream& stream, const at::Tensor& weight, double eps)
{
    const auto& pending = stream.pending;
    if (stream.normed.defined())
        return { stream.x, stream.normed };
    if (pending.slots.defined() && fusedCombineAddRmsNormApplies(stream.x, pending.slots, weight))
        return fusedCombineAddRmsNorm(stream.x, pending.slots, weight, eps);
    if (pending.combined.defined() || pending.slots.defined())
        return addRmsNorm(stream.x, pending.combinedOrSum(), weight, eps);
    return { stream.x, rmsNorm(stream.x, weight, eps) };
}

std::int64_t DecoderLayer::weightBytes() const
{
    return m_inputNorm.nbytes() + m_postAttentionNorm.nbytes() + m_attention->weightBytes()
        + (m_moe ? m_moe->weightBytes() : m_mlp.weightBytes());
}

} // namespace moescope

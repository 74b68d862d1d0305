#include "nn/attention.h"
#include <cstdint>

#include "nn/attentionmask.h"
#include "nn/fuseddecode.h"
#include "nn/fusedprefill.h"
#include "nn/rmsnorm.h"
#include "nn/weightsource.h"

namespace moescope {

namespace {
// Stores this step's keys/values (or MLA's latent and rotated key) in the cache and returns everything to attend to.
std::pair<at::Tensor, at::Tensor> withCache(
    const AttentionContext& ctx, int layer, const at::Tensor& first, const at::Tensor& second)
{
    if (ctx.slots)
        return ctx.slots->writeStep(layer, ctx.stepPositions, first, second, ctx.keySpan); // [B, S, ...] each
    if (!ctx.cache)
        return { first, second };
    if (ctx.stepPositions.defined())
        return ctx.cache->writeAt(layer, ctx.stepPositions, first, second, ctx.keySpan);
    return ctx.cache->append(layer, first, second);
}

// [T, S] for one sequence (broadcast over heads and batch); [B, 1, 1, S] for a batched step's sequences.
AttentionMask maskFor(const AttentionContext& ctx, std::int64_t tokens, int slidingWindow, const at::Device& device,
    bool explicitCausal = false)
{
    if (ctx.stepPositions.defined()) {
        const bool stepWindow = slidingWindow == ctx.stepMaskWindow;
        if (stepWindow && !ctx.stepMask.defined())
            ctx.stepMask
                = additiveMask(makeStepMask(ctx.stepPositions, ctx.keySpan, slidingWindow), ctx.stepMaskOptions);
        auto mask = stepWindow ? ctx.stepMask : makeStepMask(ctx.stepPositions, ctx.keySpan, slidingWindow);
        return { false, ctx.slots ? mask.view({ ctx.batch, 1, 1, ctx.keySpan }) : mask };
    }
    return makeAttentionMask(ctx.start, tokens, slidingWindow, device, explicitCausal);
}

// [N, H, a + b]: each head's two parts side by side (MLA's queries and keys for its expanded attention).
at::Tensor concatHeads(const at::Tensor& first, const at::Tensor& second)
{
    return fusedConcatHeadsApplies(first, second) ? fusedConcatHeads(first, second) : at::cat({ first, second }, 2);
}

// q [B*T, H, D], k/v [B*S, Hkv, D'] or [B, S, Hkv, D'] -> [B*T, H * Dv] through SDPA (math or fused kernel as the
// device picks).
at::Tensor sdpa(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const AttentionContext& ctx,
    int slidingWindow, double scale)
{
    const auto rows = q.size(0);
    const auto b = ctx.batch;
    const auto tokens = rows / b;
    auto batched = [b](const at::Tensor& t) { // [B*S, H, D] or [B, S, H, D] -> [B, H, S, D]
        return (t.dim() == 4 ? t : t.view({ b, t.size(0) / b, t.size(1), t.size(2) })).transpose(1, 2);
    };
    const auto mask = maskFor(ctx, tokens, slidingWindow, q.device());
    // The CPU's fused (flash) kernel needs one head size for q, k and v, else SDPA falls back to the math path,
    // ~5x slower on MLA's 64/48 heads: pad v with zeros and drop the padding from the output.
    const auto valueDim = v.size(-1);
    const bool padValues = q.device().is_cpu() && valueDim < q.size(2);
    const auto values = padValues ? at::constant_pad_nd(v, { 0, q.size(2) - valueDim }) : v;
    auto out = at::scaled_dot_product_attention(batched(q), batched(k), batched(values), mask.mask, 0.0, mask.isCausal,
        scale, q.size(1) != k.size(1)); // [B, H, T, Dv (padded)]
    if (padValues)
        out = out.narrow(3, 0, valueDim);
    return out.transpose(1, 2).reshape({ rows, -1 }); // [B*T, H * Dv]
}
} // namespace

GqaAttention::GqaAttention(const ModelSpec& spec, const std::string& prefix, WeightSource& w, const Rope& rope)
    : m_spec(spec.attention)
    , m_eps(spec.rmsNormEps)
    , m_rope(rope)
{
    const auto h = spec.hiddenSize;
    const auto qDim = m_spec.numHeads * m_spec.headDim;
    const auto kvDim = m_spec.numKvHeads * m_spec.headDim;
    m_q = w.loadLinear(prefix + "q_proj", qDim, h, m_spec.qkvBias);
    m_k = w.loadLinear(prefix + "k_proj", kvDim, h, m_spec.qkvBias);
    m_v = w.loadLinear(prefix + "v_proj", kvDim, h, m_spec.qkvBias);
    m_o = w.loadLinear(prefix + "o_proj", h, qDim, m_spec.outputBias);
    if (m_spec.qkNorm == QkNormKind::PerHead) {
        m_qNorm = w.loadNorm(prefix + "q_norm", m_spec.headDim);
        m_kNorm = w.loadNorm(prefix + "k_norm", m_spec.headDim);
    } else if (m_spec.qkNorm == QkNormKind::FullProjection) {
        m_qNorm = w.loadNorm(prefix + "q_norm", qDim);
        m_kNorm = w.loadNorm(prefix + "k_norm", kvDim);
    }
}

at::Tensor GqaAttention::forward(const at::Tensor& x, int layer, const AttentionContext& ctx) const
{
    const auto tokens = x.size(0);
    auto qkv = Linear::applyAll(x, { &m_q, &m_k, &m_v });
    auto q = std::move(qkv[0]); // [T, H * D]
    auto k = std::move(qkv[1]); // [T, Hkv * D]
    auto v = std::move(qkv[2]); // [T, Hkv * D]
    const double scale = 1.0 / std::sqrt(static_cast<double>(m_spec.headDim));
    const bool recordedStep = ctx.cache && ctx.stepPositions.defined() && ctx.batch == 1;
    // A recorded step on CUDA: (norms,) rotation, cache write and attention over the cache (split over its keys) in
    // the kernels of one token's step; else (norms,) rotation and cache write in one kernel, then attention over the
    // cache; the output, or undefined where neither applies. q [T, H, D], k and v [T, Hkv, D].
    auto fusedStep = [&](const at::Tensor& q3, const at::Tensor& k3, const at::Tensor& v3, const StepQkNorms& norms) {
        auto [cacheK, cacheV] = ctx.cache->storage(layer, ctx.keySpan);
        if (auto out = m_rope.applyAttendingStep(q3, k3, v3, ctx.cos, ctx.sin, ctx.stepPositions, cacheK, cacheV,
                ctx.keySpan, norms, m_spec.slidingWindow, scale);
            out.defined())
            return m_o(out);
        const auto rotated
            = m_rope.applyStoringKeys(q3, k3, v3, ctx.cos, ctx.sin, ctx.stepPositions, cacheK, cacheV, norms);
        if (!rotated.defined())
            return at::Tensor();
        const auto keys = cacheK.narrow(0, 0, ctx.keySpan), values = cacheV.narrow(0, 0, ctx.keySpan);
        return m_o(fusedGqaDecodeApplies(rotated, keys, values)
                ? fusedGqaDecode(rotated, keys, values, ctx.stepPositions, m_spec.slidingWindow, scale)
                : sdpa(rotated, keys, values, ctx, m_spec.slidingWindow, scale));
    };
    if (recordedStep && m_spec.qkNorm != QkNormKind::None && m_spec.clipQkv <= 0) {
        const StepQkNorms norms { m_qNorm, m_kNorm, m_eps, m_spec.qkNorm == QkNormKind::PerHead };
        if (auto out = fusedStep(q.view({ tokens, m_spec.numHeads, m_spec.headDim }),
                k.view({ tokens, m_spec.numKvHeads, m_spec.headDim }),
                v.view({ tokens, m_spec.numKvHeads, m_spec.headDim }), norms);
            out.defined())
            return out;
    }
    if (m_spec.qkNorm == QkNormKind::FullProjection) {
        q = rmsNorm(q, m_qNorm, m_eps);
        k = rmsNorm(k, m_kNorm, m_eps);
    }
    if (m_spec.clipQkv > 0) {
        q = q.clamp(-m_spec.clipQkv, m_spec.clipQkv);
        k = k.clamp(-m_spec.clipQkv, m_spec.clipQkv);
        v = v.clamp(-m_spec.clipQkv, m_spec.clipQkv);
    }
    q = q.view({ tokens, m_spec.numHeads, m_spec.headDim }); // [T, H, D]
    k = k.view({ tokens, m_spec.numKvHeads, m_spec.headDim }); // [T, Hkv, D]
    v = v.view({ tokens, m_spec.numKvHeads, m_spec.headDim }); // [T, Hkv, D]
    if (m_spec.qkNorm == QkNormKind::PerHead) {
        q = rmsNorm(q, m_qNorm, m_eps);
        k = rmsNorm(k, m_kNorm, m_eps);
    }
    if (recordedStep)
        if (auto out = fusedStep(q, k, v, {}); out.defined())
            return out;
    q = m_rope.apply(q, ctx.cos, ctx.sin);
    k = m_rope.apply(k, ctx.cos, ctx.sin);
    std::tie(k, v) = withCache(ctx, layer, k, v); // [S, Hkv, D] each
    return m_o(sdpa(q, k, v, ctx, m_spec.slidingWindow, scale)); // [T, hidden]
}

std::int64_t GqaAttention::weightBytes() const
{
    std::int64_t n = m_q.weightBytes() + m_k.weightBytes() + m_v.weightBytes() + m_o.weightBytes();
    if (m_qNorm.defined())
        n += m_qNorm.nbytes() + m_kNorm.nbytes();
    return n;
}

MlaAttention::MlaAttention(const ModelSpec& spec, const std::string& prefix, WeightSource& w, const Rope& rope)
    : m_spec(spec.attention)
    , m_eps(spec.rmsNormEps)
    , m_rope(rope)
{
    const auto h = spec.hiddenSize;
    const auto heads = m_spec.numHeads;
    const auto qHead = m_spec.qkNopeHeadDim + m_spec.qkRopeHeadDim;
    if (m_spec.qLoraRank > 0) {
        m_qA = w.loadLinear(prefix + "q_a_proj", m_spec.qLoraRank, h, m_spec.qkvBias);
        m_qANorm = w.loadNorm(prefix + "q_a_layernorm", m_spec.qLoraRank);
        m_qB = w.loadLinear(prefix + "q_b_proj", heads * qHead, m_spec.qLoraRank, false);
    } else {
        m_q = w.loadLinear(prefix + "q_proj", heads * qHead, h, false);
    }
    m_kvA = w.loadLinear(prefix + "kv_a_proj_with_mqa", m_spec.kvLoraRank + m_spec.qkRopeHeadDim, h, m_spec.qkvBias);
    m_kvANorm = w.loadNorm(prefix + "kv_a_layernorm", m_spec.kvLoraRank);
    m_kvB = w.loadLinear(
        prefix + "kv_b_proj", heads * (m_spec.qkNopeHeadDim + m_spec.vHeadDim), m_spec.kvLoraRank, false);
    m_o = w.loadLinear(prefix + "o_proj", h, heads * m_spec.vHeadDim, m_spec.outputBias);
    if (m_kvB.weights()->storesDense() || w.options().device().is_cuda())
        m_kvBHeads = m_kvB.dense().view({ heads, m_spec.qkNopeHeadDim + m_spec.vHeadDim, m_spec.kvLoraRank });
}

at::Tensor MlaAttention::forward(const at::Tensor& x, int layer, const AttentionContext& ctx) const
{
    const auto tokens = x.size(0);
    const auto heads = m_spec.numHeads;
    const auto nope = m_spec.qkNopeHeadDim;
    const auto ropeDim = m_spec.qkRopeHeadDim;

    const bool qLora = m_spec.qLoraRank > 0;
    const auto projected = Linear::applyAll(x, { qLora ? &m_qA : &m_q, &m_kvA }); // q (or its low-rank code), kv_a
    auto q = qLora ? m_qB(rmsNorm(projected[0], m_qANorm, m_eps)) : projected[0]; // [T, H * (nope + rope)]
    q = q.view({ tokens, heads, nope + ropeDim }); // [T, H, nope + rope]
    const auto qNope = q.narrow(2, 0, nope); // [T, H, nope]
    const auto& compressed = projected[1]; // [T, c + rope]
    at::Tensor qPe, latent, kPe; // [T, H, rope]; [S, c] and [S, rope] from the cache
    if (ctx.cache && ctx.stepPositions.defined() && !ctx.slots) {
        // A recorded step on CUDA: the latent's norm, both rotations and the cache write in one kernel.
        auto [cacheLatent, cacheKPe] = ctx.cache->storage(layer, ctx.keySpan);
        qPe = m_rope.applyStoringLatent(q.narrow(2, nope, ropeDim), compressed, m_kvANorm, m_eps, ctx.cos, ctx.sin,
            ctx.stepPositions, cacheLatent, cacheKPe);
        if (qPe.defined()) {
            latent = cacheLatent.narrow(0, 0, ctx.keySpan);
            kPe = cacheKPe.narrow(0, 0, ctx.keySpan);
        }
    }
    if (!qPe.defined()) {
        qPe = m_rope.apply(q.narrow(2, nope, ropeDim), ctx.cos, ctx.sin);
        latent = rmsNorm(compressed.narrow(1, 0, m_spec.kvLoraRank), m_kvANorm, m_eps); // [T, c]
        kPe = m_rope.apply(compressed.narrow(1, m_spec.kvLoraRank, ropeDim).unsqueeze(1), ctx.cos, ctx.sin)
                  .squeeze(1); // [T, rope]
        std::tie(latent, kPe) = withCache(ctx, layer, latent, kPe); // [S, c], [S, rope]
    }

    // Short steps over a long cache absorb; prefill, and prefill chunks over a long cache, expand (fused attention
    // kernels). A batched step's sequences each have their own cache: always absorbed.
    const bool absorb = ctx.slots || (ctx.batch == 1 && absorbIsCheaper(tokens, latent.size(0)));
    if (absorb && !ctx.slots && ctx.stepPositions.defined() && m_kvBHeads.defined()
        && fusedMlaDecodeApplies(qNope, qPe, m_kvBHeads, m_spec.vHeadDim, latent, kPe)) // a recorded step on CUDA
        return m_o(fusedMlaDecode(
            qNope, qPe, m_kvBHeads, m_spec.vHeadDim, latent, kPe, ctx.stepPositions, m_spec.softmaxScale));
    const auto out
        = absorb ? attendAbsorbed(qNope, qPe, latent, kPe, ctx) : attendExpanded(qNope, qPe, latent, kPe, ctx);
    return m_o(out); // [T, hidden]
}

bool MlaAttention::absorbIsCheaper(std::int64_t queries, std::int64_t keys) const
{
    // Multiply-adds per head. Absorbed: each query's latent against each key's latent and rotated part, the
    // probabilities against the latents, and each query's two projections through kv_b. Expanded: kv_b on each key,
    // then attention at the heads' own sizes. Expanding wins once a step has more than ~170 queries (DeepSeek-V2's
    // sizes) whatever the cache's length; under the rule before (queries * 4 < keys) the 2,048-token chunks of a 32k
    // prompt attended in latent space through materialised float32 scores: DeepSeek-V2-Lite took 4.7 s instead of
    // 1.0 s and held 10.9 GB of transient tensors instead of 0.75 GB (H200).
    const double c = static_cast<double>(m_spec.kvLoraRank), rope = static_cast<double>(m_spec.qkRopeHeadDim);
    const double nope = static_cast<double>(m_spec.qkNopeHeadDim), v = static_cast<double>(m_spec.vHeadDim);
    const double t = static_cast<double>(queries), s = static_cast<double>(keys);
    const double absorbed = t * s * (2 * c + rope) + t * c * (nope + v);
    const double expanded = s * c * (nope + v) + t * s * (nope + rope + v);
    return absorbed < expanded;
}

at::Tensor MlaAttention::attendExpanded(const at::Tensor& qNope, const at::Tensor& qPe, const at::Tensor& latent,
    const at::Tensor& kPe, const AttentionContext& ctx) const
{
    const auto keys = latent.size(0);
    const auto heads = m_spec.numHeads;
    const auto kv = m_kvB(latent).view({ keys, heads, m_spec.qkNopeHeadDim + m_spec.vHeadDim }); // [S, H, nope + v]
    const auto kNope = kv.narrow(2, 0, m_spec.qkNopeHeadDim); // [S, H, nope]
    const auto v = kv.narrow(2, m_spec.qkNopeHeadDim, m_spec.vHeadDim); // [S, H, v]
    const auto k = concatHeads(kNope, kPe.unsqueeze(1).expand({ keys, heads, m_spec.qkRopeHeadDim })); // [S, H, qk]
    const auto q = concatHeads(qNope, qPe); // [T, H, qk]
    return sdpa(q, k, v, ctx, 0, m_spec.softmaxScale); // [T, H * v]
}

at::Tensor MlaAttention::attendAbsorbed(const at::Tensor& qNope, const at::Tensor& qPe, const at::Tensor& latent,
    const at::Tensor& kPe, const AttentionContext& ctx) const
{
    // One sequence: latent [S, c], kPe [S, rope], T query rows. A batched step: latent [B, S, c], kPe [B, S, rope],
    // one query row per sequence. Both as B sequences of T queries each.
    const auto heads = m_spec.numHeads;
    const auto seqLatent = ctx.slots ? latent : latent.unsqueeze(0); // [B, S, c]
    const auto seqKPe = ctx.slots ? kPe : kPe.unsqueeze(0); // [B, S, rope]
    const auto b = seqLatent.size(0);
    const auto tokens = qNope.size(0) / b;
    const auto kvB = m_kvBHeads.defined()
        ? m_kvBHeads
        : m_kvB.dense().view({ heads, m_spec.qkNopeHeadDim + m_spec.vHeadDim, m_spec.kvLoraRank }); // [H, nope + v, c]
    const auto wUk = kvB.narrow(1, 0, m_spec.qkNopeHeadDim); // [H, nope, c]
    const auto wUv = kvB.narrow(1, m_spec.qkNopeHeadDim, m_spec.vHeadDim); // [H, v, c]
    const auto qp = qPe.reshape({ b, tokens, heads, -1 }).transpose(1, 2); // [B, H, T, rope]
    // The queries through kv_b per head, all sequences' rows at once (a product broadcast over B would copy the
    // heads' kv_b B times: 2 x 32 MB a layer and 40 us each on DeepSeek-V2-Lite at batch 16).
    const auto qLatentByHead = at::bmm(qNope.transpose(0, 1), wUk); // [H, B*T, c]
    // Heads and queries of a sequence as the rows of one product with its keys: batched products over B that read
    // each sequence's cache once (a broadcast over heads would copy the cache per head).
    const auto rows = heads * tokens;
    const auto qLatent = qLatentByHead.view({ heads, b, tokens, -1 }).transpose(0, 1).reshape({ b, rows, -1 });
    auto scores = at::bmm(qLatent, seqLatent.transpose(1, 2))
        + at::bmm(qp.reshape({ b, rows, -1 }), seqKPe.transpose(1, 2)); // [B, H*T, S]
    scores = scores.to(at::kFloat).view({ b, heads, tokens, -1 }) * m_spec.softmaxScale; // [B, H, T, S]
    const auto mask = maskFor(ctx, tokens, 0, scores.device(), /*explicitCausal=*/true); // [T, S] or [B, 1, 1, S]
    if (mask.mask && mask.mask->scalar_type() == at::kBool)
        scores = scores.masked_fill(mask.mask->logical_not(), -std::numeric_limits<float>::infinity());
    else if (mask.mask)
        scores = scores + *mask.mask; // additive (0 / -inf), broadcast over heads
    const auto probs = at::softmax(scores, -1).to(latent.scalar_type()).view({ b, rows, -1 }); // [B, H*T, S]
    const auto outLatent = at::bmm(probs, seqLatent).view({ b, heads, tokens, -1 }); // [B, H, T, c]
    const auto byHead = outLatent.transpose(0, 1).reshape({ heads, b * tokens, -1 }); // [H, B*T, c]
    const auto out = at::bmm(byHead, wUv.transpose(1, 2)); // [H, B*T, v]
    return out.transpose(0, 1).reshape({ b * tokens, -1 }); // [B*T, H * v]
}

std::int64_t MlaAttention::weightBytes() const
{
    std::int64_t n = m_kvA.weightBytes() + m_kvANorm.nbytes() + m_kvB.weightBytes() + m_o.weightBytes();
    if (m_kvBHeads.defined() && !m_kvB.weights()->storesDense())
        n += m_kvBHeads.nbytes();
    if (m_spec.qLoraRank > 0)
        n += m_qA.weightBytes() + m_qANorm.nbytes() + m_qB.weightBytes();
    else
        n += m_q.weightBytes();
    return n;
}

} // namespace moescope

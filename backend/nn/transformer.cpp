#include <cstdint>
#include "nn/transformer.h"

#include "core/cancellation.h"
#include "core/error.h"
#include "nn/fuseddecode.h"
#include "nn/rmsnorm.h"
#include "nn/weightsource.h"

namespace moescope {

Transformer::Transformer(const ModelSpec& spec, WeightSource& w, std::stop_token stop,
    const std::function<void(std::int64_t, std::int64_t)>& progress)
    : m_spec(spec)
    , m_rope(spec.rope, w.options().device())
{
    m_options = w.options();
    m_embedding = w.loadEmbedding("model.embed_tokens", spec.vocabSize, spec.hiddenSize);
    m_layers.reserve(static_cast<std::size_t>(spec.numLayers));
    for (int i = 0; i < spec.numLayers; ++i) {
        throwIfStopRequested(stop);
        m_layers.emplace_back(spec, i, w, m_rope);
        if (progress)
            progress(i + 1, spec.numLayers);
    }
    m_finalNorm = w.loadNorm("model.norm", spec.hiddenSize);
    m_tiedHead = spec.tieWordEmbeddings && !w.has("lm_head.weight");
    if (m_tiedHead)
        m_lmHead = m_embedding;
    else
        m_lmHead = w.loadLinear("lm_head", spec.vocabSize, spec.hiddenSize, false);
}

at::Tensor Transformer::forwardHidden(const at::Tensor& ids, KvCache* cache, ForwardObserver* observer,
    std::stop_token stop, std::vector<RoutingDecision>* decisions) const
{
    AttentionContext ctx;
    ctx.batch = ids.dim() == 2 ? ids.size(0) : 1;
    if (ctx.batch > 1 && cache)
        throw InvalidArgumentError("batched forward passes do not use a KV cache");
    const auto tokens = ids.size(-1);
    ctx.start = cache ? cache->length() : 0;
    ctx.cache = cache;
    const auto positions = at::arange(ctx.start, ctx.start + tokens, ids.options().dtype(at::kLong)); // [T]
    std::tie(ctx.cos, ctx.sin) = m_rope.cosSin(positions); // [T, rope/2]
    if (ctx.batch > 1) {
        ctx.cos = ctx.cos.repeat({ ctx.batch, 1 }); // [B*T, rope/2]
        ctx.sin = ctx.sin.repeat({ ctx.batch, 1 });
    }

    auto hidden = run(ids, ctx, observer, stop, decisions); // [B*T, hidden]
    if (cache)
        cache->advance(tokens);
    return hidden;
}

at::Tensor Transformer::forwardStep(const at::Tensor& ids, const at::Tensor& positions, KvCache& cache,
    std::int64_t keySpan, std::vector<RoutingDecision>* decisions) const
{
    if (ids.dim() != 1 || positions.sizes() != ids.sizes())
        throw ShapeError("a recorded step takes ids [T] and positions [T]");
    auto ctx = stepContext(positions, keySpan);
    ctx.cache = &cache;
    return run(ids, ctx, nullptr, {}, decisions);
}

at::Tensor Transformer::forwardSlots(const at::Tensor& ids, const at::Tensor& positions, SlotKvCache& cache,
    std::int64_t keySpan, std::vector<RoutingDecision>* decisions) const
{
    if (ids.dim() != 1 || positions.sizes() != ids.sizes() || ids.size(0) != cache.slots())
        throw ShapeError("a batched step takes one id and one position per cache slot (" + std::to_string(cache.slots())
            + "), got " + std::to_string(ids.numel()) + " and " + std::to_string(positions.numel()));
    auto ctx = stepContext(positions, keySpan);
    ctx.batch = ids.size(0);
    ctx.slots = &cache;
    return run(ids, ctx, nullptr, {}, decisions);
}

AttentionContext Transformer::stepContext(const at::Tensor& positions, std::int64_t keySpan) const
{
    AttentionContext ctx;
    ctx.stepPositions = positions;
    ctx.keySpan = keySpan;
    ctx.stepMaskWindow = m_spec.attention.slidingWindow;
    ctx.stepMaskOptions = m_options; // the mask itself is built where a layer needs it (maskFor)
    std::tie(ctx.cos, ctx.sin) = m_rope.cosSin(positions); // [T, rope/2]
    return ctx;
}

at::Tensor Transformer::run(const at::Tensor& ids, const AttentionContext& ctx, ForwardObserver* observer,
    std::stop_token stop, std::vector<RoutingDecision>* decisions) const
{
    ResidualStream stream = embedded(ids.reshape({ -1 })); // [B*T, hidden]
    for (const auto& layer : m_layers) {
        throwIfStopRequested(stop);
        RoutingDecision decision;
        stream = layer.forward(stream, ctx, observer, decisions && layer.isMoe() ? &decision : nullptr);
        if (decisions && layer.isMoe())
            decisions->push_back(std::move(decision));
    }
    return settledAndNormed(stream, m_finalNorm, m_spec.rmsNormEps).second; // [B*T, hidden]
}

ResidualStream Transformer::embedded(const at::Tensor& ids) const
{
    // A decode step on CUDA: the lookup and the first layer's input norm in one kernel.
    const auto* table = m_embedding.weights();
    if (!m_layers.empty() && table->storesDense()) {
        const auto& first = m_layers.front();
        const auto dense = table->dense();
        if (fusedEmbedRmsNormApplies(dense, ids, first.inputNorm())) {
            auto [x, normed] = fusedEmbedRmsNorm(dense, ids, first.inputNorm(), first.normEps());
            return { std::move(x), {}, std::move(normed) };
        }
    }
    return { m_embedding.lookup(ids), {}, {} };
}

at::Tensor Transformer::logits(const at::Tensor& hidden) const
{
    return headLogits(hidden).to(at::kFloat); // [T, vocab]
}

at::Tensor Transformer::headLogits(const at::Tensor& hidden) const { return m_lmHead(hidden); }

std::int64_t Transformer::weightBytes() const
{
    std::int64_t n = m_embedding.weightBytes() + m_finalNorm.nbytes();
    for (const auto& l : m_layers)
        n += l.weightBytes();
    if (!m_tiedHead)
        n += m_lmHead.weightBytes();
    return n;
}

} // namespace moescope

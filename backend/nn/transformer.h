#pragma once
// A decoder-only transformer built from a ModelSpec and a WeightSource: embedding, decoder layers, final norm and
// LM head (tied to the embedding where configured). Stateless between calls apart from the caller's KvCache, so
// one Transformer can serve several sequences one after another. Not thread-safe; the owner serialises calls.

#include "nn/decoderlayer.h"
#include "nn/modelspec.h"
#include "nn/rope.h"
#include <cstdint>

#include <stop_token>
#include <vector>

namespace moescope {

class Transformer {
public:
    // Loads all weights; polls stop between layers and reports progress (layers done of total).
    Transformer(const ModelSpec& spec, WeightSource& weights, std::stop_token stop = {},
        const std::function<void(std::int64_t, std::int64_t)>& progress = {});
    // Layers refer to m_rope: the object stays where it was built.
    Transformer(const Transformer&) = delete;
    Transformer& operator=(const Transformer&) = delete;

    // ids [T] int64 on the model's device, positions cache->length() .. + T (0 .. T without a cache); or ids [B, T]:
    // B independent sequences of equal length (no cache), e.g. training batches or batched scoring windows.
    // Returns the final-normed hidden states [B*T, hidden]. decisions (optional) collects each MoE layer's routing.
    at::Tensor forwardHidden(const at::Tensor& ids, KvCache* cache, ForwardObserver* observer = nullptr,
        std::stop_token stop = {}, std::vector<RoutingDecision>* decisions = nullptr) const;
    // One step whose inputs stay on the device (what a CUDA graph records): ids [T] and positions [T] int64 on the
    // model's device; writes the cache at those positions and attends over its first keySpan entries (later ones
    // masked). Neither reads nor advances cache->length() and polls no observer: the caller does both. Returns the
    // final-normed hidden states [T, hidden]; decisions (optional) collects each MoE layer's routing.
    at::Tensor forwardStep(const at::Tensor& ids, const at::Tensor& positions, KvCache& cache, std::int64_t keySpan,
        std::vector<RoutingDecision>* decisions = nullptr) const;
    // One batched decode step (batched generation): ids [B] and positions [B] int64 on the model's device, row b the
    // next token of the sequence in cache slot b (B = cache.slots()). Writes each slot's entry at its position and
    // attends over the slot's first keySpan entries (later ones masked); advances nothing. Returns the final-normed
    // hidden states [B, hidden].
    at::Tensor forwardSlots(const at::Tensor& ids, const at::Tensor& positions, SlotKvCache& cache,
        std::int64_t keySpan, std::vector<RoutingDecision>* decisions = nullptr) const;
    at::Tensor logits(const at::Tensor& hidden) const; // [T, hidden] -> [T, vocab] float32
    at::Tensor headLogits(const at::Tensor& hidden) const; // the same in the model's dtype (the LM head's product)

    const ModelSpec& spec() const { return m_spec; }
    std::vector<DecoderLayer>& layers() { return m_layers; }
    const Linear& embedding() const { return m_embedding; }
    const Linear& lmHead() const { return m_lmHead; } // the embedding itself when tied
    at::TensorOptions options() const { return m_options; }
    std::int64_t weightBytes() const;
    KvCache makeCache() const { return KvCache(m_spec.numLayers); }

private:
    // The context of a step whose positions live on the device, attending over keySpan cache entries.
    AttentionContext stepContext(const at::Tensor& positions, std::int64_t keySpan) const;
    // The residual stream of ids [N] before the first layer: their embeddings (with the first layer's input norm,
    // where one kernel makes both).
    ResidualStream embedded(const at::Tensor& ids) const;
    // Embedding, decoder layers and final norm over ids with a prepared context.
    at::Tensor run(const at::Tensor& ids, const AttentionContext& ctx, ForwardObserver* observer, std::stop_token stop,
        std::vector<RoutingDecision>* decisions) const;

    ModelSpec m_spec;
    Rope m_rope;
    at::TensorOptions m_options; // device + compute dtype
    Linear m_embedding; // [vocab, hidden], possibly quantized (looked up row by row)
    std::vector<DecoderLayer> m_layers;
    at::Tensor m_finalNorm; // [hidden]
    Linear m_lmHead; // [vocab, hidden]; the embedding itself when tied
    bool m_tiedHead = false;
};

} // namespace moescope

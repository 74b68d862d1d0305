#pragma once
// Self-attention blocks. GqaAttention covers MHA/GQA with optional qkv bias, q/k norms (per head as Qwen3, over the
// whole projection as OLMoE), qkv clipping and a sliding window. MlaAttention is DeepSeek's multi-head latent
// attention: it caches the compressed latent, expands it for prefill and attends in latent space for decode
// (the "absorbed" formulation).

#include <cstdint>
#include "nn/kvcache.h"
#include "nn/linear.h"
#include "nn/modelspec.h"
#include "nn/rope.h"
#include "nn/slotkvcache.h"

#include <ATen/ATen.h>

#include <string>

namespace moescope {

class WeightSource;

// Per-forward inputs shared by every layer.
struct AttentionContext {
    // > 1: rows are `batch` equal-length sequences one after another (training, no cache), or with `slots` one token
    // of each of `batch` sequences
    std::int64_t batch = 1;
    std::int64_t start = 0; // position of the first token
    at::Tensor cos; // [T, rope_dim/2] float32
    at::Tensor sin;
    KvCache* cache = nullptr; // null: no cache (training, one-shot scoring)
    // A batched decode step (with stepPositions, keySpan and stepMask [batch, keySpan]): row b is the next token of
    // the sequence in slot b, at position stepPositions[b]; null otherwise.
    SlotKvCache* slots = nullptr;
    // A recorded step (CUDA-graph decode): the tokens' positions live on the device ([T] int64) and `start` is not
    // used; the cache is written at those positions and read over keys [0, keySpan), later keys masked.
    at::Tensor stepPositions;
    std::int64_t keySpan = 0;
    // The step's mask for attention with window stepMaskWindow, additive in stepMaskOptions' dtype ([T, keySpan]):
    // built on the first layer that attends through a mask and kept for the others (a handful of kernels each); a
    // step whose attention runs in the fused decode kernels, which mask by position, builds none.
    mutable at::Tensor stepMask;
    int stepMaskWindow = 0;
    at::TensorOptions stepMaskOptions;
};

class Attention {
public:
    virtual ~Attention() = default;
    // x: [T, hidden] -> [T, hidden]
    virtual at::Tensor forward(const at::Tensor& x, int layer, const AttentionContext& ctx) const = 0;
    virtual std::int64_t weightBytes() const = 0;
};

class GqaAttention final : public Attention {
public:
    GqaAttention(const ModelSpec& spec, const std::string& prefix, WeightSource& weights, const Rope& rope);
    at::Tensor forward(const at::Tensor& x, int layer, const AttentionContext& ctx) const override;
    std::int64_t weightBytes() const override;

private:
    const AttentionSpec m_spec;
    double m_eps;
    const Rope& m_rope;
    Linear m_q, m_k, m_v, m_o;
    at::Tensor m_qNorm, m_kNorm;
};

class MlaAttention final : public Attention {
public:
    MlaAttention(const ModelSpec& spec, const std::string& prefix, WeightSource& weights, const Rope& rope);
    at::Tensor forward(const at::Tensor& x, int layer, const AttentionContext& ctx) const override;
    std::int64_t weightBytes() const override;

private:
    // Whether attending in latent space costs fewer operations than expanding the keys' latents (below).
    bool absorbIsCheaper(std::int64_t queries, std::int64_t keys) const;
    at::Tensor attendExpanded(const at::Tensor& qNope, const at::Tensor& qPe, const at::Tensor& latent,
        const at::Tensor& kPe, const AttentionContext& ctx) const;
    at::Tensor attendAbsorbed(const at::Tensor& qNope, const at::Tensor& qPe, const at::Tensor& latent,
        const at::Tensor& kPe, const AttentionContext& ctx) const;

    const AttentionSpec m_spec;
    double m_eps;
    const Rope& m_rope;
    Linear m_q; // without q LoRA
    Linear m_qA, m_qB; // with q LoRA
    at::Tensor m_qANorm;
    Linear m_kvA, m_kvB, m_o;
    at::Tensor m_kvANorm;
    // kv_b per head [H, nope + v, c] for the absorbed attention: a view of a dense kv_b, or a quantized kv_b on CUDA
    // dequantized once at load (1-2% of a quantized model's bytes, counted in weightBytes; vLLM keeps it the same way)
    // instead of in every decode step. Undefined for a quantized kv_b on the CPU: a temporary per step there, so that
    // the model holds no dequantized copy.
    at::Tensor m_kvBHeads;
};

} // namespace moescope

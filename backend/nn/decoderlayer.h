#pragma once
// One pre-norm decoder layer: x + attn(norm(x)), then + ffn(norm(x)) where ffn is a dense MLP or the MoE block.

#include <cstdint>
#include "nn/attention.h"
#include "nn/densemlp.h"
#include "nn/moeblock.h"

#include <memory>

namespace moescope {

class DecoderLayer {
public:
    DecoderLayer(const ModelSpec& spec, int index, WeightSource& weights, const Rope& rope);

    at::Tensor forward(const at::Tensor& x, const AttentionContext& ctx, ForwardObserver* observer,
        RoutingDecision* decision = nullptr) const; // [T, hidden] -> [T, hidden]

    bool isMoe() const { return m_moe != nullptr; }
    MoeBlock* moe() { return m_moe.get(); }
    const MoeBlock* moe() const { return m_moe.get(); }
    std::int64_t weightBytes() const;

private:
    int m_index;
    double m_eps;
    at::Tensor m_inputNorm, m_postAttentionNorm;
    std::unique_ptr<Attention> m_attention;
    DenseMlp m_mlp;
    std::unique_ptr<MoeBlock> m_moe;
};

} // namespace moescope

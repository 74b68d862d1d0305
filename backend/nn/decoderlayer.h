#pragma once
// One pre-norm decoder layer: x + attn(norm(x)), then + ffn(norm(x)) where ffn is a dense MLP or the MoE block.

#include <cstdint>
#include "nn/attention.h"
#include "nn/densemlp.h"
#include "nn/moeblock.h"

#include <memory>

namespace moescope {

// The residual stream between layers, x + pending, with the last layer's MLP output not yet added (pending may be
// undefined, or hold a decode step's expert slot outputs): the next layer's input norm (or the final norm) adds it in
// the same pass.
struct ResidualStream {
    at::Tensor x; // [T, hidden]
    MoeOutput pending;
    // x's norm with the next layer's input norm, where it was made with x (a decode step's embedding lookup).
    at::Tensor normed {};
};

// The stream with its pending output added, and that sum RMS-normed with `weight` (one pass where possible).
std::pair<at::Tensor, at::Tensor> settledAndNormed(const ResidualStream& stream, const at::Tensor& weight, double eps);

class DecoderLayer {
public:
    DecoderLayer(const ModelSpec& spec, int index, WeightSource& weights, const Rope& rope);

    ResidualStream forward(const ResidualStream& in, const AttentionContext& ctx, ForwardObserver* observer,
        RoutingDecision* decision = nullptr) const;

    bool isMoe() const { return m_moe != nullptr; }
    const at::Tensor& inputNorm() const { return m_inputNorm; }
    double normEps() const { return m_eps; }
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

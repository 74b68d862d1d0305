#include <cstdint>
#include "nn/modelspec.h"

namespace moescope {

std::vector<int> ModelSpec::moeLayerIndices() const
{
    std::vector<int> out;
    for (int i = 0; i < static_cast<int>(layers.size()); ++i)
        if (layers[i].moe)
            out.push_back(i);
    return out;
}

} // namespace moescope

namespace moescope {

ParameterCount countParameters(const ModelSpec& s)
{
    const std::int64_t h = s.hiddenSize;
    const auto& a = s.attention;
    std::int64_t attention = 0;
    if (a.kind == AttentionKind::Mla) {
        const std::int64_t qHead = a.qkNopeHeadDim + a.qkRopeHeadDim;
        attention += a.qLoraRank > 0 ? h * a.qLoraRank + a.qLoraRank + std::int64_t(a.qLoraRank) * a.numHeads * qHead
                                     : h * a.numHeads * qHead;
        attention += h * (a.kvLoraRank + a.qkRopeHeadDim) + a.kvLoraRank;
        attention += std::int64_t(a.kvLoraRank) * a.numHeads * (a.qkNopeHeadDim + a.vHeadDim);
        attention += std::int64_t(a.numHeads) * a.vHeadDim * h;
    } else {
        const std::int64_t q = std::int64_t(a.numHeads) * a.headDim;
        const std::int64_t kv = std::int64_t(a.numKvHeads) * a.headDim;
        attention += h * (q + 2 * kv) + q * h;
        if (a.qkvBias)
            attention += q + 2 * kv;
        if (a.outputBias)
            attention += h;
        if (a.qkNorm == QkNormKind::PerHead)
            attention += 2 * a.headDim;
        else if (a.qkNorm == QkNormKind::FullProjection)
            attention += q + kv;
    }

    ParameterCount c;
    c.routedExpertParams = 3 * h * s.moe.expertIntermediate;
    const std::int64_t embedding = std::int64_t(s.vocabSize) * h;
    c.total = embedding + (s.tieWordEmbeddings ? 0 : embedding) + h;
    c.active = embedding + h; // the LM head and the final norm
    for (const auto& l : s.layers) {
        std::int64_t layer = 2 * h + attention;
        if (l.moe) {
            const auto& r = s.moe.router;
            std::int64_t shared = std::int64_t(r.numExperts) * h + (r.correctionBias ? r.numExperts : 0);
            shared += 3 * h * s.moe.sharedIntermediate + (s.moe.sharedExpertGate ? h : 0);
            c.total += layer + shared + r.numExperts * c.routedExpertParams;
            c.active += layer + shared + r.topK * c.routedExpertParams;
        } else {
            layer += 3 * h * l.denseIntermediate;
            c.total += layer;
            c.active += layer;
        }
    }
    return c;
}

} // namespace moescope

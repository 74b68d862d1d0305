// Mixtral: GQA with an optional sliding window, every layer MoE, top-k of the router logits then softmax (the same
// as softmax, top-k, renormalise), experts named w1 (gate), w3 (up), w2 (down) under block_sparse_moe.

#include "models/configcommon.h"
#include "models/families.h"

#include "core/error.h"

namespace moescope::models {

ModelSpec mixtralSpec(const ConfigReader& c)
{
    ModelSpec s;
    s.modelType = "mixtral";
    s.family = "Mixtral";
    readCommonFields(c, s);
    readGqaShape(c, s);
    s.attention.slidingWindow = static_cast<int>(c.getInt("sliding_window", 0));
    s.rope = readRope(c, s.attention.headDim, 1000000.0);
    const int dense = positive(c, "intermediate_size", c.getInt("intermediate_size"));
    for (auto& l : s.layers) {
        l.moe = true;
        l.denseIntermediate = dense;
    }
    auto& r = s.moe.router;
    r.numExperts = positive(c, "num_local_experts", readExpertCount(c));
    r.topK = positive(c, "num_experts_per_tok", c.getInt("num_experts_per_tok", 2));
    if (r.topK > r.numExperts)
        throw FormatError(c.source() + ": num_experts_per_tok exceeds num_local_experts");
    r.normalizeTopK = true;
    r.logitsInModelDtype = true;
    s.moe.expertIntermediate = dense;
    s.naming.mlpModule = "block_sparse_moe";
    s.naming.gateProj = "w1";
    s.naming.upProj = "w3";
    s.naming.downProj = "w2";
    return s;
}

} // namespace moescope::models

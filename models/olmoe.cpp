// OLMoE: RMSNorm over the whole q and k projections (before splitting into heads), optional qkv clipping, softmax
// then top-k without renormalising (unless norm_topk_prob), every layer MoE.

#include "models/configcommon.h"
#include "models/families.h"

#include "core/error.h"

namespace moescope::models {

ModelSpec olmoeSpec(const ConfigReader& c)
{
    ModelSpec s;
    s.modelType = "olmoe";
    s.family = "OLMoE";
    readCommonFields(c, s);
    readGqaShape(c, s);
    auto& a = s.attention;
    a.qkNorm = QkNormKind::FullProjection;
    a.qkvBias = c.getBool("attention_bias", false);
    a.outputBias = a.qkvBias;
    a.clipQkv = c.getDouble("clip_qkv", 0.0);
    s.rope = readRope(c, a.headDim, 10000.0);
    const int dense = positive(c, "intermediate_size", c.getInt("intermediate_size"));
    for (auto& l : s.layers) {
        l.moe = true;
        l.denseIntermediate = dense;
    }
    auto& r = s.moe.router;
    r.numExperts = positive(c, "num_experts", readExpertCount(c));
    r.topK = positive(c, "num_experts_per_tok", c.getInt("num_experts_per_tok"));
    if (r.topK > r.numExperts)
        throw FormatError(c.source() + ": num_experts_per_tok exceeds num_experts");
    r.normalizeTopK = c.getBool("norm_topk_prob", false);
    r.logitsInModelDtype = true;
    r.weightsInModelDtype = true;
    s.moe.expertIntermediate = dense;
    return s;
}

} // namespace moescope::models

// Qwen2-MoE (shared expert with a sigmoid gate, q/k/v bias) and Qwen3-MoE (per-head q/k RMSNorm, no shared expert).
// A layer is MoE unless listed in mlp_only_layers, every decoder_sparse_step-th layer.

#include "models/configcommon.h"
#include "models/families.h"

#include "core/error.h"

#include <algorithm>

namespace moescope::models {

namespace {
    ModelSpec qwenMoeCommon(const ConfigReader& c, bool qwen3)
    {
        ModelSpec s;
        s.modelType = qwen3 ? "qwen3_moe" : "qwen2_moe";
        s.family = qwen3 ? "Qwen3-MoE" : "Qwen2-MoE";
        readCommonFields(c, s);
        readGqaShape(c, s);
        auto& a = s.attention;
        if (qwen3) {
            a.qkNorm = QkNormKind::PerHead;
            a.qkvBias = c.getBool("attention_bias", false);
            a.outputBias = a.qkvBias;
        } else {
            a.qkvBias = c.getBool("qkv_bias", true);
        }
        if (c.getBool("use_sliding_window", false))
            throw UnsupportedError(c.source() + ": use_sliding_window=true is not supported for " + s.family);
        s.rope = readRope(c, a.headDim, 10000.0);

        const int experts = readExpertCount(c);
        const int step = static_cast<int>(c.getInt("decoder_sparse_step", 1));
        if (step <= 0)
            throw FormatError(c.source() + ": decoder_sparse_step must be positive");
        const auto mlpOnly = c.getIntList("mlp_only_layers");
        const int dense = positive(c, "intermediate_size", c.getInt("intermediate_size"));
        for (int i = 0; i < s.numLayers; ++i) {
            auto& l = s.layers[static_cast<std::size_t>(i)];
            const bool listed = std::find(mlpOnly.begin(), mlpOnly.end(), i) != mlpOnly.end();
            l.moe = !listed && experts > 0 && (i + 1) % step == 0;
            l.denseIntermediate = dense;
        }
        if (experts > 0) {
            auto& r = s.moe.router;
            r.numExperts = experts;
            r.topK = positive(c, "num_experts_per_tok", c.getInt("num_experts_per_tok"));
            if (r.topK > experts)
                throw FormatError(c.source() + ": num_experts_per_tok exceeds num_experts");
            r.normalizeTopK = c.getBool("norm_topk_prob", false);
            r.logitsInModelDtype = true;
            r.weightsInModelDtype = true;
            s.moe.expertIntermediate = positive(c, "moe_intermediate_size", c.getInt("moe_intermediate_size"));
            if (!qwen3) {
                s.moe.sharedIntermediate = static_cast<int>(c.getInt("shared_expert_intermediate_size", 0));
                s.moe.sharedExpertGate = s.moe.sharedIntermediate > 0;
            }
        }
        s.naming.sharedModule = "shared_expert";
        s.naming.sharedGate = "shared_expert_gate";
        return s;
    }
} // namespace

ModelSpec qwen2MoeSpec(const ConfigReader& config) { return qwenMoeCommon(config, false); }

ModelSpec qwen3MoeSpec(const ConfigReader& config) { return qwenMoeCommon(config, true); }

} // namespace moescope::models

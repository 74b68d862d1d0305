// DeepSeek-V2 / V2-Lite and DeepSeek-V3 / R1: multi-head latent attention, shared experts, fine-grained routed
// experts, first_k_dense_replace dense layers, softmax (V2) or sigmoid + correction bias (V3) routing.

#include "models/configcommon.h"
#include "models/families.h"

#include "core/error.h"
#include "nn/rope.h"

#include <cmath>

namespace moescope::models {

namespace {
    ModelSpec deepseekCommon(const ConfigReader& c, bool v3)
    {
        ModelSpec s;
        s.modelType = v3 ? "deepseek_v3" : "deepseek_v2";
        s.family = v3 ? "DeepSeek-V3" : "DeepSeek-V2";
        readCommonFields(c, s);

        auto& a = s.attention;
        a.kind = AttentionKind::Mla;
        a.numHeads = positive(c, "num_attention_heads", c.getInt("num_attention_heads"));
        a.numKvHeads = a.numHeads;
        a.qLoraRank = static_cast<int>(c.getInt("q_lora_rank", 0));
        a.kvLoraRank = positive(c, "kv_lora_rank", c.getInt("kv_lora_rank"));
        a.qkNopeHeadDim = positive(c, "qk_nope_head_dim", c.getInt("qk_nope_head_dim"));
        a.qkRopeHeadDim = positive(c, "qk_rope_head_dim", c.getInt("qk_rope_head_dim"));
        a.vHeadDim = positive(c, "v_head_dim", c.getInt("v_head_dim"));
        a.qkvBias = c.getBool("attention_bias", false);
        a.outputBias = a.qkvBias;

        s.rope = readRope(c, a.qkRopeHeadDim, 10000.0);
        s.rope.interleaved = v3 ? c.getBool("rope_interleave", true) : true;
        s.rope.float32Rotation = !v3;
        a.softmaxScale = 1.0 / std::sqrt(static_cast<double>(a.qkNopeHeadDim + a.qkRopeHeadDim));
        if (s.rope.type != RopeType::Default && s.rope.mscaleAllDim != 0.0) {
            const double m = yarnMscale(s.rope.factor, s.rope.mscaleAllDim);
            a.softmaxScale *= m * m;
        }

        const int experts = readExpertCount(c);
        const int firstDense = static_cast<int>(c.getInt("first_k_dense_replace", 0));
        const int freq = static_cast<int>(c.getInt("moe_layer_freq", 1));
        if (freq <= 0)
            throw FormatError(c.source() + ": moe_layer_freq must be positive");
        const int dense = positive(c, "intermediate_size", c.getInt("intermediate_size"));
        for (int i = 0; i < s.numLayers; ++i) {
            auto& l = s.layers[static_cast<std::size_t>(i)];
            l.moe = experts > 0 && i >= firstDense && i % freq == 0;
            l.denseIntermediate = dense;
        }
        if (experts > 0) {
            auto& m = s.moe;
            auto& r = m.router;
            r.numExperts = experts;
            r.topK = positive(c, "num_experts_per_tok", c.getInt("num_experts_per_tok"));
            r.normalizeTopK = c.getBool("norm_topk_prob", v3);
            r.routedScalingFactor = c.getDouble("routed_scaling_factor", 1.0);
            r.numGroups = static_cast<int>(c.getInt("n_group", 1));
            r.topKGroups = static_cast<int>(c.getInt("topk_group", 1));
            const auto method = c.getString("topk_method", v3 ? "noaux_tc" : "greedy");
            if (v3 || method == "noaux_tc") {
                r.scoring = RouterScoring::Sigmoid;
                r.selection = ExpertSelection::NoAuxTopKGroups;
                r.correctionBias = true;
            } else if (method == "group_limited_greedy") {
                r.selection = ExpertSelection::GroupLimitedGreedy;
            } else if (method != "greedy") {
                throw UnsupportedError(c.source() + ": unsupported topk_method '" + method + "'");
            }
            if (!v3 && c.getString("scoring_func", "softmax") != "softmax")
                throw UnsupportedError(c.source() + ": DeepSeek-V2 scoring_func must be softmax");
            if (r.numGroups <= 0 || experts % r.numGroups != 0 || r.topKGroups <= 0 || r.topKGroups > r.numGroups)
                throw FormatError(c.source() + ": n_group/topk_group do not divide the experts");
            if (r.topK > experts || (r.selection != ExpertSelection::TopK
                                        && r.topK > r.topKGroups * (experts / r.numGroups)))
                throw FormatError(c.source() + ": num_experts_per_tok exceeds the experts it may choose from");
            m.expertIntermediate = positive(c, "moe_intermediate_size", c.getInt("moe_intermediate_size"));
            m.sharedIntermediate = m.expertIntermediate * static_cast<int>(c.getInt("n_shared_experts", 0));
        }
        s.naming.sharedModule = "shared_experts";
        return s;
    }
} // namespace

ModelSpec deepseekV2Spec(const ConfigReader& config) { return deepseekCommon(config, false); }

ModelSpec deepseekV3Spec(const ConfigReader& config) { return deepseekCommon(config, true); }

} // namespace moescope::models

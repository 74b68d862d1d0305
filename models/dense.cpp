// Dense Llama and Qwen2 models (e.g. the DeepSeek-R1-Distill checkpoints): the same blocks without an MoE layer.

#include "models/configcommon.h"
#include "models/families.h"

#include "core/error.h"

namespace moescope::models {

namespace {
    ModelSpec denseCommon(const ConfigReader& c, const char* type, const char* family)
    {
        ModelSpec s;
        s.modelType = type;
        s.family = family;
        readCommonFields(c, s);
        readGqaShape(c, s);
        if (c.getBool("mlp_bias", false))
            throw UnsupportedError(c.source() + ": mlp_bias=true is not supported");
        const int dense = positive(c, "intermediate_size", c.getInt("intermediate_size"));
        for (auto& l : s.layers)
            l.denseIntermediate = dense;
        return s;
    }
} // namespace

ModelSpec llamaSpec(const ConfigReader& c)
{
    auto s = denseCommon(c, "llama", "Llama");
    s.attention.qkvBias = c.getBool("attention_bias", false);
    s.attention.outputBias = s.attention.qkvBias;
    s.rope = readRope(c, s.attention.headDim, 10000.0);
    return s;
}

ModelSpec qwen2Spec(const ConfigReader& c)
{
    auto s = denseCommon(c, "qwen2", "Qwen2");
    if (c.getBool("use_sliding_window", false))
        throw UnsupportedError(c.source() + ": use_sliding_window=true is not supported for Qwen2");
    s.attention.qkvBias = true;
    s.rope = readRope(c, s.attention.headDim, 10000.0);
    return s;
}

} // namespace moescope::models

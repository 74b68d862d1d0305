#include <cstdint>
#include "models/configcommon.h"

#include "core/error.h"

namespace moescope::models {

int positive(const ConfigReader& config, const std::string& key, std::int64_t value)
{
    if (value <= 0 || value > (1ll << 30))
        throw FormatError(config.source() + ": field '" + key + "' must be a positive integer, got "
            + std::to_string(value));
    return static_cast<int>(value);
}

int readExpertCount(const ConfigReader& config)
{
    for (const char* key : { "n_routed_experts", "num_experts", "num_local_experts" })
        if (config.has(key))
            return static_cast<int>(config.getInt(key));
    return 0;
}

void readCommonFields(const ConfigReader& config, ModelSpec& spec)
{
    spec.vocabSize = positive(config, "vocab_size", config.getInt("vocab_size"));
    spec.hiddenSize = positive(config, "hidden_size", config.getInt("hidden_size"));
    spec.numLayers = positive(config, "num_hidden_layers", config.getInt("num_hidden_layers"));
    spec.rmsNormEps = config.getDouble("rms_norm_eps", 1e-6);
    spec.tieWordEmbeddings = config.getBool("tie_word_embeddings", false);
    spec.maxPositions = static_cast<int>(config.getInt("max_position_embeddings", 4096));
    spec.hiddenAct = config.getString("hidden_act", "silu");
    if (spec.hiddenAct != "silu" && spec.hiddenAct != "swish")
        throw UnsupportedError(config.source() + ": unsupported hidden_act '" + spec.hiddenAct + "' (only silu)");
    spec.eosTokenIds = config.getIntList("eos_token_id");
    spec.bosTokenId = config.getInt("bos_token_id", -1);
    spec.checkpointDtype = config.getString("torch_dtype", config.getString("dtype", ""));
    spec.layers.assign(static_cast<std::size_t>(spec.numLayers), LayerSpec {});
}

void readGqaShape(const ConfigReader& config, ModelSpec& spec)
{
    auto& a = spec.attention;
    a.kind = AttentionKind::Gqa;
    a.numHeads = positive(config, "num_attention_heads", config.getInt("num_attention_heads"));
    a.numKvHeads = positive(config, "num_key_value_heads", config.getInt("num_key_value_heads", a.numHeads));
    a.headDim = positive(config, "head_dim", config.getInt("head_dim", spec.hiddenSize / a.numHeads));
    if (a.numHeads % a.numKvHeads != 0)
        throw FormatError(config.source() + ": num_attention_heads (" + std::to_string(a.numHeads)
            + ") is not a multiple of num_key_value_heads (" + std::to_string(a.numKvHeads) + ")");
}

RopeSpec readRope(const ConfigReader& config, int rotaryDim, double defaultTheta)
{
    RopeSpec rope;
    rope.dim = rotaryDim;
    // transformers 5 writes everything into rope_parameters; hub checkpoints use rope_theta + rope_scaling.
    const bool modern = config.has("rope_parameters");
    const auto params = modern ? config.child("rope_parameters") : config.child("rope_scaling");
    rope.theta = modern ? params.getDouble("rope_theta", config.getDouble("rope_theta", defaultTheta))
                        : config.getDouble("rope_theta", defaultTheta);
    const auto type = params.getString("rope_type", params.getString("type", "default"));
    if (type == "default")
        rope.type = RopeType::Default;
    else if (type == "linear")
        rope.type = RopeType::Linear;
    else if (type == "yarn" || type == "deepseek_yarn")
        rope.type = RopeType::Yarn;
    else if (type == "llama3")
        rope.type = RopeType::Llama3;
    else if (type == "dynamic")
        rope.type = RopeType::Dynamic;
    else
        throw UnsupportedError(config.source() + ": unsupported rope scaling type '" + type + "'");
    if (rope.type == RopeType::Default)
        return rope;

    rope.factor = params.getDouble("factor", 1.0);
    rope.originalMaxPositions = static_cast<int>(params.getInt("original_max_position_embeddings",
        config.getInt("original_max_position_embeddings", config.getInt("max_position_embeddings", 0))));
    rope.betaFast = params.getDouble("beta_fast", 32.0);
    rope.betaSlow = params.getDouble("beta_slow", 1.0);
    rope.mscale = params.getDouble("mscale", 0.0);
    rope.mscaleAllDim = params.getDouble("mscale_all_dim", 0.0);
    rope.attentionFactor = params.getDouble("attention_factor", -1.0);
    rope.truncate = params.getBool("truncate", true);
    rope.lowFreqFactor = params.getDouble("low_freq_factor", 1.0);
    rope.highFreqFactor = params.getDouble("high_freq_factor", 4.0);
    if (rope.factor <= 0)
        throw FormatError(config.source() + ": rope scaling factor must be positive");
    return rope;
}

} // namespace moescope::models

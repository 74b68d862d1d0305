#pragma once
// Writes a checkpoint of random weights for any config: the tensor list comes from quant/moduleplan (the names and
// shapes the runtime loads), so tests get models at realistic dimensions without shipping weights. Matrices get
// heavy-tailed values (as trained weights have), norms ones, biases and correction biases zeros.

#include "io/jsonfile.h"
#include "io/safetensorswriter.h"
#include "models/registry.h"
#include "quant/moduleplan.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>

namespace moescope::test {

inline std::vector<std::byte> randomBytes(const std::vector<std::int64_t>& shape, bool ones, at::ScalarType dtype)
{
    auto t = ones ? at::ones(shape) : at::randn(shape) * 0.02 / (at::randn(shape).square() + 0.3).sqrt();
    t = t.to(dtype).contiguous();
    std::vector<std::byte> out(t.nbytes());
    std::memcpy(out.data(), t.data_ptr(), out.size());
    return out;
}

// config: a config.json object. fusedExperts: store routed experts stacked as transformers 5 does.
inline void writeRandomCheckpoint(const std::filesystem::path& dir, const nlohmann::json& config, bool fusedExperts,
    std::uint64_t seed, at::ScalarType dtype = at::kFloat)
{
    std::filesystem::create_directories(dir);
    writeTextFileAtomic(dir / "config.json", config.dump(2));
    const auto spec = readModelSpec(dir);
    const auto plan = planModules(spec, [&](const std::string& n) {
        return fusedExperts && n.ends_with("experts.gate_up_proj");
    });
    at::manual_seed(seed);
    const DType stored = dtype == at::kBFloat16 ? DType::BF16 : DType::F32;
    SafetensorsWriter writer;
    for (const auto& w : plan.weights) {
        switch (w.kind) {
        case PlannedWeight::Kind::Tensor: {
            const bool norm = w.name.find("norm") != std::string::npos;
            const bool zero = w.name.ends_with("bias");
            auto bytes = zero ? std::vector<std::byte>(randomBytes(w.shape, true, dtype).size())
                              : randomBytes(w.shape, norm, dtype);
            writer.addOwned(w.name, stored, w.shape, std::move(bytes));
            break;
        }
        case PlannedWeight::Kind::Linear:
        case PlannedWeight::Kind::Embedding:
            writer.addOwned(w.name + ".weight", stored, w.shape, randomBytes(w.shape, false, dtype));
            if (w.bias)
                writer.addOwned(w.name + ".bias", stored, { w.shape[0] }, randomBytes({ w.shape[0] }, false, dtype));
            break;
        case PlannedWeight::Kind::Experts: {
            const auto e = w.shape[0], h = w.shape[1], i = w.shape[2];
            if (fusedExperts) {
                writer.addOwned(w.name + "experts.gate_up_proj", stored, { e, 2 * i, h },
                    randomBytes({ e, 2 * i, h }, false, dtype));
                writer.addOwned(w.name + "experts.down_proj", stored, { e, h, i }, randomBytes({ e, h, i }, false, dtype));
                break;
            }
            for (std::int64_t x = 0; x < e; ++x) {
                const auto p = w.name + "experts." + std::to_string(x) + ".";
                writer.addOwned(p + spec.naming.gateProj + ".weight", stored, { i, h }, randomBytes({ i, h }, false, dtype));
                writer.addOwned(p + spec.naming.upProj + ".weight", stored, { i, h }, randomBytes({ i, h }, false, dtype));
                writer.addOwned(p + spec.naming.downProj + ".weight", stored, { h, i }, randomBytes({ h, i }, false, dtype));
            }
            break;
        }
        }
    }
    writer.write(dir / "model.safetensors");
}

// A DeepSeek-V2-style config (MLA, shared experts, a dense first layer) at chosen dimensions.
inline nlohmann::json deepseekConfig(int hidden, int layers, int experts, int expertInter, int vocab)
{
    return { { "architectures", { "DeepseekV2ForCausalLM" } }, { "model_type", "deepseek_v2" },
        { "hidden_size", hidden }, { "intermediate_size", 3 * hidden }, { "moe_intermediate_size", expertInter },
        { "num_hidden_layers", layers }, { "num_attention_heads", 4 }, { "num_key_value_heads", 4 },
        { "n_routed_experts", experts }, { "n_shared_experts", 1 }, { "num_experts_per_tok", 2 },
        { "first_k_dense_replace", 1 }, { "kv_lora_rank", hidden / 2 }, { "q_lora_rank", nullptr },
        { "qk_nope_head_dim", 32 }, { "qk_rope_head_dim", 16 }, { "v_head_dim", 32 }, { "vocab_size", vocab },
        { "max_position_embeddings", 1024 }, { "rms_norm_eps", 1e-6 }, { "rope_theta", 10000.0 },
        { "topk_method", "greedy" }, { "n_group", 1 }, { "topk_group", 1 }, { "norm_topk_prob", false },
        { "routed_scaling_factor", 1.0 }, { "tie_word_embeddings", false }, { "bos_token_id", 1 },
        { "eos_token_id", 2 }, { "torch_dtype", "float32" } };
}

} // namespace moescope::test

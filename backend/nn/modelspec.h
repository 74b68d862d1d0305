#pragma once
// The flat description of a decoder-only transformer that the backend blocks are built from (llama.cpp's "hparams"
// idea): models/ maps each family's config.json and tensor names onto it, backend/nn builds and runs it. Plain data,
// no LibTorch, so Qt code and the CLI can inspect a model cheaply.

#include <cstdint>
#include <string>
#include <vector>

namespace moescope {

enum class RopeType { Default, Linear, Yarn, Llama3, Dynamic };

struct RopeSpec {
    RopeType type = RopeType::Default;
    double theta = 10000.0;
    int dim = 0; // rotary dimensions per head (head_dim, or qk_rope_head_dim for MLA)
    double factor = 1.0;
    int originalMaxPositions = 0;
    double betaFast = 32.0; // yarn
    double betaSlow = 1.0;
    double mscale = 0.0; // yarn (DeepSeek): both 0 when absent
    double mscaleAllDim = 0.0;
    double attentionFactor = -1.0; // yarn: < 0 means derive from factor/mscale
    bool truncate = true; // yarn correction range rounding
    double lowFreqFactor = 1.0; // llama3
    double highFreqFactor = 4.0;
    // DeepSeek stores rotary dims as interleaved pairs (x0,x1),(x2,x3)...; everyone else rotates halves.
    bool interleaved = false;
    // DeepSeek-V2 rotates in float32 whatever the model dtype (the others in the model dtype).
    bool float32Rotation = false;
};

enum class AttentionKind { Gqa, Mla };
enum class QkNormKind { None, PerHead, FullProjection };

struct AttentionSpec {
    AttentionKind kind = AttentionKind::Gqa;
    int numHeads = 0;
    int numKvHeads = 0;
    int headDim = 0; // GQA
    bool qkvBias = false;
    bool outputBias = false;
    QkNormKind qkNorm = QkNormKind::None;
    double clipQkv = 0.0; // OLMoE: clamp q/k/v to +-clipQkv when > 0
    int slidingWindow = 0; // 0: full causal attention
    // MLA (DeepSeek-V2/V3)
    int qLoraRank = 0; // 0: plain q_proj
    int kvLoraRank = 0;
    int qkNopeHeadDim = 0;
    int qkRopeHeadDim = 0;
    int vHeadDim = 0;
    double softmaxScale = 0.0; // 1/sqrt(qk head dim), times yarn mscale^2 where the family says so
};

enum class RouterScoring { Softmax, Sigmoid };
enum class ExpertSelection {
    TopK, // plain top-k over scores
    GroupLimitedGreedy, // DeepSeek-V2: keep top groups by their max score, then top-k
    NoAuxTopKGroups, // DeepSeek-V3: scores + correction bias, groups ranked by the sum of their top-2, then top-k
};

struct RouterSpec {
    RouterScoring scoring = RouterScoring::Softmax;
    ExpertSelection selection = ExpertSelection::TopK;
    int numExperts = 0;
    int topK = 0;
    bool normalizeTopK = false; // renormalise the k weights to sum to 1
    double routedScalingFactor = 1.0;
    int numGroups = 1;
    int topKGroups = 1;
    bool correctionBias = false; // DeepSeek-V3 e_score_correction_bias
    // Numerics of the reference implementations in reduced precision: Qwen-MoE, OLMoE and Mixtral compute the router
    // logits in the model dtype (DeepSeek in float32); Qwen-MoE and OLMoE also round the expert weights to it before
    // scaling the expert outputs. Matching them keeps bf16 routing identical to transformers at near-ties.
    bool logitsInModelDtype = false;
    bool weightsInModelDtype = false;
};

struct MoeSpec {
    RouterSpec router;
    int expertIntermediate = 0;
    int sharedIntermediate = 0; // 0: no shared expert
    bool sharedExpertGate = false; // Qwen2-MoE: sigmoid(x W) scales the shared expert's output
};

struct LayerSpec {
    bool moe = false;
    int denseIntermediate = 0; // for dense layers
};

// Checkpoint tensor names that differ between families (everything else follows the Llama naming).
struct TensorNaming {
    std::string mlpModule = "mlp"; // Mixtral: "block_sparse_moe"
    std::string gateProj = "gate_proj"; // Mixtral experts: w1
    std::string upProj = "up_proj"; // w3
    std::string downProj = "down_proj"; // w2
    std::string sharedModule = "shared_experts"; // Qwen2-MoE: "shared_expert"
    std::string sharedGate; // Qwen2-MoE: "shared_expert_gate"
};

struct ModelSpec {
    std::string modelType; // config.json model_type
    std::string family; // display name, e.g. "DeepSeek-V2"
    int vocabSize = 0;
    int hiddenSize = 0;
    int numLayers = 0;
    double rmsNormEps = 1e-6;
    std::string hiddenAct = "silu";
    bool tieWordEmbeddings = false;
    int maxPositions = 0;
    AttentionSpec attention;
    RopeSpec rope;
    MoeSpec moe;
    std::vector<LayerSpec> layers;
    TensorNaming naming;
    std::vector<std::int64_t> eosTokenIds;
    std::int64_t bosTokenId = -1;
    std::string checkpointDtype; // config's torch_dtype/dtype, informational

    std::vector<int> moeLayerIndices() const;
    bool isMoe() const { return !moeLayerIndices().empty(); }
};

} // namespace moescope

namespace moescope {

// Parameter counts implied by a spec. Total: every weight (a tied head counted once). Active: the weights one token's
// computation reads: everything but the embedding table (a lookup reads one row) and the unchosen routed experts,
// i.e. attention, norms, router, shared experts, k routed experts per MoE layer and the LM head. This is the
// quantity behind the decode bandwidth floor.
struct ParameterCount {
    std::int64_t total = 0;
    std::int64_t active = 0;
    std::int64_t routedExpertParams = 0; // per expert (gate + up + down)
};
ParameterCount countParameters(const ModelSpec& spec);

} // namespace moescope

#pragma once
// A routing trace: for every token of a run, every MoE layer and each of the k choices, the expert id and the weight
// the router applied, plus the token ids and their byte spans in the document text. A plain value (no LibTorch, no
// Qt): the recorder fills it on the inference thread, then it is handed over (usually as
// std::shared_ptr<const RoutingTrace>) and read from any number of threads.
//
// Layout: one array per MoE layer ("slot"), token-major inside ([tokens, k]), so one layer's routing is contiguous
// for per-layer scans (heatmap cells, token colouring, drift) and an event from the runtime is one contiguous copy.
// Expert ids are uint8 when the model has <= 256 experts, else uint16; weights are IEEE float16. A 400k-token trace of
// a 26-layer top-6 model holds 62.4M choices: 62 MB of ids and 125 MB of weights.

#include "tokenizer/tokenencoding.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

// What the per-token router entropy of a trace measures (see RoutingTrace::routerEntropy).
enum class RouterEntropyKind {
    None, // not captured (router logits were not requested)
    Softmax, // entropy of softmax(router logits) over all experts
    NormalizedSigmoid, // entropy of sigmoid(router logits) / sum, for sigmoid-scored routers (DeepSeek-V3)
};

// "softmax", "sigmoid" or "none" (as stored); an unknown name reads as None.
std::string_view routerEntropyKindName(RouterEntropyKind kind);
RouterEntropyKind routerEntropyKindFromName(std::string_view name);

// Where a trace came from; saved with it.
struct RoutingTraceInfo {
    std::string modelPath; // model folder
    std::string modelName; // display name (folder name unless set)
    std::string modelType; // config.json model_type
    std::string device;
    std::string dtype; // compute dtype: "f32", "bf16"
    std::string quantization = "none";
    std::int64_t window = 0; // tokens per scoring window (0: one pass)
    std::int64_t stride = 0;
    std::string source; // text file path, or "document:ID"
    std::string createdAt; // ISO 8601 UTC
    RouterEntropyKind routerEntropyKind = RouterEntropyKind::None;
};

class RoutingTrace {
public:
    static constexpr int kMaxExperts = 65536;
    static constexpr std::size_t kMaxTokens = std::size_t(1) << 31;

    RoutingTrace() = default;
    // Allocates zeroed routing for tokenIds.size() tokens. offsets: one byte span per token (or empty: all {0, 0}).
    // Throws InvalidArgumentError on inconsistent shapes (no MoE layers, k outside [1, experts], unsorted layers,
    // more than kMaxTokens tokens, offsets of another size, end < begin).
    RoutingTrace(std::vector<int> moeLayers, int k, int numExperts, std::vector<std::int32_t> tokenIds,
        std::vector<TextSpan> offsets, bool withRouterEntropy = false);

    RoutingTraceInfo& info() { return m_info; }
    const RoutingTraceInfo& info() const { return m_info; }

    std::size_t tokenCount() const { return m_tokenIds.size(); }
    int layerCount() const { return int(m_layers.size()); } // number of MoE layers ("slots")
    const std::vector<int>& moeLayers() const { return m_layers; } // decoder layer index of each slot, ascending
    int layerAt(int slot) const { return m_layers[std::size_t(slot)]; }
    int slotOf(int layer) const; // -1 when layer is not a MoE layer of the trace
    int k() const { return m_k; }
    int numExperts() const { return m_experts; }
    bool wideIds() const { return m_experts > 256; } // ids stored as uint16

    std::span<const std::int32_t> tokenIds() const { return m_tokenIds; }
    std::span<const TextSpan> offsets() const { return m_offsets; }

    // Routing of one slot, [tokens * k]: ids8 when !wideIds(), ids16 when wideIds() (the other one is empty).
    std::span<const std::uint8_t> ids8(int slot) const
    {
        return m_ids8.empty() ? std::span<const std::uint8_t>() : m_ids8[std::size_t(slot)];
    }
    std::span<const std::uint16_t> ids16(int slot) const
    {
        return m_ids16.empty() ? std::span<const std::uint16_t>() : m_ids16[std::size_t(slot)];
    }
    std::span<const std::uint16_t> weightsHalf(int slot) const { return m_weights[std::size_t(slot)]; }
    // Calls f with the slot's id span (uint8 or uint16), so hot loops are compiled for the stored width.
    template <typename F> decltype(auto) visitIds(int slot, F&& f) const
    {
        if (wideIds())
            return f(ids16(slot));
        return f(ids8(slot));
    }

    int expert(int slot, std::size_t token, int j) const;
    float weight(int slot, std::size_t token, int j) const;

    // Per-token router entropy in bits, [tokens] per slot, when captured (else empty spans).
    bool hasRouterEntropy() const { return !m_routerEntropy.empty(); }
    std::span<const std::uint16_t> routerEntropyHalf(int slot) const;

    // Writes the routing of tokens [firstToken, firstToken + count) of a slot: ids and weights [count * k].
    // Throws InvalidArgumentError for a range beyond the trace or an expert id outside [0, numExperts).
    void setRouting(int slot, std::size_t firstToken, std::size_t count, const std::int32_t* ids, const float* weights);
    void setRouterEntropy(int slot, std::size_t firstToken, std::size_t count, const float* bits);

    // Keeps the first `tokens` tokens (a cancelled run keeps what all layers saw).
    void truncate(std::size_t tokens);

    std::size_t memoryBytes() const;

    // One slot's arrays as stored; adoptLayer moves them in after checking sizes and expert ids (FormatError), so a
    // loader does not copy 100+ MB twice. routerEntropy may be empty when the trace has none.
    struct LayerArrays {
        std::vector<std::uint8_t> ids8;
        std::vector<std::uint16_t> ids16;
        std::vector<std::uint16_t> weights;
        std::vector<std::uint16_t> routerEntropy;
    };
    void adoptLayer(int slot, LayerArrays arrays);
    // A trace with the given shape whose per-slot arrays are empty until adoptLayer (for loaders).
    static RoutingTrace shell(std::vector<int> moeLayers, int k, int numExperts, std::vector<std::int32_t> tokenIds,
        std::vector<TextSpan> offsets, bool withRouterEntropy);

private:
    RoutingTrace(std::vector<int> moeLayers, int k, int numExperts, std::vector<std::int32_t> tokenIds,
        std::vector<TextSpan> offsets, bool withRouterEntropy, bool allocate);
    void checkSlot(int slot) const;
    void checkRange(int slot, std::size_t firstToken, std::size_t count) const;

    RoutingTraceInfo m_info;
    std::vector<int> m_layers;
    int m_k = 0;
    int m_experts = 0;
    std::vector<std::int32_t> m_tokenIds;
    std::vector<TextSpan> m_offsets;
    std::vector<std::vector<std::uint8_t>> m_ids8; // [slot][tokens * k] when experts <= 256
    std::vector<std::vector<std::uint16_t>> m_ids16; // [slot][tokens * k] when experts > 256
    std::vector<std::vector<std::uint16_t>> m_weights; // [slot][tokens * k] float16
    std::vector<std::vector<std::uint16_t>> m_routerEntropy; // [slot][tokens] float16 bits, or empty
};

// A float16 bit pattern mapped to an unsigned key with the same order as the values (NaNs sort past infinities).
inline std::uint16_t halfOrderKey(std::uint16_t bits)
{
    return (bits & 0x8000) ? std::uint16_t(~bits) : std::uint16_t(bits | 0x8000);
}

// Index in [0, k) of a token's top-1 choice: the largest applied weight (the first on ties). The runtime reports
// choices in the router's order, which is not sorted for every family (DeepSeek's topk(sorted=False)).
inline int topChoice(const std::uint16_t* weights, int k)
{
    int best = 0;
    for (int j = 1; j < k; ++j)
        if (halfOrderKey(weights[j]) > halfOrderKey(weights[best]))
            best = j;
    return best;
}

} // namespace moescope

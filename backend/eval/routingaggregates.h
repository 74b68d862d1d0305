#pragma once
// Aggregates of a routing trace, per MoE layer: token counts and weight mass per expert, top-1 counts, co-activation,
// counts per section and per page, entropy sums and routing persistence. They are updated incrementally as routing
// arrives (RoutingRecorder calls addTokens after each event) or built from a stored trace in one pass; derived
// figures (load balance, mean entropies, specialisation) are computed from them in O(experts) or
// O(sections x experts) per layer, so views read them instantly.
//
// Entropy definitions (bits): "top-k entropy" is the entropy of a token's applied top-k weights renormalised to sum
// 1 (0 to log2(k)); "router entropy" is the entropy of the full router distribution over all experts (softmax of the
// logits, or normalised sigmoid scores; 0 to log2(experts)), present only when the router logits were captured;
// "load entropy" is the entropy of the layer's expert counts (0 to log2(experts)).
//
// A plain value, cheap to copy (the token -> segment maps are shared): the inference thread updates its own copy and
// hands snapshots to the GUI. Not thread-safe for concurrent modification.

#include "eval/routingmetrics.h"
#include "eval/routingsegments.h"
#include "eval/routingtrace.h"

#include <memory>
#include <stop_token>
#include <vector>

namespace moescope {

struct LayerRouting {
    std::int64_t tokens = 0; // tokens aggregated in this layer
    std::vector<std::int64_t> counts; // [experts] tokens that chose the expert (once per token)
    std::vector<std::int64_t> top1Counts; // [experts] tokens whose largest weight went to the expert
    std::vector<double> weightMass; // [experts] sum of applied weights
    std::vector<std::uint32_t> pairCounts; // [experts * experts]: at a * experts + b, a < b, the tokens that chose
                                           // both (upper triangle only; empty beyond kMaxCoactivationExperts)
    std::vector<std::uint32_t> sectionCounts; // [sections * experts]
    std::vector<std::uint32_t> pageCounts; // [pages * experts]
    double topkEntropySum = 0; // bits, summed over tokens
    double routerEntropySum = 0; // bits, over the tokens with a router entropy
    std::int64_t routerEntropyTokens = 0;
    std::int64_t persistencePairs = 0; // consecutive token pairs (t - 1, t) both aggregated
    std::int64_t persistenceSame = 0; // ... of which keep the same top-1 expert
};

class RoutingAggregates {
public:
    static constexpr int kMaxCoactivationExperts = 1024; // E x E counts per layer stay <= 4 MB
    RoutingAggregates() = default;
    // Empty aggregates shaped like trace (layers, k, experts), with optional section and page segments.
    RoutingAggregates(
        const RoutingTrace& trace, std::vector<RoutingSegment> sections = {}, std::vector<RoutingSegment> pages = {});
    // The same from the shape alone (loaders); segments must lie within `tokens`.
    RoutingAggregates(std::vector<int> moeLayers, int k, int numExperts, std::size_t tokens,
        std::vector<RoutingSegment> sections, std::vector<RoutingSegment> pages, RouterEntropyKind routerEntropyKind);
    // Everything from a complete trace, layers in parallel on up to `threads` threads (0: hardware concurrency).
    static RoutingAggregates build(const RoutingTrace& trace, std::vector<RoutingSegment> sections = {},
        std::vector<RoutingSegment> pages = {}, std::stop_token stop = {}, unsigned threads = 0);

    // Adds tokens [begin, end) of a slot, read from the trace. previousKnown / nextKnown: whether tokens begin - 1 /
    // end were already added (so the pairs across the range's borders count for persistence exactly once).
    void addTokens(const RoutingTrace& trace, int slot, std::size_t begin, std::size_t end, bool previousKnown = false,
        bool nextKnown = false);

    int layerCount() const { return int(m_layers.size()); }
    const std::vector<int>& moeLayers() const { return m_moeLayers; }
    int layerAt(int slot) const { return m_moeLayers[std::size_t(slot)]; }
    int slotOf(int layer) const; // -1 when not a MoE layer
    int k() const { return m_k; }
    int numExperts() const { return m_experts; }
    bool hasCoactivation() const { return m_experts <= kMaxCoactivationExperts; }
    RouterEntropyKind routerEntropyKind() const { return m_routerEntropyKind; }
    void setRouterEntropyKind(RouterEntropyKind kind) { m_routerEntropyKind = kind; }

    const LayerRouting& layer(int slot) const { return m_layers[std::size_t(slot)]; }
    LayerRouting& layer(int slot) { return m_layers[std::size_t(slot)]; } // for loaders
    const std::vector<RoutingSegment>& sections() const { return m_sections; }
    const std::vector<RoutingSegment>& pages() const { return m_pages; }
    std::int64_t tokens() const; // tokens aggregated in every layer (the minimum over layers)

    // Derived, per slot.
    LoadBalance balance(int slot) const;
    double meanTopkEntropy(int slot) const; // bits; NaN without tokens
    double meanRouterEntropy(int slot) const; // bits; NaN when not captured
    double loadEntropy(int slot) const; // bits
    double persistence(int slot) const; // share of consecutive pairs keeping the top-1 expert; NaN without pairs
    double persistenceChance(int slot) const; // the share expected if top-1 choices were independent: sum p_e^2
    std::vector<double> share(int slot) const; // counts / (tokens * k): each row sums to 1
    std::vector<double> weightShare(int slot) const; // weight mass / total weight mass
    // Co-activation matrix [experts * experts], symmetric: tokens that chose both experts; the diagonal holds the
    // counts. O(experts^2); empty when not kept.
    std::vector<std::uint32_t> coactivation(int slot) const;
    // Each section's expert distribution, [sections * experts], rows summing to 1 (NaN rows for empty sections): the
    // section view's experts x sections matrix.
    std::vector<double> sectionShare(int slot) const;
    // Jensen-Shannon divergence (bits, [0, 1]) of each section's expert distribution against the whole layer's;
    // NaN for a section without tokens.
    std::vector<double> sectionSpecialisation(int slot) const;
    // The same for pages.
    std::vector<double> pageSpecialisation(int slot) const;

    std::size_t memoryBytes() const;

private:
    static void fillLayer(const RoutingAggregates& shape, LayerRouting& layer);
    std::vector<double> specialisation(int slot, const std::vector<std::uint32_t>& counts, std::size_t segments) const;

    std::vector<int> m_moeLayers;
    int m_k = 0;
    int m_experts = 0;
    RouterEntropyKind m_routerEntropyKind = RouterEntropyKind::None;
    std::vector<LayerRouting> m_layers;
    std::vector<RoutingSegment> m_sections;
    std::vector<RoutingSegment> m_pages;
    std::shared_ptr<const std::vector<std::int32_t>> m_sectionOfToken; // [tokens] segment index or -1
    std::shared_ptr<const std::vector<std::int32_t>> m_pageOfToken;
};

} // namespace moescope

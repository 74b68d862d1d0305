#pragma once
// The per-token questions the routing views ask of a trace, each well under 100 ms on a 400k-token, 26-layer top-6
// trace: which tokens went to (layer, expert) (with offsets and pages, for "click a cell -> tokens in context"),
// one token's routing in every layer (tooltips), top-1 expert and entropy of every token for one layer (token
// colouring), and the tokens most typical of an expert (by count and by lift).
//
// Per-layer indexes are built lazily on first use (O(tokens x k), a few ms) and kept for the last few layers used.
// Thread-safe: every const member may be called from several threads at once (the caches are locked); results are
// values or shared pointers to immutable data that stay valid after eviction.

#include "eval/routingsegments.h"
#include "eval/routingtrace.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

namespace moescope {

// Tokens routed to each expert of one layer: a CSR list in token order.
struct ExpertTokenIndex {
    int layer = 0;
    std::vector<std::uint32_t> offsets; // [experts + 1]
    std::vector<std::uint32_t> tokens; // [tokens * k] token indices, grouped by expert, ascending within each
    std::vector<std::uint8_t> choices; // [tokens * k] position j of the expert in the token's k choices

    std::size_t count(int expert) const { return offsets[std::size_t(expert) + 1] - offsets[std::size_t(expert)]; }
    std::span<const std::uint32_t> tokensOf(int expert) const
    {
        return std::span(tokens).subspan(offsets[std::size_t(expert)], count(expert));
    }
};

// Per-token colouring data for one layer.
struct LayerTokenStats {
    int layer = 0;
    std::vector<std::uint16_t> top1; // [tokens] expert with the largest applied weight
    std::vector<float> topkEntropy; // [tokens] bits, of the renormalised top-k weights (0 to log2 k)
    std::vector<float> routerEntropy; // [tokens] bits, of the full router distribution; empty when not captured
};

struct RoutedToken {
    std::uint32_t token = 0; // index in the trace
    int choice = 0; // position of the expert among the token's k choices
    float weight = 0; // applied weight
    TextSpan span; // bytes of the document text
    int page = -1; // 0-based page, -1 when the trace has no pages
};

enum class RoutedTokenOrder { Position, Weight }; // Weight: largest first, ties in token order

struct LayerChoice {
    int layer = 0;
    std::vector<int> experts; // [k] in the router's order
    std::vector<float> weights; // [k]
    int top1 = 0; // expert with the largest weight
    float topkEntropy = 0; // bits
    float routerEntropy = 0; // bits, NaN when not captured
};

struct TokenRouting {
    std::size_t token = 0;
    std::int32_t tokenId = 0;
    TextSpan span;
    int page = -1;
    std::vector<LayerChoice> layers; // every MoE layer, ascending
};

struct TokenCount {
    std::int32_t tokenId = 0;
    std::uint32_t count = 0; // occurrences routed to the expert
    std::uint32_t total = 0; // occurrences in the trace
    double share = 0; // count / total: how often this token goes to the expert
    double lift = 0; // share / (tokens routed to the expert / all tokens): > 1 means more than chance
};

struct TopTokenOptions {
    std::size_t limit = 20;
    std::uint32_t minCount = 5; // by lift: only tokens routed to the expert at least this often
};

struct TopTokens {
    std::vector<TokenCount> byCount; // largest count first (ties: lower token id)
    std::vector<TokenCount> byLift; // largest lift first, count >= minCount
};

class RoutingQueries {
public:
    // pages: token ranges of pages for citations (may be empty). cachedLayers: per-layer indexes kept (>= 1).
    explicit RoutingQueries(std::shared_ptr<const RoutingTrace> trace, std::vector<RoutingSegment> pages = {},
        std::size_t cachedLayers = 4);

    const RoutingTrace& trace() const { return *m_trace; }
    std::shared_ptr<const RoutingTrace> sharedTrace() const { return m_trace; }

    // Lazily built, O(tokens x k) the first time. Throws InvalidArgumentError for a layer that is not a MoE layer.
    std::shared_ptr<const ExpertTokenIndex> expertIndex(int layer) const;
    std::shared_ptr<const LayerTokenStats> layerTokenStats(int layer) const;

    std::size_t routedTokenCount(int layer, int expert) const;
    // Rows [first, first + limit) of the tokens routed to (layer, expert) in the given order.
    std::vector<RoutedToken> routedTokens(int layer, int expert, std::size_t first = 0,
        std::size_t limit = std::numeric_limits<std::size_t>::max(),
        RoutedTokenOrder order = RoutedTokenOrder::Position) const;
    // O(layers x k).
    TokenRouting tokenRouting(std::size_t token) const;
    // O(tokens routed to the expert) after a one-time O(tokens log tokens) vocabulary count.
    TopTokens topTokens(int layer, int expert, const TopTokenOptions& options = {}) const;
    // 0-based page holding a token, -1 without pages. O(log pages).
    int pageOf(std::size_t token) const;

private:
    struct Vocabulary {
        std::vector<std::int32_t> ids; // distinct token ids, ascending
        std::vector<std::uint32_t> counts; // occurrences of each
        std::vector<std::uint32_t> indexOfToken; // [tokens] position of the token's id in ids
    };
    int slotOrThrow(int layer) const;
    void checkExpert(int expert) const;
    std::shared_ptr<const Vocabulary> vocabulary() const;
    template <typename T>
    std::shared_ptr<const T> cached(std::vector<std::pair<int, std::shared_ptr<const T>>>& cache, int layer,
        std::shared_ptr<const T> (RoutingQueries::*make)(int) const) const;
    std::shared_ptr<const ExpertTokenIndex> makeExpertIndex(int slot) const;
    std::shared_ptr<const LayerTokenStats> makeLayerTokenStats(int slot) const;

    std::shared_ptr<const RoutingTrace> m_trace;
    std::vector<RoutingSegment> m_pages;
    std::size_t m_cachedLayers;
    mutable std::mutex m_mutex;
    mutable std::vector<std::pair<int, std::shared_ptr<const ExpertTokenIndex>>> m_indexes; // most recent last
    mutable std::vector<std::pair<int, std::shared_ptr<const LayerTokenStats>>> m_stats;
    mutable std::shared_ptr<const Vocabulary> m_vocabulary;
};

} // namespace moescope

#pragma once
// A ForwardObserver that records routing into a RoutingTrace and updates RoutingAggregates as events arrive. Events
// come at absolute token positions (eval/perplexity.h's scoreSequence, Engine::logits), in chunks and per layer, in any
// order; each (layer, token) must be reported once. Runs on the inference thread; aggregates() may be copied there
// for live views (a snapshot is a few hundred KB).

#include "eval/routingaggregates.h"
#include "eval/routingtrace.h"
#include "runtime/forwardobserver.h"

#include <utility>

namespace moescope {

class RoutingRecorder final : public ForwardObserver {
public:
    // trace: shaped for the run (tokens, MoE layers, k, experts), e.g. made by makeRoutingTrace(); when it was made
    // with router entropy, the recorder asks for router logits and keeps each token's entropy (bits) of the
    // distribution named by trace.info().routerEntropyKind.
    explicit RoutingRecorder(
        RoutingTrace trace, std::vector<RoutingSegment> sections = {}, std::vector<RoutingSegment> pages = {});

    bool wantsRouting(int layer) const override;
    bool wantsRouterLogits(int layer) const override;
    // Throws InvalidArgumentError on an event that does not fit the trace (layer, k, experts, positions, ids) or
    // repeats tokens already recorded.
    void onRouting(const RoutingEvent& event) override;

    const RoutingTrace& trace() const { return m_trace; }
    const RoutingAggregates& aggregates() const { return m_aggregates; }
    // Tokens [0, n) recorded in every MoE layer.
    std::size_t completeTokens() const;
    bool complete() const { return completeTokens() == m_trace.tokenCount(); }

    // The trace and its aggregates; when some layer missed tokens (a cancelled run), both are cut to the tokens every
    // layer saw and the aggregates are rebuilt.
    std::pair<RoutingTrace, RoutingAggregates> finish() &&;

private:
    bool filled(std::size_t slot, std::size_t token) const { return (m_filled[slot][token >> 6] >> (token & 63)) & 1; }

    RoutingTrace m_trace;
    RoutingAggregates m_aggregates;
    std::vector<std::vector<std::uint64_t>> m_filled; // [slot] bitmap of recorded tokens
    std::vector<std::size_t> m_prefix; // [slot] first token not yet recorded
    std::vector<float> m_entropyScratch;
};

// Clips segments to the first `tokens` tokens (those starting past them become empty).
std::vector<RoutingSegment> clipSegments(std::vector<RoutingSegment> segments, std::size_t tokens);

} // namespace moescope

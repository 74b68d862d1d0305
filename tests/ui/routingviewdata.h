#pragma once
// Routing views built in memory for the routing panel's tests and interaction benchmark: a document (pages of text
// joined by form feeds, as DocumentData) and a routing trace whose token spans cover that text, wrapped as the
// RoutingView the panel gets from loadRoutingView (run, aggregates with page segments, queries, token texts).

#include "eval/routingtrace.h"
#include "services/routingjobs.h"
#include "services/workbenchtypes.h"

#include <memory>
#include <string>
#include <vector>

namespace moescope::test {

struct RoutingViewData {
    DocumentDataPtr document;
    RoutingViewPtr view;
    std::shared_ptr<const RoutingTrace> trace;
};

// A document of these page texts (document id `documentId`).
DocumentDataPtr makeDocument(const std::vector<std::string>& pages, std::int64_t documentId = 1);

// The view of a trace over document (aggregates built on `threads` threads; 0: all).
RoutingViewData makeRoutingView(
    DocumentDataPtr document, std::shared_ptr<const RoutingTrace> trace, unsigned threads = 0);

// A synthetic document and trace: `tokens` word tokens (" word", a line break every 12 to 20 words) on pages of
// tokensPerPage tokens, routed in `layers` MoE layers (numbered 1..layers) to k of `experts` experts with structure:
// each token id prefers an expert per layer (top-1 about half the time), consecutive tokens often keep their top-1
// expert, the other choices skew to low expert ids; weights sum to at most 1, the top-1 largest. Deterministic in seed.
RoutingViewData makeSyntheticRouting(std::size_t tokens, int layers, int k, int experts, std::size_t tokensPerPage,
    unsigned seed = 1, unsigned threads = 0);

} // namespace moescope::test

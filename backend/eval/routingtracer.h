#pragma once
// Runs a token sequence through a loaded model and records its routing: the one entry point the CLI and the GUI's
// InferenceService share. Windowed like perplexity (eval/perplexity.h): each token is routed once, with at least
// window - stride tokens of context. Runs on the thread that owns the Engine.

#include "core/cancellation.h"
#include "eval/perplexity.h"
#include "eval/routingaggregates.h"
#include "eval/routingtrace.h"
#include "tokenizer/tokenencoding.h"

#include <functional>
#include <optional>
#include <stop_token>

namespace moescope {

class Engine;

struct RoutingRunOptions {
    std::int64_t window = 1024;
    std::int64_t stride = 0; // 0: window / 2
    bool routerEntropy = true; // capture router logits to keep each token's full router entropy
    std::string source; // saved in RoutingTraceInfo::source
};

struct RoutingRun {
    RoutingTrace trace;
    RoutingAggregates aggregates;
    TokenScores scores; // per-token log-probabilities of the same pass
    bool cancelled = false; // stopped early: trace and aggregates hold the tokens every layer saw
};

// Called on the inference thread after each window with the live aggregates (copy what you need).
using RoutingSnapshotCallback = std::function<void(const RoutingAggregates&)>;

// An empty trace shaped for the engine's model and these tokens, with its info filled from the engine.
// Throws UnsupportedError for a model without MoE layers.
RoutingTrace makeRoutingTrace(const Engine& engine, const TokenEncoding& tokens, const RoutingRunOptions& options);

// Records the routing of tokens (ids + byte offsets into the document text). sections/pages: token ranges for the
// per-section and per-page aggregates (may be empty). Cancellation through stop returns what was recorded so far
// with cancelled = true.
RoutingRun recordRouting(Engine& engine, const TokenEncoding& tokens, const RoutingRunOptions& options = {},
    std::vector<RoutingSegment> sections = {}, std::vector<RoutingSegment> pages = {}, std::stop_token stop = {},
    const ProgressCallback& progress = {}, const RoutingSnapshotCallback& snapshot = {});

} // namespace moescope

#pragma once
// Work functions of the Routing panel's background jobs (JobTracker): reading a stored routing run with its per-token
// trace and building the query indexes, and the drift between two stored runs. Each opens its own connection to the
// session file and returns plain values (shared, immutable), so the GUI thread only draws.

#include "eval/routingdrift.h"
#include "eval/routingqueries.h"
#include "eval/routingreport.h"
#include "eval/routingtracestore.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

namespace moescope {

struct RoutingView {
    std::vector<AnalysisRun> runs; // every routing run of the session, newest first (for the drift pickers)
    std::optional<StoredRoutingRun> run; // the one shown; empty when the document has none
    std::shared_ptr<const RoutingQueries> queries;
    TokenTextFunction tokenText; // decodes one token id with the run's model tokenizer (empty without one)
};
using RoutingViewPtr = std::shared_ptr<const RoutingView>;

// The routing of a document: run runId, or the newest complete routing run of documentId when runId is 0.
RoutingViewPtr loadRoutingView(
    const std::filesystem::path& session, std::int64_t documentId, std::int64_t runId = 0, std::stop_token stop = {});

struct RoutingDriftResult {
    RoutingDrift drift;
    RoutingTraceInfo a, b;
    std::int64_t runA = 0, runB = 0;
    TokenTextFunction tokenText;
};
using RoutingDriftResultPtr = std::shared_ptr<const RoutingDriftResult>;

// Throws InvalidArgumentError when the runs do not cover the same tokens (computeRoutingDrift's message).
RoutingDriftResultPtr loadRoutingDrift(
    const std::filesystem::path& session, std::int64_t runA, std::int64_t runB, std::stop_token stop = {});

// A short name of a stored routing run for pickers: "run 12: finmoe-tiny f32, document 3, 2026-11-28 13:40".
std::string routingRunLabel(const AnalysisRun& run);

} // namespace moescope

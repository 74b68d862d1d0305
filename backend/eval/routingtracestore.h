#pragma once
// Routing traces in a session (store/sessionstore.h): an analysis run of kind "routing" whose parameters (JSON) hold
// the shape, the model and the section/page token ranges, and whose BLOB parts hold the arrays:
//   token_ids        i32 [tokens]            token_offsets          i32 [tokens, 2] (byte begin, end)
//   layer.L.ids      u8/u16 [tokens, k]      layer.L.weights        f16 [tokens, k]
//   layer.L.router_entropy f16 [tokens] (when captured)
//   agg.counts, agg.top1_counts i64 [layers, experts]   agg.weight_mass f64 [layers, experts]
//   agg.coactivation i32 [layers, experts, experts]      agg.scalars f64 [layers, 6]
//   agg.section_counts i32 [layers, sections, experts]   agg.page_counts i32 [layers, pages, experts]
// Opening a session reads only the run's parameters and aggregates (loadRoutingSummary: a few MB, milliseconds); the
// per-token arrays (~190 MB for 400k tokens x 26 layers x top-6) load on demand (loadRoutingTrace). Everything read
// is checked: a missing, truncated or inconsistent part gets a FormatError naming the run and the part.
// Same threading rules as SessionStore (one thread per connection).

#include "eval/routingaggregates.h"
#include "eval/routingtrace.h"
#include "store/sessiontypes.h"

#include <optional>
#include <stop_token>

namespace moescope {

class SessionStore;

inline constexpr std::string_view kRoutingRunKind = "routing";

// Saves trace + aggregates as a new run (status "complete", or "cancelled" for a partial trace) and returns its id.
// On failure nothing is left behind.
std::int64_t saveRoutingRun(SessionStore& store, const RoutingTrace& trace, const RoutingAggregates& aggregates,
    std::optional<std::int64_t> documentId, bool cancelled = false);

struct StoredRoutingRun {
    AnalysisRun run;
    RoutingTraceInfo info;
    std::vector<int> moeLayers;
    int k = 0;
    int numExperts = 0;
    std::size_t tokens = 0;
    bool routerEntropy = false;
    RoutingAggregates aggregates; // with the run's sections and pages
};

// Throws InvalidArgumentError when the run does not exist or is not a routing run, FormatError on damaged data.
StoredRoutingRun loadRoutingSummary(SessionStore& store, std::int64_t runId);
RoutingTrace loadRoutingTrace(SessionStore& store, std::int64_t runId, std::stop_token stop = {});

} // namespace moescope

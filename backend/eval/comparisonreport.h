#pragma once
// A comparison's result as JSON (the CLI's contract and the session's summary), as CSV and Markdown tables, and
// stored in / loaded from a session (analysis run of kind "comparison": the summary JSON plus per-token arrays as
// BLOB parts). Plain C++.

#include "eval/comparison.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>

namespace moescope {

class SessionStore;

nlohmann::json comparisonToJson(const ComparisonResult& result);

// The summary table (one row per model, baseline first) and the per-layer routing drift table.
std::string comparisonCsv(const ComparisonResult& result);
std::string routingDriftCsv(const ComparisonResult& result);
// A paper-style Markdown table with the method in a footnote.
std::string comparisonMarkdown(const ComparisonResult& result);
// Writes comparison.csv, routing_drift.csv and comparison.md into folder (created if needed).
void exportComparison(const ComparisonResult& result, const std::filesystem::path& folder);

// Parts: "positions" I64, "targets" I32, "baseline.nll" F32, "token_begin|token_end" I32 (when the result has spans),
// and per variant i: "variant.<i>.nll|kl|delta_p" F32, "variant.<i>.top1|rerouted" U8. Returns the run id.
std::int64_t saveComparison(SessionStore& store, const ComparisonResult& result,
    std::optional<std::int64_t> documentId = std::nullopt, const std::string& paramsJson = "{}");
// FormatError when the run is not a complete comparison.
ComparisonResult loadComparison(SessionStore& store, std::int64_t runId);

} // namespace moescope

#pragma once
// Routing aggregates and drift as JSON (the CLI's output, the GUI's "export JSON") and as CSV files (one per
// aggregate), with the definitions stated in the files so they stand on their own.
//
// JSON of aggregates: {"tokens": n, "model": ..., "k": k, "experts": E, "entropy_unit": "bits", "definitions": {...},
// "layers": [{"layer": L, "tokens": n, "counts": [E], "weight_mass": [E], "top1_counts": [E], "entropy": mean top-k
// weight entropy, "router_entropy": mean full-router entropy or null, "load_entropy", "cv", "max_over_mean",
// "balancedness", "persistence", "persistence_chance"}], "sections": [{"key", "title", "tokens", "pages",
// "specialisation": [per layer JSD, bits]}], "pages": [{"page", "tokens"}]}. NaN is written as null.

#include "eval/routingaggregates.h"
#include "eval/routingdrift.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace moescope {

class RoutingQueries;

// Display text of a token id (e.g. the tokenizer's decode of that one id); may be empty.
using TokenTextFunction = std::function<std::string(std::int32_t)>;

nlohmann::json routingAggregatesJson(const RoutingAggregates& aggregates, const RoutingTraceInfo& info);
nlohmann::json routingDriftJson(const RoutingDrift& drift, const RoutingTraceInfo& a, const RoutingTraceInfo& b,
    const TokenTextFunction& tokenText = {});

struct RoutingCsvOptions {
    std::size_t topTokens = 20; // per expert and order (count, lift); 0: no top_tokens.csv
    std::uint32_t minLiftCount = 5;
};

// Writes layer_summary.csv, expert_counts.csv, coactivation.csv, top1_counts.csv, section_counts.csv and
// section_specialisation.csv (with sections), page_counts.csv (with pages) and top_tokens.csv (with queries) into dir;
// returns the paths written. Throws IoError naming a file that cannot be written.
std::vector<std::filesystem::path> writeRoutingCsv(const RoutingAggregates& aggregates, const RoutingQueries* queries,
    const TokenTextFunction& tokenText, const std::filesystem::path& dir, const RoutingCsvOptions& options = {});
// drift_layers.csv and drift_tokens.csv.
std::vector<std::filesystem::path> writeDriftCsv(
    const RoutingDrift& drift, const TokenTextFunction& tokenText, const std::filesystem::path& dir);

// A CSV field: quoted when it holds a comma, quote or line break (RFC 4180).
std::string csvField(const std::string& text);

} // namespace moescope

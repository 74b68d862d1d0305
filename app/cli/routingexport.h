#pragma once
// What `trace` and `trace-drift` share: token texts for tables, and writing the JSON, CSV and chart exports.

#include "eval/routingaggregates.h"
#include "eval/routingreport.h"

#include <filesystem>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>

namespace moescope {
class RoutingQueries;
class Tokenizer;
} // namespace moescope

namespace moescope::cli {

// Decodes single token ids with tokenizer (cached); an empty function when there is none.
TokenTextFunction tokenTextFunction(std::shared_ptr<const Tokenizer> tokenizer);

// The tokenizer of a model folder, or null (with a warning) when it has none or it cannot be read.
std::shared_ptr<const Tokenizer> optionalTokenizer(const std::filesystem::path& path);

// CSVs of every aggregate and the charts (SVG + PNG) into dir (created); returns the number of files written.
std::size_t exportRouting(const RoutingAggregates& aggregates, const RoutingQueries& queries,
    const TokenTextFunction& tokenText, const std::string& modelName, const std::filesystem::path& dir);

// Writes JSON to path (atomically).
void writeJsonFile(const std::filesystem::path& path, const nlohmann::json& json);

} // namespace moescope::cli

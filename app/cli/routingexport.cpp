#include "routingexport.h"

#include "core/error.h"
#include "eval/routingcharts.h"
#include "eval/routingqueries.h"
#include "io/jsonfile.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

namespace moescope::cli {

TokenTextFunction tokenTextFunction(std::shared_ptr<const Tokenizer> tokenizer)
{
    if (!tokenizer)
        return {};
    auto cache = std::make_shared<std::map<std::int32_t, std::string>>();
    return [tokenizer, cache](std::int32_t id) {
        const auto it = cache->find(id);
        if (it != cache->end())
            return it->second;
        std::string text;
        try {
            const std::int32_t one[] = { id };
            text = tokenizer->decode(one, false);
            // A token that decodes to nothing visible (a lone "▁" or space) is shown as its vocabulary piece.
            if (text.find_first_not_of(" \t\r\n") == std::string::npos)
                text = tokenizer->tokenText(id);
        } catch (const Error&) {
            text = "<id " + std::to_string(id) + ">"; // not in this tokenizer's vocabulary
        }
        return cache->emplace(id, std::move(text)).first->second;
    };
}

std::shared_ptr<const Tokenizer> optionalTokenizer(const std::filesystem::path& path)
{
    try {
        return std::make_shared<const Tokenizer>(Tokenizer::fromFile(path));
    } catch (const Error& e) {
        spdlog::warn("no token texts in the tables: {}", e.what());
        return nullptr;
    }
}

std::size_t exportRouting(const RoutingAggregates& aggregates, const RoutingQueries& queries,
    const TokenTextFunction& tokenText, const std::string& modelName, const std::filesystem::path& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw IoError(dir.string() + ": cannot create the export folder: " + ec.message());
    std::size_t files = writeRoutingCsv(aggregates, &queries, tokenText, dir).size();
    files += writeRoutingCharts(aggregates, { modelName, ChartTheme::light(), {} }, dir).size();
    return files;
}

void writeJsonFile(const std::filesystem::path& path, const nlohmann::json& json)
{
    writeTextFileAtomic(path, json.dump() + "\n");
}

} // namespace moescope::cli

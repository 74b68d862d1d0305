#include "services/routingjobs.h"

#include "core/cancellation.h"
#include "store/sessionstore.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>

namespace moescope {

namespace {
// Decoding one id at a time is cheap, but tables ask for the same ids again on every redraw: cache them.
TokenTextFunction tokenTextOf(const std::string& modelPath)
{
    const auto file = std::filesystem::path(modelPath) / "tokenizer.json";
    std::error_code ec;
    if (modelPath.empty() || !std::filesystem::exists(file, ec))
        return {};
    try {
        auto tokenizer = std::make_shared<const Tokenizer>(Tokenizer::fromFile(modelPath));
        auto cache = std::make_shared<std::pair<std::mutex, std::map<std::int32_t, std::string>>>();
        return [tokenizer, cache](std::int32_t id) {
            std::lock_guard lock(cache->first);
            auto it = cache->second.find(id);
            if (it == cache->second.end())
                it = cache->second.emplace(id, tokenizer->decode(std::span(&id, 1), false)).first;
            return it->second;
        };
    } catch (const std::exception& e) {
        spdlog::warn("routing view: no token texts, the tokenizer of {} cannot be read: {}", modelPath, e.what());
        return {};
    }
}

std::vector<AnalysisRun> routingRuns(SessionStore& store)
{
    auto runs = store.runs(std::string(kRoutingRunKind));
    std::sort(runs.begin(), runs.end(), [](const AnalysisRun& a, const AnalysisRun& b) { return a.id > b.id; });
    return runs;
}
} // namespace

RoutingViewPtr loadRoutingView(
    const std::filesystem::path& session, std::int64_t documentId, std::int64_t runId, std::stop_token stop)
{
    auto store = SessionStore::open(session);
    auto view = std::make_shared<RoutingView>();
    view->runs = routingRuns(store);
    if (runId == 0)
        for (const auto& r : view->runs)
            if (r.documentId == documentId && r.status == "complete") {
                runId = r.id;
                break;
            }
    if (runId == 0)
        return view;
    view->run = loadRoutingSummary(store, runId);
    throwIfStopRequested(stop);
    auto trace = std::make_shared<const RoutingTrace>(loadRoutingTrace(store, runId, stop));
    view->queries = std::make_shared<const RoutingQueries>(trace, view->run->aggregates.pages());
    view->tokenText = tokenTextOf(view->run->info.modelPath);
    return view;
}

RoutingDriftResultPtr loadRoutingDrift(
    const std::filesystem::path& session, std::int64_t runA, std::int64_t runB, std::stop_token stop)
{
    auto store = SessionStore::open(session);
    const RoutingTrace a = loadRoutingTrace(store, runA, stop);
    const RoutingTrace b = loadRoutingTrace(store, runB, stop);
    auto view = std::make_shared<RoutingDriftResult>();
    view->drift = computeRoutingDrift(a, b, 100, stop);
    view->a = a.info();
    view->b = b.info();
    view->runA = runA;
    view->runB = runB;
    view->tokenText = tokenTextOf(a.info().modelPath);
    return view;
}

std::string routingRunLabel(const AnalysisRun& run)
{
    std::string model = std::filesystem::path(run.model).filename().string();
    if (model.empty())
        model = std::filesystem::path(run.model).parent_path().filename().string();
    try { // the quantization and dtype make runs of one model tell apart
        const auto params = nlohmann::json::parse(run.paramsJson);
        if (params.is_object()) {
            if (const auto q = params.value("quantization", std::string()); !q.empty() && q != "none")
                model += " " + q;
            if (const auto d = params.value("dtype", std::string()); !d.empty())
                model += " " + d;
        }
    } catch (const std::exception&) {
    }
    std::string out = "run " + std::to_string(run.id) + ": " + model;
    if (run.documentId)
        out += ", document " + std::to_string(*run.documentId);
    if (run.status != "complete")
        out += " (" + run.status + ")";
    out += ", " + run.createdAt.substr(0, 16);
    return out;
}

} // namespace moescope

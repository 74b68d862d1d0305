// moescope-cli trace-drift: routing drift between two routing traces stored in a session (same token ids, e.g. one
// model in bf16 and quantized): per-layer changed share, top-1 change and mean Jaccard; the tokens that moved most.

#include "commands.h"

#include "core/error.h"
#include "eval/chartrender.h"
#include "eval/routingcharts.h"
#include "eval/routingdrift.h"
#include "eval/routingreport.h"
#include "eval/routingtracestore.h"
#include "routingexport.h"
#include "store/sessionstore.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace moescope::cli {

namespace {
std::string runName(const RoutingTraceInfo& info, std::int64_t run)
{
    std::string name = info.modelName.empty() ? "run " + std::to_string(run) : info.modelName;
    if (!info.dtype.empty())
        name += " " + info.dtype;
    if (!info.quantization.empty() && info.quantization != "none")
        name += " " + info.quantization;
    return name + " (run " + std::to_string(run) + ")";
}
} // namespace

int runTraceDrift(Args& args)
{
    const std::string db = args.required("--db");
    const std::int64_t a = args.intValue("--a", -1);
    const std::int64_t b = args.intValue("--b", -1);
    const auto out = args.option("--out");
    const auto exportDir = args.option("--export-dir");
    const auto tokenizerPath = args.option("--tokenizer");
    const std::int64_t top = args.intValue("--top", 50);
    args.finish();
    if (a < 0 || b < 0)
        throw InvalidArgumentError("give the two routing runs with --a RUN --b RUN");
    if (top < 0 || top > 1000000)
        throw InvalidArgumentError("--top must be between 0 and 1000000");

    SessionStore store = SessionStore::open(db);
    const RoutingTrace traceA = loadRoutingTrace(store, a);
    const RoutingTrace traceB = loadRoutingTrace(store, b);
    const RoutingDrift drift = computeRoutingDrift(traceA, traceB, std::size_t(top));
    const auto tokenizer = optionalTokenizer(tokenizerPath.value_or(traceA.info().modelPath));
    const TokenTextFunction tokenText = tokenTextFunction(tokenizer);

    nlohmann::json json = routingDriftJson(drift, traceA.info(), traceB.info(), tokenText);
    json["run_a"] = a;
    json["run_b"] = b;
    if (out)
        writeJsonFile(*out, json);
    else
        std::cout << json.dump() << "\n";
    if (exportDir) {
        std::error_code ec;
        std::filesystem::create_directories(*exportDir, ec);
        if (ec)
            throw IoError(*exportDir + ": cannot create the export folder: " + ec.message());
        writeDriftCsv(drift, tokenText, *exportDir);
        writeChartFiles(driftChart(drift, runName(traceA.info(), a), runName(traceB.info(), b), {}),
            std::filesystem::path(*exportDir) / "drift");
    }
    return 0;
}

} // namespace moescope::cli

#include "services/comparisonjob.h"

#include "core/error.h"
#include "eval/comparisonreport.h"
#include "models/registry.h"
#include "quant/quantpolicy.h"
#include "store/sessionstore.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace moescope {

std::int64_t tokensForWindows(std::int64_t window, std::int64_t windows)
{
    if (windows <= 0)
        return 0;
    return window + (windows - 1) * std::max<std::int64_t>(1, window / 2);
}

std::string firstCalibratedVariant(const std::vector<std::string>& variants)
{
    for (const auto& v : variants)
        if (v.rfind("dir:", 0) != 0 && QuantPolicy::fromSpec(v).needsCalibration())
            return v;
    return {};
}

ComparisonOutcome runDocumentComparison(const ComparisonRequest& request, const JobContext& context)
{
    if (request.variants.empty())
        throw InvalidArgumentError("pick at least one variant to compare");
    const auto calibrated = firstCalibratedVariant(request.variants); // a bad policy fails before the models load
    if (!calibrated.empty() && !request.calibration.isSet())
        throw InvalidArgumentError("variant '" + calibrated
            + "' needs calibration text (activation-aware scaling or GPTQ): choose the document or a text file as "
              "calibration text");
    if (request.text.size() >= (std::size_t(1) << 31))
        throw InvalidArgumentError("the text is larger than 2 GiB: compare a part of it");
    const auto tokenizer = Tokenizer::fromFile(request.modelDir);
    const auto encoding = tokenizer.encodeWithOffsets(request.text, true);
    const auto& ids = encoding.ids;
    if (ids.size() < 2)
        throw InvalidArgumentError("the text has fewer than two tokens: there is nothing to score");
    ComparisonOptions options;
    options.device = request.device;
    options.window = request.window;
    options.maxTokens = tokensForWindows(request.window, request.windows);
    options.decodeTokens = request.decodeTokens;
    if (!calibrated.empty())
        options.calibrationIds = calibrationIds(tokenizer, request.calibration);
    throwIfStopRequested(context.stop);
    ComparisonOutcome out;
    auto result = std::make_shared<ComparisonResult>(runComparison(request.modelDir, readModelSpec(request.modelDir),
        ids, request.variants, options, context.stop, [&](const std::string&, std::int64_t done, std::int64_t total) {
            if (context.progress)
                context.progress(done, total);
        }));
    throwIfStopRequested(context.stop);
    // Where each scored token lies in the text, for the damage overlay (kept in the session with the arrays).
    result->tokenBegin.reserve(result->positions.size());
    result->tokenEnd.reserve(result->positions.size());
    for (const auto p : result->positions) {
        const auto span = std::size_t(p) < encoding.offsets.size() ? encoding.offsets[std::size_t(p)] : TextSpan {};
        result->tokenBegin.push_back(span.begin);
        result->tokenEnd.push_back(span.end);
    }
    if (!request.sessionPath.empty()) {
        auto store = SessionStore::open(request.sessionPath);
        nlohmann::json params = { { "variants", request.variants }, { "window", options.window },
            { "max_tokens", options.maxTokens }, { "device", options.device }, { "source", "gui" } };
        if (!calibrated.empty())
            params["calibration"] = request.calibration.describe(options.calibrationIds.size());
        out.runId = saveComparison(store, *result, request.documentId, params.dump());
        spdlog::info("comparison of {} stored as run {} in {}", request.modelDir, out.runId, request.sessionPath);
    }
    out.result = std::move(result);
    return out;
}

} // namespace moescope

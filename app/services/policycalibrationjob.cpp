#include "services/policycalibrationjob.h"

#include "core/error.h"
#include "io/jsonfile.h"
#include "models/registry.h"
#include "tokenizer/tokenizer.h"

#include <spdlog/spdlog.h>

namespace moescope {

PolicyCalibrationOutcome runPolicyCalibration(const PolicyCalibrationRequest& request, const JobContext& context)
{
    if (request.outPath.empty())
        throw InvalidArgumentError("choose where to save the calibrated policy");
    validatePolicyCalibration(request.options);
    const auto ids = calibrationIds(Tokenizer::fromFile(request.modelDir), request.text);
    throwIfStopRequested(context.stop);
    auto result = calibrateMixedPolicy(
        request.modelDir, readModelSpec(request.modelDir), ids, request.options, context.stop, context.progress);
    result.json["calibration"]["text"] = request.text.describe(ids.size());
    throwIfStopRequested(context.stop);
    writeTextFileAtomic(request.outPath, result.json.dump(2));
    spdlog::info("calibrated policy {} written to {} ({:.3f}x of bf16, {} experts promoted)", result.policy.name,
        request.outPath, result.weightVsBf16, result.promotedExperts);
    PolicyCalibrationOutcome out;
    out.path = request.outPath;
    out.name = result.policy.name;
    out.tokens = static_cast<std::int64_t>(ids.size());
    out.weightVsBf16 = result.weightVsBf16;
    out.baseVsBf16 = result.baseVsBf16;
    out.promotedExperts = result.promotedExperts;
    return out;
}

} // namespace moescope

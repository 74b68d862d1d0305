#pragma once
// The Quantization panel's "Calibrate mixed policy…" job: tokenizes the calibration text, runs
// quant/policycalibration.h's calibrateMixedPolicy (as `moescope-cli calibrate` does) on its own full-precision copy
// of the model, and writes the policy JSON atomically. Runs on a JobTracker thread; a cancelled job writes nothing
// (the stop token is checked between MoE layers and once more right before the write).

#include "quant/policycalibration.h"
#include "services/calibrationtext.h"
#include "services/jobtracker.h"

#include <string>

namespace moescope {

struct PolicyCalibrationRequest {
    std::string modelDir;
    CalibrationText text;
    PolicyCalibrationOptions options;
    std::string outPath; // the policy file written
};

struct PolicyCalibrationOutcome {
    std::string path;
    std::string name; // the policy's name
    std::int64_t tokens = 0; // calibration tokens used
    double weightVsBf16 = 0;
    double baseVsBf16 = 0; // above the budget: the base alone did not fit
    std::int64_t promotedExperts = 0;
};

// Throws InvalidArgumentError for bad options or too little text, CancelledError when stopped, IoError when the file
// cannot be written.
PolicyCalibrationOutcome runPolicyCalibration(const PolicyCalibrationRequest& request, const JobContext& context);

} // namespace moescope

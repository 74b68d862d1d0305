#pragma once
// The Quantization panel's background job: compares the loaded model's folder with quantized variants of itself on a
// text (eval/comparison.h's runComparison, which loads its own baseline and variants, so the InferenceService's model
// is left alone) and stores the result in the session as a "comparison" run, as `moescope-cli compare --session`
// does. Runs on a JobTracker thread; cancellable through the job's stop token between windows.

#include "eval/comparison.h"
#include "services/calibrationtext.h"
#include "services/jobtracker.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moescope {

struct ComparisonRequest {
    std::string modelDir;
    std::string text; // tokenized with the model's tokenizer (special tokens added, as the CLI does)
    std::vector<std::string> variants; // runComparison's names: "bf16", "int8", "mixed:POLICY.json", ...
    std::int64_t window = 512;
    std::int64_t windows = 0; // score only this many windows (0: the whole text)
    std::string device = "auto";
    int decodeTokens = 16;
    CalibrationText calibration; // tokenized only when a variant needs it (+awq, +gptq, a policy with "gptq": true)
    std::string sessionPath; // store the result there when set (with the calibration text's source in its params)
    std::optional<std::int64_t> documentId;
};

struct ComparisonOutcome {
    std::shared_ptr<const ComparisonResult> result;
    std::int64_t runId = 0; // the session's run, 0 when not stored
};

// Tokens considered for `windows` windows of `window` tokens with the comparison's stride of window / 2.
std::int64_t tokensForWindows(std::int64_t window, std::int64_t windows);

// The first variant that needs calibration text (+awq, +gptq, a policy file asking for them), or "" when none does.
// Throws as QuantPolicy::fromSpec for a bad name or policy file.
std::string firstCalibratedVariant(const std::vector<std::string>& variants);

// Throws InvalidArgumentError for an empty text or variant list or a calibrated variant without calibration text,
// UnsupportedError for an unknown scheme, and CancelledError when stopped.
ComparisonOutcome runDocumentComparison(const ComparisonRequest& request, const JobContext& context);

} // namespace moescope

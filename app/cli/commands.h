#pragma once
// The subcommands of moescope-cli, one file each under commands/. Each returns the process exit code and throws
// moescope::Error for failures, which main() prints as one line on stderr.

#include "args.h"

#include <string_view>

namespace moescope::cli {

struct Command {
    std::string_view name;
    std::string_view usage;
    int (*run)(Args& args);
};

int runVersion(Args& args);
int runInfo(Args& args);
int runLogits(Args& args);
int runGenerate(Args& args);
int runIngest(Args& args);
int runSearch(Args& args);
int runTokenize(Args& args);
int runDetokenize(Args& args);
int runChatFormat(Args& args);
int runTrainTokenizer(Args& args);
int runTrain(Args& args);
int runScore(Args& args);
int runEvaluate(Args& args);
int runBench(Args& args);
int runQuantize(Args& args);
int runCompare(Args& args);
int runCalibrate(Args& args);
int runMakeSampleReport(Args& args);
int runTrace(Args& args);
int runTraceDrift(Args& args);

} // namespace moescope::cli

// make-sample-report: writes the project's own sample annual report (a fictional company's Form 10-K as a PDF) and
// its ground truth JSON (Item page ranges, key figures and their pages) for testing document ingestion.

#include "commands.h"

#include "core/error.h"
#include "docs/samplereport.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace moescope::cli {

int runMakeSampleReport(Args& args)
{
    const std::filesystem::path out = args.required("--out");
    const auto truthOption = args.option("--truth");
    const std::int64_t seed = args.intValue("--seed", 1);
    const bool uncompressed = args.flag("--uncompressed");
    args.finish();
    if (seed < 0)
        throw InvalidArgumentError("--seed must be a non-negative integer, got " + std::to_string(seed));
    if (out.empty() || out.filename().empty())
        throw InvalidArgumentError("--out needs a file name");
    const std::filesystem::path truth = truthOption ? std::filesystem::path(*truthOption) : defaultTruthPath(out);
    if (truth == out)
        throw InvalidArgumentError("--truth must differ from --out (" + out.string() + ")");

    SampleReportOptions options;
    options.seed = static_cast<std::uint64_t>(seed);
    options.compress = !uncompressed;
    const SampleReport report = writeSampleReport(options, out, truth);

    nlohmann::json j;
    j["pdf"] = out.string();
    j["truth"] = truth.string();
    j["seed"] = options.seed;
    j["company"] = report.companyName;
    j["pages"] = report.pageCount;
    j["bytes"] = report.pdf.size();
    std::cout << j.dump(2) << "\n";
    return 0;
}

} // namespace moescope::cli

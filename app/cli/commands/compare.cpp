#include "commands.h"

#include "core/error.h"
#include "eval/chartrender.h"
#include "eval/comparisoncharts.h"
#include "eval/comparisonreport.h"
#include "io/jsonfile.h"
#include "models/registry.h"
#include "quant/quantpolicy.h"
#include "store/sessionstore.h"
#include "textinput.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace moescope::cli {

namespace {
    std::vector<std::string> splitList(const std::string& text)
    {
        std::vector<std::string> out;
        std::size_t begin = 0;
        while (begin <= text.size()) {
            const auto comma = text.find(',', begin);
            const auto item = text.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
            if (!item.empty())
                out.push_back(item);
            if (comma == std::string::npos)
                break;
            begin = comma + 1;
        }
        return out;
    }
} // namespace

int runCompare(Args& args)
{
    const std::string dir = args.required("--model");
    const auto variants = splitList(args.required("--variants"));
    const auto jsonOut = args.option("--json");
    const auto exportDir = args.option("--export-dir");
    const auto session = args.option("--session");
    ComparisonOptions options;
    options.device = args.value("--device", "auto");
    options.dtype = args.value("--dtype", "auto");
    options.window = args.intValue("--window", 512);
    options.maxTokens = args.intValue("--max-tokens", 0);
    options.decodeTokens = static_cast<int>(args.intValue("--decode-tokens", 32));
    options.decidedMargin = args.doubleValue("--decided-margin", kDecidedMargin);
    for (const auto& v : variants) // a typo fails before the text is read and tokenized
        if (v.rfind("dir:", 0) != 0)
            QuantPolicy::fromSpec(v);
    const auto ids = readTokenInput(args, dir, "--text-file", "--ids-file");
    const auto calibration = readTokenInput(args, dir, "--calib-text-file", "--calib-ids-file");
    args.finish();
    if (!ids)
        throw InvalidArgumentError("missing required option --text-file (or --ids-file)");
    if (variants.empty())
        throw InvalidArgumentError("--variants lists no variant");
    if (calibration)
        options.calibrationIds = *calibration;

    const auto result = runComparison(dir, readModelSpec(dir), *ids, variants, options, {},
        [last = std::string()](const std::string& stage, std::int64_t done, std::int64_t total) mutable {
            if (stage != last || done == total) {
                std::fprintf(stderr, "compare: %s %lld/%lld\n", stage.c_str(), static_cast<long long>(done),
                    static_cast<long long>(total));
                last = stage;
            }
        });
    const auto json = comparisonToJson(result);
    if (jsonOut)
        writeTextFileAtomic(*jsonOut, json.dump(2));
    else
        std::cout << json.dump(2) << "\n";
    if (exportDir) { // the tables, then every chart as SVG and PNG (the GUI's export adds a PDF of each)
        exportComparison(result, *exportDir);
        for (const auto& [stem, scene] : comparisonExportCharts(result, ChartTheme::light()))
            writeChartFiles(scene, std::filesystem::path(*exportDir) / stem);
    }
    if (session) {
        auto store = SessionStore::openOrCreate(*session);
        const nlohmann::json params = { { "variants", variants }, { "window", options.window },
            { "max_tokens", options.maxTokens }, { "device", options.device } };
        const auto run = saveComparison(store, result, std::nullopt, params.dump());
        std::fprintf(stderr, "compare: stored as run %lld in %s\n", static_cast<long long>(run), session->c_str());
    }
    return 0;
}

} // namespace moescope::cli

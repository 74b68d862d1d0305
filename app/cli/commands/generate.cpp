#include <cstdint>
#include "commands.h"

#include "core/error.h"
#include "models/modelloader.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

namespace moescope::cli {

namespace {
    // One prompt per non-empty line of comma-separated token ids.
    std::vector<std::vector<std::int32_t>> readPrompts(const std::string& path)
    {
        std::ifstream in(path);
        if (!in)
            throw IoError("cannot read the prompts file " + path);
        std::vector<std::vector<std::int32_t>> prompts;
        std::string line;
        for (int number = 1; std::getline(in, line); ++number) {
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            if (line.find_first_not_of(" \t") == std::string::npos)
                continue;
            prompts.push_back(parseIdList(line, path + " line " + std::to_string(number)));
        }
        if (prompts.empty())
            throw InvalidArgumentError("the prompts file " + path + " holds no prompt");
        return prompts;
    }

    nlohmann::json resultJson(const GenerationResult& result, bool timing)
    {
        nlohmann::json out = { { "ids", result.tokens } };
        if (timing) {
            out["stop_reason"] = result.stopReason;
            out["prefill_seconds"] = result.prefillSeconds;
            out["decode_seconds"] = result.decodeSeconds;
        }
        return out;
    }
} // namespace

int runGenerate(Args& args)
{
    const auto dir = args.required("--model");
    const auto ids = args.option("--ids");
    const auto idsFile = args.option("--ids-file");
    if (static_cast<bool>(ids) == static_cast<bool>(idsFile))
        throw InvalidArgumentError("generate: give --ids 1,2,3 or --ids-file FILE (one prompt per line)");
    const auto batch = args.intValue("--batch", 8);
    SamplingOptions sampling;
    sampling.maxNewTokens = static_cast<int>(args.intValue("--max-new", 32));
    const bool greedy = args.flag("--greedy");
    const auto temperature = args.option("--temperature");
    const auto topP = args.option("--top-p");
    const auto topK = args.option("--top-k");
    sampling.seed = static_cast<std::uint64_t>(args.intValue("--seed", 0));
    if (greedy && (temperature || topP || topK))
        throw InvalidArgumentError("--greedy cannot be combined with --temperature, --top-p or --top-k");
    sampling.greedy = greedy || !(temperature || topP || topK);
    Args sub({ "--t", temperature.value_or("1"), "--p", topP.value_or("1"), "--k", topK.value_or("0") });
    sampling.temperature = sub.doubleValue("--t", 1.0);
    sampling.topP = sub.doubleValue("--p", 1.0);
    sampling.topK = static_cast<int>(sub.intValue("--k", 0));
    if (auto stops = args.option("--stop"))
        sampling.stopTokens = parseIdList(*stops, "--stop");
    EngineOptions options;
    options.device = args.value("--device", "auto");
    options.dtype = args.value("--dtype", "auto");
    const bool timing = args.flag("--timing");
    args.finish();

    if (batch < 1)
        throw InvalidArgumentError("generate: --batch takes a positive number of sequences, not " + std::to_string(batch));

    if (ids) {
        const auto prompt = parseIdList(*ids, "--ids");
        auto engine = loadModel(dir, options);
        std::cout << resultJson(engine->generate(prompt, sampling), timing).dump() << "\n";
        return 0;
    }
    // Several prompts: generated together, up to --batch at a time (continuous batching).
    std::vector<GenerationRequest> requests;
    for (auto& prompt : readPrompts(*idsFile))
        requests.push_back({ std::move(prompt), sampling });
    auto engine = loadModel(dir, options);
    const auto results = engine->generateBatch(requests, static_cast<int>(batch));
    nlohmann::json out = { { "results", nlohmann::json::array() } };
    for (const auto& result : results)
        out["results"].push_back(resultJson(result, timing));
    std::cout << out.dump() << "\n";
    return 0;
}

} // namespace moescope::cli

#include "commands.h"

#include "core/error.h"
#include "eval/bigrammodel.h"
#include "eval/perplexity.h"
#include "eval/scoringtext.h"
#include "io/compressedfile.h"
#include "io/jsonfile.h"
#include "models/modelloader.h"
#include "tokenizer/tokenizer.h"
#include "train/trainingcorpus.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace moescope::cli {

// Language-model quality of a model on held-out texts: token-level perplexity with a sliding window, next to an
// interpolated Kneser-Ney bigram model of the training corpus (same tokenizer, same held-out split as training).
int runEvaluate(Args& args)
{
    const std::filesystem::path modelDir = args.required("--model");
    std::vector<std::string> texts;
    while (auto t = args.option("--text-file"))
        texts.push_back(*t);
    if (texts.empty())
        throw InvalidArgumentError("give at least one --text-file");
    const auto corpusPath = args.option("--corpus");
    PerplexityOptions window;
    window.window = args.intValue("--window", 1024);
    window.stride = args.intValue("--stride", window.window / 2);
    EngineOptions options;
    options.device = args.value("--device", "auto");
    options.dtype = args.value("--dtype", "auto");
    const auto jsonOut = args.option("--json");
    args.finish();

    const auto tokenizer = Tokenizer::fromFile(modelDir);
    auto engine = loadModel(modelDir, options);
    std::optional<BigramModel> bigram;
    if (corpusPath) {
        CorpusOptions corpusOptions;
        corpusOptions.separatorToken = tokenizer.eosId().value_or(-1);
        const auto corpus = tokenizeCorpus(*corpusPath, corpusOptions,
            [&](std::string_view text) { return tokenizer.encode(text, false); });
        bigram.emplace(corpus.train, engine->summary().vocabSize);
    }

    nlohmann::json out = { { "model", modelDir.string() }, { "window", window.window }, { "stride", window.stride },
        { "device", engine->summary().device }, { "dtype", engine->summary().computeDtype } };
    double totalNll = 0, totalBigramNll = 0;
    std::int64_t totalTokens = 0;
    for (const auto& file : texts) {
        const auto text = readMaybeCompressedFile(file, std::size_t(1) << 30);
        const auto ids = encodeDocumentText(tokenizer, text).ids; // layout padding collapsed, as documents are scored
        const auto start = std::chrono::steady_clock::now();
        const auto scores = scoreSequence(*engine, ids, window, nullptr, {}, [&](std::int64_t done, std::int64_t total) {
            std::fprintf(stderr, "\r%s: %lld / %lld tokens", std::filesystem::path(file).filename().c_str(),
                static_cast<long long>(done), static_cast<long long>(total));
        });
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "\n");
        nlohmann::json row = { { "file", std::filesystem::path(file).filename().string() }, { "bytes", text.size() },
            { "tokens", ids.size() }, { "scored_tokens", scores.scored }, { "perplexity", scores.perplexity() },
            { "seconds", seconds } };
        totalNll += scores.meanNll * static_cast<double>(scores.scored);
        totalTokens += scores.scored;
        if (bigram) {
            const double b = bigram->perplexity(ids);
            row["bigram_perplexity"] = b;
            totalBigramNll += std::log(b) * static_cast<double>(ids.size() - 1);
        }
        out["texts"].push_back(row);
    }
    out["perplexity"] = std::exp(totalNll / static_cast<double>(totalTokens));
    if (bigram)
        out["bigram_perplexity"] = std::exp(totalBigramNll / static_cast<double>(totalTokens));
    if (jsonOut)
        writeTextFileAtomic(*jsonOut, out.dump(2));
    std::cout << out.dump(2) << "\n";
    return 0;
}

} // namespace moescope::cli

// moescope-cli train-tokenizer: trains a byte-level BPE tokenizer on a corpus (plain, .gz or .xz).

#include <cstdint>
#include "commands.h"

#include "core/error.h"
#include "io/jsonfile.h"
#include "tokenizer/bpetrainer.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>

namespace moescope::cli {

namespace {

std::uint64_t fnv1a64(std::string_view data)
{
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (const char c : data) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001B3ull;
    }
    return h;
}

} // namespace

int runTrainTokenizer(Args& args)
{
    const std::string corpusPath = args.required("--corpus");
    const std::string out = args.required("--out");
    BpeTrainerOptions options;
    options.vocabSize = static_cast<std::size_t>(args.intValue("--vocab", 16384));
    options.minFrequency = args.intValue("--min-frequency", 2);
    const std::int64_t limit = args.intValue("--limit-bytes", 0);
    options.threads = static_cast<unsigned>(args.intValue("--threads", 0));
    args.finish();
    if (limit < 0)
        throw InvalidArgumentError("--limit-bytes must not be negative");

    const std::string corpus = BpeTrainer::readCorpus(corpusPath, static_cast<std::uint64_t>(limit));

    BpeTrainer trainer(options);
    trainer.addCorpus(corpus);
    const BpeTrainingResult result = trainer.train({}, [](std::int64_t done, std::int64_t total) {
        if (done % 2048 == 0 || done == total)
            spdlog::info("train-tokenizer: {} / {} merges", done, total);
    });
    BpeTrainer::write(result, out);

    nlohmann::ordered_json summary;
    summary["vocab_size"] = result.vocabSize;
    summary["merges"] = result.merges;
    summary["documents"] = result.documents;
    summary["corpus_bytes"] = result.corpusBytes;
    summary["corpus_fnv1a64"] = fmt::format("{:016x}", fnv1a64(corpus));
    summary["pre_tokens"] = result.preTokens;
    summary["distinct_pre_tokens"] = result.uniquePreTokens;
    summary["min_frequency"] = options.minFrequency;
    summary["count_seconds"] = result.countSeconds;
    summary["merge_seconds"] = result.mergeSeconds;
    summary["special_tokens"] = BpeTrainer::specialTokens();
    writeTextFileAtomic(std::filesystem::path(out) / "tokenizer_training.json", summary.dump(2) + "\n");
    std::cout << summary.dump() << "\n";
    return 0;
}

} // namespace moescope::cli

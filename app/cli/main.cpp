// moescope-cli: the MoEScope backend from the command line (no Qt). Errors: one line on stderr, non-zero exit.

#include "commands.h"

#include "core/error.h"
#include "core/logging.h"

#include <spdlog/spdlog.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace {

using moescope::cli::Command;

constexpr std::array kCommands = {
    Command { "version", "version                               versions and compute devices as JSON",
        moescope::cli::runVersion },
    Command { "info", "info --model DIR                      model summary as JSON (no weights loaded)",
        moescope::cli::runInfo },
    Command { "logits", "logits --model DIR --ids 1,2,3 --out F.safetensors [--device cpu|cuda] [--dtype f32|bf16]",
        moescope::cli::runLogits },
    Command { "generate",
        "generate --model DIR --ids 1,2,3 | --ids-file FILE [--batch 8] --max-new N [--greedy | --temperature T"
        " --top-p P --top-k K --seed S] [--stop ID,...] [--device ...] [--dtype ...] [--timing]  (--ids-file: one"
        " prompt per line, generated together, up to --batch at a time)",
        moescope::cli::runGenerate },
    Command { "ingest",
        "ingest FILE --db DB.moescope [--bench]  read a report into a session; JSON structure + figures",
        moescope::cli::runIngest },
    Command { "search",
        "search --db DB.moescope --query Q [--top K] [--document ID] [--bench N]  full-text search, JSON hits",
        moescope::cli::runSearch },
    Command { "tokenize",
        "tokenize --tokenizer PATH --text-file F [--add-special] [--offsets] [--bench [--repeat N]]\n"
        "                                        token ids of a text as JSON {\"ids\": [...]} (--bench: throughput)",
        moescope::cli::runTokenize },
    Command { "detokenize", "detokenize --tokenizer PATH --ids 1,2,3 [--skip-special]   the text of token ids",
        moescope::cli::runDetokenize },
    Command { "train",
        "train --config CONFIG.json --corpus FILE --tokenizer DIR --out DIR [--device cuda] [--steps N] [--batch B]"
        " [--seq L] [--lr X] [--seed S] [--time-budget SECONDS] [--limit-bytes N] [--checkpoint DIR]",
        moescope::cli::runTrain },
    Command { "score",
        "score --db DB.moescope --document ID --model DIR [--window 1024] [--stride 512] [--device ...] [--dtype ...]"
        "  perplexity of a stored document (overall, per section, per page), stored in the session",
        moescope::cli::runScore },
    Command { "chat-format",
        "chat-format --tokenizer DIR --messages FILE.json [--add-generation-prompt] [--no-thinking]\n"
        "                                        the conversation rendered with the checkpoint's chat template",
        moescope::cli::runChatFormat },
    Command { "train-tokenizer",
        "train-tokenizer --corpus FILE --vocab N --out DIR [--min-frequency K] [--limit-bytes B] [--threads T]\n"
        "                                        train a byte-level BPE tokenizer (tokenizer.json + config)",
        moescope::cli::runTrainTokenizer },
    Command { "evaluate",
        "evaluate --model DIR --text-file F [--text-file F2 ...] [--corpus TRAIN_CORPUS] [--window 1024] [--stride 512]"
        " [--json OUT]  perplexity on held-out text (and a Kneser-Ney bigram baseline of the corpus)",
        moescope::cli::runEvaluate },
    Command { "bench",
        "bench --config CONFIG.json --random-weights | --model DIR  [--prompt 2048] [--gen 128] [--batch 1]"
        " [--device cuda] [--dtype bf16|f32|int8|int4-g128|...|mixed:P.json] [--cuda-graphs on|off]\n"
        "                                        [--capture-routing] [--check-steps N] [--prefill-runs 3]"
        " [--profile TRACE] [--json]\n"
        "                                        prefill/decode speed against the bandwidth floor; --batch B also times B\n"
        "                                        sequences generated together against batch 1",
        moescope::cli::runBench },
    Command { "quantize",
        "quantize --model DIR --scheme int8|int4-g128|int4-g64-asym|fp8|fp8-b128|bf16|mixed:POLICY.json --out DIR2\n"
        "                                        [--device cpu|cuda] [--shard-gb N] [--calib-text-file F]"
        "  (scheme options: +minmax, +awq, +gptq)",
        moescope::cli::runQuantize },
    Command { "compare",
        "compare --model DIR --variants bf16,int8,int4-g128,mixed:POLICY.json --text-file F [--json OUT]\n"
        "                                        [--export-dir D] [--device ...] [--dtype ...] [--window N]"
        " [--max-tokens N] [--decode-tokens N] [--decided-margin P] [--calib-text-file F] [--session DB]",
        moescope::cli::runCompare },
    Command { "calibrate",
        "calibrate --model DIR --text-file F --out POLICY.json [--low int4-g128[+awq][+gptq]] [--high int8]\n"
        "                                        [--budget 0.35] [--base POLICY.json] [--tokens N] [--window N]"
        " [--device ...]\n"
        "                                        per-expert mixed 4/8-bit policy (+awq/+gptq: for the whole policy)",
        moescope::cli::runCalibrate },
    Command { "make-sample-report",
        "make-sample-report --out FILE.pdf [--seed S] [--truth FILE.json] [--uncompressed]\n"
        "                                        write the sample 10-K PDF and its ground truth (default truth file:\n"
        "                                        FILE.truth.json beside the PDF); prints a JSON summary",
        moescope::cli::runMakeSampleReport },
    Command { "trace",
        "trace --model DIR (--text-file F --out TRACE.json | --db DB.moescope --document ID [--out TRACE.json])\n"
        "        [--tokenizer PATH] [--device ...] [--dtype ...] [--window 1024] [--stride N] [--no-router-entropy]\n"
        "        [--no-special-tokens] [--export-dir D]\n"
        "                                        expert routing of every token: aggregates as JSON, CSV + charts\n"
        "                                        (--export-dir); with --db the trace is stored in the session",
        moescope::cli::runTrace },
    Command { "trace-drift",
        "trace-drift --db DB.moescope --a RUN --b RUN [--out DRIFT.json] [--export-dir D] [--top N]"
        " [--tokenizer PATH]\n"
        "                                        routing drift between two stored traces of the same tokens",
        moescope::cli::runTraceDrift },
};

void printUsage(std::FILE* out)
{
    std::fprintf(out, "usage: moescope-cli COMMAND [options]\n\ncommands:\n");
    for (const auto& c : kCommands)
        std::fprintf(out, "  %.*s\n", static_cast<int>(c.usage.size()), c.usage.data());
    std::fprintf(out, "\nglobal options: --verbose (debug logging to stderr)\n");
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        printUsage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    std::vector<std::string> tokens(argv + 2, argv + argc);
    bool verbose = false;
    std::erase_if(tokens, [&](const std::string& t) { return t == "--verbose" && (verbose = true); });
    moescope::setupLogging({ .logDir = moescope::defaultLogDir(), .console = true, .verbose = verbose });

    const std::string_view name = argv[1];
    for (const auto& c : kCommands) {
        if (c.name != name)
            continue;
        try {
            moescope::cli::Args args(std::move(tokens));
            return c.run(args);
        } catch (const moescope::CancelledError&) {
            std::fprintf(stderr, "moescope-cli: cancelled\n");
            return 130;
        } catch (const moescope::Error& e) {
            spdlog::debug("{} failed: {}", name, e.what());
            std::fprintf(stderr, "moescope-cli %s: error: %s\n", argv[1], e.what());
            return 1;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "moescope-cli %s: internal error: %s\n", argv[1], e.what());
            return 3;
        }
    }
    std::fprintf(stderr, "moescope-cli: unknown command '%s' (see moescope-cli --help)\n", argv[1]);
    return 2;
}

#include <cstdint>
#include "commands.h"

#include "core/error.h"
#include "io/configreader.h"
#include "io/jsonfile.h"
#include "models/registry.h"
#include "tokenizer/tokenizer.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace moescope::cli {

namespace fs = std::filesystem;

namespace {
    std::stop_source* g_stop = nullptr;
    extern "C" void onInterrupt(int) // first Ctrl-C: stop after the step and write a checkpoint
    {
        if (g_stop)
            g_stop->request_stop();
    }

    TrainingOptions readTrainingOptions(const nlohmann::json& j, TrainingOptions o)
    {
        const ConfigReader c(j, "training config");
        o.batchSize = c.getInt("batch_size", o.batchSize);
        o.sequenceLength = c.getInt("sequence_length", o.sequenceLength);
        o.steps = c.getInt("steps", o.steps);
        o.warmupSteps = c.getInt("warmup_steps", o.warmupSteps);
        o.learningRate = c.getDouble("learning_rate", o.learningRate);
        o.minLearningRateRatio = c.getDouble("min_learning_rate_ratio", o.minLearningRateRatio);
        o.weightDecay = c.getDouble("weight_decay", o.weightDecay);
        o.beta1 = c.getDouble("beta1", o.beta1);
        o.beta2 = c.getDouble("beta2", o.beta2);
        o.gradientClip = c.getDouble("gradient_clip", o.gradientClip);
        o.auxLossAlpha = c.getDouble("aux_loss_alpha", o.auxLossAlpha);
        o.initStd = c.getDouble("init_std", o.initStd);
        o.evalEvery = c.getInt("eval_every", o.evalEvery);
        o.evalBatches = c.getInt("eval_batches", o.evalBatches);
        o.checkpointEvery = c.getInt("checkpoint_every", o.checkpointEvery);
        o.logEvery = c.getInt("log_every", o.logEvery);
        o.seed = static_cast<std::uint64_t>(c.getInt("seed", static_cast<std::int64_t>(o.seed)));
        return o;
    }

    std::string formatDuration(double seconds)
    {
        const auto s = static_cast<long>(seconds);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
        return buf;
    }
} // namespace

int runTrain(Args& args)
{
    const fs::path configPath = args.required("--config");
    const fs::path corpusPath = args.required("--corpus");
    const fs::path tokenizerDir = args.required("--tokenizer");
    const fs::path outDir = args.required("--out");
    const fs::path checkpointDir = args.value("--checkpoint", outDir.string() + ".checkpoint");
    const auto config = readJsonFile(configPath);
    if (!config.is_object() || !config.contains("model") || !config["model"].is_object())
        throw FormatError(configPath.string() + ": expected {\"model\": {config.json fields}, \"training\": {...}}");

    TrainingOptions options = readTrainingOptions(config.value("training", nlohmann::json::object()), {});
    options.device = args.value("--device", "auto");
    options.steps = args.intValue("--steps", options.steps);
    options.batchSize = args.intValue("--batch", options.batchSize);
    options.sequenceLength = args.intValue("--seq", options.sequenceLength);
    options.learningRate = args.doubleValue("--lr", options.learningRate);
    options.seed = static_cast<std::uint64_t>(args.intValue("--seed", static_cast<std::int64_t>(options.seed)));
    options.timeBudgetSeconds = args.doubleValue("--time-budget", 0);
    options.warmupSteps = std::min(options.warmupSteps, options.steps / 5);
    CorpusOptions corpusOptions;
    corpusOptions.limitBytes = static_cast<std::size_t>(args.intValue("--limit-bytes", 0));
    corpusOptions.threads = static_cast<int>(args.intValue("--threads", 0));
    corpusOptions.validationShare = args.doubleValue("--validation-share", corpusOptions.validationShare);
    args.finish();

    const auto tokenizer = Tokenizer::fromFile(tokenizerDir);
    const auto eos = tokenizer.eosId();
    if (!eos)
        throw FormatError(tokenizerDir.string() + ": the tokenizer defines no end-of-text token to separate documents");
    corpusOptions.separatorToken = *eos;

    // The model section is a config.json; the vocabulary follows the tokenizer (rounded up to a multiple of 64).
    auto modelJson = config["model"];
    modelJson["vocab_size"] = (tokenizer.vocabSize() + 63) / 64 * 64;
    if (auto bos = tokenizer.bosId())
        modelJson["bos_token_id"] = *bos;
    modelJson["eos_token_id"] = *eos;
    const auto spec = modelSpecFromConfig(ConfigReader(modelJson, configPath.string() + ":model"));

    std::stop_source stop;
    g_stop = &stop;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);

    const auto corpus = tokenizeCorpus(corpusPath, corpusOptions,
        [&](std::string_view text) { return tokenizer.encode(text, false); }, stop.get_token());
    Trainer trainer(spec, options, corpus, checkpointDir);
    const auto report = trainer.run(stop.get_token(), [](const TrainingProgress& p) {
        std::fprintf(stderr, "step %6lld/%lld | loss %.4f%s | aux %.4f | imbalance %.2f | lr %.2e | %.0f tok/s | ETA %s\n",
            static_cast<long long>(p.step), static_cast<long long>(p.steps), p.loss,
            p.validationLoss >= 0 ? (" (val " + std::to_string(p.validationLoss).substr(0, 6) + ")").c_str() : "",
            p.auxLoss, p.loadImbalance, p.learningRate, p.tokensPerSecond, formatDuration(p.etaSeconds).c_str());
    });
    g_stop = nullptr;
    std::signal(SIGINT, SIG_DFL);

    // The checkpoint in the hub's layout.
    fs::create_directories(outDir);
    trainer.exportWeights(outDir / "model.safetensors", "bf16");
    auto hubConfig = modelJson;
    hubConfig["architectures"] = { "DeepseekV2ForCausalLM" };
    hubConfig["torch_dtype"] = "bfloat16";
    writeTextFileAtomic(outDir / "config.json", hubConfig.dump(2));
    nlohmann::json generation = { { "bos_token_id", modelJson.value("bos_token_id", *eos) },
        { "eos_token_id", *eos }, { "do_sample", false } };
    writeTextFileAtomic(outDir / "generation_config.json", generation.dump(2));
    for (const char* f : { "tokenizer.json", "tokenizer_config.json" })
        if (fs::exists(tokenizerDir / f))
            fs::copy_file(tokenizerDir / f, outDir / f, fs::copy_options::overwrite_existing);

    const nlohmann::json validation = report.finalValidationLoss >= 0 ? nlohmann::json(report.finalValidationLoss)
                                                                       : nlohmann::json(nullptr);
    // The recipe beside it: everything needed to reproduce the run.
    fs::create_directories(outDir / "training");
    nlohmann::json recipe = config;
    recipe["model"] = modelJson;
    recipe["training"]["steps"] = report.steps;
    recipe["training"]["seed"] = options.seed;
    recipe["training"]["batch_size"] = options.batchSize;
    recipe["training"]["sequence_length"] = options.sequenceLength;
    recipe["training"]["learning_rate"] = options.learningRate;
    recipe["training"]["warmup_steps"] = trainer.options().warmupSteps;
    recipe["corpus"] = { { "file", corpusPath.filename().string() }, { "sha256", corpus.sha256 },
        { "bytes", corpus.bytes }, { "train_tokens", corpus.train.size() },
        { "validation_tokens", corpus.validation.size() }, { "train_documents", corpus.trainDocuments },
        { "validation_documents", corpus.validationDocuments } };
    recipe["result"] = { { "steps", report.steps }, { "tokens_seen", report.tokens }, { "seconds", report.seconds },
        { "final_train_loss", report.finalLoss }, { "final_validation_loss", validation },
        { "device", options.device } };
    recipe["command"] = "moescope-cli train --config " + configPath.filename().string() + " --corpus "
        + corpusPath.filename().string() + " --tokenizer TOKENIZER --out OUT --steps " + std::to_string(report.steps)
        + " --seed " + std::to_string(options.seed) + " --device " + options.device;
    writeTextFileAtomic(outDir / "training" / "recipe.json", recipe.dump(2));
    std::ofstream csv(outDir / "training" / "loss_curve.csv");
    csv << "step,train_loss,validation_loss,aux_loss,learning_rate,tokens_per_second,load_imbalance\n";
    for (const auto& p : report.curve)
        csv << p.step << "," << p.loss << "," << (p.validationLoss >= 0 ? std::to_string(p.validationLoss) : "")
            << "," << p.auxLoss << "," << p.learningRate << "," << p.tokensPerSecond << "," << p.loadImbalance << "\n";
    if (!csv)
        throw IoError("cannot write " + (outDir / "training" / "loss_curve.csv").string());

    nlohmann::json out = { { "out", outDir.string() }, { "steps", report.steps }, { "tokens", report.tokens },
        { "seconds", report.seconds }, { "final_train_loss", report.finalLoss },
        { "final_validation_loss", validation }, { "stopped_early", stop.stop_requested() } };
    std::printf("%s\n", out.dump(2).c_str());
    return stop.stop_requested() ? 130 : 0;
}

} // namespace moescope::cli

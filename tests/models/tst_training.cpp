// Pretraining on the CPU at a toy size: the loss falls, an interrupted run resumed from its checkpoint ends bitwise
// identical to an uninterrupted one, and `moescope-cli train` writes a hub-layout checkpoint that the model loader
// reads and scores text with.

#include "io/configreader.h"
#include "io/safetensorsfile.h"
#include "models/modelloader.h"
#include "models/registry.h"
#include "testsupport.h"
#include "tokenizer/tokenizer.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QTest>

#include <cmath>
#include <cstring>
#include <fstream>

using namespace moescope;
namespace fs = std::filesystem;

namespace {

// A DeepSeek-V2-style model small enough to take a few ms per step: MLA, one dense layer, one MoE layer with
// 8 routed experts (top-2) and a shared expert.
nlohmann::json tinyModelConfig(int vocabSize)
{
    return { { "model_type", "deepseek_v2" }, { "vocab_size", vocabSize }, { "hidden_size", 64 },
        { "intermediate_size", 128 }, { "moe_intermediate_size", 32 }, { "num_hidden_layers", 2 },
        { "num_attention_heads", 2 }, { "num_key_value_heads", 2 }, { "n_routed_experts", 8 },
        { "n_shared_experts", 1 }, { "num_experts_per_tok", 2 }, { "first_k_dense_replace", 1 },
        { "moe_layer_freq", 1 }, { "topk_method", "greedy" }, { "n_group", 1 }, { "topk_group", 1 },
        { "norm_topk_prob", false }, { "routed_scaling_factor", 1.0 }, { "scoring_func", "softmax" },
        { "kv_lora_rank", 32 }, { "q_lora_rank", nullptr }, { "qk_nope_head_dim", 16 }, { "qk_rope_head_dim", 8 },
        { "v_head_dim", 16 }, { "max_position_embeddings", 256 }, { "rope_theta", 10000.0 },
        { "rms_norm_eps", 1e-6 }, { "hidden_act", "silu" }, { "tie_word_embeddings", true },
        { "attention_bias", false } };
}

TrainingOptions tinyTrainingOptions(std::int64_t steps)
{
    TrainingOptions o;
    o.device = "cpu";
    o.batchSize = 8;
    o.sequenceLength = 64;
    o.steps = steps;
    o.warmupSteps = 4;
    o.learningRate = 3e-3;
    o.logEvery = 1;
    o.evalEvery = 1000;
    o.checkpointEvery = 1000;
    o.seed = 7;
    return o;
}

fs::path demoTokenizerDir() { return fs::path(test::sourceDir().toStdString()) / "resources/models/finmoe-tiny"; }
fs::path corpusFile() { return fs::path(test::sharedDir().toStdString()) / "corpus/sec_filings_train.txt.xz"; }

// Tensors of two safetensors files have the same names, shapes and bytes.
void compareCheckpoints(const fs::path& a, const fs::path& b)
{
    const SafetensorsFile fa(a), fb(b);
    QCOMPARE(fa.tensors().size(), fb.tensors().size());
    for (const auto& t : fa.tensors()) {
        const auto* other = fb.find(t.name);
        QVERIFY2(other, t.name.c_str());
        const auto da = fa.data(t), db = fb.data(*other);
        QCOMPARE(da.size(), db.size());
        QVERIFY2(std::memcmp(da.data(), db.data(), da.size()) == 0, ("differs after resume: " + t.name).c_str());
    }
}

} // namespace

class TestTraining : public QObject {
    Q_OBJECT

    Tokenizer m_tokenizer = Tokenizer::fromFile(demoTokenizerDir());
    TokenizedCorpus m_corpus;
    ModelSpec m_spec;

private slots:
    void initTestCase()
    {
        CorpusOptions options;
        options.limitBytes = 300'000;
        options.separatorToken = *m_tokenizer.eosId();
        m_corpus = tokenizeCorpus(corpusFile(), options, [&](std::string_view t) { return m_tokenizer.encode(t, false); });
        QVERIFY(m_corpus.train.size() > 20'000);
        const int vocab = static_cast<int>((m_tokenizer.vocabSize() + 63) / 64 * 64);
        m_spec = modelSpecFromConfig(ConfigReader(tinyModelConfig(vocab), "tiny"));
    }

    void lossFalls()
    {
        QTemporaryDir dir;
        Trainer trainer(m_spec, tinyTrainingOptions(60), m_corpus, dir.filePath("ckpt").toStdString());
        const auto report = trainer.run({}, {});
        QCOMPARE(report.steps, 60);
        QVERIFY(report.curve.size() >= 50);
        const double first = report.curve.front().loss;
        // A uniform guess over the vocabulary costs ln(V) nats; 60 steps must learn at least the unigram statistics.
        QVERIFY2(std::abs(first - std::log(static_cast<double>(m_spec.vocabSize))) < 1.0, std::to_string(first).c_str());
        QVERIFY2(report.finalLoss < first - 2.0,
            ("loss " + std::to_string(first) + " -> " + std::to_string(report.finalLoss)).c_str());
        QVERIFY(std::isfinite(report.finalLoss));
    }

    void resumeIsBitwiseIdentical()
    {
        QTemporaryDir dir;
        const auto options = tinyTrainingOptions(20);
        const fs::path root = dir.path().toStdString();
        {
            Trainer straight(m_spec, options, m_corpus, root / "straight");
            QCOMPARE(straight.run({}, {}).steps, 20);
            straight.exportWeights(root / "straight.safetensors", "f32");
        }
        {
            std::stop_source stop;
            Trainer first(m_spec, options, m_corpus, root / "resumed");
            const auto partial = first.run(stop.get_token(), [&](const TrainingProgress& p) {
                if (p.step == 9)
                    stop.request_stop(); // as Ctrl+C does: the trainer checkpoints and returns
            });
            QVERIFY2(partial.steps < 20, std::to_string(partial.steps).c_str());
        }
        Trainer second(m_spec, options, m_corpus, root / "resumed");
        QCOMPARE(second.run({}, {}).steps, 20);
        second.exportWeights(root / "resumed.safetensors", "f32");
        compareCheckpoints(root / "straight.safetensors", root / "resumed.safetensors");
    }

    void cliWritesALoadableHubCheckpoint()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const int vocab = static_cast<int>((m_tokenizer.vocabSize() + 63) / 64 * 64);
        std::ofstream(root / "config.json") << nlohmann::json { { "model", tinyModelConfig(vocab) } }.dump(2);
        QProcess cli;
        cli.start(test::cliPath(),
            { "train", "--config", QString::fromStdString((root / "config.json").string()), "--corpus",
                QString::fromStdString(corpusFile().string()), "--tokenizer",
                QString::fromStdString(demoTokenizerDir().string()), "--out", dir.filePath("out"), "--steps", "12",
                "--batch", "4", "--seq", "64", "--device", "cpu", "--limit-bytes", "150000" });
        QVERIFY(cli.waitForFinished(300'000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

        for (const char* f : { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json" })
            QVERIFY2(fs::exists(root / "out" / f), f);
        const auto engine = loadModel(root / "out", { .device = "cpu" });
        QCOMPARE(engine->summary().family, std::string("DeepSeek-V2"));
        QCOMPARE(engine->summary().experts, 8);
        QCOMPARE(engine->summary().checkpointDtype, std::string("bf16"));
        const auto ids = m_tokenizer.encode("Net sales increased 4% to $2.1 billion in fiscal 2023.", false);
        const auto logp = engine->scoreTokens(ids);
        QCOMPARE(logp.size(), ids.size() - 1);
        for (float v : logp)
            QVERIFY(std::isfinite(v) && v <= 0.0f);
    }
};

QTEST_GUILESS_MAIN(TestTraining)
#include "tst_training.moc"

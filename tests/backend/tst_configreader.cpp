// config.json mapping: the five real hub configs in ../shared/fixtures/configs give the published parameter counts,
// both RoPE spellings (hub rope_theta + rope_scaling, transformers-5 rope_parameters) give the same RoPE, and
// malformed or unsupported configs give clear errors.

#include "core/error.h"
#include "io/configreader.h"
#include "models/registry.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace moescope;

namespace {
ModelSpec specFromText(const std::string& json)
{
    return modelSpecFromConfig(ConfigReader(nlohmann::json::parse(json), "config.json"));
}
} // namespace

class ConfigReaderTest : public QObject {
    Q_OBJECT

private slots:
    void publishedParameterCounts_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<double>("totalBillions");
        QTest::addColumn<double>("activeBillions");
        QTest::addColumn<int>("moeLayers");
        // Totals from the model cards: DeepSeek-V2-Lite 15.7B, Qwen3-30B-A3B 30.5B, OLMoE-1B-7B 6.9B,
        // Mixtral-8x7B 46.7B, DeepSeek-V3 671B (without its multi-token-prediction module). Active parameters
        // exclude the embedding table (a lookup): ~2.45B, ~3.0B and ~1.18B for the first three (the figures behind the
        // decode bandwidth floor); the cards' 12.9B and 37B for Mixtral and V3 include it (~0.13B and ~0.93B).
        QTest::newRow("deepseek-v2-lite") << "deepseek-v2-lite.json" << 15.7 << 2.45 << 26;
        QTest::newRow("qwen3-30b-a3b") << "qwen3-30b-a3b.json" << 30.5 << 3.04 << 48;
        QTest::newRow("olmoe-1b-7b") << "olmoe-1b-7b.json" << 6.9 << 1.18 << 16;
        QTest::newRow("mixtral-8x7b") << "mixtral-8x7b.json" << 46.7 << 12.9 - 0.13 << 32;
        QTest::newRow("deepseek-v3") << "deepseek-v3.json" << 671.0 << 37.0 - 0.93 << 58;
    }

    void publishedParameterCounts()
    {
        QFETCH(QString, config);
        QFETCH(double, totalBillions);
        QFETCH(double, activeBillions);
        QFETCH(int, moeLayers);
        const auto spec = modelSpecFromConfig(
            ConfigReader::fromFile((test::sharedDir() + "/fixtures/configs/" + config).toStdString()));
        const auto count = countParameters(spec);
        const double total = count.total / 1e9, active = count.active / 1e9;
        qInfo("%s: %.2fB total, %.2fB active", qPrintable(config), total, active);
        QVERIFY2(std::abs(total - totalBillions) / totalBillions < 0.02, qPrintable(QString::number(total)));
        QVERIFY2(std::abs(active - activeBillions) / activeBillions < 0.02, qPrintable(QString::number(active)));
        QCOMPARE(static_cast<int>(spec.moeLayerIndices().size()), moeLayers);
    }

    void ropeSpellingsAgree()
    {
        const auto hub = specFromText(R"({"model_type":"deepseek_v2","vocab_size":10,"hidden_size":8,
            "num_hidden_layers":1,"num_attention_heads":2,"kv_lora_rank":4,"qk_nope_head_dim":2,"qk_rope_head_dim":2,
            "v_head_dim":2,"intermediate_size":8,"rope_theta":5000,"rope_scaling":{"type":"yarn","factor":40,
            "original_max_position_embeddings":4096,"mscale":0.707,"mscale_all_dim":0.707,"beta_fast":32,"beta_slow":1}})");
        const auto modern = specFromText(R"({"model_type":"deepseek_v2","vocab_size":10,"hidden_size":8,
            "num_hidden_layers":1,"num_attention_heads":2,"kv_lora_rank":4,"qk_nope_head_dim":2,"qk_rope_head_dim":2,
            "v_head_dim":2,"intermediate_size":8,"rope_parameters":{"rope_type":"yarn","rope_theta":5000,"factor":40,
            "original_max_position_embeddings":4096,"mscale":0.707,"mscale_all_dim":0.707,"beta_fast":32,"beta_slow":1}})");
        for (const auto* s : { &hub, &modern }) {
            QCOMPARE(s->rope.type, RopeType::Yarn);
            QCOMPARE(s->rope.theta, 5000.0);
            QCOMPARE(s->rope.factor, 40.0);
            QCOMPARE(s->rope.originalMaxPositions, 4096);
            QCOMPARE(s->rope.mscaleAllDim, 0.707);
            QVERIFY(s->rope.interleaved);
        }
        // softmax scale: 1/sqrt(4) * (0.1 * 0.707 * ln 40 + 1)^2
        const double m = 0.1 * 0.707 * std::log(40.0) + 1.0;
        QVERIFY(std::abs(hub.attention.softmaxScale - 0.5 * m * m) < 1e-12);
        QCOMPARE(hub.attention.softmaxScale, modern.attention.softmaxScale);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unsupported") << R"({"model_type":"gpt2"})"
                                     << "unsupported architecture 'gpt2'; supported: deepseek_v2, deepseek_v3, "
                                        "qwen2_moe, qwen3_moe, mixtral, olmoe, llama, qwen2";
        QTest::newRow("no model_type") << R"({"hidden_size":4})" << "unsupported architecture '(no model_type)'";
        QTest::newRow("missing field") << R"({"model_type":"mixtral","vocab_size":10})"
                                       << "required field 'hidden_size' is missing";
        QTest::newRow("wrong type") << R"({"model_type":"mixtral","vocab_size":"ten"})"
                                    << "field 'vocab_size' must be an integer";
        QTest::newRow("negative size")
            << R"({"model_type":"olmoe","vocab_size":10,"hidden_size":-8,"num_hidden_layers":1})"
            << "'hidden_size' must be a positive integer";
        QTest::newRow("bad rope") << R"({"model_type":"llama","vocab_size":10,"hidden_size":8,"num_hidden_layers":1,
            "num_attention_heads":2,"intermediate_size":8,"rope_scaling":{"type":"magic"}})"
                                  << "unsupported rope scaling type 'magic'";
        QTest::newRow("top-k over experts") << R"({"model_type":"olmoe","vocab_size":10,"hidden_size":8,
            "num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":8,"num_experts":2,"num_experts_per_tok":3})"
                                            << "num_experts_per_tok exceeds num_experts";
        QTest::newRow("heads not multiple") << R"({"model_type":"mixtral","vocab_size":10,"hidden_size":12,
            "num_hidden_layers":1,"num_attention_heads":3,"num_key_value_heads":2,"intermediate_size":8,
            "num_local_experts":2,"num_experts_per_tok":1})" << "not a multiple of num_key_value_heads";
        QTest::newRow("activation") << R"({"model_type":"llama","vocab_size":10,"hidden_size":8,
            "num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":8,"hidden_act":"gelu"})"
                                    << "unsupported hidden_act 'gelu'";
    }

    void errors()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        QString msg = "NO ERROR";
        try {
            specFromText(json.toStdString());
        } catch (const Error& e) {
            msg = e.what();
        }
        QVERIFY2(msg.contains(expected), qPrintable(msg));
        QVERIFY2(msg.startsWith("config.json"), qPrintable("error does not name the file: " + msg));
    }

    void fileErrors()
    {
        QTemporaryDir dir;
        const auto d = dir.path().toStdString();
        QString msg;
        try {
            readModelSpec(d);
        } catch (const IoError& e) {
            msg = e.what();
        }
        QVERIFY2(msg.contains("has no config.json"), qPrintable(msg));
        std::ofstream(d + "/config.json") << "{\"model_type\": \"mixtral\xff\xfe\"}";
        msg.clear();
        try {
            readModelSpec(d);
        } catch (const FormatError& e) {
            msg = e.what();
        }
        QVERIFY2(msg.contains("config.json") && msg.contains("invalid JSON"), qPrintable(msg));
    }
};

QTEST_GUILESS_MAIN(ConfigReaderTest)
#include "tst_configreader.moc"

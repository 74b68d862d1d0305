// Damaged model folders: each gives a typed error whose message names what is wrong, never a crash.
// (Run under AddressSanitizer with -DMOESCOPE_SANITIZE=ON.)

#include "core/error.h"
#include "io/safetensorsfile.h"
#include "io/safetensorswriter.h"
#include "models/modelloader.h"
#include "runtime/devices.h"
#include "testsupport.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

using namespace moescope;
namespace fs = std::filesystem;

namespace {

fs::path copyFixture(const QTemporaryDir& tmp, const char* name)
{
    const fs::path src = (test::fixturesDir() + "/models/" + name).toStdString();
    const fs::path dst = fs::path(tmp.path().toStdString()) / name;
    fs::copy(src, dst, fs::copy_options::recursive);
    return dst;
}

void editConfig(const fs::path& dir, const std::function<void(nlohmann::json&)>& edit)
{
    nlohmann::json c;
    std::ifstream(dir / "config.json") >> c;
    edit(c);
    std::ofstream(dir / "config.json") << c.dump(2);
}

QString loadError(const fs::path& dir, std::stop_token stop = {})
{
    try {
        loadModel(dir, { .device = "cpu", .dtype = "f32" }, stop);
    } catch (const CancelledError&) {
        return "CANCELLED";
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return "NO ERROR";
}

} // namespace

class BadCheckpoints : public QObject {
    Q_OBJECT

private slots:
    void shapeNotMatchingConfig()
    {
        QTemporaryDir tmp;
        const auto dir = copyFixture(tmp, "deepseek_v2");
        editConfig(dir, [](auto& c) { c["moe_intermediate_size"] = 20; });
        const auto msg = loadError(dir);
        QVERIFY2(msg.contains("has shape [24, 64], config.json implies [20, 64]") && msg.contains("experts.0"),
            qPrintable(msg));
    }

    void missingTensor()
    {
        QTemporaryDir tmp;
        const auto dir = copyFixture(tmp, "olmoe");
        editConfig(dir, [](auto& c) { c["num_hidden_layers"] = 4; });
        const auto msg = loadError(dir);
        QVERIFY2(msg.contains("lacks tensor 'model.layers.3."), qPrintable(msg));
    }

    void truncatedWeights()
    {
        QTemporaryDir tmp;
        const auto dir = copyFixture(tmp, "mixtral");
        fs::resize_file(dir / "model.safetensors", fs::file_size(dir / "model.safetensors") / 2);
        const auto msg = loadError(dir);
        QVERIFY2(msg.contains("model.safetensors") && msg.contains("truncated"), qPrintable(msg));
    }

    void missingShard()
    {
        QTemporaryDir tmp;
        const auto dir = copyFixture(tmp, "qwen3_moe");
        fs::remove(dir / "model-00003-of-00004.safetensors");
        const auto msg = loadError(dir);
        QVERIFY2(msg.contains("missing shard 'model-00003-of-00004.safetensors'"), qPrintable(msg));
    }

    void unsupportedArchitecture()
    {
        QTemporaryDir tmp;
        const auto dir = copyFixture(tmp, "mixtral");
        editConfig(dir, [](auto& c) { c["model_type"] = "jamba"; });
        const auto msg = loadError(dir);
        QVERIFY2(msg.contains("unsupported architecture 'jamba'; supported: deepseek_v2"), qPrintable(msg));
    }

    void nonUtf8Config()
    {
        QTemporaryDir tmp;
        const auto dir = copyFixture(tmp, "mixtral");
        std::ofstream(dir / "config.json", std::ios::binary) << "{\"model_type\": \"mix\xc3\x28tral\"}";
        const auto msg = loadError(dir);
        QVERIFY2(msg.contains("config.json") && msg.contains("invalid JSON"), qPrintable(msg));
    }

    void noWeights()
    {
        QTemporaryDir tmp;
        const auto dir = copyFixture(tmp, "mixtral");
        fs::remove(dir / "model.safetensors");
        fs::remove(dir / "reference.safetensors");
        const auto msg = loadError(dir);
        QVERIFY2(msg.contains("no .safetensors weights found"), qPrintable(msg));
    }

    void fp8WithoutScales()
    {
        QTemporaryDir tmp;
        const auto dir = copyFixture(tmp, "deepseek_v3_fp8");
        // Rewrite the checkpoint without one scale tensor: read, drop, write.
        const auto path = dir / "model.safetensors";
        const auto copy = dir / "orig.safetensors";
        fs::rename(path, copy);
        {
            const SafetensorsFile in(copy);
            SafetensorsWriter out;
            for (const auto& t : in.tensors())
                if (t.name != "model.layers.0.self_attn.o_proj.weight_scale_inv")
                    out.add(t.name, t.dtype, t.shape, in.data(t));
            out.write(path);
        }
        fs::remove(copy);
        const auto msg = loadError(dir);
        QVERIFY2(msg.contains("FP8 tensor 'model.layers.0.self_attn.o_proj.weight' has no"), qPrintable(msg));
    }

    void cancelledLoad()
    {
        std::stop_source stop;
        stop.request_stop();
        const auto dir = fs::path((test::fixturesDir() + "/models/deepseek_v2").toStdString());
        QCOMPARE(loadError(dir, stop.get_token()), QString("CANCELLED"));
    }

    void badTokenIds()
    {
        auto engine = loadModel((test::fixturesDir() + "/models/mixtral").toStdString(), { .device = "cpu" });
        const std::vector<std::int32_t> ids { 1, 2, 100000 };
        QString msg;
        try {
            engine->logits(ids);
        } catch (const InvalidArgumentError& e) {
            msg = e.what();
        }
        QVERIFY2(msg.contains("token id 100000 is outside the vocabulary (0..159)"), qPrintable(msg));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, engine->generate({}, SamplingOptions {}));
    }

    void cudaOnCpuMachine()
    {
        if (cudaAvailable())
            QSKIP("this machine has a GPU");
        const auto dir = fs::path((test::fixturesDir() + "/models/mixtral").toStdString());
        try {
            loadModel(dir, { .device = "cuda" });
            QFAIL("loading onto CUDA without a GPU succeeded");
        } catch (const UnsupportedError& e) {
            QVERIFY(QString(e.what()).contains("no usable CUDA GPU"));
        }
    }
};

QTEST_GUILESS_MAIN(BadCheckpoints)
#include "tst_badcheckpoints.moc"

// The contracts of `moescope-cli quantize`, `compare` and `calibrate`, run as a user would (QProcess) on a fixture
// model: the quantized checkpoint is what info/logits/generate load, compare writes the documented JSON and exports,
// and bad input gives one clear error line and a non-zero exit.

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run {
    int exit = -1;
    QByteArray out;
    QString err;
};

Run cli(const QStringList& args)
{
    QProcess p;
    p.start(moescope::test::cliPath(), args);
    if (!p.waitForFinished(300000))
        qFatal("moescope-cli timed out");
    return { p.exitCode(), p.readAllStandardOutput(), QString::fromUtf8(p.readAllStandardError()) };
}

QString fixture(const char* name) { return moescope::test::fixturesDir() + "/models/" + name; }

QString writeFile(const QString& path, const QByteArray& text)
{
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(text);
    return path;
}

// `calibrate` on the DeepSeek-V2 fixture with 48 token ids (in tmp/ids.txt) for a low scheme and a budget: the policy
// written to tmp/policy.json, its JSON (empty when the command failed, with its stderr).
struct Calibrated {
    QString ids, policy, err;
    QJsonObject json;
};
Calibrated calibrateFixture(const QTemporaryDir& tmp, const QString& low, const QString& budget)
{
    QString text;
    for (int i = 0; i < 48; ++i)
        text += QString::number(3 + (i * 53) % 150) + ",";
    Calibrated c { writeFile(tmp.path() + "/ids.txt", text.toUtf8()), tmp.path() + "/policy.json", {}, {} };
    const auto r = cli({ "calibrate", "--model", fixture("deepseek_v2"), "--ids-file", c.ids, "--out", c.policy,
        "--low", low, "--budget", budget, "--window", "16", "--device", "cpu" });
    c.err = r.err;
    QFile f(c.policy);
    if (r.exit == 0 && f.open(QIODevice::ReadOnly))
        c.json = QJsonDocument::fromJson(f.readAll()).object();
    return c;
}

} // namespace

class TestCliQuant : public QObject {
    Q_OBJECT
private slots:
    void quantizeThenUse()
    {
        QTemporaryDir tmp;
        const QString out = tmp.path() + "/q";
        // A tokenizer and generation config travel with the weights.
        const QString src = tmp.path() + "/src";
        QDir().mkpath(src);
        for (const auto& f : QDir(fixture("olmoe")).entryList(QDir::Files))
            QFile::copy(fixture("olmoe") + "/" + f, src + "/" + f);
        writeFile(src + "/tokenizer_config.json", "{}");
        auto r = cli({ "quantize", "--model", src, "--scheme", "int4-g64-asym", "--out", out });
        QVERIFY2(r.exit == 0, qPrintable(r.err));
        const auto report = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(report["scheme"].toString(), QStringLiteral("int4-g64-asym"));
        QVERIFY(report["matrices_quantized"].toInt() > 0);
        QVERIFY(QFile::exists(out + "/generation_config.json"));
        QVERIFY(QFile::exists(out + "/tokenizer_config.json"));

        r = cli({ "info", "--model", out });
        QVERIFY2(r.exit == 0, qPrintable(r.err));
        const auto info = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(info["quantization"].toString(), QStringLiteral("int4-g64-asym"));

        r = cli({ "logits", "--model", out, "--ids", "5,6,7,8", "--out", tmp.path() + "/l.safetensors", "--device", "cpu" });
        QVERIFY2(r.exit == 0, qPrintable(r.err));
        r = cli({ "generate", "--model", out, "--ids", "5,6,7", "--max-new", "4", "--device", "cpu" });
        QVERIFY2(r.exit == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["ids"].toArray().size(), 4);

        // Quantizing again into the same (now non-empty) folder is refused.
        r = cli({ "quantize", "--model", src, "--scheme", "int8", "--out", out });
        QCOMPARE(r.exit, 1);
        QVERIFY2(r.err.contains("not empty"), qPrintable(r.err));
    }

    void compareWritesTheContract()
    {
        QTemporaryDir tmp;
        QString ids;
        for (int i = 0; i < 60; ++i)
            ids += QString::number(3 + (i * 37) % 150) + " ";
        const auto idsFile = writeFile(tmp.path() + "/ids.txt", ids.toUtf8());
        const auto policy = writeFile(tmp.path() + "/p.json",
            R"({"default": "int4-g32", "attention": "int8", "experts": {"1": {"0": "int8"}}})");
        const QString json = tmp.path() + "/cmp.json";
        auto r = cli({ "compare", "--model", fixture("deepseek_v2"), "--variants", "bf16,int8,int4-g32,mixed:" + policy,
            "--ids-file", idsFile, "--json", json, "--export-dir", tmp.path() + "/export", "--device", "cpu", "--window",
            "16", "--decode-tokens", "3", "--session", tmp.path() + "/s.moescope" });
        QVERIFY2(r.exit == 0, qPrintable(r.err));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto doc = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(doc["baseline"].toString(), QStringLiteral("f32"));
        const auto variants = doc["variants"].toArray();
        QCOMPARE(variants.size(), 4);
        const QStringList names { "bf16", "int8", "int4-g32", "mixed:" + policy };
        for (int i = 0; i < variants.size(); ++i) {
            const auto v = variants[i].toObject();
            QCOMPARE(v["name"].toString(), names[i]);
            for (const char* key : { "ppl", "ppl_ratio", "kld_mean", "kld_p99", "top1_agreement", "weight_bytes",
                     "decode_tok_s" })
                QVERIFY2(v[key].isDouble(), key);
            QCOMPARE(v["routing_changed"].toArray().size(), 2); // deepseek_v2 fixture: layers 1 and 2 are MoE
        }
        QVERIFY(variants[1]["kld_mean"].toDouble() < variants[2]["kld_mean"].toDouble());
        QVERIFY(variants[3]["weight_bytes"].toDouble() > variants[2]["weight_bytes"].toDouble());
        QVERIFY(QFile::exists(tmp.path() + "/export/comparison.csv"));
        QVERIFY(QFile::exists(tmp.path() + "/export/comparison.md"));
        QVERIFY(QFile::exists(tmp.path() + "/export/routing_drift.csv"));
        // The charts, as the GUI's export writes them (less the PDFs): a bar chart per metric, the scatter, the drift.
        for (const char* stem : { "comparison_ppl_ratio", "comparison_top1_agreement",
                 "comparison_top1_agreement_decided", "comparison_memory_vs_kl", "comparison_routing_drift" }) {
            QVERIFY2(QFile::exists(tmp.path() + "/export/" + stem + ".svg"), stem);
            QFile png(tmp.path() + "/export/" + stem + ".png");
            QVERIFY2(png.open(QIODevice::ReadOnly), stem);
            const QByteArray head = png.read(24); // signature, then the IHDR chunk: width at bytes 16-19
            QVERIFY2(head.startsWith("\x89PNG\r\n\x1a\n") && head.size() == 24, stem);
            const auto width = (quint32(quint8(head[16])) << 24) | (quint32(quint8(head[17])) << 16)
                | (quint32(quint8(head[18])) << 8) | quint32(quint8(head[19]));
            QVERIFY2(width > 400, stem);
        }
        QVERIFY(QFile::exists(tmp.path() + "/s.moescope"));
    }

    // The low scheme's "+gptq" (quantizer options are the whole policy's) is carried into the written policy as
    // "gptq": true, so loading it needs calibration text.
    void calibrateWritesAPolicyWithinBudget_data()
    {
        QTest::addColumn<QString>("low");
        QTest::addColumn<bool>("gptq");
        QTest::newRow("rounding") << "int4-g32" << false;
        QTest::newRow("gptq") << "int4-g32+gptq" << true;
    }

    void calibrateWritesAPolicyWithinBudget()
    {
        QFETCH(QString, low);
        QFETCH(bool, gptq);
        QTemporaryDir tmp;
        const auto c = calibrateFixture(tmp, low, "0.4");
        QVERIFY2(!c.json.isEmpty(), qPrintable(c.err));
        const auto& p = c.json;
        const auto& idsFile = c.ids;
        const auto& policy = c.policy;
        QVERIFY(p["calibration"].toObject()["weight_vs_bf16"].toDouble() <= 0.4);
        QCOMPARE(p["calibration"].toObject()["low"].toString(), low);
        QCOMPARE(p["routed_experts"].toString(), QStringLiteral("int4-g32"));
        QCOMPARE(p["gptq"].toBool(), gptq);
        QCOMPARE(p["activation_aware"].toBool(), false);
        // The policy it wrote is usable as it is (with calibration text when it asks for GPTQ).
        const QStringList quantize { "quantize", "--model", fixture("deepseek_v2"), "--scheme", "mixed:" + policy,
            "--out", tmp.path() + "/q", "--window", "16" };
        if (gptq) {
            const auto refused = cli(quantize);
            QVERIFY(refused.exit != 0);
            QVERIFY2(refused.err.contains("--calib-text-file"), qPrintable(refused.err));
        }
        const auto r = cli(quantize + (gptq ? QStringList { "--calib-ids-file", idsFile } : QStringList()));
        QVERIFY2(r.exit == 0, qPrintable(r.err));
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["policy"].toObject()["gptq"].toBool(), gptq);
    }

    // Without --base, the matrices other than the routed experts go to the high scheme when the experts in the low one
    // fit the budget with them (on this fixture from about 0.5x of bf16), else to the low scheme.
    void calibrateBaseKeepsTheRestHighWhenItFits_data()
    {
        QTest::addColumn<QString>("budget");
        QTest::addColumn<QString>("rest");
        QTest::newRow("tight budget: the rest low") << "0.4" << "int4-g32";
        QTest::newRow("room: the rest high") << "0.6" << "int8";
    }

    void calibrateBaseKeepsTheRestHighWhenItFits()
    {
        QFETCH(QString, budget);
        QFETCH(QString, rest);
        QTemporaryDir tmp;
        const auto c = calibrateFixture(tmp, "int4-g32", budget);
        QVERIFY2(!c.json.isEmpty(), qPrintable(c.err));
        const auto& p = c.json;
        QCOMPARE(p["default"].toString(), rest);
        QCOMPARE(p["routed_experts"].toString(), QStringLiteral("int4-g32"));
        QVERIFY(p["calibration"].toObject()["weight_vs_bf16"].toDouble() <= budget.toDouble());
    }

    // "+gptq" through quantize and compare: calibration ids in, the policy recorded, GPTQ closer to the baseline than
    // rounding on the text it was calibrated on, the saved checkpoint equal to quantize-on-load.
    void gptqThroughTheCli()
    {
        QTemporaryDir tmp;
        QString ids;
        for (int i = 0; i < 80; ++i)
            ids += QString::number(3 + (i * 41) % 150) + " ";
        const auto idsFile = writeFile(tmp.path() + "/ids.txt", ids.toUtf8());
        const QString out = tmp.path() + "/q";
        auto r = cli({ "quantize", "--model", fixture("deepseek_v2"), "--scheme", "int4-g32+gptq", "--out", out,
            "--calib-ids-file", idsFile, "--window", "16" });
        QVERIFY2(r.exit == 0, qPrintable(r.err));
        const auto report = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(report["policy"].toObject()["gptq"].toBool(), true);
        QCOMPARE(report["scheme"].toString(), QStringLiteral("int4-g32"));

        const QString json = tmp.path() + "/cmp.json";
        r = cli({ "compare", "--model", fixture("deepseek_v2"), "--variants", "int4-g32,int4-g32+gptq,dir:" + out,
            "--ids-file", idsFile, "--calib-ids-file", idsFile, "--json", json, "--device", "cpu", "--window", "16",
            "--decode-tokens", "0" });
        QVERIFY2(r.exit == 0, qPrintable(r.err));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto variants = QJsonDocument::fromJson(f.readAll()).object()["variants"].toArray();
        QCOMPARE(variants.size(), 3);
        const double rtn = variants[0].toObject()["kld_mean"].toDouble();
        const double gptq = variants[1].toObject()["kld_mean"].toDouble();
        qInfo("KL on the calibration ids: int4-g32 %.4f, int4-g32+gptq %.4f", rtn, gptq);
        QVERIFY2(gptq < rtn, qPrintable(QString("%1 vs %2").arg(gptq).arg(rtn)));
        // The saved checkpoint (same calibration ids and windows, so the same Gram matrices) equals quantize-on-load.
        QCOMPARE(variants[2].toObject()["kld_mean"].toDouble(), gptq);
        QCOMPARE(variants[1].toObject()["weight_bytes"].toDouble(), variants[2].toObject()["weight_bytes"].toDouble());

        // Without calibration text the GPTQ variant is refused, naming the option.
        r = cli({ "compare", "--model", fixture("deepseek_v2"), "--variants", "int8+gptq", "--ids-file", idsFile,
            "--device", "cpu" });
        QVERIFY(r.exit != 0);
        QVERIFY2(r.err.contains("--calib-text-file"), qPrintable(r.err));
    }

    void badInputGivesOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("bad-scheme") << QStringList { "quantize", "--model", fixture("olmoe"), "--scheme", "int3", "--out",
            "/tmp/never" } << "int3";
        QTest::newRow("missing-policy") << QStringList { "quantize", "--model", fixture("olmoe"), "--scheme",
            "mixed:/nonexistent.json", "--out", "/tmp/never" } << "nonexistent.json";
        QTest::newRow("awq-without-text") << QStringList { "quantize", "--model", fixture("olmoe"), "--scheme",
            "int4-g32+awq", "--out", "/tmp/never" } << "calib-text-file";
        QTest::newRow("gptq-without-text") << QStringList { "quantize", "--model", fixture("olmoe"), "--scheme",
            "int8+gptq", "--out", "/tmp/never" } << "calib-text-file";
        QTest::newRow("compare-no-text") << QStringList { "compare", "--model", fixture("olmoe"), "--variants", "int8" }
                                         << "--text-file";
        QTest::newRow("compare-bad-variant") << QStringList { "compare", "--model", fixture("olmoe"), "--variants",
            "int9", "--ids-file", "/dev/null" } << "int9";
        QTest::newRow("calibrate-high-options") << QStringList { "calibrate", "--model", fixture("olmoe"), "--ids-file",
            "/dev/null", "--out", "/tmp/never", "--low", "int4-g32", "--high", "int8+awq" }
                                                << "int4-g32+gptq";
        QTest::newRow("calibrate-mixed-low") << QStringList { "calibrate", "--model", fixture("olmoe"), "--ids-file",
            "/dev/null", "--out", "/tmp/never", "--low", "mixed:p.json" }
                                             << "not a policy file";
        QTest::newRow("calibrate-bad-option") << QStringList { "calibrate", "--model", fixture("olmoe"), "--ids-file",
            "/dev/null", "--out", "/tmp/never", "--low", "int4-g32+fast" }
                                              << "+gptq";
    }

    void badInputGivesOneLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const auto r = cli(args);
        QVERIFY(r.exit != 0);
        QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
        QVERIFY(!QFile::exists("/tmp/never"));
    }
};

QTEST_GUILESS_MAIN(TestCliQuant)
#include "tst_cli_quant.moc"

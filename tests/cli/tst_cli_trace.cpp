// The contract of `moescope-cli trace` and `trace-drift`, run as a user would (QProcess) on a fixture model with a
// 160-token tokenizer (tests/fixtures/routing): the JSON's keys and invariants, its per-expert counts against the
// routing `moescope-cli logits` reports for the same ids (routing.L.ids), the CSV and chart exports (PNG decodes,
// SVG parses), a session document (sections and pages, stored run), drift of a run against itself (0) and against a
// bf16 run, and clear errors.

#include "io/safetensorsfile.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <cstring>

namespace {

struct Result {
    int exitCode = -1;
    QByteArray out, err;
};

Result runCli(const QStringList& args)
{
    QProcess p;
    p.start(moescope::test::cliPath(), args);
    if (!p.waitForFinished(300000))
        qFatal("moescope-cli timed out");
    Result r { p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError() };
    if (r.exitCode != 0)
        qInfo() << "moescope-cli" << args.first() << "exit" << r.exitCode << r.err.right(400);
    return r;
}

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString model()
{
    return moescope::test::fixturesDir() + "/models/deepseek_v2";
}
QString tokenizer()
{
    return moescope::test::fixturesDir() + "/routing/tokenizer.json";
}
QString report()
{
    return moescope::test::fixturesDir() + "/routing/report.txt";
}

QStringList traceArgs(const QString& out, const QStringList& extra = {})
{
    return QStringList { "trace", "--model", model(), "--tokenizer", tokenizer(), "--device", "cpu", "--dtype", "f32",
        "--out", out }
    + extra;
}

// Checks the keys and invariants of the aggregates JSON; returns per-layer counts.
QMap<int, QVector<qint64>> checkAggregates(const QJsonObject& o, int expectedTokens)
{
    QMap<int, QVector<qint64>> counts;
    const int experts = o["experts"].toInt(), k = o["k"].toInt();
    if (o["tokens"].toInt() != expectedTokens || experts != 8 || k != 2) {
        qWarning() << "tokens" << o["tokens"] << "experts" << experts << "k" << k;
        return {};
    }
    for (const auto& v : o["layers"].toArray()) {
        const QJsonObject l = v.toObject();
        const QJsonArray c = l["counts"].toArray();
        if (c.size() != experts)
            return {};
        qint64 sum = 0;
        QVector<qint64> row;
        for (const auto& x : c) {
            row.push_back(x.toInteger());
            sum += x.toInteger();
        }
        // Every token chose k distinct experts.
        if (sum != qint64(expectedTokens) * k)
            return {};
        const double entropy = l["entropy"].toDouble(-1), cv = l["cv"].toDouble(-1), b = l["balancedness"].toDouble(-1);
        if (!(entropy >= 0 && entropy <= 1.0 + 1e-9) || !(cv >= 0) || !(b > 0 && b <= 1))
            return {};
        const double routerEntropy = l["router_entropy"].toDouble(-1);
        if (!(routerEntropy >= 0 && routerEntropy <= 3.0 + 1e-9)) // log2(8 experts)
            return {};
        counts[l["layer"].toInt()] = row;
    }
    return counts;
}

} // namespace

class TestCliTrace : public QObject {
    Q_OBJECT
private slots:
    void textFileAgainstLogits()
    {
        QTemporaryDir dir;
        const QString out = dir.path() + "/trace.json", exportDir = dir.path() + "/export";
        // The window covers the whole text: one pass, like `logits`.
        const Result r
            = runCli(traceArgs(out, { "--text-file", report(), "--window", "8192", "--export-dir", exportDir }));
        QCOMPARE(r.exitCode, 0);

        const Result t = runCli({ "tokenize", "--tokenizer", tokenizer(), "--text-file", report(), "--add-special" });
        QCOMPARE(t.exitCode, 0);
        const QJsonArray idArray = QJsonDocument::fromJson(t.out).object()["ids"].toArray();
        QVERIFY(idArray.size() > 1000);
        QStringList ids;
        for (const auto& v : idArray)
            ids << QString::number(v.toInt());

        const QJsonObject trace = readJson(out);
        const auto counts = checkAggregates(trace, int(idArray.size()));
        QCOMPARE(counts.keys(), (QList<int> { 1, 2 })); // layer 0 is dense (first_k_dense_replace = 1)
        QCOMPARE(trace["entropy_unit"].toString(), QStringLiteral("bits"));
        QVERIFY(trace["perplexity"].toDouble() > 1);
        // The text's 11 form-feed pages and its 10-K Items.
        QCOMPARE(trace["pages"].toArray().size(), 11);
        QVERIFY(trace["sections"].toArray().size() >= 5);

        const QString logits = dir.path() + "/logits.safetensors";
        QCOMPARE(runCli({ "logits", "--model", model(), "--ids", ids.join(','), "--out", logits, "--device", "cpu",
                            "--dtype", "f32" })
                     .exitCode,
            0);
        const moescope::SafetensorsFile st(logits.toStdString());
        for (const int layer : counts.keys()) {
            const auto* info = st.find("routing." + std::to_string(layer) + ".ids");
            QVERIFY(info);
            const auto bytes = st.data(*info);
            QVector<qint64> expected(8, 0);
            for (std::size_t i = 0; i < bytes.size() / 4; ++i) {
                std::int32_t e = 0;
                std::memcpy(&e, bytes.data() + i * 4, 4);
                ++expected[e];
            }
            QCOMPARE(counts[layer], expected);
        }

        // Exports: CSVs of the aggregates and readable charts.
        for (const char* csv : { "layer_summary.csv", "expert_counts.csv", "coactivation.csv", "top_tokens.csv",
                 "page_counts.csv", "section_counts.csv", "section_specialisation.csv" })
            QVERIFY2(QFile::exists(exportDir + "/" + csv), csv);
        QFile summary(exportDir + "/layer_summary.csv");
        QVERIFY(summary.open(QIODevice::ReadOnly));
        QCOMPARE(summary.readAll().count('\n'), 3); // header + 2 MoE layers
        const QString artifacts = moescope::test::artifactsDir() + "/routing";
        QDir().mkpath(artifacts);
        for (const char* chart : { "expert_load", "expert_weight", "entropy", "balance", "persistence",
                 "section_specialisation", "coactivation_layer_1", "coactivation_layer_2" }) {
            const QString svg = exportDir + "/" + chart + ".svg", png = exportDir + "/" + chart + ".png";
            QImage image(png);
            QVERIFY2(!image.isNull() && image.width() > 600 && image.height() > 300, chart);
            QFile f(svg);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QXmlStreamReader xml(f.readAll());
            while (!xml.atEnd())
                xml.readNext();
            QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
            QFile::remove(artifacts + "/" + chart + ".png");
            QFile::copy(png, artifacts + "/" + chart + ".png");
        }
    }

    void windowedRun()
    {
        QTemporaryDir dir;
        const QString out = dir.path() + "/trace.json";
        QCOMPARE(runCli(traceArgs(out,
                            { "--text-file", report(), "--window", "256", "--stride", "128", "--no-special-tokens",
                                "--no-router-entropy" }))
                     .exitCode,
            0);
        const QJsonObject o = readJson(out);
        const Result t = runCli({ "tokenize", "--tokenizer", tokenizer(), "--text-file", report() });
        const int n = int(QJsonDocument::fromJson(t.out).object()["ids"].toArray().size());
        QCOMPARE(o["tokens"].toInt(), n);
        for (const auto& v : o["layers"].toArray()) {
            qint64 sum = 0;
            for (const auto& c : v.toObject()["counts"].toArray())
                sum += c.toInteger();
            QCOMPARE(sum, qint64(n) * 2);
            QVERIFY(v.toObject()["router_entropy"].isNull());
        }
        QCOMPARE(o["model"].toObject()["window"].toInt(), 256);
    }

    void sessionDocumentAndDrift()
    {
        QTemporaryDir dir;
        const QString db = dir.path() + "/s.moescope";
        const Result ingest = runCli({ "ingest", report(), "--db", db });
        QCOMPARE(ingest.exitCode, 0);
        const int doc = QJsonDocument::fromJson(ingest.out).object()["document_id"].toInt();

        const Result first = runCli(QStringList { "trace", "--model", model(), "--tokenizer", tokenizer(), "--db", db,
            "--document", QString::number(doc), "--device", "cpu", "--dtype", "f32", "--out", dir.path() + "/a.json" });
        QCOMPARE(first.exitCode, 0);
        const int runA = QJsonDocument::fromJson(first.out).object()["run"].toInt();
        QVERIFY(runA > 0);
        const QJsonObject a = readJson(dir.path() + "/a.json");
        QCOMPARE(a["run"].toInt(), runA);
        const QJsonArray sections = a["sections"].toArray();
        QVERIFY(sections.size() >= 5);
        qint64 sectionTokens = 0;
        bool hasItem8 = false;
        for (const auto& s : sections) {
            sectionTokens += s.toObject()["tokens"].toInteger();
            hasItem8 = hasItem8 || s.toObject()["key"].toString() == "8";
            QCOMPARE(s.toObject()["specialisation"].toArray().size(), 2);
        }
        QVERIFY(hasItem8);
        QCOMPARE(sectionTokens, qint64(a["tokens"].toInt())); // front matter + Items cover the text

        const Result second = runCli(QStringList { "trace", "--model", model(), "--tokenizer", tokenizer(), "--db", db,
            "--document", QString::number(doc), "--device", "cpu", "--dtype", "bf16" });
        QCOMPARE(second.exitCode, 0);
        const int runB = QJsonDocument::fromJson(second.out).object()["run"].toInt();

        const Result self = runCli({ "trace-drift", "--db", db, "--a", QString::number(runA), "--b",
            QString::number(runA), "--tokenizer", tokenizer() });
        QCOMPARE(self.exitCode, 0);
        const QJsonObject same = QJsonDocument::fromJson(self.out).object();
        QCOMPARE(same["changed_share"].toDouble(), 0.0);
        QCOMPARE(same["mean_jaccard"].toDouble(), 1.0);
        QVERIFY(same["most_changed"].toArray().isEmpty());

        const QString exportDir = dir.path() + "/drift";
        const Result drift
            = runCli({ "trace-drift", "--db", db, "--a", QString::number(runA), "--b", QString::number(runB), "--out",
                dir.path() + "/drift.json", "--export-dir", exportDir, "--tokenizer", tokenizer() });
        QCOMPARE(drift.exitCode, 0);
        const QJsonObject d = readJson(dir.path() + "/drift.json");
        QCOMPARE(d["layers"].toArray().size(), 2);
        for (const auto& l : d["layers"].toArray()) {
            const double changed = l.toObject()["changed_share"].toDouble(-1);
            const double jaccard = l.toObject()["mean_jaccard"].toDouble(-1);
            QVERIFY(changed >= 0 && changed <= 1 && jaccard >= 0 && jaccard <= 1);
            QVERIFY(jaccard >= 1 - changed - 1e-12); // a changed top-2 set has Jaccard <= 1/3, unchanged 1
        }
        QVERIFY(QFile::exists(exportDir + "/drift_layers.csv"));
        QVERIFY(!QImage(exportDir + "/drift.png").isNull());
    }

    void errors()
    {
        QTemporaryDir dir;
        Result r = runCli({ "trace", "--model", model(), "--tokenizer", tokenizer(), "--text-file", report() });
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("--out"));
        r = runCli({ "trace", "--model", moescope::test::fixturesDir() + "/models/llama_r1_distill", "--tokenizer",
            tokenizer(), "--text-file", report(), "--out", dir.path() + "/x.json", "--device", "cpu" });
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no MoE layers"));
        r = runCli(traceArgs(dir.path() + "/x.json", { "--text-file", dir.path() + "/missing.txt" }));
        QCOMPARE(r.exitCode, 1);
        r = runCli({ "trace-drift", "--db", dir.path() + "/none.moescope", "--a", "1", "--b", "2" });
        QCOMPARE(r.exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(TestCliTrace)
#include "tst_cli_trace.moc"

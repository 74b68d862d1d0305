// What a fresh machine gets without a download, checked as a user would run it: the generated sample report is
// ingested into exactly the structure and figures its ground truth states, the bundled finmoe-tiny loads, benchmarks
// and scores the whole report on the CPU, and its perplexity on an excerpt of a real 10-K stays under the bound
// recorded when it was trained (resources/models/finmoe-tiny/training/evaluation.json).

#include "docs/documentopener.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace moescope;

namespace {

QByteArray runCli(const QStringList& args, int timeoutMs = 600'000)
{
    QProcess p;
    p.start(test::cliPath(), args);
    if (!p.waitForFinished(timeoutMs))
        qFatal("moescope-cli %s did not finish", qPrintable(args.join(' ')));
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        qWarning("moescope-cli %s failed: %s", qPrintable(args.join(' ')), p.readAllStandardError().constData());
    return p.exitCode() == 0 ? p.readAllStandardOutput() : QByteArray();
}

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

QString demoModel() { return test::sourceDir() + "/resources/models/finmoe-tiny"; }

} // namespace

class TestCliDemo : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QJsonObject m_truth;
    QJsonObject m_ingest;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const auto pdf = m_dir.filePath("sample-10k.pdf");
        QVERIFY(!runCli({ "make-sample-report", "--out", pdf, "--seed", "1" }).isEmpty());
        m_truth = readJson(m_dir.filePath("sample-10k.truth.json"));
        QVERIFY(!m_truth.isEmpty());
        m_ingest = QJsonDocument::fromJson(runCli({ "ingest", pdf, "--db", m_dir.filePath("s.moescope") })).object();
        QVERIFY(!m_ingest.isEmpty());
    }

    void ingestionFindsTheTruthsSectionsAndFigures()
    {
        QCOMPARE(m_ingest["pages"].toInt(), m_truth["page_count"].toInt());
        QVERIFY(m_truth["page_count"].toInt() >= 120);

        const auto found = m_ingest["sections"].toArray();
        const auto sections = m_truth["sections"].toArray();
        QVERIFY(sections.size() >= 23); // Items 1 through 16 with their letters
        for (const auto& v : sections) {
            const auto t = v.toObject();
            bool match = false;
            for (const auto& v2 : found) {
                const auto g = v2.toObject();
                match |= g["item"] == t["item"] && g["page_start"] == t["page_start"] && g["page_end"] == t["page_end"];
            }
            QVERIFY2(match, qPrintable("Item " + t["item"].toString() + " pages not found as in the truth"));
        }
        QCOMPARE(found.size(), sections.size());

        const auto figures = m_ingest["figures"].toArray();
        const auto keyFigures = m_truth["key_figures"].toArray();
        QVERIFY(keyFigures.size() >= 12);
        for (const auto& v : keyFigures) {
            const auto t = v.toObject();
            bool match = false;
            for (const auto& v2 : figures) {
                const auto g = v2.toObject();
                match |= g["name"] == t["name"] && g["year"] == t["year"] && g["page"] == t["page"]
                    && std::abs(g["value"].toDouble() - t["value"].toDouble())
                        <= 1e-6 * std::max(1.0, std::abs(t["value"].toDouble()));
            }
            QVERIFY2(match,
                qPrintable(QStringLiteral("%1 %2 not extracted as in the truth")
                        .arg(t["name"].toString())
                        .arg(t["year"].toInt())));
        }
    }

    // The whole sample report scored by the bundled model on the CPU, stored in the session.
    void bundledModelScoresTheSampleReport()
    {
        QElapsedTimer timer;
        timer.start();
        const auto out = QJsonDocument::fromJson(runCli({ "score", "--db", m_dir.filePath("s.moescope"), "--document",
                                                     QString::number(m_ingest["document_id"].toInteger()), "--model",
                                                     demoModel(), "--device", "cpu" }))
                             .object();
        QVERIFY(!out.isEmpty());
        const double ppl = out["perplexity"].toDouble();
        qInfo("sample report: perplexity %.3f over %lld tokens, scored in %.1f s on the CPU", ppl,
            static_cast<long long>(out["tokens"].toInteger()), timer.elapsed() / 1e3);
        QVERIFY2(std::isfinite(ppl) && ppl > 1.0 && ppl < 30.0, qPrintable(QString::number(ppl)));
        QVERIFY(out["sections"].toArray().size() >= 20);
    }

    // Pages of 3M's 2022 10-K (MD&A) read with the product's PDF reader; the bound is 1.5x the whole report's
    // perplexity measured at training time (the excerpt is a part of that report, window 1,024 in both).
    // Several prompts from a file, generated together with fewer slots than prompts: each gets what generating it
    // alone gives; a malformed line is named.
    void bundledModelGeneratesSeveralPromptsTogether()
    {
        const QStringList prompts { "12,400,77,5,1033", "9,8,7", "301,302,303,304,305,306,307,308,309,310,311", "42" };
        const auto file = m_dir.filePath("prompts.txt");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write((prompts.join("\n") + "\n\n").toUtf8());
        f.close();
        const auto together = QJsonDocument::fromJson(runCli({ "generate", "--model", demoModel(), "--ids-file", file,
            "--batch", "2", "--max-new", "8", "--device", "cpu", "--timing" }))["results"].toArray();
        QCOMPARE(together.size(), prompts.size());
        for (int i = 0; i < prompts.size(); ++i) {
            const auto alone = QJsonDocument::fromJson(runCli({ "generate", "--model", demoModel(), "--ids", prompts[i],
                "--max-new", "8", "--device", "cpu" }))["ids"].toArray();
            QVERIFY(!alone.isEmpty());
            QCOMPARE(together[i].toObject()["ids"].toArray(), alone);
        }

        QFile bad(m_dir.filePath("bad-prompts.txt"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("5,6\n7,x\n");
        bad.close();
        QProcess p;
        p.start(test::cliPath(), { "generate", "--model", demoModel(), "--ids-file", bad.fileName(), "--device", "cpu" });
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(p.readAllStandardError().contains("line 2"), "the malformed line is not named");
    }

    // `bench` on the bundled model and the CPU: the documented keys, the median of the timed prefills as the
    // prefill speed, and a clear error for a benchmark with nothing to time.
    void bundledModelBenchmarksOnTheCpu()
    {
        const auto out = QJsonDocument::fromJson(runCli({ "bench", "--model", demoModel(), "--prompt", "96", "--gen",
                                                     "6", "--prefill-runs", "3", "--device", "cpu", "--json" }))
                             .object();
        QVERIFY(!out.isEmpty());
        QCOMPARE(out["prompt"].toInt(), 96);
        QCOMPARE(out["family"].toString(), QString("DeepSeek-V2"));
        QVERIFY(!out["cuda_graphs"].toBool());
        const auto runs = out["prefill_ms"].toArray();
        QCOMPARE(runs.size(), 3);
        std::vector<double> ms;
        for (const auto& r : runs)
            ms.push_back(r.toDouble());
        QVERIFY(*std::min_element(ms.begin(), ms.end()) > 0);
        std::sort(ms.begin(), ms.end());
        QVERIFY(std::abs(out["prefill_tok_s"].toDouble() - 96 / (ms[1] / 1e3)) <= 1e-6 * out["prefill_tok_s"].toDouble());
        QVERIFY(out["decode_tok_s"].toDouble() > 0);
        QVERIFY(out["ms_per_token_median"].toDouble() <= out["ms_per_token_p90"].toDouble());
        QVERIFY(out["weight_bytes"].toInteger() > 0);
        const double floor = out["floor_fraction"].toDouble();
        QVERIFY2(floor > 0 && floor <= 1, qPrintable(QString::number(floor)));
        // The cache holds MLA's latent and rotated key per layer and position (float32 on the CPU) for the prompt,
        // the generated tokens and a few steps' reserve; a prefill's own tensors are far smaller than the weights.
        const auto config = readJson(demoModel() + "/config.json");
        const auto perPosition = config["num_hidden_layers"].toInteger()
            * (config["kv_lora_rank"].toInteger() + config["qk_rope_head_dim"].toInteger()) * 4;
        const auto cacheBytes = out["kv_cache_bytes"].toInteger();
        QVERIFY2(cacheBytes >= perPosition * (96 + 6) && cacheBytes <= perPosition * (96 + 6 + 64),
            qPrintable(QString::number(cacheBytes)));
        const auto transient = out["prefill_peak_transient_bytes"].toInteger();
        QVERIFY2(transient > 0 && transient < out["weight_bytes"].toInteger() / 4,
            qPrintable(QString::number(transient)));

        // A mixed policy quantizes on load: its weights are fewer bytes than the float32 model's.
        const auto policy = test::sourceDir() + "/resources/quant-policies/int4-g128-head-int8.json";
        const auto mixed = QJsonDocument::fromJson(runCli({ "bench", "--model", demoModel(), "--prompt", "16", "--gen",
                                                       "2", "--device", "cpu", "--dtype", "mixed:" + policy, "--json" }))
                               .object();
        QCOMPARE(mixed["dtype"].toString(), "mixed:" + policy);
        QVERIFY2(mixed["weight_bytes"].toInteger() < out["weight_bytes"].toInteger() / 4,
            qPrintable(QString::number(mixed["weight_bytes"].toInteger())));
        QVERIFY(mixed["decode_tok_s"].toDouble() > 0);

        QProcess p;
        p.start(test::cliPath(), { "bench", "--model", demoModel(), "--prompt", "16", "--gen", "2", "--dtype",
                                     "mixed:" + m_dir.filePath("missing.json"), "--device", "cpu" });
        QVERIFY(p.waitForFinished(120'000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(p.readAllStandardError().contains("missing.json"), "the missing policy is not named");

        p.start(test::cliPath(), { "bench", "--model", demoModel(), "--prompt", "16", "--gen", "2", "--prefill-runs",
                                     "0", "--device", "cpu" });
        QVERIFY(p.waitForFinished(120'000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(p.readAllStandardError().contains("--prefill-runs"), "the bad option is not named");
    }

    void fixtureExcerptStaysUnderTheRecordedBound()
    {
        const auto recorded = readJson(demoModel() + "/training/evaluation.json");
        double recordedPpl = 0;
        for (const auto& t : recorded["texts"].toArray())
            if (t.toObject()["file"].toString().startsWith("3M_2022_10K"))
                recordedPpl = t.toObject()["perplexity"].toDouble();
        QVERIFY2(recordedPpl > 1.0, "evaluation.json records no perplexity for 3M_2022_10K");

        const auto document = DocumentOpener().open((test::sharedDir() + "/fixtures/reports/3M_2022_10K.pdf").toStdString());
        QString excerpt;
        for (int page = 24; page < 30; ++page) // Item 7 (MD&A)
            excerpt += QString::fromStdString(std::string(document.pageText(page))) + "\n";
        QFile file(m_dir.filePath("excerpt.txt"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(excerpt.toUtf8());
        file.close();
        const auto out = QJsonDocument::fromJson(runCli({ "evaluate", "--model", demoModel(), "--text-file",
                                                     file.fileName(), "--device", "cpu" }))
                             .object();
        const double ppl = out["perplexity"].toDouble();
        qInfo("3M excerpt: perplexity %.3f (bound %.3f = 1.5 x %.3f recorded)", ppl, 1.5 * recordedPpl, recordedPpl);
        QVERIFY2(std::isfinite(ppl) && ppl > 1.0 && ppl < 1.5 * recordedPpl, qPrintable(QString::number(ppl)));
    }
};

QTEST_GUILESS_MAIN(TestCliDemo)
#include "tst_cli_demo.moc"

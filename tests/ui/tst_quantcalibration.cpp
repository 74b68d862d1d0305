// Calibration in the Quantization panel, offscreen with the bundled demo model on a short text report: the "+gptq" /
// "+awq" presets can be ticked only with calibration text (and a run that has them without it says why); an int8+gptq
// comparison calibrated on the document's first tokens equals `moescope-cli compare --calib-ids-file` on the same ids
// (an independent path) and is stored with the calibration text's source; "Calibrate mixed policy…" writes a policy
// that QuantPolicy::fromFile parses, within the budget as the model's own module plan counts it, ticked in the list;
// a cancelled calibration writes no file.

#include "core/error.h"
#include "eval/comparisonreport.h"
#include "io/safetensorscheckpoint.h"
#include "models/registry.h"
#include "quant/moduleplan.h"
#include "quant/quantpolicy.h"
#include "services/inferenceservice.h"
#include "services/jobtracker.h"
#include "services/sessioncontroller.h"
#include "store/sessionstore.h"
#include "testsupport.h"
#include "tokenizer/tokenizer.h"
#include "ui/calibrationcontrols.h"
#include "ui/mainwindow.h"
#include "ui/quantpanel.h"
#include "ui/quantresultsview.h"
#include "ui/theme.h"
#include "uitestsupport.h"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>

using namespace moescope;

namespace {
constexpr int kCalibrationTokens = 256;

QListWidgetItem* variantItem(QuantPanel* panel, const QString& variant)
{
    auto* list = panel->findChild<QListWidget*>("quantVariants");
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->text() == variant)
            return list->item(i);
    return nullptr;
}

QString writeIds(const QString& path, const std::vector<std::int32_t>& ids)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    for (const auto id : ids)
        f.write(QByteArray::number(id) + ' ');
    return path;
}
} // namespace

class QuantCalibrationTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        test::startGuiTest("tst_quantcalibration", m_dir.filePath("sessions"));
        m_model = test::sourceDir() + "/resources/models/finmoe-tiny";
        QVERIFY(QFile::exists(m_model + "/config.json"));
        m_report = test::writeSampleReport(m_dir.filePath("short-10k.txt"), 2);
        m_services = std::make_unique<test::ServiceThread>();
        m_session = std::make_unique<SessionController>();
        QVERIFY(test::openWorkbench(m_services->service(), m_session.get(), m_model, m_report, m_window));
        m_window->findChild<QDockWidget*>("quantizationDock")->raise();
        m_window->quantPanel()->calibration()->setMaxTokens(kCalibrationTokens);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_session.reset();
        m_services.reset();
        QSettings().clear();
    }

    void calibratedVariantsFollowTheChoice()
    {
        auto* quant = m_window->quantPanel();
        auto* calibration = quant->calibration();
        QCOMPARE(calibration->source(), CalibrationText::Source::None); // the default
        for (const QString& v : QuantPanel::calibratedPresets()) {
            auto* item = variantItem(quant, v);
            QVERIFY2(item, qPrintable(v));
            QVERIFY(!(item->flags() & Qt::ItemIsEnabled));
            QVERIFY(item->toolTip().contains("calibration text"));
            QVERIFY(!quant->isVariantAvailable(v));
        }
        QVERIFY(quant->isVariantAvailable("int8"));
        QVERIFY(!calibration->calibrateButton()->isEnabled());

        // Ticked anyway (programmatically): the run refuses with a message, before any job starts.
        quant->setSelectedVariants({ "int8+gptq" });
        quant->run();
        QVERIFY(!quant->isRunning());
        QVERIFY2(
            quant->status()->text().contains("int8+gptq needs calibration text"), qPrintable(quant->status()->text()));

        calibration->setSource(CalibrationText::Source::Document);
        QVERIFY(calibration->hasText());
        QVERIFY(quant->status()->text().isEmpty()); // the hint was followed
        for (const QString& v : QuantPanel::calibratedPresets()) {
            QVERIFY(variantItem(quant, v)->flags() & Qt::ItemIsEnabled);
            QVERIFY(quant->isVariantAvailable(v));
        }
        QVERIFY(calibration->calibrateButton()->isEnabled());
        const auto text = calibration->calibrationText();
        QCOMPARE(text.maxTokens, kCalibrationTokens);
        QCOMPARE(text.documentText, m_session->currentDocument()->joinedText());
        qInfo("screenshot: %s", qPrintable(test::screenshot(m_window.get(), "quant-calibration-panel")));

        // A file source without a file has no text; with one it has.
        calibration->setSource(CalibrationText::Source::File);
        QVERIFY(!calibration->hasText());
        QVERIFY(!quant->isVariantAvailable("int4-g128+gptq"));
        calibration->setTextFile(m_report);
        QVERIFY(quant->isVariantAvailable("int4-g128+gptq"));

        // Back to none: ticked calibrated variants are unticked.
        quant->setSelectedVariants({ "int8", "int4-g128+awq+gptq" });
        calibration->setSource(CalibrationText::Source::None);
        QCOMPARE(quant->selectedVariants(), QStringList({ "int8" }));
    }

    // The text is cut before tokenizing (a 500-page report is not tokenized for 2,048 tokens): the ids must still be
    // the first tokens of the whole text; a missing file or no source says so.
    void calibrationIdsAreTheTextsFirstTokens()
    {
        const auto tokenizer = Tokenizer::fromFile(m_model.toStdString());
        const QString path = test::writeSampleReport(m_dir.filePath("ids-source.txt"), 60);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const std::string whole = file.readAll().toStdString();
        const auto reference = tokenizer.encode(whole, true);
        CalibrationText text;
        text.source = CalibrationText::Source::File;
        text.path = path.toStdString();
        for (const int n : { 2, 300, 2048 }) {
            text.maxTokens = n;
            QVERIFY(whole.size() > std::size_t(n) * 32); // the cut is taken
            const auto ids = calibrationIds(tokenizer, text);
            QCOMPARE(ids, std::vector<std::int32_t>(reference.begin(), reference.begin() + n));
        }
        text.maxTokens = 0;
        QCOMPARE(calibrationIds(tokenizer, text), reference);
        text.path = m_dir.filePath("missing.txt").toStdString();
        QVERIFY_THROWS_EXCEPTION(IoError, calibrationIds(tokenizer, text));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, calibrationIds(tokenizer, CalibrationText()));
    }

    void gptqComparisonMatchesCliAndIsStored()
    {
        auto* quant = m_window->quantPanel();
        quant->calibration()->setSource(CalibrationText::Source::Document);
        quant->setSelectedVariants({ "int8", "int8+gptq" });
        quant->setWindowSize(128);
        quant->setWindows(3);
        QSignalSpy finished(quant, &QuantPanel::comparisonFinished);
        QTest::mouseClick(quant->runButton(), Qt::LeftButton);
        QVERIFY(quant->isRunning());
        QVERIFY(!quant->calibration()->calibrateButton()->isEnabled()); // one model-loading job at a time
        QVERIFY(test::waitUntil([&] { return finished.count() == 1; }, 120000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(quant->status()->text()));
        const auto result = quant->results()->result();
        QVERIFY(result);
        QCOMPARE(int(result->variants.size()), 2);
        QCOMPARE(result->variants[1].name, std::string("int8+gptq"));
        const auto& gptq = result->variants[1];
        QVERIFY(std::isfinite(gptq.klMean) && gptq.klMean > 0);
        QVERIFY(gptq.top1Agreement > 0.9);

        // Stored with its variant list and where its calibration text came from.
        auto store = SessionStore::open(m_session->sessionPath().toStdString());
        const auto run = store.run(quant->lastRunId());
        QVERIFY(run);
        const auto params = nlohmann::json::parse(run->paramsJson);
        QVERIFY(params["variants"] == nlohmann::json::array({ "int8", "int8+gptq" }));
        QCOMPARE(params["calibration"]["source"].get<std::string>(), std::string("document"));
        QCOMPARE(params["calibration"]["tokens"].get<int>(), kCalibrationTokens);
        const auto stored = loadComparison(store, quant->lastRunId());
        QCOMPARE(stored.variants[1].name, std::string("int8+gptq"));
        QCOMPARE(stored.variants[1].klMean, gptq.klMean);

        // The CLI on the same ids: the text's tokens and the first kCalibrationTokens of them as calibration.
        const auto tokenizer = Tokenizer::fromFile(m_model.toStdString());
        const auto ids = tokenizer.encode(m_session->currentDocument()->joinedText(), true);
        QVERIFY(ids.size() > std::size_t(kCalibrationTokens));
        const std::vector<std::int32_t> calib(ids.begin(), ids.begin() + kCalibrationTokens);
        QProcess cli;
        cli.start(test::cliPath(),
            { "compare", "--model", m_model, "--variants", "int8,int8+gptq", "--ids-file",
                writeIds(m_dir.filePath("ids.txt"), ids), "--calib-ids-file",
                writeIds(m_dir.filePath("calib.txt"), calib), "--window", "128", "--max-tokens",
                QString::number(result->textTokens), "--decode-tokens", "0", "--device", "cpu" });
        QVERIFY(cli.waitForFinished(900000)); // minutes when the machine is busy
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const auto json = nlohmann::json::parse(cli.readAllStandardOutput().toStdString());
        const double cliKl = json["variants"][1]["kld_mean"].get<double>();
        qInfo("int8+gptq KL mean: panel %.8f, CLI %.8f; int8 %.8f", gptq.klMean, cliKl, result->variants[0].klMean);
        QVERIFY(std::abs(cliKl - gptq.klMean) <= 1e-6 * std::max(1.0, cliKl)); // same ids, same windows, same device
    }

    void calibrateActionWritesPolicyWithinBudget()
    {
        auto* quant = m_window->quantPanel();
        auto* calibration = quant->calibration();
        calibration->setSource(CalibrationText::Source::Document);
        const QString path = m_dir.filePath("calibrated.json");
        PolicyCalibrationOptions options; // int4-g128 / int8 / 0.35, as the CLI's defaults
        options.window = 128;
        QCOMPARE(options.budget, 0.35);
        QSignalSpy finished(calibration, &CalibrationControls::calibrationFinished);
        QVERIFY(calibration->calibratePolicy(path, options));
        QVERIFY(calibration->isCalibrating());
        QVERIFY(!quant->runButton()->isEnabled());
        QVERIFY(test::waitUntil([&] { return finished.count() == 1; }, 120000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(quant->status()->text()));
        QVERIFY(quant->runButton()->isEnabled());

        const auto policy = QuantPolicy::fromFile(path.toStdString());
        QCOMPARE(policy.schemeForExpert(1, 0).format == QuantFormat::Int4
                || policy.schemeForExpert(1, 0).format == QuantFormat::Int8,
            true);
        // The budget, counted independently on the model's module plan.
        const auto dir = m_model.toStdString();
        const SafetensorsCheckpoint checkpoint(dir);
        const auto plan = planModules(readModelSpec(dir), [&](const std::string& n) { return checkpoint.contains(n); });
        const double share = double(plan.weightBytes(policy, 2)) / double(plan.weightBytes(QuantPolicy(), 2));
        qInfo("calibrated policy: %.4f x bf16 bytes, %zu experts promoted", share, policy.experts.size());
        QVERIFY(share <= 0.35);
        QVERIFY(share > double(plan.weightBytes(QuantPolicy::uniform(QuantScheme::parse("int4-g128")), 2))
                / double(plan.weightBytes(QuantPolicy(), 2))); // something was promoted
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto json = nlohmann::json::parse(file.readAll().toStdString());
        QCOMPARE(json["calibration"]["text"]["source"].get<std::string>(), std::string("document"));
        QCOMPARE(json["calibration"]["tokens"].get<int>(), kCalibrationTokens);
        // Added to the list, ticked.
        QVERIFY(quant->selectedVariants().contains("mixed:" + path));
        QVERIFY(quant->status()->text().contains("experts promoted"));
    }

    void cancelledCalibrationWritesNothing()
    {
        auto* quant = m_window->quantPanel();
        auto* calibration = quant->calibration();
        // A longer text file, all of it: slow enough to cancel between layers.
        const QString text = test::writeSampleReport(m_dir.filePath("long.txt"), 100);
        calibration->setTextFile(text);
        calibration->setMaxTokens(0);
        const QString path = m_dir.filePath("cancelled.json");
        const auto before = quant->selectedVariants();
        QSignalSpy finished(calibration, &CalibrationControls::calibrationFinished);
        QSignalSpy progress(calibration->jobs(), &JobTracker::progress);
        QVERIFY(calibration->calibratePolicy(path, PolicyCalibrationOptions()));
        QVERIFY(test::waitUntil([&] { return progress.count() >= 1; }, 120000));
        QTest::mouseClick(calibration->cancelButton(), Qt::LeftButton);
        QVERIFY(test::waitUntil([&] { return finished.count() == 1; }, 60000));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY(test::waitUntil([&] { return !calibration->isCalibrating(); }, 10000));
        QVERIFY(!QFile::exists(path));
        QCOMPARE(quant->selectedVariants(), before);
        QVERIFY(quant->status()->text().contains("no policy was written"));
        calibration->setMaxTokens(kCalibrationTokens);
    }

private:
    QTemporaryDir m_dir;
    QString m_model, m_report;
    std::unique_ptr<test::ServiceThread> m_services;
    std::unique_ptr<SessionController> m_session;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(QuantCalibrationTest)
#include "tst_quantcalibration.moc"

#include "uitestsupport.h"

#include "io/safetensorsfile.h"
#include "io/safetensorswriter.h"
#include "services/inferenceservice.h"
#include "services/sessioncontroller.h"
#include "testsupport.h"
#include "tokenizer/tokenizer.h"
#include "ui/mainwindow.h"
#include "ui/theme.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QApplication>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>
#include <QWidget>

#include <fstream>
#include <random>

namespace moescope::test {

ServiceThread::ServiceThread()
{
    m_thread.start();
    m_service = new InferenceService;
    m_service->moveToThread(&m_thread);
}

ServiceThread::~ServiceThread()
{
    QMetaObject::invokeMethod(m_service, "deleteLater");
    m_thread.quit();
    m_thread.wait();
}

QString makeTestModel(const QString& dir, const QString& tokenizerName)
{
    namespace fs = std::filesystem;
    QDir().mkpath(dir);
    const fs::path out = dir.toStdString();
    const fs::path fixture = (fixturesDir() + "/models/deepseek_v2").toStdString();
    const fs::path tokenizerDir = (sharedDir() + "/fixtures/tokenizers/" + tokenizerName).toStdString();
    fs::copy_file(tokenizerDir / "tokenizer.json.gz", out / "tokenizer.json.gz", fs::copy_options::overwrite_existing);
    fs::copy_file(
        tokenizerDir / "tokenizer_config.json", out / "tokenizer_config.json", fs::copy_options::overwrite_existing);
    const Tokenizer tokenizer = Tokenizer::fromFile(out);
    const int vocab = tokenizer.vocabSize();
    const int eos = tokenizer.eosId().value_or(2);
    const int bos = tokenizer.bosId().value_or(eos);

    std::ifstream configIn(fixture / "config.json");
    nlohmann::json config = nlohmann::json::parse(configIn);
    config["vocab_size"] = vocab;
    config["eos_token_id"] = eos;
    config["bos_token_id"] = bos;
    config["pad_token_id"] = eos;
    std::ofstream(out / "config.json") << config.dump(2);
    nlohmann::json generation = { { "bos_token_id", bos }, { "eos_token_id", eos } };
    std::ofstream(out / "generation_config.json") << generation.dump(2);

    const SafetensorsFile in(fixture / "model.safetensors");
    SafetensorsWriter writer;
    std::mt19937 rng(1234);
    std::normal_distribution<float> normal(0.0f, 0.15f);
    for (const auto& t : in.tensors()) {
        if (t.name == "model.embed_tokens.weight" || t.name == "lm_head.weight") {
            const std::int64_t hidden = t.shape.at(1);
            std::vector<std::byte> bytes(std::size_t(vocab) * std::size_t(hidden) * sizeof(float));
            auto* values = reinterpret_cast<float*>(bytes.data());
            for (std::size_t i = 0; i < std::size_t(vocab) * std::size_t(hidden); ++i)
                values[i] = normal(rng);
            writer.addOwned(t.name, DType::F32, { vocab, hidden }, std::move(bytes));
        } else {
            writer.add(t.name, t.dtype, t.shape, in.data(t));
        }
    }
    writer.write(out / "model.safetensors");
    return dir;
}

QStringList sampleReportPages(int pages)
{
    static const char* kHeadings[] = { "PART I\n\nItem 1. Business", "Item 1A. Risk Factors", "Item 2. Properties",
        "PART II\n\nItem 7. Management's Discussion and Analysis of Financial Condition and Results of Operations",
        "Item 7A. Quantitative and Qualitative Disclosures About Market Risk",
        "Item 8. Financial Statements and Supplementary Data" };
    static const char* kProse[] = {
        "The Company designs, manufactures and sells packaging for food, beverage, pharmaceutical and personal care "
        "products. Net sales increased 4% to $14,694 million, driven by higher prices passed through to customers "
        "and favourable product mix, partly offset by lower volumes in North America.",
        "Our business is exposed to changes in the cost and availability of raw materials such as resins, aluminium "
        "and paper. Significant increases in these costs, if not recovered through pricing, could reduce our margins "
        "and cash flow. Currency fluctuations affect reported results in several regions.",
        "We operate 218 manufacturing plants in 41 countries. The principal facilities are owned or leased under "
        "long-term agreements, and management believes they are suitable and adequate for current operations.",
        "Adjusted operating income grew by 6% as cost savings from the restructuring plan more than offset inflation. "
        "Free cash flow was $1,261 million. Interest expense rose with higher benchmark rates on variable debt.",
        "A hypothetical 10% change in exchange rates would change operating income by approximately $45 million. "
        "Interest rate swaps fix the rate on a portion of the long-term borrowings.",
        "Consolidated Statement of Income. Net income attributable to the Company was $1,048 million, or $0.705 per "
        "diluted share. Total assets were $17,003 million at the end of the fiscal year.",
    };
    static const char* kStatement = "Consolidated Statement of Income\n(in millions, except per share data)\n"
                                    "                                      2023        2022\n"
                                    "Net sales                        $ 14,694    $ 14,544\n"
                                    "Net income                          1,048         805\n"
                                    "Diluted earnings per share          0.705       0.540\n\n";
    QStringList out;
    for (int p = 0; p < pages; ++p) {
        QString page = QString::fromLatin1(kHeadings[p % 6]) + "\n\n";
        for (int k = 0; k < 5; ++k)
            page += QString::fromLatin1(kProse[(p + k) % 6]) + "\n\n";
        if (p % 6 == 5) // Item 8 carries the income statement, so the report has key figures
            page += QString::fromLatin1(kStatement);
        page += QStringLiteral("%1").arg(p + 1);
        out << page;
    }
    return out;
}

QString writeSampleReport(const QString& path, int pages)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(sampleReportPages(pages).join(QLatin1Char('\f')).toUtf8());
    return path;
}

void startGuiTest(const QString& name, const QString& sessionsFolder)
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName("MoEScopeTests");
    QApplication::setApplicationName(name);
    QSettings().clear();
    QSettings().setValue("sessions/folder", sessionsFolder);
    applyTheme(Theme::Light);
}

bool openWorkbench(InferenceService* service, SessionController* session, const QString& model, const QString& report,
    std::unique_ptr<MainWindow>& window)
{
    window = std::make_unique<MainWindow>(service, session);
    window->resize(1600, 1000);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return false;
    if (!openModelAndWait(service, [&] { window->openModel(model); }))
        return false;
    window->openReport(report);
    return waitUntil([&] { return session->currentDocument() != nullptr; }, 60000);
}

bool openModelAndWait(InferenceService* service, const std::function<void()>& open, int timeoutMs)
{
    int loaded = 0;
    QObject context; // in the GUI thread: the count is queued behind the earlier connections' slots
    QObject::connect(service, &InferenceService::modelLoaded, &context, [&loaded] { ++loaded; });
    open();
    return waitUntil([&loaded] { return loaded > 0; }, timeoutMs);
}

bool waitUntil(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(5);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done() || clock.elapsed() > timeoutMs)
            loop.quit();
    });
    if (done())
        return true;
    poll.start();
    loop.exec();
    return done();
}

QString screenshot(QWidget* widget, const QString& name)
{
    const QString path = artifactsDir() + QLatin1Char('/') + name + QStringLiteral(".png");
    widget->grab().save(path);
    return path;
}

} // namespace moescope::test

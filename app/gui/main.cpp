// moescope: the MoEScope desktop application.
//   moescope [--model DIR] [--document FILE] [--session FILE]
// The InferenceService lives on its own thread for the whole run; the GUI thread never runs tensor code.

#include "core/logging.h"
#include "services/inferenceservice.h"
#include "services/qtlogging.h"
#include "services/bundledresources.h"
#include "services/sessioncontroller.h"
#include "ui/mainwindow.h"
#include "ui/quantpanel.h"
#include "ui/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QStandardPaths>
#include <QThread>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("MoEScope");
    QApplication::setOrganizationName("MoEScope");
    QApplication::setApplicationVersion(MOESCOPE_VERSION);
    QApplication::setWindowIcon(QIcon(":/icons/moescope.svg"));

    const auto logDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/logs";
    moescope::setupLogging({ .logDir = logDir.toStdString(), .console = true, .verbose = false });
    moescope::installQtMessageHandler();
    QSettings().setValue("app/logDir", logDir);

    QCommandLineParser parser;
    parser.setApplicationDescription("MoEScope: a workbench for Mixture-of-Experts language models");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption modelOption("model", "Open this model folder at start (default: the bundled demo model).", "dir");
    QCommandLineOption documentOption("document", "Open this report (PDF, EDGAR HTML or text) at start.", "file");
    QCommandLineOption sessionOption(
        "session", "Open this session (.moescope) at start, instead of the one used last.", "file");
    parser.addOption(modelOption);
    parser.addOption(documentOption);
    parser.addOption(sessionOption);
    QCommandLineOption noDemoOption("no-demo", "Start without the bundled demo model and sample report.");
    parser.addOption(noDemoOption);
    parser.process(app);

    moescope::applyTheme(moescope::themeFromSettings());

    QThread inferenceThread;
    inferenceThread.setObjectName("InferenceService");
    auto* service = new moescope::InferenceService;
    service->moveToThread(&inferenceThread);
    QObject::connect(&inferenceThread, &QThread::finished, service, &QObject::deleteLater);
    inferenceThread.start();

    moescope::SessionController session;
    moescope::MainWindow window(service, &session);
    window.quantPanel()->setPolicyDirectory(moescope::bundledQuantPolicies());
    window.show();
    bool hasSession = parser.isSet(sessionOption);
    if (hasSession)
        window.openSession(parser.value(sessionOption));
    else
        hasSession = window.restoreLastSession();
    // A report given with a session still opening is read into it once it is open. On a first start the generated
    // sample 10-K is opened, so that every panel has something to show.
    if (parser.isSet(documentOption))
        window.openReport(parser.value(documentOption));
    else if (!hasSession && !parser.isSet(noDemoOption))
        if (const auto sample = moescope::bundledSampleReport(); !sample.isEmpty())
            window.openReport(sample);
    if (parser.isSet(modelOption))
        window.openModel(parser.value(modelOption));
    else if (!parser.isSet(noDemoOption))
        if (const auto demo = moescope::bundledDemoModel(); !demo.isEmpty())
            window.openModel(demo);

    const int rc = QApplication::exec();
    service->cancel();
    inferenceThread.quit();
    inferenceThread.wait();
    return rc;
}

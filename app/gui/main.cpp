// moescope: the MoEScope desktop application.
//   moescope [--model DIR]
// The InferenceService lives on its own thread for the whole run; the GUI thread never runs tensor code.

#include "core/logging.h"
#include "services/inferenceservice.h"
#include "services/qtlogging.h"
#include "services/bundledresources.h"
#include "ui/mainwindow.h"
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
    QCommandLineOption noDemoOption("no-demo", "Start without loading the bundled demo model.");
    parser.addOption(modelOption);
    parser.addOption(noDemoOption);
    parser.process(app);

    moescope::applyTheme(moescope::themeFromSettings());

    QThread inferenceThread;
    inferenceThread.setObjectName("InferenceService");
    auto* service = new moescope::InferenceService;
    service->moveToThread(&inferenceThread);
    QObject::connect(&inferenceThread, &QThread::finished, service, &QObject::deleteLater);
    inferenceThread.start();

    moescope::MainWindow window(service);
    window.show();
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

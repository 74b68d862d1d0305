// moescope: the MoEScope desktop application.
//   moescope [--model DIR] [--document FILE] [--session FILE]
// The InferenceService lives on its own thread for the whole run; the GUI thread never runs tensor code.

#include "core/logging.h"
#include "services/inferenceservice.h"
#include "services/qtlogging.h"
#include "services/sessioncontroller.h"
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
    QCommandLineOption modelOption("model", "Open this model folder at start.", "dir");
    QCommandLineOption documentOption("document", "Open this report (PDF, EDGAR HTML or text) at start.", "file");
    QCommandLineOption sessionOption(
        "session", "Open this session (.moescope) at start, instead of the one used last.", "file");
    parser.addOption(modelOption);
    parser.addOption(documentOption);
    parser.addOption(sessionOption);
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
    window.show();
    if (parser.isSet(sessionOption))
        window.openSession(parser.value(sessionOption));
    else
        window.restoreLastSession();
    // A report given with a session still opening is read into it once it is open.
    if (parser.isSet(documentOption))
        window.openReport(parser.value(documentOption));
    if (parser.isSet(modelOption))
        window.openModel(parser.value(modelOption));

    const int rc = QApplication::exec();
    service->cancel();
    inferenceThread.quit();
    inferenceThread.wait();
    return rc;
}

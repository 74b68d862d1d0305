// The main window offscreen: opening a model through the InferenceService thread fills the model manager; a damaged
// model folder gives a message and leaves no model loaded; unloading clears it. Screenshots go to the artifacts folder.

#include "services/inferenceservice.h"
#include "services/sessioncontroller.h"
#include "testsupport.h"
#include "ui/mainwindow.h"
#include "ui/modelmanagerpanel.h"
#include "uitestsupport.h"

#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <memory>

using namespace moescope;

class MainWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QApplication::setOrganizationName("MoEScopeTests");
        QApplication::setApplicationName("tst_mainwindow");
        QStandardPaths::setTestModeEnabled(true);
        m_services = std::make_unique<test::ServiceThread>();
        m_service = m_services->service();
    }

    void cleanupTestCase() { m_services.reset(); }

    void opensModelThroughService()
    {
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        test::ThreadSpy loaded(m_service, &InferenceService::modelLoaded);
        window.openModel(test::fixturesDir() + "/models/deepseek_v2");
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        auto* panel = window.modelManager();
        QTRY_VERIFY(panel->hasModel()); // the panel hears of it through a queued signal
        QCOMPARE(QString::fromStdString(panel->summary().modelType), QString("deepseek_v2"));
        QCOMPARE(panel->summary().experts, 8);
        // The labels show what was loaded.
        bool familyShown = false;
        for (auto* label : panel->findChildren<QLabel*>())
            familyShown = familyShown || label->text().contains("DeepSeek-V2");
        QVERIFY(familyShown);
        window.grab().save(test::artifactsDir() + "/mainwindow-model-loaded.png");

        test::ThreadSpy unloaded(m_service, &InferenceService::modelUnloaded);
        panel->requestUnload();
        QTRY_COMPARE_WITH_TIMEOUT(unloaded.count(), 1, 10000);
        QTRY_VERIFY(!panel->hasModel());
    }

    void damagedModelGivesMessage()
    {
        QTemporaryDir dir;
        QFile config(dir.path() + "/config.json");
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(R"({"model_type": "gpt2"})");
        config.close();
        SessionController session;
        MainWindow window(m_service, &session);
        window.show();
        // The window reports the failure in a message box; close it as soon as it appears.
        QTimer closer;
        QString boxText;
        connect(&closer, &QTimer::timeout, [&] {
            for (auto* w : QApplication::topLevelWidgets())
                if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible()) {
                    boxText = box->text();
                    box->grab().save(test::artifactsDir() + "/mainwindow-load-error.png");
                    box->accept();
                }
        });
        closer.start(50);
        test::ThreadSpy failed(m_service, &InferenceService::modelLoadFailed);
        window.openModel(dir.path());
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!boxText.isEmpty(), 5000);
        QVERIFY2(boxText.contains("unsupported architecture 'gpt2'"), qPrintable(boxText));
        QVERIFY(!window.modelManager()->hasModel());
    }

private:
    std::unique_ptr<test::ServiceThread> m_services;
    InferenceService* m_service = nullptr;
};

QTEST_MAIN(MainWindowTest)
#include "tst_mainwindow.moc"

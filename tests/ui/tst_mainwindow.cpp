// The main window offscreen: opening a model through the InferenceService thread fills the model manager; a damaged
// model folder gives a message and leaves no model loaded; unloading clears it; unchecked boxes stay visible in both
// themes. Screenshots go to the artifacts folder.

#include "services/inferenceservice.h"
#include "services/sessioncontroller.h"
#include "testsupport.h"
#include "ui/mainwindow.h"
#include "ui/modelmanagerpanel.h"
#include "ui/theme.h"
#include "uitestsupport.h"

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QMessageBox>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyleOptionButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <algorithm>
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

    // An unchecked box or radio button must stand out from what it is drawn on: the largest brightness difference
    // inside its indicator (frame against fill and surroundings) is at least 40 of 255 in both themes (Fusion's frame
    // on the dark palette had 12: the Quantization panel's unchecked variants showed no box).
    void uncheckedIndicatorsStandOutInBothThemes()
    {
        auto contrast = [](QWidget& w, QStyle::SubElement indicator) {
            w.show();
            QStyleOptionButton option;
            option.initFrom(&w);
            const QRect rect = w.style()->subElementRect(indicator, &option, &w);
            const QImage image = w.grab().toImage();
            int lo = 255, hi = 0;
            for (int y = rect.top(); y <= rect.bottom(); ++y)
                for (int x = rect.left(); x <= rect.right(); ++x) {
                    const int gray = qGray(image.pixel(x, y));
                    lo = std::min(lo, gray);
                    hi = std::max(hi, gray);
                }
            return hi - lo;
        };
        for (const Theme theme : { Theme::Light, Theme::Dark }) {
            applyTheme(theme);
            QCheckBox box("int4-g128");
            QRadioButton radio("window");
            const int boxContrast = contrast(box, QStyle::SE_CheckBoxIndicator);
            const int radioContrast = contrast(radio, QStyle::SE_RadioButtonIndicator);
            const char* name = theme == Theme::Dark ? "dark" : "light";
            QVERIFY2(boxContrast >= 40, qPrintable(QString("%1 check box: %2").arg(name).arg(boxContrast)));
            QVERIFY2(radioContrast >= 40, qPrintable(QString("%1 radio button: %2").arg(name).arg(radioContrast)));
        }
        applyTheme(Theme::Light);
    }

private:
    std::unique_ptr<test::ServiceThread> m_services;
    InferenceService* m_service = nullptr;
};

QTEST_MAIN(MainWindowTest)
#include "tst_mainwindow.moc"

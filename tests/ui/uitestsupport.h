#pragma once
// Helpers for the GUI tests: tiny models written on the fly whose vocabulary is a real tokenizer's, a small 10-K-like
// text report, waiting on signals with a real event loop, screenshots in both palettes.

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QVariant>

#include <functional>
#include <memory>

class QWidget;

namespace moescope {
class InferenceService;
class MainWindow;
class SessionController;
}

namespace moescope::test {

// The start of a GUI test: test-mode settings of the application `name` (cleared), sessions kept under
// `sessionsFolder`, the light theme (screenshots compare alike).
void startGuiTest(const QString& name, const QString& sessionsFolder);

// Records a signal's emissions (their arguments) like QSignalSpy, for senders living in another thread (the
// InferenceService and its runners): QSignalSpy appends in the emitting thread while the test reads it in this one
// (not thread-safe, QTBUG-40616); here the arguments arrive through a queued connection and are written and read in
// the test's thread only.
class ThreadSpy {
public:
    template <typename Sender, typename Signal> ThreadSpy(const Sender* sender, Signal signal)
    {
        QObject::connect(
            sender, signal, &m_receiver,
            [this](const auto&... args) { m_calls.append(QVariantList { QVariant::fromValue(args)... }); },
            Qt::QueuedConnection);
    }
    qsizetype count() const { return m_calls.size(); }
    const QVariantList& at(qsizetype i) const { return m_calls.at(i); }
    const QVariantList& last() const { return m_calls.last(); }
    QList<QVariantList>::const_iterator begin() const { return m_calls.begin(); }
    QList<QVariantList>::const_iterator end() const { return m_calls.end(); }

private:
    QObject m_receiver; // in the test's thread: the queued calls run there
    QList<QVariantList> m_calls;
};

// An InferenceService living on its own thread, as in the application; stopped and deleted on destruction.
class ServiceThread {
public:
    ServiceThread();
    ~ServiceThread();
    ServiceThread(const ServiceThread&) = delete;
    ServiceThread& operator=(const ServiceThread&) = delete;
    InferenceService* service() const { return m_service; }

private:
    QThread m_thread;
    InferenceService* m_service;
};

// Writes a model folder: the DeepSeek-V2 fixture's blocks (tests/fixtures/models/deepseek_v2) with embeddings and LM
// head re-made at the vocabulary size of the shared tokenizer `tokenizer` (llama2: base, no chat template; qwen3:
// chat template), random weights from a fixed seed, and the tokenizer's files. Returns the folder.
QString makeTestModel(const QString& dir, const QString& tokenizer);

// A plain-text report of `pages` pages (form feeds) with 10-K headings (Part I, Items 1, 1A, 2, 7, 7A, 8) and
// business prose; about 1,400 characters a page.
QString writeSampleReport(const QString& path, int pages = 6);

// The page texts writeSampleReport writes (for independent checks).
QStringList sampleReportPages(int pages = 6);

// Runs a real event loop until done() is true or timeoutMs passes (no QTest::qWait sleeping between events).
bool waitUntil(const std::function<bool()>& done, int timeoutMs);

// Calls open() (which asks service for a model) and waits until the GUI thread has handled modelLoaded, after the
// slots connected before (the panels'). A QSignalSpy would count it earlier, in the service's thread.
bool openModelAndWait(InferenceService* service, const std::function<void()>& open, int timeoutMs = 120000);

// A shown 1600 x 1000 main window over service and session with `model` loaded and `report` opened (waits for both);
// false when either does not finish within a minute or two.
[[nodiscard]] bool openWorkbench(InferenceService* service, SessionController* session, const QString& model,
    const QString& report, std::unique_ptr<MainWindow>& window);

// Saves widget as artifactsDir()/name.png and returns the path.
QString screenshot(QWidget* widget, const QString& name);

} // namespace moescope::test

#pragma once
// Background CPU jobs (ingestion, indexing, search, rendering, export, session I/O), as hotspot's jobtracker: each
// start() bumps a generation counter and (in the default Supersede mode) asks the previous job to stop, so only the
// newest request's result reaches its callback; an older job that still finishes is dropped as stale. In Queue mode
// (independent writes) every job's result is delivered unless cancel() was called after it started. Jobs run on a
// thread pool owned by the tracker (so a long ingestion never starves a search), results come back on the tracker's
// thread through a QFutureWatcher, and progress is posted (queued, throttled) to it: nothing blocks and no connection
// between threads is blocking.
//
// Threading: create and call on one thread (the GUI thread); the work function runs on a pool thread and must touch
// nothing but its arguments and the JobContext. The destructor asks running jobs to stop and waits for them.

#include "core/cancellation.h"

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

namespace moescope {

// What a work function gets: the stop token to poll and a progress callback callable from its thread.
struct JobContext {
    std::stop_token stop;
    ProgressCallback progress;
};

class JobTracker : public QObject {
    Q_OBJECT

public:
    enum class Mode { Supersede, Queue };

    explicit JobTracker(QObject* parent = nullptr, int maxThreads = 2, Mode mode = Mode::Supersede);
    ~JobTracker() override;

    // Starts work on the pool, making the running job (if any) stale. onResult gets the value on this thread unless
    // a newer job started meanwhile or the job was cancelled; onError gets the message of an exception it threw.
    template <typename T>
    void start(const QString& what, std::function<T(const JobContext&)> work, std::function<void(T)> onResult,
        std::function<void(const QString&)> onError = {});

    // Asks the running jobs to stop; their results (if they still produce one) are dropped. Does not wait.
    void cancel();
    bool isRunning() const { return m_running > 0; }
    quint64 generation() const { return m_generation; }
    // Waits until every job has ended (tests, shutdown). Does not process events.
    void waitForDone();

signals:
    // Every started() is followed by exactly one finished(), stale and cancelled jobs included.
    void started(const QString& what);
    void progress(qint64 done, qint64 total);
    void finished();
    void failed(const QString& what, const QString& message);
    void cancelled(const QString& what);

private:
    template <typename T> struct Outcome {
        std::shared_ptr<T> value;
        QString error;
        bool cancelled = false;
    };

    quint64 beginJob(const QString& what);
    // A progress callback for the worker of generation gen: throttled to one post per 50 ms plus the last.
    ProgressCallback progressFor(quint64 gen);
    void endJob();
    bool isDelivered(quint64 gen) const { return gen > m_supersededBefore && gen > m_cancelledBefore; }
    void reportError(const QString& what, const QString& message, const std::function<void(const QString&)>& onError);

    QThreadPool m_pool;
    std::stop_source m_stop;
    Mode m_mode;
    quint64 m_generation = 0;
    quint64 m_supersededBefore = 0; // jobs up to this generation were replaced by a newer request
    quint64 m_cancelledBefore = 0; // jobs up to this generation were cancelled
    int m_running = 0;
};

template <typename T>
void JobTracker::start(const QString& what, std::function<T(const JobContext&)> work, std::function<void(T)> onResult,
    std::function<void(const QString&)> onError)
{
    const quint64 gen = beginJob(what);
    JobContext context { m_stop.get_token(), progressFor(gen) };
    auto* watcher = new QFutureWatcher<Outcome<T>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, gen, what, onResult, onError] {
        const Outcome<T> outcome = watcher->result();
        watcher->deleteLater();
        endJob();
        if (gen <= m_supersededBefore)
            return; // a newer request replaced this one
        if (outcome.cancelled || gen <= m_cancelledBefore) {
            emit cancelled(what);
            return;
        }
        if (!outcome.error.isEmpty()) {
            reportError(what, outcome.error, onError);
            return;
        }
        if (onResult)
            onResult(std::move(*outcome.value));
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [work = std::move(work), context]() {
        Outcome<T> out;
        try {
            throwIfStopRequested(context.stop);
            out.value = std::make_shared<T>(work(context));
        } catch (const CancelledError&) {
            out.cancelled = true;
        } catch (const std::exception& e) {
            out.error = QString::fromUtf8(e.what());
            if (out.error.isEmpty())
                out.error = QStringLiteral("unknown error");
        }
        return out;
    }));
}

} // namespace moescope

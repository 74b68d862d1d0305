#include "jobtracker.h"

#include <spdlog/spdlog.h>

#include <mutex>

namespace moescope {

JobTracker::JobTracker(QObject* parent, int maxThreads, Mode mode)
    : QObject(parent)
    , m_mode(mode)
{
    m_pool.setMaxThreadCount(std::max(1, maxThreads));
    m_pool.setExpiryTimeout(5000);
}

JobTracker::~JobTracker()
{
    m_stop.request_stop();
    m_pool.waitForDone(); // workers post progress to this object: it must outlive them
}

quint64 JobTracker::beginJob(const QString& what)
{
    if (m_mode == Mode::Supersede) {
        m_stop.request_stop(); // the previous job, if any, becomes stale: let it stop early
        m_supersededBefore = m_generation;
    }
    if (m_stop.stop_requested())
        m_stop = std::stop_source();
    ++m_running;
    emit started(what);
    return ++m_generation;
}

ProgressCallback JobTracker::progressFor(quint64 gen)
{
    // Shared by the copies of the callback the worker may make; only the worker thread touches it.
    struct Throttle {
        std::mutex mutex;
        std::chrono::steady_clock::time_point last;
    };
    auto throttle = std::make_shared<Throttle>();
    return [this, gen, throttle](std::int64_t done, std::int64_t total) {
        {
            std::lock_guard lock(throttle->mutex);
            const auto now = std::chrono::steady_clock::now();
            if (done < total && now - throttle->last < std::chrono::milliseconds(50))
                return;
            throttle->last = now;
        }
        QMetaObject::invokeMethod(
            this,
            [this, gen, done, total] {
                if (isDelivered(gen))
                    emit progress(done, total);
            },
            Qt::QueuedConnection);
    };
}

void JobTracker::endJob()
{
    m_running = std::max(0, m_running - 1);
    emit finished();
}

void JobTracker::reportError(
    const QString& what, const QString& message, const std::function<void(const QString&)>& onError)
{
    spdlog::warn("{} failed: {}", what.toStdString(), message.toStdString());
    if (onError)
        onError(message);
    emit failed(what, message);
}

void JobTracker::cancel()
{
    m_stop.request_stop();
    m_cancelledBefore = m_generation;
}

void JobTracker::waitForDone()
{
    m_pool.waitForDone();
}

} // namespace moescope

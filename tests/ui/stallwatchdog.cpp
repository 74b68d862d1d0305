#include "stallwatchdog.h"

#include <QAbstractEventDispatcher>
#include <QThread>

#include <ctime>

namespace moescope::test {

StallWatchdog::StallWatchdog(QObject* parent)
    : QObject(parent)
{
    m_timer.setInterval(10);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        const qint64 now = m_clock.nsecsElapsed();
        const double gap = double(now - m_lastTickNs) / 1e6;
        m_lastTickNs = now;
        m_maxGap = std::max(m_maxGap, gap);
        ++m_ticks;
        if (gap > 50)
            ++m_late;
    });
    auto* dispatcher = QAbstractEventDispatcher::instance(QThread::currentThread());
    connect(
        dispatcher, &QAbstractEventDispatcher::awake, this,
        [this] {
            if (!m_running || m_awake)
                return;
            m_awake = true;
            m_awakeCpu = threadCpuMs();
            m_awakeNs = m_clock.nsecsElapsed();
        },
        Qt::DirectConnection);
    connect(
        dispatcher, &QAbstractEventDispatcher::aboutToBlock, this,
        [this] {
            if (!m_running || !m_awake)
                return;
            m_awake = false;
            m_maxBusyCpu = std::max(m_maxBusyCpu, threadCpuMs() - m_awakeCpu);
            m_maxBusyWall = std::max(m_maxBusyWall, double(m_clock.nsecsElapsed() - m_awakeNs) / 1e6);
        },
        Qt::DirectConnection);
}

double StallWatchdog::threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

void StallWatchdog::start()
{
    m_clock.start();
    m_lastTickNs = 0;
    m_maxGap = m_maxBusyCpu = m_maxBusyWall = 0;
    m_ticks = m_late = 0;
    m_awake = false;
    m_running = true;
    m_timer.start();
}

void StallWatchdog::stop()
{
    m_running = false;
    m_timer.stop();
}

QString StallWatchdog::report() const
{
    return QStringLiteral("%1 ticks, largest timer gap %2 ms (%3% of gaps > 50 ms); largest GUI-thread work in one go: "
                          "%4 ms CPU, %5 ms wall")
        .arg(m_ticks)
        .arg(m_maxGap, 0, 'f', 1)
        .arg(100 * lateFraction(), 0, 'f', 2)
        .arg(m_maxBusyCpu, 0, 'f', 1)
        .arg(m_maxBusyWall, 0, 'f', 1);
}

} // namespace moescope::test

#include "stallwatchdog.h"

#include <QFile>

#include <sys/syscall.h>
#include <unistd.h>

namespace moescope::test {

StallWatchdog::StallWatchdog(QObject* parent)
    : QObject(parent)
    , m_schedStatPath(QStringLiteral("/proc/self/task/%1/schedstat").arg(long(syscall(SYS_gettid))))
{
    m_timer.setInterval(10);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        const qint64 now = m_clock.nsecsElapsed();
        const double gap = double(now - m_lastTickNs) / 1e6;
        m_lastTickNs = now;
        m_maxGap = std::max(m_maxGap, gap);
        const double wait = runQueueWaitMs();
        if (wait >= 0) {
            const double own = gap - (wait - m_lastWaitMs);
            m_maxOwnGap = std::max(m_maxOwnGap, own);
            m_lastWaitMs = wait;
            if (own > 40) // where in the run it happened, beside the test's own messages
                qInfo("stall watchdog: %.1f ms of our own at %.2f s", own, double(now) / 1e9);
        }
        ++m_ticks;
        if (gap > 50)
            ++m_late;
    });
}

double StallWatchdog::runQueueWaitMs() const
{
    // "<ns on a CPU> <ns waiting on a run queue> <timeslices>"
    QFile file(m_schedStatPath);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = file.readAll().simplified().split(' ');
    bool ok = false;
    const double waitNs = fields.size() >= 2 ? fields[1].toDouble(&ok) : 0;
    return ok ? waitNs / 1e6 : -1;
}

void StallWatchdog::start()
{
    m_clock.start();
    m_lastTickNs = 0;
    m_maxGap = m_maxOwnGap = 0;
    m_ticks = m_late = 0;
    m_lastWaitMs = runQueueWaitMs();
    m_hasSchedStat = m_lastWaitMs >= 0;
    m_timer.start();
}

void StallWatchdog::stop()
{
    m_timer.stop();
}

QString StallWatchdog::report() const
{
    return QStringLiteral("%1 ticks, largest timer gap %2 ms (%3% of gaps > 50 ms); largest gap less run-queue wait "
                          "(the stall our code caused): %4 ms")
        .arg(m_ticks)
        .arg(m_maxGap, 0, 'f', 1)
        .arg(100 * lateFraction(), 0, 'f', 2)
        .arg(maxOwnGapMs(), 0, 'f', 1);
}

} // namespace moescope::test

#pragma once
// Watches the GUI thread's event loop with a timer firing every 10 ms. Each gap between two ticks is time the loop did
// not get round to the timer: the GUI thread was working, blocked (a lock, a file, a wait on another thread), or
// runnable but not given a CPU by the OS. The last part says nothing about our code on a busy shared machine, so it is
// read from the kernel's per-thread scheduler statistics (/proc/self/task/TID/schedstat: time spent waiting on a run
// queue) and subtracted: the "own" gap is the stall our code caused, and the one asserted.

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace moescope::test {

class StallWatchdog : public QObject {
    Q_OBJECT

public:
    explicit StallWatchdog(QObject* parent = nullptr);

    void start();
    void stop();
    double maxGapMs() const { return m_maxGap; }
    // The largest gap less the time the GUI thread waited for a CPU during it; -1 without scheduler statistics.
    double maxOwnGapMs() const { return m_hasSchedStat ? m_maxOwnGap : -1; }
    // The fraction of timer gaps above 50 ms.
    double lateFraction() const { return m_ticks ? double(m_late) / double(m_ticks) : 0; }
    int ticks() const { return m_ticks; }
    QString report() const;

private:
    double runQueueWaitMs() const; // -1 when the kernel does not provide it

    QTimer m_timer;
    QElapsedTimer m_clock;
    QString m_schedStatPath;
    bool m_hasSchedStat = false;
    qint64 m_lastTickNs = 0;
    double m_lastWaitMs = 0;
    double m_maxGap = 0;
    double m_maxOwnGap = 0;
    int m_ticks = 0;
    int m_late = 0;
};

} // namespace moescope::test

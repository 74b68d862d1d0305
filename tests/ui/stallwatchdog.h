#pragma once
// Watches the GUI thread's event loop: (1) a timer firing every 10 ms records the largest gap between its ticks
// (wall clock, so it includes time the OS gave other processes), and (2) the event dispatcher's awake/aboutToBlock
// pair brackets each stretch of work the GUI thread does in one go, measured in the thread's own CPU time (immune to
// a busy machine) and in wall time.

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
    double maxBusyCpuMs() const { return m_maxBusyCpu; }
    double maxBusyWallMs() const { return m_maxBusyWall; }
    // The fraction of timer gaps above 50 ms.
    double lateFraction() const { return m_ticks ? double(m_late) / double(m_ticks) : 0; }
    int ticks() const { return m_ticks; }
    QString report() const;

private:
    static double threadCpuMs();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastTickNs = 0;
    double m_maxGap = 0;
    int m_ticks = 0;
    int m_late = 0;
    bool m_running = false;
    bool m_awake = false;
    double m_awakeCpu = 0;
    qint64 m_awakeNs = 0;
    double m_maxBusyCpu = 0;
    double m_maxBusyWall = 0;
};

} // namespace moescope::test

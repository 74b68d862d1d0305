#include "ui/jobprogress.h"

#include "services/inferenceservice.h"
#include "services/jobtracker.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QTimer>
#include <QToolButton>

namespace moescope {

JobProgress::JobProgress(QWidget* parent)
    : QWidget(parent)
    , m_label(new QLabel)
    , m_bar(new QProgressBar)
    , m_cancel(new QToolButton)
    , m_delay(new QTimer(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_bar->setFixedWidth(200);
    m_bar->setTextVisible(true);
    m_cancel->setIcon(QIcon(":/icons/cancel.svg"));
    m_cancel->setToolTip(tr("Cancel (Esc)"));
    m_cancel->setAutoRaise(true);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    m_delay->setSingleShot(true);
    m_delay->setInterval(500); // jobs shorter than half a second never flash a progress bar
    connect(m_delay, &QTimer::timeout, this, [this] {
        if (!m_jobs.isEmpty())
            show();
    });
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        if (!m_jobs.isEmpty())
            emit cancelRequested(m_jobs.last().source);
    });
    hide();
}

void JobProgress::track(JobTracker* tracker)
{
    connect(tracker, &JobTracker::started, this, [this, tracker](const QString& what) { start(tracker, what); });
    connect(tracker, &JobTracker::progress, this,
        [this, tracker](qint64 done, qint64 total) { update(tracker, done, total); });
    connect(tracker, &JobTracker::finished, this, [this, tracker] { finish(tracker); });
    connect(this, &JobProgress::cancelRequested, tracker, [tracker](QObject* source) {
        if (source == tracker)
            tracker->cancel();
    });
}

void JobProgress::track(InferenceService* service)
{
    // The service lives on another thread: these connections are queued; cancel() is thread-safe.
    connect(service, &InferenceService::requestStarted, this,
        [this, service](const QString& what) { start(service, what); });
    connect(service, &InferenceService::progress, this,
        [this, service](qint64 done, qint64 total) { update(service, done, total); });
    connect(service, &InferenceService::requestFinished, this, [this, service] { finish(service); });
    connect(this, &JobProgress::cancelRequested, this, [service](QObject* source) {
        if (source == service)
            service->cancel();
    });
}

JobProgress::Job* JobProgress::find(QObject* source)
{
    for (auto& job : m_jobs)
        if (job.source == source)
            return &job;
    return nullptr;
}

int JobProgress::activeJobs() const
{
    return int(m_jobs.size());
}

QString JobProgress::currentText() const
{
    return m_jobs.isEmpty() ? QString() : m_jobs.last().what;
}

void JobProgress::start(QObject* source, const QString& what)
{
    if (Job* job = find(source)) {
        ++job->depth; // a newer request of the same source: show its text
        job->what = what;
        job->done = job->total = 0;
    } else {
        m_jobs.append({ source, what });
    }
    if (!isVisible() && !m_delay->isActive())
        m_delay->start();
    refresh();
}

void JobProgress::update(QObject* source, qint64 done, qint64 total)
{
    if (Job* job = find(source)) {
        job->done = done;
        job->total = total;
        refresh();
    }
}

void JobProgress::finish(QObject* source)
{
    for (int i = 0; i < m_jobs.size(); ++i)
        if (m_jobs[i].source == source && --m_jobs[i].depth <= 0)
            m_jobs.removeAt(i--);
    if (m_jobs.isEmpty()) {
        m_delay->stop();
        hide();
    }
    refresh();
}

void JobProgress::refresh()
{
    if (m_jobs.isEmpty())
        return;
    const Job& job = m_jobs.last();
    m_label->setText(m_jobs.size() > 1 ? tr("%1 (+%2 more)").arg(job.what).arg(m_jobs.size() - 1) : job.what);
    if (job.total <= 0) {
        m_bar->setRange(0, 0); // busy until the first progress report
        return;
    }
    m_bar->setRange(0, 1000);
    m_bar->setValue(int(1000 * job.done / job.total));
    m_bar->setFormat(QStringLiteral("%1 / %2").arg(job.done).arg(job.total));
}

} // namespace moescope

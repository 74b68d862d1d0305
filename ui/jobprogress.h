#pragma once
// Status-bar progress for the running jobs: model requests on the InferenceService thread and the background jobs of
// the JobTrackers. It appears only when a job lasts longer than half a second, shows the newest running job's
// description and done/total, and offers Cancel for that job (cancelRequested names its source, which the window
// maps to the service's thread-safe cancel() or the tracker's cancel()).

#include <QList>
#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QTimer;
class QToolButton;

namespace moescope {

class InferenceService;
class JobTracker;

class JobProgress : public QWidget {
    Q_OBJECT

public:
    explicit JobProgress(QWidget* parent = nullptr);

    // Follows a tracker's or the service's jobs; Cancel calls their cancel().
    void track(JobTracker* tracker);
    void track(InferenceService* service);
    int activeJobs() const;
    QString currentText() const;

public slots:
    void start(QObject* source, const QString& what);
    void update(QObject* source, qint64 done, qint64 total);
    void finish(QObject* source);

signals:
    void cancelRequested(QObject* source);

private:
    struct Job {
        QObject* source;
        QString what;
        qint64 done = 0;
        qint64 total = 0;
        int depth = 1;
    };
    Job* find(QObject* source);
    void refresh();

    QLabel* m_label;
    QProgressBar* m_bar;
    QToolButton* m_cancel;
    QTimer* m_delay;
    QList<Job> m_jobs; // running, oldest first: the last one is shown
};

} // namespace moescope

#pragma once
// Status-bar progress for the running request: appears only when a job lasts longer than half a second, shows
// done/total, and offers Cancel (which reaches the backend through the service's thread-safe cancel()).

#include <QWidget>

class QLabel;
class QProgressBar;
class QTimer;
class QToolButton;

namespace moescope {

class JobProgress : public QWidget {
    Q_OBJECT

public:
    explicit JobProgress(QWidget* parent = nullptr);

public slots:
    void start(const QString& what);
    void update(qint64 done, qint64 total);
    void finish();

signals:
    void cancelRequested();

private:
    QLabel* m_label;
    QProgressBar* m_bar;
    QToolButton* m_cancel;
    QTimer* m_delay;
    int m_active = 0;
};

} // namespace moescope

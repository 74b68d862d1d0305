#include "ui/jobprogress.h"

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
    m_bar->setMaximumWidth(220);
    m_bar->setTextVisible(true);
    m_cancel->setIcon(QIcon(":/icons/cancel.svg"));
    m_cancel->setToolTip(tr("Cancel (Esc)"));
    m_cancel->setAutoRaise(true);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    m_delay->setSingleShot(true);
    m_delay->setInterval(500);
    connect(m_delay, &QTimer::timeout, this, [this] {
        if (m_active > 0)
            show();
    });
    connect(m_cancel, &QToolButton::clicked, this, &JobProgress::cancelRequested);
    hide();
}

void JobProgress::start(const QString& what)
{
    ++m_active;
    m_label->setText(what);
    m_bar->setRange(0, 0); // busy until the first progress report
    m_delay->start();
}

void JobProgress::update(qint64 done, qint64 total)
{
    if (total <= 0)
        return;
    m_bar->setRange(0, 1000);
    m_bar->setValue(static_cast<int>(1000 * done / total));
    m_bar->setFormat(QStringLiteral("%1 / %2").arg(done).arg(total));
}

void JobProgress::finish()
{
    m_active = std::max(0, m_active - 1);
    if (m_active == 0) {
        m_delay->stop();
        hide();
    }
}

} // namespace moescope

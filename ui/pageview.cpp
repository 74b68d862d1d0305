#include "ui/pageview.h"

#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>

#include <cmath>

namespace moescope {

PageView::PageView(QWidget* parent)
    : QAbstractScrollArea(parent)
{
    setFrameShape(QFrame::NoFrame);
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setBackgroundRole(QPalette::Mid);
    viewport()->setAutoFillBackground(true);
}

void PageView::setRenderedPage(const RenderedPage& page)
{
    const bool samePage = page.page == m_page.page;
    m_page = page;
    updateScrollBars();
    if (!samePage)
        verticalScrollBar()->setValue(0);
    viewport()->update();
}

void PageView::clear()
{
    m_page = {};
    updateScrollBars();
    viewport()->update();
}

void PageView::setZoomMode(ZoomMode mode, double zoom)
{
    m_mode = mode;
    m_fixedZoom = std::clamp(zoom, 0.1, 8.0);
    updateScrollBars();
    viewport()->update();
    if (!m_page.pageSize.isEmpty())
        emit zoomChanged(zoomFor(m_page.pageSize));
}

double PageView::zoomFor(QSizeF pageSize) const
{
    if (pageSize.isEmpty())
        return 1.0;
    const double w = std::max(50, viewport()->width() - 2 * kMargin);
    const double h = std::max(50, viewport()->height() - 2 * kMargin);
    switch (m_mode) {
    case ZoomMode::FitWidth:
        return w / pageSize.width();
    case ZoomMode::FitPage:
        return std::min(w / pageSize.width(), h / pageSize.height());
    case ZoomMode::Fixed:
        return m_fixedZoom;
    }
    return 1.0;
}

QRectF PageView::pageRect() const
{
    const double zoom = zoomFor(m_page.pageSize);
    const QSizeF size = m_page.pageSize * zoom;
    const double x
        = std::max<double>(kMargin, (viewport()->width() - size.width()) / 2) - horizontalScrollBar()->value();
    const double y = kMargin - verticalScrollBar()->value();
    return QRectF(QPointF(x, y), size);
}

void PageView::updateScrollBars()
{
    const QSizeF size = m_page.pageSize * zoomFor(m_page.pageSize);
    const int contentW = int(std::ceil(size.width())) + 2 * kMargin;
    const int contentH = int(std::ceil(size.height())) + 2 * kMargin;
    horizontalScrollBar()->setRange(0, std::max(0, contentW - viewport()->width()));
    verticalScrollBar()->setRange(0, std::max(0, contentH - viewport()->height()));
    horizontalScrollBar()->setPageStep(viewport()->width());
    verticalScrollBar()->setPageStep(viewport()->height());
    verticalScrollBar()->setSingleStep(40);
}

void PageView::revealHighlights()
{
    if (m_page.highlights.isEmpty()) {
        verticalScrollBar()->setValue(0);
        return;
    }
    const double zoom = zoomFor(m_page.pageSize);
    const QRectF first = m_page.highlights.first();
    const int y = int(first.top() * zoom) + kMargin;
    verticalScrollBar()->setValue(std::max(0, y - viewport()->height() / 3));
}

void PageView::paintEvent(QPaintEvent*)
{
    QPainter painter(viewport());
    if (m_page.image.isNull())
        return;
    const QRectF target = pageRect();
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    // A soft shadow under the sheet, then the page itself (scaled while a sharper render is pending).
    const QColor shadow = palette().color(QPalette::Shadow);
    painter.fillRect(target.translated(2, 3), QColor(shadow.red(), shadow.green(), shadow.blue(), 70));
    painter.fillRect(target, Qt::white);
    painter.drawImage(target, m_page.image);

    const double zoom = target.width() / m_page.pageSize.width();
    QColor fill = palette().color(QPalette::Highlight);
    fill.setAlpha(70);
    QColor edge = palette().color(QPalette::Highlight);
    painter.setPen(QPen(edge, 1.5));
    painter.setBrush(fill);
    painter.setRenderHint(QPainter::Antialiasing);
    for (const QRectF& r : m_page.highlights) {
        const QRectF box(
            target.left() + r.left() * zoom, target.top() + r.top() * zoom, r.width() * zoom, r.height() * zoom);
        painter.drawRoundedRect(box.adjusted(-2, -1, 2, 1), 2, 2);
    }
}

void PageView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
    if (m_page.pageSize.isEmpty())
        return;
    const double zoom = zoomFor(m_page.pageSize);
    if (std::abs(zoom - m_lastZoom) > 1e-3) {
        m_lastZoom = zoom;
        emit zoomChanged(zoom);
    }
}

void PageView::keyPressEvent(QKeyEvent* event)
{
    auto* bar = verticalScrollBar();
    if (event->key() == Qt::Key_PageDown && bar->value() >= bar->maximum()) {
        emit pageStepRequested(1);
        return;
    }
    if (event->key() == Qt::Key_PageUp && bar->value() <= bar->minimum()) {
        emit pageStepRequested(-1);
        return;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

void PageView::wheelEvent(QWheelEvent* event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const double factor = event->angleDelta().y() > 0 ? 1.15 : 1 / 1.15;
        setZoomMode(ZoomMode::Fixed, zoomFor(m_page.pageSize) * factor);
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

} // namespace moescope

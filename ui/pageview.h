#pragma once
// Shows one rendered PDF page with the search highlights drawn over it, scrollable, at a zoom that fits the width or
// is chosen by the user. Rendering happens elsewhere (DocumentView runs PdfRenderer jobs); this widget only paints
// the image it is given, scaled while a sharper one is on its way. Colours come from the palette (light and dark).

#include "ui/pdfrenderer.h"

#include <QAbstractScrollArea>

namespace moescope {

class PageView : public QAbstractScrollArea {
    Q_OBJECT

public:
    enum class ZoomMode { FitWidth, FitPage, Fixed };

    explicit PageView(QWidget* parent = nullptr);

    void setRenderedPage(const RenderedPage& page);
    void clear();
    const RenderedPage& renderedPage() const { return m_page; }
    // Highlights of the page now shown (points).
    const QList<QRectF>& highlights() const { return m_page.highlights; }

    void setZoomMode(ZoomMode mode, double zoom = 1.0);
    ZoomMode zoomMode() const { return m_mode; }
    // Logical pixels per point for a page of pageSize points in the current mode and viewport.
    double zoomFor(QSizeF pageSize) const;
    // Scrolls so the first highlight (or the top of the page) is visible.
    void revealHighlights();

signals:
    // The zoom the view wants changed (resize, zoom mode): the owner renders again.
    void zoomChanged(double zoom);
    void pageStepRequested(int delta); // PgUp / PgDn at the ends of the page

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    QRectF pageRect() const; // where the page is drawn, viewport coordinates
    void updateScrollBars();

    RenderedPage m_page;
    ZoomMode m_mode = ZoomMode::FitWidth;
    double m_fixedZoom = 1.0;
    double m_lastZoom = 0;
    static constexpr int kMargin = 16;
};

} // namespace moescope

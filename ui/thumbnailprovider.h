#pragma once
// Renders page thumbnails for the page list in the background: requests queue up and are rendered a few at a time
// by one job (with its own PdfRenderer, so thumbnails never wait for the main page view's renders), most recent
// requests first, since they are what the user scrolled to. Delivers each image with thumbnailReady().
// GUI thread only.

#include <QImage>
#include <QObject>
#include <QSize>

#include <deque>
#include <memory>

namespace moescope {

class JobTracker;
class PdfRenderer;

class ThumbnailProvider : public QObject {
    Q_OBJECT

public:
    explicit ThumbnailProvider(QObject* parent = nullptr);

    // A new PDF (empty path: none). Pending requests are dropped.
    void setDocument(const QString& pdfPath);
    void setSize(QSize size, double devicePixelRatio);

public slots:
    void request(int page);

signals:
    void thumbnailReady(int page, const QImage& image);

private:
    void pump();

    JobTracker* m_jobs;
    std::shared_ptr<PdfRenderer> m_renderer;
    QString m_path;
    std::deque<int> m_pending;
    QSize m_size { 96, 124 };
    double m_dpr = 1;
    bool m_busy = false;
    quint64 m_epoch = 0; // bumped per document, so results for an older one are dropped
};

} // namespace moescope

#pragma once
// Renders the pages of a PDF with poppler-qt6, off the GUI thread. A Poppler::Document may be used by one thread at
// a time, so every call takes the renderer's lock; views that render in parallel (page view, thumbnails) each open
// their own renderer. Highlights are the rectangles, in points, where Poppler's text search finds the words.
// open() and render() run on worker threads (JobTracker); the result is a plain value (QImage is safe off the GUI
// thread).

#include <QImage>
#include <QList>
#include <QRectF>
#include <QStringList>

#include <memory>
#include <mutex>

namespace Poppler {
class Document;
}

namespace moescope {

struct RenderedPage {
    int page = -1;
    QImage image; // device pixels; devicePixelRatio set
    QSizeF pageSize; // points
    QList<QRectF> highlights; // points, page coordinates
    double zoom = 1; // logical pixels per point the image was made for
};

class PdfRenderer {
public:
    // Throws IoError (cannot read), FormatError (not a PDF) or UnsupportedError (needs a user password).
    static std::shared_ptr<PdfRenderer> open(const QString& path);
    ~PdfRenderer();

    int pageCount() const;
    QSizeF pageSize(int page) const; // points
    // zoom: logical pixels per point; dpr: the screen's device pixel ratio.
    RenderedPage render(int page, double zoom, double dpr, const QStringList& terms = {}) const;
    // A thumbnail fitting box (logical pixels) at the device pixel ratio.
    QImage thumbnail(int page, QSize box, double dpr) const;
    // Where Poppler finds the words on the page (points). Words shorter than 5 characters must match whole words.
    QList<QRectF> find(int page, const QStringList& terms) const;

private:
    PdfRenderer() = default;
    QList<QRectF> findLocked(int page, const QStringList& terms) const;

    mutable std::mutex m_mutex;
    std::unique_ptr<Poppler::Document> m_document;
    QString m_path;
};

} // namespace moescope

#include "ui/pdfrenderer.h"

#include "core/error.h"

#include <poppler/qt6/poppler-qt6.h>

#include <QFileInfo>

namespace moescope {

std::shared_ptr<PdfRenderer> PdfRenderer::open(const QString& path)
{
    if (!QFileInfo(path).isFile())
        throw IoError(path.toStdString() + ": file not found");
    std::shared_ptr<PdfRenderer> r(new PdfRenderer);
    r->m_path = path;
    r->m_document = Poppler::Document::load(path);
    if (!r->m_document)
        throw FormatError(path.toStdString() + ": Poppler cannot read this file as a PDF");
    if (r->m_document->isLocked())
        throw UnsupportedError(path.toStdString() + ": the PDF needs a user password to open");
    r->m_document->setRenderHint(Poppler::Document::Antialiasing);
    r->m_document->setRenderHint(Poppler::Document::TextAntialiasing);
    r->m_document->setRenderHint(Poppler::Document::TextHinting);
    return r;
}

PdfRenderer::~PdfRenderer() = default;

int PdfRenderer::pageCount() const
{
    std::lock_guard lock(m_mutex);
    return m_document->numPages();
}

QSizeF PdfRenderer::pageSize(int page) const
{
    std::lock_guard lock(m_mutex);
    const auto p = m_document->page(page);
    return p ? p->pageSizeF() : QSizeF();
}

QList<QRectF> PdfRenderer::findLocked(int page, const QStringList& terms) const
{
    QList<QRectF> out;
    const auto p = m_document->page(page);
    if (!p)
        return out;
    for (const auto& term : terms) {
        const QString t = term.trimmed();
        if (t.size() < 2)
            continue;
        // Short words match whole words only ("net" should not light up "network"); longer ones also match their
        // inflections ("revenue" in "revenues"), as the full-text index's stemming does.
        Poppler::Page::SearchFlags flags = Poppler::Page::IgnoreCase;
        if (t.size() < 5)
            flags |= Poppler::Page::WholeWords;
        out += p->search(t, flags);
    }
    return out;
}

QList<QRectF> PdfRenderer::find(int page, const QStringList& terms) const
{
    std::lock_guard lock(m_mutex);
    return findLocked(page, terms);
}

RenderedPage PdfRenderer::render(int page, double zoom, double dpr, const QStringList& terms) const
{
    std::lock_guard lock(m_mutex);
    const auto p = m_document->page(page);
    if (!p)
        throw InvalidArgumentError(m_path.toStdString() + ": no page " + std::to_string(page + 1));
    RenderedPage out;
    out.page = page;
    out.zoom = zoom;
    out.pageSize = p->pageSizeF();
    const double dpi = 72.0 * zoom * dpr;
    out.image = p->renderToImage(dpi, dpi);
    if (out.image.isNull())
        throw FormatError(m_path.toStdString() + ": Poppler could not render page " + std::to_string(page + 1));
    out.image.setDevicePixelRatio(dpr);
    out.highlights = findLocked(page, terms);
    return out;
}

QImage PdfRenderer::thumbnail(int page, QSize box, double dpr) const
{
    std::lock_guard lock(m_mutex);
    const auto p = m_document->page(page);
    if (!p)
        return {};
    const QSizeF size = p->pageSizeF();
    if (size.isEmpty())
        return {};
    const double zoom = std::min(box.width() / size.width(), box.height() / size.height());
    const double dpi = 72.0 * zoom * dpr;
    QImage image = p->renderToImage(dpi, dpi);
    image.setDevicePixelRatio(dpr);
    return image;
}

} // namespace moescope

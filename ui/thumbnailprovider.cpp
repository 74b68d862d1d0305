#include "ui/thumbnailprovider.h"

#include "services/jobtracker.h"
#include "ui/pdfrenderer.h"

#include <algorithm>
#include <vector>

namespace moescope {

namespace {
constexpr std::size_t kBatch = 6;

struct Batch {
    std::shared_ptr<PdfRenderer> renderer; // opened by the first batch, reused afterwards
    std::vector<std::pair<int, QImage>> images;
};
} // namespace

ThumbnailProvider::ThumbnailProvider(QObject* parent)
    : QObject(parent)
    , m_jobs(new JobTracker(this, 1, JobTracker::Mode::Queue))
{
}

void ThumbnailProvider::setDocument(const QString& pdfPath)
{
    m_jobs->cancel();
    m_busy = false;
    ++m_epoch;
    m_pending.clear();
    m_renderer.reset();
    m_path = pdfPath;
}

void ThumbnailProvider::setSize(QSize size, double devicePixelRatio)
{
    m_size = size;
    m_dpr = devicePixelRatio;
}

void ThumbnailProvider::request(int page)
{
    if (m_path.isEmpty())
        return;
    m_pending.erase(std::remove(m_pending.begin(), m_pending.end(), page), m_pending.end());
    m_pending.push_front(page);
    pump();
}

void ThumbnailProvider::pump()
{
    if (m_busy || m_pending.empty())
        return;
    std::vector<int> pages;
    while (!m_pending.empty() && pages.size() < kBatch) {
        pages.push_back(m_pending.front());
        m_pending.pop_front();
    }
    m_busy = true;
    const auto renderer = m_renderer;
    const QString path = m_path;
    const QSize size = m_size;
    const double dpr = m_dpr;
    const quint64 epoch = m_epoch;
    m_jobs->start<Batch>(
        tr("Rendering thumbnails"),
        [renderer, path, pages, size, dpr](const JobContext& job) {
            Batch batch { renderer ? renderer : PdfRenderer::open(path), {} };
            for (int page : pages) {
                throwIfStopRequested(job.stop);
                batch.images.emplace_back(page, batch.renderer->thumbnail(page, size, dpr));
            }
            return batch;
        },
        [this, epoch](Batch batch) {
            if (epoch != m_epoch)
                return;
            m_busy = false;
            m_renderer = batch.renderer;
            for (const auto& [page, image] : batch.images)
                if (!image.isNull())
                    emit thumbnailReady(page, image);
            pump();
        },
        [this, epoch](const QString&) {
            if (epoch != m_epoch)
                return;
            m_busy = false; // the file cannot be rendered: give up on thumbnails for it
            m_pending.clear();
            m_path.clear();
        });
}

} // namespace moescope

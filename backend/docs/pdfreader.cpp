#include "docs/pdfreader.h"

#include "core/error.h"
#include "docs/columnlayout.h"
#include "docs/textutil.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <memory>
#include <mutex>
#include <thread>

namespace moescope {

namespace {

void popplerMessage(const std::string& message, void*)
{
    spdlog::debug("poppler: {}", message);
}

void routePopplerMessages()
{
    static std::once_flag once;
    std::call_once(once, [] { poppler::set_debug_error_function(popplerMessage, nullptr); });
}

std::string utf8(const poppler::ustring& s)
{
    const auto bytes = s.to_utf8();
    return std::string(bytes.begin(), bytes.end());
}

std::unique_ptr<poppler::document> loadPdf(const std::string& bytes, const std::filesystem::path& path)
{
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(bytes.data(), int(bytes.size())));
    if (!doc)
        throw FormatError(path.string() + ": not a readable PDF (damaged, truncated or not a PDF file)");
    if (doc->is_locked())
        throw UnsupportedError(path.string()
            + ": the PDF is protected by a user (open) password; remove the password (e.g. qpdf --decrypt "
              "--password=... in.pdf out.pdf) and open the copy");
    return doc;
}

std::string pageText(poppler::document& doc, int index, const std::filesystem::path& path, PageSize& size)
{
    std::unique_ptr<poppler::page> page(doc.create_page(index));
    if (!page) {
        spdlog::warn("{}: page {} cannot be read; it is left empty", path.string(), index);
        return {};
    }
    const auto rect = page->page_rect(poppler::crop_box);
    size = { rect.width(), rect.height() };
    if (page->orientation() == poppler::page::landscape || page->orientation() == poppler::page::seascape)
        std::swap(size.width, size.height);
    const std::string raw = utf8(page->text(poppler::rectf(), poppler::page::physical_layout));
    return reorderTwoColumnPage(tidyLines(sanitizeUtf8(raw)));
}

} // namespace

unsigned PdfReader::capabilities() const
{
    return ReaderCapability::PhysicalPages | ReaderCapability::PageSizes | ReaderCapability::TableLayout
        | ReaderCapability::Metadata | ReaderCapability::Encryption;
}

bool PdfReader::canRead(const std::filesystem::path& path, std::string_view head) const
{
    // The header may follow a few bytes of garbage; readers accept it within the first KiB.
    return head.find("%PDF-") != std::string_view::npos || toLowerAscii(path.extension().string()) == ".pdf";
}

Document PdfReader::read(const std::filesystem::path& path, const ReadOptions& options, std::stop_token stop,
    const ProgressCallback& progress) const
{
    routePopplerMessages();
    const std::string bytes = readFileBytes(path, std::min<std::size_t>(options.maxFileBytes, INT_MAX));
    if (bytes.find("%PDF-") == std::string::npos || bytes.find("%PDF-") > 1024)
        throw FormatError(path.string() + ": not a PDF file (no %PDF- header)");
    FileIdentity identity = identityOf(path, bytes);
    auto doc = loadPdf(bytes, path);
    const int pages = doc->pages();
    if (pages <= 0)
        throw FormatError(path.string() + ": the PDF has no readable pages (damaged or truncated)");
    if (pages > options.maxPages)
        throw FormatError(path.string() + ": " + std::to_string(pages) + " pages, more than the limit of "
            + std::to_string(options.maxPages));

    DocumentMetadata meta;
    meta.format = "pdf";
    meta.title = collapseWhitespace(sanitizeUtf8(utf8(doc->info_key("Title"))));
    meta.author = collapseWhitespace(sanitizeUtf8(utf8(doc->info_key("Author"))));
    meta.producer = collapseWhitespace(sanitizeUtf8(utf8(doc->info_key("Producer"))));
    meta.encrypted = doc->is_encrypted();
    meta.physicalPages = true;

    int threads
        = options.threads > 0 ? options.threads : int(std::min(4u, std::max(1u, std::thread::hardware_concurrency())));
    threads = std::clamp(threads, 1, std::max(1, pages / 8));

    std::vector<std::string> texts(static_cast<std::size_t>(pages));
    std::vector<PageSize> sizes(static_cast<std::size_t>(pages));
    std::atomic<int> next { 0 };
    std::atomic<int> done { 0 };
    std::mutex progressMutex;
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto work = [&](poppler::document* d) {
        try {
            std::unique_ptr<poppler::document> own;
            if (!d) {
                own = loadPdf(bytes, path);
                d = own.get();
            }
            for (int i = next++; i < pages; i = next++) {
                if (stop.stop_requested())
                    return;
                texts[std::size_t(i)] = pageText(*d, i, path, sizes[std::size_t(i)]);
                const int n = ++done;
                if (progress) {
                    std::lock_guard lock(progressMutex);
                    progress(n, pages);
                }
            }
        } catch (...) {
            std::lock_guard lock(failureMutex);
            if (!failure)
                failure = std::current_exception();
            next = pages;
        }
    };
    {
        std::vector<std::jthread> pool;
        for (int t = 1; t < threads; ++t)
            pool.emplace_back(work, nullptr);
        work(doc.get());
    }
    if (failure)
        std::rethrow_exception(failure);
    throwIfStopRequested(stop);
    spdlog::debug("{}: {} pages read on {} threads", path.string(), pages, threads);
    return Document(path, std::move(meta), std::move(identity), texts, std::move(sizes));
}

} // namespace moescope

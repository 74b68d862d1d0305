#include "docs/documentopener.h"

#include "core/error.h"
#include "docs/htmlreader.h"
#include "docs/textreader.h"
#ifdef MOESCOPE_HAVE_PDF
#include "docs/pdfreader.h"
#endif

#include <fstream>

namespace moescope {

DocumentOpener::DocumentOpener()
{
    // Order matters: content sniffing is asked in this order, the text reader (the most permissive) last.
#ifdef MOESCOPE_HAVE_PDF
    m_readers.push_back(std::make_unique<PdfReader>());
#endif
    m_readers.push_back(std::make_unique<HtmlReader>());
    m_readers.push_back(std::make_unique<TextReader>());
}

const DocumentReader* DocumentOpener::readerFor(const std::filesystem::path& path) const
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw IoError(path.string() + ": no such file (or not a regular file)");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError(path.string() + ": cannot open for reading");
    std::string head(1024, '\0');
    in.read(head.data(), std::streamsize(head.size()));
    head.resize(std::size_t(in.gcount()));
    // Content first (a PDF named .txt is still a PDF), then the extension.
    if (head.find("%PDF-") != std::string::npos) {
#ifdef MOESCOPE_HAVE_PDF
        return m_readers[0].get();
#else
        throw UnsupportedError(path.string() + ": this build of MoEScope has no PDF support (built without poppler)");
#endif
    }
    for (const auto& r : m_readers)
        if (r->canRead(path, head))
            return r.get();
    return nullptr;
}

Document DocumentOpener::open(const std::filesystem::path& path, const ReadOptions& options, std::stop_token stop,
    const ProgressCallback& progress) const
{
    const DocumentReader* reader = readerFor(path);
    if (!reader)
        throw UnsupportedError(path.string() + ": unsupported document format (MoEScope reads PDF, HTML and text)");
    return reader->read(path, options, stop, progress);
}

} // namespace moescope

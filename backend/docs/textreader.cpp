#include "docs/textreader.h"

#include "core/error.h"
#include "docs/pagesplitter.h"
#include "docs/textutil.h"

namespace moescope {

bool TextReader::canRead(const std::filesystem::path& path, std::string_view head) const
{
    const std::string ext = toLowerAscii(path.extension().string());
    if (ext == ".txt" || ext == ".text" || ext == ".md")
        return true;
    // Accept extension-less files that look like text (no NUL in the first KiB).
    return ext.empty() && !head.empty() && head.find('\0') == std::string_view::npos;
}

Document TextReader::fromText(
    std::string_view bytes, const std::filesystem::path& source, FileIdentity identity, const ReadOptions& options)
{
    if (bytes.find('\0') != std::string_view::npos && bytes.find('\0') < 4096)
        throw FormatError(source.string() + ": binary data, not a text file");
    const std::string text = sanitizeUtf8(bytes);
    std::vector<std::string> pages;
    DocumentMetadata meta;
    meta.format = "text";
    if (text.find('\f') != std::string::npos) {
        meta.physicalPages = true;
        std::size_t start = 0;
        while (start <= text.size()) {
            std::size_t end = text.find('\f', start);
            if (end == std::string::npos)
                end = text.size();
            pages.push_back(tidyLines(std::string_view(text).substr(start, end - start)));
            start = end + 1;
        }
        // pdftotext ends with a form feed: no empty last page for it.
        if (pages.size() > 1 && pages.back().empty())
            pages.pop_back();
    } else {
        pages = splitIntoPseudoPages(tidyLines(text), options.pseudoPageChars);
    }
    if (int(pages.size()) > options.maxPages)
        throw FormatError(source.string() + ": " + std::to_string(pages.size()) + " pages, more than the limit of "
            + std::to_string(options.maxPages));
    for (const auto& p : pages) {
        auto t = collapseWhitespace(p.substr(0, 400));
        if (!t.empty()) {
            meta.title = t.substr(0, utf8Floor(t, 120));
            break;
        }
    }
    return Document(source, std::move(meta), std::move(identity), pages);
}

Document TextReader::read(const std::filesystem::path& path, const ReadOptions& options, std::stop_token stop,
    const ProgressCallback& progress) const
{
    const std::string bytes = readFileBytes(path, options.maxFileBytes);
    throwIfStopRequested(stop);
    Document doc = fromText(bytes, path, identityOf(path, bytes), options);
    if (progress)
        progress(doc.pageCount(), doc.pageCount());
    return doc;
}

} // namespace moescope

#pragma once
// The document model: a report's text as pages. All page texts live in one UTF-8 string, joined by a form feed, and
// each page knows its byte offset in it, so any byte span of the text maps back to 0-based pages. A Document is a
// plain value: readers build it on a worker thread and hand it over; it is immutable after construction.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

struct PageSize {
    double width = 0; // points (1/72 inch); 0 when the format has no physical pages
    double height = 0;
};

struct DocumentMetadata {
    std::string format; // "pdf", "text", "html"
    std::string title;
    std::string author;
    std::string producer;
    bool encrypted = false; // opened although encrypted (owner password only)
    bool physicalPages = false; // pages are the file's own pages (PDF, form feeds, CSS page breaks)
};

// Identity of the source file, to notice later that it moved or changed.
struct FileIdentity {
    std::string sha256; // of the file bytes
    std::uint64_t size = 0;
    std::int64_t mtime = 0; // seconds since the epoch
};

struct PageSpan {
    int first = 0;
    int last = 0; // inclusive
};

class Document {
public:
    static constexpr char kPageSeparator = '\f';

    Document() = default;
    // pageSizes may be empty (no physical size) or have one entry per page.
    Document(std::filesystem::path source, DocumentMetadata metadata, FileIdentity identity,
        const std::vector<std::string>& pageTexts, std::vector<PageSize> pageSizes = {});

    const std::filesystem::path& sourcePath() const { return m_source; }
    const DocumentMetadata& metadata() const { return m_metadata; }
    const FileIdentity& identity() const { return m_identity; }

    // All pages joined by kPageSeparator.
    const std::string& text() const { return m_text; }
    int pageCount() const { return int(m_offsets.size()); }
    std::string_view pageText(int page) const;
    std::size_t pageOffset(int page) const;
    std::size_t pageEnd(int page) const; // one past the page's last byte (its separator is not part of it)
    PageSize pageSize(int page) const;

    // The page holding byte offset (a separator counts to the page before it); clamps to the last page.
    int pageAt(std::size_t offset) const;
    // Pages touched by the byte span [begin, end).
    PageSpan pagesOf(std::size_t begin, std::size_t end) const;

private:
    void checkPage(int page) const;

    std::filesystem::path m_source;
    DocumentMetadata m_metadata;
    FileIdentity m_identity;
    std::string m_text;
    std::vector<std::size_t> m_offsets;
    std::vector<PageSize> m_sizes;
};

} // namespace moescope

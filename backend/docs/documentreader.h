#pragma once
// One reader per document format behind one interface (as Okular's generators): the opener picks a reader by the
// file's first bytes and extension; capability flags tell the caller what the result can offer (the GUI renders
// only formats with physical pages, for instance). Readers are stateless and may be used from any thread.

#include "core/cancellation.h"
#include "docs/document.h"

#include <cstddef>
#include <filesystem>
#include <stop_token>
#include <string_view>

namespace moescope {

enum class ReaderCapability : unsigned {
    PhysicalPages = 1u << 0, // pages are the file's own pages, not pseudo pages
    PageSizes = 1u << 1, // page sizes in points
    TableLayout = 1u << 2, // table rows kept on one line, cells separated by runs of blanks or tabs
    Metadata = 1u << 3, // title/author from the file
    Encryption = 1u << 4, // opens encrypted files that need no user password
};

constexpr unsigned operator|(ReaderCapability a, ReaderCapability b)
{
    return unsigned(a) | unsigned(b);
}
constexpr unsigned operator|(unsigned a, ReaderCapability b)
{
    return a | unsigned(b);
}

struct ReadOptions {
    std::size_t maxFileBytes = std::size_t(1) << 30; // larger files are refused with an IoError
    int maxPages = 20000;
    int threads = 0; // PDF text extraction threads; 0 = hardware concurrency (at most 4)
    std::size_t pseudoPageChars = 3000; // target size of pseudo pages for formats without page breaks
};

class DocumentReader {
public:
    virtual ~DocumentReader() = default;

    virtual std::string_view formatName() const = 0;
    virtual unsigned capabilities() const = 0;
    bool has(ReaderCapability c) const { return (capabilities() & unsigned(c)) != 0; }

    // head: the file's first bytes (up to 1 KiB). Returns true when this reader is meant for the file.
    virtual bool canRead(const std::filesystem::path& path, std::string_view head) const = 0;

    // Reads the whole document. Throws IoError (cannot read), FormatError (malformed), UnsupportedError (needs a
    // password, ...), CancelledError; messages name the file and, where it applies, the page.
    virtual Document read(const std::filesystem::path& path, const ReadOptions& options, std::stop_token stop = {},
        const ProgressCallback& progress = {}) const = 0;
};

// Reads a file into memory after checking its size against the limit; throws IoError naming the file.
std::string readFileBytes(const std::filesystem::path& path, std::size_t maxBytes);

// Hash, size and modification time of a file whose bytes are already in memory.
FileIdentity identityOf(const std::filesystem::path& path, std::string_view bytes);

} // namespace moescope

#pragma once
// Picks the reader for a file (by its first bytes, then its extension) and reads it. Owns one instance of each reader;
// cheap to construct, safe to use from any thread (readers are stateless).

#include "docs/documentreader.h"

#include <memory>
#include <vector>

namespace moescope {

class DocumentOpener {
public:
    DocumentOpener();

    // The reader that would read path, or nullptr. Throws IoError when the file cannot be opened.
    const DocumentReader* readerFor(const std::filesystem::path& path) const;
    // Throws UnsupportedError naming the file when no reader fits, plus whatever the reader throws.
    Document open(const std::filesystem::path& path, const ReadOptions& options = {}, std::stop_token stop = {},
        const ProgressCallback& progress = {}) const;

    const std::vector<std::unique_ptr<DocumentReader>>& readers() const { return m_readers; }

private:
    std::vector<std::unique_ptr<DocumentReader>> m_readers;
};

} // namespace moescope

#pragma once
// PDF reader over poppler-cpp. Page text comes from poppler's physical layout (table rows stay on one line, cells apart
// by runs of blanks), with two-column prose pages put back into reading order. Files encrypted with an owner password
// only open as usual; files that need a user password get an UnsupportedError saying so. Poppler's own diagnostics go
// to spdlog (debug level) rather than stderr. Pages are extracted on several threads, each with its own
// poppler::document over the same bytes, since one poppler document must not be used from two threads.

#include "docs/documentreader.h"

namespace moescope {

class PdfReader final : public DocumentReader {
public:
    std::string_view formatName() const override { return "pdf"; }
    unsigned capabilities() const override;
    bool canRead(const std::filesystem::path& path, std::string_view head) const override;
    Document read(const std::filesystem::path& path, const ReadOptions& options, std::stop_token stop = {},
        const ProgressCallback& progress = {}) const override;
};

} // namespace moescope

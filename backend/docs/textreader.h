#pragma once
// Plain-text reader: form feeds are page breaks (pdftotext output, old EDGAR .txt filings); text without any is cut
// into pseudo pages of about ReadOptions::pseudoPageChars at paragraph boundaries. Bytes that are not UTF-8 are read
// as Windows-1252.

#include "docs/documentreader.h"

namespace moescope {

class TextReader final : public DocumentReader {
public:
    std::string_view formatName() const override { return "text"; }
    unsigned capabilities() const override { return 0; }
    bool canRead(const std::filesystem::path& path, std::string_view head) const override;
    Document read(const std::filesystem::path& path, const ReadOptions& options, std::stop_token stop = {},
        const ProgressCallback& progress = {}) const override;

    // The same from text in memory (used for tests and for text pasted into the GUI).
    static Document fromText(
        std::string_view bytes, const std::filesystem::path& source, FileIdentity identity, const ReadOptions& options);
};

} // namespace moescope

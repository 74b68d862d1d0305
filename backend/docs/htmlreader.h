#pragma once
// EDGAR HTML reader (.htm/.html, including inline XBRL): drops tags, scripts, styles, comments and hidden elements
// (the iXBRL header is display:none), decodes character references, keeps block elements and table rows on their own
// lines with table cells apart by a tab. Pages break where the filing says so (CSS page-break-before/after or
// break-before/after: page); filings without such styles but with <hr> separators break at <hr>; otherwise the text
// is cut into pseudo pages.

#include "docs/documentreader.h"

namespace moescope {

class HtmlReader final : public DocumentReader {
public:
    std::string_view formatName() const override { return "html"; }
    unsigned capabilities() const override
    {
        return ReaderCapability::TableLayout | ReaderCapability::Metadata | ReaderCapability::PhysicalPages;
    }
    bool canRead(const std::filesystem::path& path, std::string_view head) const override;
    Document read(const std::filesystem::path& path, const ReadOptions& options, std::stop_token stop = {},
        const ProgressCallback& progress = {}) const override;

    static Document fromHtml(std::string_view bytes, const std::filesystem::path& source, FileIdentity identity,
        const ReadOptions& options, std::stop_token stop = {});
};

} // namespace moescope

#pragma once
// A small dependency-free PDF 1.4 writer: US Letter (or any size) pages drawn with the standard-14 fonts in
// WinAnsiEncoding, rules and fills, document information, an exact cross-reference table, optionally
// Flate-compressed content streams. The output is a pure function of the pages and the info: no clock, no random
// file identifier, so the same input gives the same bytes. Not thread-safe; one writer per document.

#include "docs/pdfpage.h"

#include <filesystem>
#include <string>
#include <vector>

namespace moescope {

// Document information dictionary. Strings are UTF-8. Dates are PDF dates ("D:20260225090000-05'00'"); they
// are given, never read from the clock, so output stays deterministic.
struct PdfDocumentInfo {
    std::string title;
    std::string author;
    std::string subject;
    std::string keywords;
    std::string creator;
    std::string producer = "MoEScope PdfWriter";
    std::string creationDate;
    std::string modDate;
};

struct PdfWriterOptions {
    bool compress = true; // FlateDecode content streams
    // Write /FirstChar, /LastChar and /Widths in each font dictionary. Optional for standard-14 fonts (viewers
    // then use their built-in metrics), required by PDF 2.0; tests turn it off to compare against a viewer's own
    // metrics.
    bool embedWidths = true;
};

class PdfWriter {
public:
    explicit PdfWriter(PdfDocumentInfo info = {}, PdfWriterOptions options = {});

    // Appends a blank page and returns it; the reference stays valid until the next addPage().
    PdfPage& addPage(double width = kLetterWidth, double height = kLetterHeight);
    void addPage(PdfPage page);
    int pageCount() const { return static_cast<int>(m_pages.size()); }
    PdfPage& page(int index);

    // The complete file. Throws InvalidArgumentError when there is no page or the info holds invalid UTF-8.
    std::string toBytes() const;
    // Writes toBytes() atomically; throws IoError naming the file.
    void save(const std::filesystem::path& path) const;

private:
    PdfDocumentInfo m_info;
    PdfWriterOptions m_options;
    std::vector<PdfPage> m_pages;
};

// A PDF text string for the info dictionary: a literal string when the text is printable ASCII, else UTF-16BE
// with a byte order mark as a hex string.
std::string pdfTextString(std::string_view utf8);

// Flate (zlib) compression at the maximum level; throws FormatError if zlib fails.
std::string pdfDeflate(std::string_view data);

} // namespace moescope

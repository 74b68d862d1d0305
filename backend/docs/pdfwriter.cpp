#include "docs/pdfwriter.h"

#include "core/error.h"
#include "docs/winansi.h"
#include "io/jsonfile.h"

#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdio>

namespace moescope {

namespace {

bool isPrintableAscii(std::string_view s)
{
    for (unsigned char c : s)
        if (c < 0x20 || c >= 0x7F)
            return false;
    return true;
}

// FNV-1a, for the file identifier: a digest of the content, so it is stable for stable content.
std::uint64_t fnv1a(std::string_view data, std::uint64_t seed)
{
    std::uint64_t h = seed;
    for (unsigned char c : data) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string hex64(std::uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

// Serialises numbered objects in order and remembers where each one starts, for the xref table.
class ObjectSink {
public:
    explicit ObjectSink(std::string& out)
        : m_out(out)
    {
    }
    int reserve() { return static_cast<int>(++m_count); }
    void begin(int number)
    {
        if (static_cast<std::size_t>(number) >= m_offsets.size())
            m_offsets.resize(number + 1, 0);
        m_offsets[number] = m_out.size();
        m_out += std::to_string(number) + " 0 obj\n";
    }
    void end() { m_out += "\nendobj\n"; }
    void object(int number, const std::string& body)
    {
        begin(number);
        m_out += body;
        end();
    }
    void stream(int number, const std::string& dict, const std::string& data)
    {
        begin(number);
        m_out += "<< " + dict + "/Length " + std::to_string(data.size()) + " >>\nstream\n";
        m_out += data;
        m_out += "\nendstream";
        end();
    }
    std::size_t count() const { return m_count; }
    std::size_t offset(std::size_t number) const { return number < m_offsets.size() ? m_offsets[number] : 0; }

private:
    std::string& m_out;
    std::size_t m_count = 0;
    std::vector<std::size_t> m_offsets;
};

std::string fontDictionary(PdfFont font, bool embedWidths)
{
    std::string d = "<< /Type /Font /Subtype /Type1 /BaseFont /" + std::string(pdfBaseFontName(font))
        + " /Encoding /WinAnsiEncoding";
    if (embedWidths) {
        const auto& widths = pdfFontWidths(font);
        d += " /FirstChar 32 /LastChar 255 /Widths [";
        for (int c = 32; c < 256; ++c) {
            d += std::to_string(widths[c]);
            d += (c % 16 == 15) ? "\n" : " ";
        }
        d += "]";
    }
    return d + " >>";
}

} // namespace

std::string pdfTextString(std::string_view utf8)
{
    if (isPrintableAscii(utf8))
        return pdfLiteralString(utf8);
    std::string out = "<FEFF";
    char buf[8];
    for (char32_t cp : decodeUtf8(utf8)) {
        auto unit = [&](unsigned u) {
            std::snprintf(buf, sizeof buf, "%04X", u);
            out += buf;
        };
        if (cp >= 0x10000) {
            cp -= 0x10000;
            unit(0xD800 + static_cast<unsigned>(cp >> 10));
            unit(0xDC00 + static_cast<unsigned>(cp & 0x3FF));
        } else {
            unit(static_cast<unsigned>(cp));
        }
    }
    return out + ">";
}

std::string pdfDeflate(std::string_view data)
{
    uLongf size = compressBound(static_cast<uLong>(data.size()));
    std::string out(size, '\0');
    const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
        static_cast<uLong>(data.size()), Z_BEST_COMPRESSION);
    if (rc != Z_OK)
        throw FormatError("zlib compression of a PDF stream failed (code " + std::to_string(rc) + ")");
    out.resize(size);
    return out;
}

PdfWriter::PdfWriter(PdfDocumentInfo info, PdfWriterOptions options)
    : m_info(std::move(info))
    , m_options(options)
{
}

PdfPage& PdfWriter::addPage(double width, double height)
{
    m_pages.emplace_back(width, height);
    return m_pages.back();
}

void PdfWriter::addPage(PdfPage page)
{
    m_pages.push_back(std::move(page));
}

PdfPage& PdfWriter::page(int index)
{
    if (index < 0 || index >= pageCount())
        throw InvalidArgumentError("PDF page index " + std::to_string(index) + " out of range (document has "
            + std::to_string(pageCount()) + " pages)");
    return m_pages[index];
}

std::string PdfWriter::toBytes() const
{
    if (m_pages.empty())
        throw InvalidArgumentError("a PDF needs at least one page");

    std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n"; // binary marker: the file holds 8-bit data
    ObjectSink sink(out);
    const int catalog = sink.reserve();
    const int pagesTree = sink.reserve();
    const int info = sink.reserve();
    const int resources = sink.reserve();

    std::uint32_t used = 0;
    for (const auto& p : m_pages)
        used |= p.fontsUsed();
    std::array<int, kPdfFontCount> fontObject {};
    for (int f = 0; f < kPdfFontCount; ++f)
        if (used & (1u << f))
            fontObject[f] = sink.reserve();
    std::vector<int> pageObject(m_pages.size());
    std::vector<int> contentObject(m_pages.size());
    for (std::size_t i = 0; i < m_pages.size(); ++i) {
        pageObject[i] = sink.reserve();
        contentObject[i] = sink.reserve();
    }

    sink.object(catalog, "<< /Type /Catalog /Pages " + std::to_string(pagesTree) + " 0 R >>");
    std::string kids;
    for (std::size_t i = 0; i < m_pages.size(); ++i) {
        if (i)
            kids += ' ';
        kids += std::to_string(pageObject[i]);
        kids += " 0 R";
    }
    sink.object(pagesTree, "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(m_pages.size()) + " >>");

    std::string infoDict = "<<";
    auto entry = [&](const char* key, const std::string& value) {
        if (!value.empty())
            infoDict += std::string(" /") + key + " " + pdfTextString(value);
    };
    entry("Title", m_info.title);
    entry("Author", m_info.author);
    entry("Subject", m_info.subject);
    entry("Keywords", m_info.keywords);
    entry("Creator", m_info.creator);
    entry("Producer", m_info.producer);
    entry("CreationDate", m_info.creationDate);
    entry("ModDate", m_info.modDate.empty() ? m_info.creationDate : m_info.modDate);
    sink.object(info, infoDict + " >>");

    std::string fonts;
    for (int f = 0; f < kPdfFontCount; ++f)
        if (fontObject[f])
            fonts += " /F" + std::to_string(f + 1) + " " + std::to_string(fontObject[f]) + " 0 R";
    sink.object(resources, "<< /Font <<" + fonts + " >> /ProcSet [/PDF /Text] >>");
    for (int f = 0; f < kPdfFontCount; ++f)
        if (fontObject[f])
            sink.object(fontObject[f], fontDictionary(static_cast<PdfFont>(f), m_options.embedWidths));

    for (std::size_t i = 0; i < m_pages.size(); ++i) {
        const auto& p = m_pages[i];
        sink.object(pageObject[i],
            "<< /Type /Page /Parent " + std::to_string(pagesTree) + " 0 R /MediaBox [0 0 " + pdfNumber(p.width()) + " "
                + pdfNumber(p.height()) + "] /Resources " + std::to_string(resources) + " 0 R /Contents "
                + std::to_string(contentObject[i]) + " 0 R >>");
        if (m_options.compress)
            sink.stream(contentObject[i], "/Filter /FlateDecode ", pdfDeflate(p.content()));
        else
            sink.stream(contentObject[i], "", p.content());
    }

    const std::size_t xref = out.size();
    const std::size_t size = sink.count() + 1;
    out += "xref\n0 " + std::to_string(size) + "\n0000000000 65535 f\r\n";
    char line[24];
    for (std::size_t n = 1; n < size; ++n) {
        std::snprintf(line, sizeof line, "%010zu 00000 n\r\n", sink.offset(n));
        out += line;
    }
    const std::string id = hex64(fnv1a(out, 0xcbf29ce484222325ull)) + hex64(fnv1a(out, 0x84222325cbf29ce4ull));
    out += "trailer\n<< /Size " + std::to_string(size) + " /Root " + std::to_string(catalog) + " 0 R /Info "
        + std::to_string(info) + " 0 R /ID [<" + id + "> <" + id + ">] >>\nstartxref\n" + std::to_string(xref)
        + "\n%%EOF\n";
    return out;
}

void PdfWriter::save(const std::filesystem::path& path) const
{
    writeTextFileAtomic(path, toBytes());
}

} // namespace moescope

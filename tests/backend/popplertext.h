#pragma once
// Reading back PDFs the tests wrote, through poppler-cpp (an independent PDF implementation): page count, page text,
// word boxes, document info. Header-only; tests only.

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace moescope::test {

inline QString toQString(const poppler::ustring& s)
{
    const auto utf8 = s.to_utf8();
    return QString::fromUtf8(utf8.data(), static_cast<qsizetype>(utf8.size()));
}

inline void quietPoppler()
{
    poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
}

// A document read from bytes in memory: poppler reads the buffer lazily, so it lives as long as the document.
class LoadedPdf {
public:
    explicit LoadedPdf(std::string bytes)
        : m_bytes(std::move(bytes))
    {
        quietPoppler();
        m_doc.reset(poppler::document::load_from_raw_data(m_bytes.data(), static_cast<int>(m_bytes.size())));
    }
    explicit operator bool() const { return m_doc != nullptr; }
    const poppler::document& operator*() const { return *m_doc; }
    const poppler::document* operator->() const { return m_doc.get(); }

private:
    std::string m_bytes;
    std::unique_ptr<poppler::document> m_doc;
};

inline LoadedPdf loadPdf(std::string bytes)
{
    return LoadedPdf(std::move(bytes));
}

inline std::unique_ptr<poppler::document> loadPdfFile(const QString& path)
{
    quietPoppler();
    return std::unique_ptr<poppler::document>(poppler::document::load_from_file(path.toStdString()));
}

// The text of one page in physical layout (lines kept, columns spaced), as pdftotext -layout gives it.
inline QString pageText(const poppler::document& doc, int index)
{
    std::unique_ptr<poppler::page> page(doc.create_page(index));
    if (!page)
        return {};
    return toQString(page->text(poppler::rectf(), poppler::page::physical_layout));
}

struct Word {
    QString text;
    poppler::rectf box;
};

inline std::vector<Word> pageWords(const poppler::document& doc, int index)
{
    std::vector<Word> out;
    std::unique_ptr<poppler::page> page(doc.create_page(index));
    if (!page)
        return out;
    for (auto& box : page->text_list())
        out.push_back({ toQString(box.text()), box.bbox() });
    return out;
}

} // namespace moescope::test

#include "docs/pdffont.h"

namespace moescope {

namespace detail {
extern const std::array<std::uint16_t, 256> kHelveticaWidths;
extern const std::array<std::uint16_t, 256> kHelveticaBoldWidths;
extern const std::array<std::uint16_t, 256> kTimesRomanWidths;
extern const std::array<std::uint16_t, 256> kTimesBoldWidths;
extern const std::array<std::uint16_t, 256> kTimesItalicWidths;
extern const std::array<std::uint16_t, 256> kCourierWidths;
} // namespace detail

std::string_view pdfBaseFontName(PdfFont font)
{
    switch (font) {
    case PdfFont::Helvetica:
        return "Helvetica";
    case PdfFont::HelveticaBold:
        return "Helvetica-Bold";
    case PdfFont::TimesRoman:
        return "Times-Roman";
    case PdfFont::TimesBold:
        return "Times-Bold";
    case PdfFont::TimesItalic:
        return "Times-Italic";
    case PdfFont::Courier:
        return "Courier";
    }
    return "Helvetica";
}

const std::array<std::uint16_t, 256>& pdfFontWidths(PdfFont font)
{
    switch (font) {
    case PdfFont::Helvetica:
        return detail::kHelveticaWidths;
    case PdfFont::HelveticaBold:
        return detail::kHelveticaBoldWidths;
    case PdfFont::TimesRoman:
        return detail::kTimesRomanWidths;
    case PdfFont::TimesBold:
        return detail::kTimesBoldWidths;
    case PdfFont::TimesItalic:
        return detail::kTimesItalicWidths;
    case PdfFont::Courier:
        return detail::kCourierWidths;
    }
    return detail::kHelveticaWidths;
}

double pdfTextWidth(PdfFont font, double size, std::string_view winAnsi, double wordSpacing)
{
    const auto& widths = pdfFontWidths(font);
    long units = 0;
    int spaces = 0;
    for (unsigned char c : winAnsi) {
        units += widths[c];
        spaces += c == ' ';
    }
    return units * size / 1000.0 + spaces * wordSpacing;
}

} // namespace moescope

#pragma once
// The standard-14 PDF fonts the writer uses, with their Adobe glyph widths by WinAnsiEncoding code, so that text
// can be measured exactly as a viewer will set it (line wrapping, right-aligned numbers). Plain data, any thread.

#include <array>
#include <cstdint>
#include <string_view>

namespace moescope {

enum class PdfFont : std::uint8_t { Helvetica, HelveticaBold, TimesRoman, TimesBold, TimesItalic, Courier };

inline constexpr int kPdfFontCount = 6;

// The PostScript name a PDF font dictionary gives as /BaseFont ("Times-Roman").
std::string_view pdfBaseFontName(PdfFont font);

// Widths in 1/1000 em indexed by WinAnsiEncoding code; 0 where the encoding has no glyph.
const std::array<std::uint16_t, 256>& pdfFontWidths(PdfFont font);

// Width in points of WinAnsi-encoded text at the given size, with extra wordSpacing added per space (code 32),
// as the Tw operator does.
double pdfTextWidth(PdfFont font, double size, std::string_view winAnsi, double wordSpacing = 0);

} // namespace moescope

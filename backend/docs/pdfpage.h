#pragma once
// One page of a PDF being written: its size and the content stream that draws it, built from text runs and rules.
// Coordinates are PDF points from the bottom-left corner. A plain value; the owner's thread only.

#include "docs/pdffont.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace moescope {

inline constexpr double kLetterWidth = 612.0; // US Letter, 8.5 x 11 in
inline constexpr double kLetterHeight = 792.0;

class PdfPage {
public:
    explicit PdfPage(double width = kLetterWidth, double height = kLetterHeight);

    double width() const { return m_width; }
    double height() const { return m_height; }

    // Draws WinAnsi-encoded text with its baseline starting at (x, y). wordSpacing is added to each space (Tw),
    // which is how justified lines are set.
    void text(double x, double y, PdfFont font, double size, std::string_view winAnsi, double wordSpacing = 0);
    // Same for UTF-8 text (converted with utf8ToWinAnsi, which throws on characters WinAnsi lacks).
    void textUtf8(double x, double y, PdfFont font, double size, std::string_view utf8, double wordSpacing = 0);
    // A straight rule of the given stroke width.
    void line(double x1, double y1, double x2, double y2, double width = 0.5);
    // A filled rectangle in gray (0 black .. 1 white); later drawing resets to black.
    void fillRect(double x, double y, double w, double h, double gray);

    // The content stream operators (uncompressed).
    const std::string& content() const { return m_content; }
    // Bit i set when PdfFont(i) is used on this page.
    std::uint32_t fontsUsed() const { return m_fontsUsed; }

private:
    double m_width;
    double m_height;
    std::string m_content;
    std::uint32_t m_fontsUsed = 0;
};

// A number as PDF content writes it: at most 3 decimals, no trailing zeros, no exponent ("72", "10.5", "-0.25").
std::string pdfNumber(double value);

// A PDF literal string "(...)" for raw bytes: backslash, parentheses and bytes outside printable ASCII escaped
// (\\, \(, \), \n, \ddd), so any byte sequence round-trips.
std::string pdfLiteralString(std::string_view bytes);

} // namespace moescope

#include "docs/pdfpage.h"

#include "docs/winansi.h"

#include <cmath>
#include <cstdio>

namespace moescope {

std::string pdfNumber(double value)
{
    double rounded = std::round(value * 1000.0) / 1000.0;
    if (rounded == 0)
        rounded = 0; // no "-0"
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.3f", rounded);
    std::string s(buf);
    while (!s.empty() && s.back() == '0')
        s.pop_back();
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    return s;
}

std::string pdfLiteralString(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size() + 2);
    out.push_back('(');
    for (unsigned char c : bytes) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '(':
            out += "\\(";
            break;
        case ')':
            out += "\\)";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (c < 0x20 || c >= 0x7F) {
                char buf[5];
                std::snprintf(buf, sizeof buf, "\\%03o", c);
                out += buf;
            } else {
                out.push_back(static_cast<char>(c));
            }
        }
    }
    out.push_back(')');
    return out;
}

PdfPage::PdfPage(double width, double height)
    : m_width(width)
    , m_height(height)
{
}

void PdfPage::text(double x, double y, PdfFont font, double size, std::string_view winAnsi, double wordSpacing)
{
    if (winAnsi.empty())
        return;
    const int index = static_cast<int>(font);
    m_fontsUsed |= 1u << index;
    m_content += "BT /F" + std::to_string(index + 1) + " " + pdfNumber(size) + " Tf ";
    const bool spaced = std::abs(wordSpacing) >= 0.0005;
    if (spaced)
        m_content += pdfNumber(wordSpacing) + " Tw ";
    m_content += pdfNumber(x) + " " + pdfNumber(y) + " Td " + pdfLiteralString(winAnsi) + " Tj";
    // Tw is graphics state that outlives ET: reset it so the next run starts unspaced.
    if (spaced)
        m_content += " 0 Tw";
    m_content += " ET\n";
}

void PdfPage::textUtf8(double x, double y, PdfFont font, double size, std::string_view utf8, double wordSpacing)
{
    text(x, y, font, size, utf8ToWinAnsi(utf8), wordSpacing);
}

void PdfPage::line(double x1, double y1, double x2, double y2, double width)
{
    m_content += pdfNumber(width) + " w " + pdfNumber(x1) + " " + pdfNumber(y1) + " m " + pdfNumber(x2) + " "
        + pdfNumber(y2) + " l S\n";
}

void PdfPage::fillRect(double x, double y, double w, double h, double gray)
{
    m_content += pdfNumber(gray) + " g " + pdfNumber(x) + " " + pdfNumber(y) + " " + pdfNumber(w) + " " + pdfNumber(h)
        + " re f 0 g\n";
}

} // namespace moescope

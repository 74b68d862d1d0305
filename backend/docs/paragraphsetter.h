#pragma once
// Breaks one paragraph into lines of a given width (greedy, measured with the fonts' real widths) and draws a line,
// justified with word spacing where the paragraph asks for it. Mixed fonts within a line are separate runs.

#include "docs/layoutblocks.h"
#include "docs/pdfpage.h"

#include <string>
#include <vector>

namespace moescope {

class ParagraphSetter {
public:
    struct Run {
        std::string text; // WinAnsi; a space between this run and the next one ends this run
        PdfFont font;
        double width; // natural width, trailing space included
        int spaces;
    };
    struct Line {
        std::vector<Run> runs;
        double width = 0; // natural width
        int spaces = 0; // spaces that justification may stretch
        bool last = false; // last line of the paragraph
    };

    // Throws InvalidArgumentError if a span holds text WinAnsi cannot encode.
    ParagraphSetter(const ParagraphBlock& block, double textWidth);

    const std::vector<Line>& lines() const { return m_lines; }
    // Draws line i with its baseline at y; x is the left margin of the text area.
    void draw(PdfPage& page, std::size_t i, double x, double baseline) const;

private:
    struct Atom {
        std::string text;
        PdfFont font;
        bool spaceBefore;
    };
    std::vector<Atom> atomize() const;
    void breakLines(const std::vector<Atom>& atoms);
    double lineWidth(std::size_t lineIndex) const;

    const ParagraphBlock& m_block;
    double m_textWidth;
    std::vector<Line> m_lines;
};

} // namespace moescope

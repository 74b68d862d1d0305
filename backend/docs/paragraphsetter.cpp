#include "docs/paragraphsetter.h"

#include "docs/winansi.h"

namespace moescope {

ParagraphSetter::ParagraphSetter(const ParagraphBlock& block, double textWidth)
    : m_block(block)
    , m_textWidth(textWidth)
{
    breakLines(atomize());
}

// Splits the spans into space-free pieces of one font, remembering where spaces were: words are atoms joined
// without a space, so "10-K’s" stays one word even when its pieces differ in font.
std::vector<ParagraphSetter::Atom> ParagraphSetter::atomize() const
{
    std::vector<Atom> atoms;
    bool pendingSpace = false;
    for (const auto& span : m_block.spans) {
        const std::string text = utf8ToWinAnsi(span.text);
        for (char c : text) {
            if (c == ' ') {
                pendingSpace = !atoms.empty();
                continue;
            }
            if (atoms.empty() || pendingSpace || atoms.back().font != span.font)
                atoms.push_back({ {}, span.font, pendingSpace });
            atoms.back().text.push_back(c);
            pendingSpace = false;
        }
    }
    return atoms;
}

double ParagraphSetter::lineWidth(std::size_t lineIndex) const
{
    double w = m_textWidth - m_block.leftIndent - m_block.rightIndent;
    if (lineIndex == 0)
        w -= m_block.firstLineIndent;
    return w;
}

void ParagraphSetter::breakLines(const std::vector<Atom>& atoms)
{
    const double size = m_block.fontSize;
    // Words: [first, last) ranges of atoms.
    struct Word {
        std::size_t first, last;
        double width;
    };
    std::vector<Word> words;
    for (std::size_t i = 0; i < atoms.size(); ++i) {
        if (i == 0 || atoms[i].spaceBefore)
            words.push_back({ i, i, 0 });
        words.back().last = i + 1;
        words.back().width += pdfTextWidth(atoms[i].font, size, atoms[i].text);
    }

    Line line;
    auto spaceWidth = [&](PdfFont f) { return pdfTextWidth(f, size, " "); };
    auto appendAtom = [&](const Atom& a, bool spaced) {
        if (spaced && !line.runs.empty()) {
            auto& prev = line.runs.back();
            prev.text.push_back(' ');
            prev.width += spaceWidth(prev.font);
            prev.spaces += 1;
            line.width += spaceWidth(prev.font);
            line.spaces += 1;
        }
        const double w = pdfTextWidth(a.font, size, a.text);
        if (!line.runs.empty() && line.runs.back().font == a.font) {
            line.runs.back().text += a.text;
            line.runs.back().width += w;
        } else {
            line.runs.push_back({ a.text, a.font, w, 0 });
        }
        line.width += w;
    };
    auto finish = [&]() {
        if (!line.runs.empty())
            m_lines.push_back(std::move(line));
        line = Line {};
    };

    for (const auto& word : words) {
        const double avail = lineWidth(m_lines.size());
        const double gap = line.runs.empty() ? 0 : spaceWidth(line.runs.back().font);
        if (!line.runs.empty() && line.width + gap + word.width > avail + 1e-6)
            finish();
        if (line.runs.empty() && word.width > lineWidth(m_lines.size()) + 1e-6) {
            // A word wider than the line (a long URL): break it between characters.
            for (std::size_t a = word.first; a < word.last; ++a) {
                for (char c : atoms[a].text) {
                    const double cw = pdfTextWidth(atoms[a].font, size, std::string_view(&c, 1));
                    if (!line.runs.empty() && line.width + cw > lineWidth(m_lines.size()) + 1e-6)
                        finish();
                    appendAtom({ std::string(1, c), atoms[a].font, false }, false);
                }
            }
            continue;
        }
        for (std::size_t a = word.first; a < word.last; ++a)
            appendAtom(atoms[a], a == word.first);
    }
    finish();
    if (!m_lines.empty())
        m_lines.back().last = true;
}

void ParagraphSetter::draw(PdfPage& page, std::size_t i, double x, double baseline) const
{
    const Line& line = m_lines.at(i);
    const double avail = lineWidth(i);
    double left = x + m_block.leftIndent + (i == 0 ? m_block.firstLineIndent : 0);
    double wordSpacing = 0;
    switch (m_block.align) {
    case TextAlign::Left:
        break;
    case TextAlign::Right:
        left += avail - line.width;
        break;
    case TextAlign::Center:
        left += (avail - line.width) / 2;
        break;
    case TextAlign::Justify:
        if (!line.last && line.spaces > 0)
            wordSpacing = (avail - line.width) / line.spaces;
        break;
    }
    if (i == 0 && !m_block.bullet.empty())
        page.textUtf8(x + m_block.bulletIndent, baseline,
            m_block.spans.empty() ? PdfFont::TimesRoman : m_block.spans.front().font, m_block.fontSize, m_block.bullet);
    for (const auto& run : line.runs) {
        page.text(left, baseline, run.font, m_block.fontSize, run.text, wordSpacing);
        left += run.width + run.spaces * wordSpacing;
    }
}

} // namespace moescope

#include "docs/reportcomposer.h"

#include "core/error.h"

#include <algorithm>

namespace moescope {

std::vector<TextSpan> ReportComposer::markup(const std::string& text, PdfFont regular, PdfFont bold)
{
    std::vector<TextSpan> spans;
    bool isBold = false, isItalic = false;
    std::string current;
    auto flush = [&]() {
        if (!current.empty())
            spans.push_back({ current, isBold ? bold : (isItalic ? PdfFont::TimesItalic : regular) });
        current.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i + 1 < text.size() && text[i] == '*' && text[i + 1] == '*') {
            flush();
            isBold = !isBold;
            ++i;
        } else if (text[i] == '_') {
            // "__" toggles italics; a longer run is a literal blank to fill in ("__________").
            std::size_t run = 1;
            while (i + run < text.size() && text[i + run] == '_')
                ++run;
            if (run == 2) {
                flush();
                isItalic = !isItalic;
            } else {
                current.append(run, '_');
            }
            i += run - 1;
        } else {
            current.push_back(text[i]);
        }
    }
    flush();
    return spans;
}

void ReportComposer::closeSection()
{
    if (m_open)
        m_sections.back().endBlock = m_blocks.size();
    m_open = false;
}

void ReportComposer::endItem()
{
    closeSection();
}

void ReportComposer::add(LayoutBlock block)
{
    if (m_pendingNewPage)
        block.newPage = true;
    if (!m_pendingAnchor.empty() && block.anchor.empty())
        block.anchor = m_pendingAnchor;
    m_pendingNewPage = false;
    m_pendingAnchor.clear();
    m_blocks.push_back(std::move(block));
}

void ReportComposer::startPage(const std::string& anchor)
{
    m_pendingNewPage = true;
    m_pendingAnchor = anchor;
}

void ReportComposer::part(const std::string& numeral, bool newPage)
{
    closeSection();
    ParagraphBlock p;
    p.spans = { { "PART " + numeral, PdfFont::TimesBold } };
    p.fontSize = 12;
    p.leading = 15;
    p.align = TextAlign::Center;
    p.spaceBefore = 14;
    p.spaceAfter = 8;
    p.keepWithNext = true;
    add({ p, "part-" + numeral, newPage });
}

void ReportComposer::item(const std::string& part, const std::string& item, const std::string& title, bool newPage)
{
    closeSection();
    ParagraphBlock p;
    p.spans = { { "Item " + item + ". " + title, PdfFont::TimesBold } };
    p.fontSize = 11;
    p.leading = 13.5;
    p.align = TextAlign::Left;
    p.spaceBefore = 12;
    p.spaceAfter = 7;
    p.keepWithNext = true;
    std::string anchor = "item-" + item;
    std::transform(anchor.begin(), anchor.end(), anchor.begin(), [](unsigned char c) { return std::tolower(c); });
    m_sections.push_back({ part, item, title, m_blocks.size(), 0, -1, -1 });
    m_open = true;
    add({ p, anchor, newPage });
}

void ReportComposer::heading(const std::string& text, int level, const std::string& anchor)
{
    ParagraphBlock p;
    p.spans = { { text, level == 3 ? PdfFont::TimesItalic : PdfFont::TimesBold } };
    p.fontSize = kBodySize;
    p.leading = kBodyLeading;
    p.align = TextAlign::Left;
    p.spaceBefore = level == 1 ? 8 : 4;
    p.spaceAfter = level == 1 ? 6 : 4;
    p.keepWithNext = true;
    add({ p, anchor });
}

void ReportComposer::paragraph(const std::string& text)
{
    paragraph(text, TextAlign::Justify);
}

void ReportComposer::paragraph(const std::string& text, TextAlign align, double size, double spaceAfter)
{
    ParagraphBlock p;
    p.spans = markup(text);
    p.fontSize = size;
    p.leading = size * 1.26;
    p.align = align;
    p.spaceAfter = spaceAfter;
    // A paragraph introducing a table or list ("... as follows:") stays on the page of what it introduces.
    p.keepWithNext = !text.empty() && text.back() == ':';
    add(p);
}

void ReportComposer::centered(const std::string& text, double size, bool bold, double spaceAfter)
{
    ParagraphBlock p;
    p.spans = markup(bold ? "**" + text + "**" : text);
    p.fontSize = size;
    p.leading = size * 1.25;
    p.align = TextAlign::Center;
    p.spaceAfter = spaceAfter;
    add(p);
}

void ReportComposer::bullets(const std::vector<std::string>& items)
{
    for (std::size_t i = 0; i < items.size(); ++i) {
        ParagraphBlock p;
        p.spans = markup(items[i]);
        p.fontSize = kBodySize;
        p.leading = kBodyLeading;
        p.leftIndent = 22;
        p.bulletIndent = 10;
        p.bullet = "\u2022";
        p.spaceAfter = i + 1 == items.size() ? 10 : 4;
        add({ p });
    }
}

std::size_t ReportComposer::table(TableBlock table, bool newPage, const std::string& anchor)
{
    add({ std::move(table), anchor, newPage });
    return m_blocks.size() - 1;
}

void ReportComposer::spacer(double height)
{
    add({ SpacerBlock { height } });
}

void ReportComposer::rule(double thickness, double width)
{
    RuleBlock r;
    r.thickness = thickness;
    r.width = width;
    add({ r });
}

void ReportComposer::pageBreak()
{
    add({ PageBreakBlock {} });
}

LayoutResult ReportComposer::layout(const FlowLayout& flow)
{
    closeSection();
    LayoutResult result = flow.layout(m_blocks);
    for (auto& s : m_sections) {
        s.pageStart = result.placements.at(s.firstBlock).firstPage;
        s.pageEnd = s.pageStart;
        for (std::size_t b = s.firstBlock; b < s.endBlock; ++b)
            s.pageEnd = std::max(s.pageEnd, result.placements[b].lastPage);
    }
    for (auto& f : m_figures) {
        const auto& rows = result.placements.at(f.block).rowPages;
        if (f.row >= rows.size())
            throw InvalidArgumentError("figure " + f.name + " points at a missing table row");
        f.page = rows[f.row];
    }
    for (auto& p : m_pages)
        p.page = result.placements.at(p.block).firstPage;
    return result;
}

} // namespace moescope

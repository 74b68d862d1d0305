#include "docs/flowlayout.h"

#include "core/error.h"
#include "docs/paragraphsetter.h"
#include "docs/tablesetter.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <memory>

namespace moescope {

namespace {

constexpr double kEpsilon = 1e-6;
constexpr int kMaxPasses = 5;

double baselineBelow(double top, double leading, double size)
{
    return top - leading * 0.5 - size * 0.35;
}

// The free space of the current page and how to start the next one.
class Cursor {
public:
    Cursor(const PageGeometry& g, std::vector<PdfPage>& pages)
        : m_g(g)
        , m_pages(pages)
    {
        newPage();
    }
    void newPage()
    {
        m_pages.emplace_back(m_g.width, m_g.height);
        y = top();
        empty = true;
    }
    void breakIfUsed()
    {
        if (!empty)
            newPage();
    }
    double top() const { return m_g.height - m_g.marginTop; }
    double bottom() const { return m_g.marginBottom; }
    double remaining() const { return y - bottom(); }
    double pageHeight() const { return top() - bottom(); }
    int page() const { return static_cast<int>(m_pages.size()) - 1; }
    PdfPage& current() { return m_pages.back(); }

    double y = 0;
    bool empty = true;

private:
    const PageGeometry& m_g;
    std::vector<PdfPage>& m_pages;
};

} // namespace

FlowLayout::FlowLayout(PageGeometry geometry)
    : m_geometry(geometry)
    , m_pageLabel([](int index) { return std::to_string(index + 1); })
{
}

LayoutResult FlowLayout::layout(const std::vector<LayoutBlock>& blocks) const
{
    LayoutResult result = layoutOnce(blocks, nullptr);
    for (int pass = 2; pass <= kMaxPasses; ++pass) {
        LayoutResult next = layoutOnce(blocks, &result.anchors);
        next.passes = pass;
        const bool stable = next.anchors == result.anchors;
        result = std::move(next);
        if (stable)
            break;
        if (pass == kMaxPasses)
            spdlog::warn("layout: page references still moving after {} passes", pass);
    }
    if (m_decorator)
        for (std::size_t i = 0; i < result.pages.size(); ++i)
            m_decorator(result.pages[i], static_cast<int>(i), static_cast<int>(result.pages.size()));
    return result;
}

LayoutResult FlowLayout::layoutOnce(
    const std::vector<LayoutBlock>& blocks, const std::map<std::string, int>* anchors) const
{
    LayoutResult out;
    out.passes = 1;
    out.placements.resize(blocks.size());
    Cursor cur(m_geometry, out.pages);
    const double x = m_geometry.marginLeft;
    const double width = m_geometry.textWidth();

    const TableSetter::PageRefResolver resolve = [&](const std::string& anchor) -> std::string {
        if (!anchors)
            return "000"; // first pass: a placeholder as wide as most page numbers
        const auto it = anchors->find(anchor);
        if (it == anchors->end())
            throw InvalidArgumentError("page reference to unknown anchor '" + anchor + "'");
        return m_pageLabel(it->second);
    };

    // Setters are built once per block: measuring is the expensive part.
    std::vector<std::unique_ptr<ParagraphSetter>> paragraphs(blocks.size());
    std::vector<std::unique_ptr<TableSetter>> tables(blocks.size());
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (const auto* p = std::get_if<ParagraphBlock>(&blocks[i].content))
            paragraphs[i] = std::make_unique<ParagraphSetter>(*p, width);
        else if (const auto* t = std::get_if<TableBlock>(&blocks[i].content))
            tables[i] = std::make_unique<TableSetter>(*t, width, resolve);
    }

    auto fullHeight = [&](std::size_t i) -> double {
        if (const auto* p = std::get_if<ParagraphBlock>(&blocks[i].content))
            return p->spaceBefore + paragraphs[i]->lines().size() * p->leading;
        if (const auto* t = std::get_if<TableBlock>(&blocks[i].content))
            return t->spaceBefore + tables[i]->totalHeight();
        if (const auto* s = std::get_if<SpacerBlock>(&blocks[i].content))
            return s->height;
        if (const auto* r = std::get_if<RuleBlock>(&blocks[i].content))
            return r->spaceBefore + r->thickness;
        return 0;
    };
    // The least of block i that must share a page with a heading kept with it.
    auto headHeight = [&](std::size_t i) -> double {
        if (const auto* p = std::get_if<ParagraphBlock>(&blocks[i].content)) {
            const std::size_t n = paragraphs[i]->lines().size();
            return p->spaceBefore + (n <= 3 ? n : 2) * p->leading;
        }
        if (const auto* t = std::get_if<TableBlock>(&blocks[i].content)) {
            const auto& ts = *tables[i];
            if (t->keepTogether && ts.totalHeight() <= cur.pageHeight())
                return t->spaceBefore + ts.totalHeight();
            double h = t->spaceBefore + ts.headerHeight();
            for (std::size_t r = ts.headerRows(); r < ts.rowCount() && r < ts.headerRows() + 2; ++r)
                h += ts.rowHeight(r);
            return h;
        }
        return fullHeight(i);
    };

    auto mark = [&](std::size_t i) {
        auto& pl = out.placements[i];
        if (pl.firstPage < 0) {
            pl.firstPage = cur.page();
            if (!blocks[i].anchor.empty())
                out.anchors[blocks[i].anchor] = cur.page();
        }
        pl.lastPage = cur.page();
        cur.empty = false;
    };

    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const LayoutBlock& block = blocks[i];
        if (block.newPage || std::holds_alternative<PageBreakBlock>(block.content))
            cur.breakIfUsed();

        // Keep chains of headings with the start of what follows them.
        const auto* para = std::get_if<ParagraphBlock>(&block.content);
        if (para && para->keepWithNext && !cur.empty) {
            double need = fullHeight(i);
            std::size_t j = i + 1;
            while (j < blocks.size()) {
                const auto* next = std::get_if<ParagraphBlock>(&blocks[j].content);
                if (blocks[j].newPage || std::holds_alternative<PageBreakBlock>(blocks[j].content))
                    break;
                if (next && next->keepWithNext) {
                    need += next->spaceAfter + fullHeight(j);
                    ++j;
                    continue;
                }
                need += para->spaceAfter + headHeight(j);
                break;
            }
            if (need > cur.remaining() + kEpsilon && need <= cur.pageHeight())
                cur.newPage();
        }

        if (para) {
            const auto& setter = *paragraphs[i];
            const std::size_t n = setter.lines().size();
            if (!cur.empty)
                cur.y -= para->spaceBefore;
            std::size_t k = 0;
            while (k < n) {
                const auto fit
                    = static_cast<std::size_t>(std::max(0.0, std::floor((cur.remaining() + kEpsilon) / para->leading)));
                const std::size_t left = n - k;
                std::size_t take = std::min(left, fit);
                if (take < left) {
                    if (left - take < 2) // no widow: at least two lines go to the next page
                        take = left >= 2 ? left - 2 : 0;
                    if (k == 0 && take < 2) // no orphan: at least two lines stay on this page
                        take = 0;
                }
                if (take == 0) {
                    if (cur.empty) // the page cannot hold even that: set a line anyway rather than loop
                        take = std::max<std::size_t>(1, std::min(left, fit));
                    else {
                        cur.newPage();
                        continue;
                    }
                }
                for (std::size_t l = 0; l < take; ++l, ++k) {
                    setter.draw(cur.current(), k, x, baselineBelow(cur.y, para->leading, para->fontSize));
                    cur.y -= para->leading;
                    mark(i);
                }
                if (k < n)
                    cur.newPage();
            }
            cur.y -= para->spaceAfter;
        } else if (const auto* table = std::get_if<TableBlock>(&block.content)) {
            const auto& ts = *tables[i];
            auto& rowPages = out.placements[i].rowPages;
            rowPages.assign(ts.rowCount(), -1);
            const double total = ts.totalHeight();
            if (!cur.empty)
                cur.y -= table->spaceBefore;
            if (table->keepTogether && total > cur.remaining() + kEpsilon && total <= cur.pageHeight())
                cur.newPage();
            for (std::size_t r = 0; r < ts.rowCount(); ++r) {
                double need = ts.rowHeight(r);
                if (r == 0 && ts.headerRows() > 0) // header rows never end a page alone
                    need = ts.headerHeight() + ts.rowHeight(ts.headerRows());
                if (need > cur.remaining() + kEpsilon && !cur.empty) {
                    cur.newPage();
                    if (r >= ts.headerRows())
                        for (std::size_t h = 0; h < ts.headerRows(); ++h) {
                            ts.drawRow(cur.current(), h, x, cur.y);
                            cur.y -= ts.rowHeight(h);
                        }
                }
                ts.drawRow(cur.current(), r, x, cur.y);
                cur.y -= ts.rowHeight(r);
                rowPages[r] = cur.page();
                mark(i);
            }
            cur.y -= table->spaceAfter;
        } else if (const auto* spacer = std::get_if<SpacerBlock>(&block.content)) {
            if (!cur.empty) {
                if (spacer->height > cur.remaining())
                    cur.newPage();
                else
                    cur.y -= spacer->height;
            }
        } else if (const auto* rule = std::get_if<RuleBlock>(&block.content)) {
            if (rule->spaceBefore + rule->thickness > cur.remaining())
                cur.newPage();
            if (!cur.empty)
                cur.y -= rule->spaceBefore;
            const double w = rule->width > 0 ? rule->width : width - rule->leftIndent;
            cur.current().line(x + rule->leftIndent, cur.y, x + rule->leftIndent + w, cur.y, rule->thickness);
            cur.y -= rule->thickness + rule->spaceAfter;
            mark(i);
        }
        if (out.placements[i].firstPage < 0 && !block.anchor.empty())
            out.anchors[block.anchor] = cur.page();
    }
    if (cur.empty && out.pages.size() > 1)
        out.pages.pop_back();
    return out;
}

} // namespace moescope

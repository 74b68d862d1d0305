#include "docs/chunker.h"

#include "core/error.h"
#include "docs/textutil.h"

#include <algorithm>
#include <unordered_set>

namespace moescope {

namespace {

// Strength of the boundary before a piece: where cuts are preferred.
enum Strength : int { Inside = -1, Line = 0, Paragraph = 1, PageStart = 2, SectionStart = 3 };

struct Piece {
    std::size_t begin;
    std::size_t end;
    int strength; // of the boundary before this piece
    std::size_t size = 0;
};

} // namespace

Chunker::Chunker(ChunkOptions options)
    : m_options(std::move(options))
{
    if (m_options.budget == 0)
        throw InvalidArgumentError("chunk budget must be positive");
    if (m_options.overlap >= m_options.budget)
        throw InvalidArgumentError("chunk overlap (" + std::to_string(m_options.overlap)
            + ") must be smaller than the budget (" + std::to_string(m_options.budget) + ")");
}

std::vector<Chunk> Chunker::chunk(const Document& document, const DocumentStructure& structure) const
{
    const std::string_view text = document.text();
    auto measure = [&](std::size_t b, std::size_t e) {
        return m_options.countTokens ? m_options.countTokens(text.substr(b, e - b)) : e - b;
    };

    std::unordered_set<std::size_t> pageStarts, sectionStarts;
    for (int p = 0; p < document.pageCount(); ++p)
        pageStarts.insert(document.pageOffset(p));
    if (m_options.respectSections)
        for (const auto& s : structure.sections)
            sectionStarts.insert(s.offset);

    // Lines (with their newline or page separator); blank lines join the line before them.
    std::vector<Piece> lines;
    bool previousBlank = false;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t end = text.find_first_of("\n\f", pos);
        end = end == std::string_view::npos ? text.size() : end + 1;
        const bool blank = text.substr(pos, end - pos).find_first_not_of(" \t\n\f") == std::string_view::npos;
        int strength = sectionStarts.count(pos) ? SectionStart
            : pageStarts.count(pos)             ? PageStart
            : previousBlank                     ? Paragraph
                                                : Line;
        if (blank && !lines.empty() && strength < PageStart)
            lines.back().end = end;
        else
            lines.push_back({ pos, end, strength });
        previousBlank = blank;
        pos = end;
    }

    // Pieces no larger than the budget: oversized lines are halved at a blank (or a UTF-8 boundary) until they fit.
    std::vector<Piece> pieces;
    std::vector<Piece> work;
    for (const auto& l : lines) {
        work.assign(1, l);
        while (!work.empty()) {
            Piece p = work.back();
            work.pop_back();
            p.size = measure(p.begin, p.end);
            if (p.size <= m_options.budget || p.end - p.begin <= 1) {
                pieces.push_back(p);
                continue;
            }
            const std::size_t mid = p.begin + (p.end - p.begin) / 2;
            std::size_t cut = text.substr(0, mid).rfind(' ');
            if (cut == std::string_view::npos || cut <= p.begin)
                cut = utf8Floor(text, mid);
            else
                ++cut;
            if (cut <= p.begin || cut >= p.end)
                cut = mid;
            work.push_back({ cut, p.end, Inside });
            work.push_back({ p.begin, cut, p.strength });
        }
    }

    std::vector<Chunk> chunks;
    std::size_t start = 0;
    while (start < pieces.size()) {
        std::size_t total = 0;
        std::size_t last = start; // last piece that fits
        for (std::size_t i = start; i < pieces.size(); ++i) {
            if (i > start && pieces[i].strength == SectionStart)
                break;
            if (total + pieces[i].size > m_options.budget && i > start)
                break;
            total += pieces[i].size;
            last = i;
        }
        // Prefer to end at the strongest boundary in the back half of what fits.
        if (last + 1 < pieces.size() && pieces[last + 1].strength < SectionStart) {
            std::size_t cum = 0, bestEnd = last;
            int bestStrength = pieces[last + 1].strength;
            for (std::size_t i = start; i < last; ++i) {
                cum += pieces[i].size;
                if (cum * 2 >= total && pieces[i + 1].strength > bestStrength) {
                    bestStrength = pieces[i + 1].strength;
                    bestEnd = i;
                }
            }
            last = bestEnd;
        }
        Chunk c;
        c.begin = pieces[start].begin;
        c.end = pieces[last].end;
        c.size = 0;
        for (std::size_t i = start; i <= last; ++i)
            c.size += pieces[i].size;
        // The page span and section come from the text, not from trailing separators or blank lines.
        std::size_t contentEnd = c.end;
        while (contentEnd > c.begin
            && (text[contentEnd - 1] == '\n' || text[contentEnd - 1] == '\f' || text[contentEnd - 1] == ' '))
            --contentEnd;
        const PageSpan span = document.pagesOf(c.begin, std::max(contentEnd, c.begin + 1));
        c.pageStart = span.first;
        c.pageEnd = span.last;
        if (const Section* s = structure.sectionAt(c.begin))
            c.section = s->item;
        chunks.push_back(std::move(c));
        if (last + 1 >= pieces.size())
            break;
        // Overlap: step back over whole pieces, within the section, always moving forward.
        std::size_t next = last + 1, overlap = 0;
        while (m_options.overlap && next > start + 1 && pieces[next].strength != SectionStart
            && overlap + pieces[next - 1].size <= m_options.overlap) {
            overlap += pieces[next - 1].size;
            --next;
        }
        start = next;
    }
    return chunks;
}

} // namespace moescope

#include "eval/routingsegments.h"

#include "core/error.h"
#include "docs/documentstructure.h"

#include <algorithm>
#include <limits>

namespace moescope {

std::pair<std::size_t, std::size_t> tokenRangeOfBytes(
    std::span<const TextSpan> offsets, std::size_t byteBegin, std::size_t byteEnd)
{
    const auto byBegin = [](const TextSpan& s, std::size_t byte) { return s.begin < byte; };
    const auto first = std::lower_bound(offsets.begin(), offsets.end(), byteBegin, byBegin);
    const auto last = std::lower_bound(first, offsets.end(), std::max(byteBegin, byteEnd), byBegin);
    return { std::size_t(first - offsets.begin()), std::size_t(last - offsets.begin()) };
}

std::vector<RoutingSegment> pageSegments(std::span<const TextSpan> offsets, std::span<const std::size_t> pageOffsets)
{
    std::vector<RoutingSegment> out;
    out.reserve(pageOffsets.size());
    for (std::size_t p = 0; p < pageOffsets.size(); ++p) {
        const std::size_t end
            = p + 1 < pageOffsets.size() ? pageOffsets[p + 1] : std::numeric_limits<std::size_t>::max();
        // Page 0 starts at byte 0 so that every token lands on a page.
        const auto [b, e] = tokenRangeOfBytes(offsets, p == 0 ? 0 : pageOffsets[p], end);
        out.push_back({ std::to_string(p), "page " + std::to_string(p + 1), b, e, int(p), int(p) });
    }
    return out;
}

std::vector<RoutingSegment> sectionSegments(std::span<const TextSpan> offsets, const DocumentStructure& structure)
{
    std::vector<const Section*> sections;
    for (const auto& s : structure.sections)
        sections.push_back(&s);
    std::stable_sort(
        sections.begin(), sections.end(), [](const Section* a, const Section* b) { return a->offset < b->offset; });
    std::vector<RoutingSegment> out;
    if (sections.empty())
        return out;
    const auto front = tokenRangeOfBytes(offsets, 0, sections.front()->offset);
    if (front.second > front.first)
        out.push_back({ "front", "Front matter (before Item " + sections.front()->item + ")", front.first, front.second,
            0, sections.front()->pageStart });
    for (std::size_t i = 0; i < sections.size(); ++i) {
        const Section& s = *sections[i];
        const std::size_t end
            = i + 1 < sections.size() ? sections[i + 1]->offset : std::numeric_limits<std::size_t>::max();
        const auto [b, e] = tokenRangeOfBytes(offsets, s.offset, end);
        out.push_back({ s.item, s.title, b, e, s.pageStart, s.pageEnd });
    }
    return out;
}

std::vector<std::int32_t> segmentOfTokens(std::span<const RoutingSegment> segments, std::size_t tokens)
{
    if (segments.size() > std::size_t(std::numeric_limits<std::int32_t>::max()))
        throw InvalidArgumentError("too many routing segments");
    std::vector<std::int32_t> out(tokens, -1);
    std::size_t previousEnd = 0;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& s = segments[i];
        if (s.tokenEnd < s.tokenBegin || s.tokenBegin < previousEnd || s.tokenEnd > tokens)
            throw InvalidArgumentError("routing segment '" + s.key + "' (tokens " + std::to_string(s.tokenBegin)
                + " to " + std::to_string(s.tokenEnd) + ") overlaps another, is out of order or beyond the "
                + std::to_string(tokens) + " tokens");
        std::fill(
            out.begin() + std::ptrdiff_t(s.tokenBegin), out.begin() + std::ptrdiff_t(s.tokenEnd), std::int32_t(i));
        previousEnd = s.tokenEnd;
    }
    return out;
}

} // namespace moescope

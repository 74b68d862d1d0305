#pragma once
// Token ranges of a document's parts (10-K Items, pages) for per-section and per-page routing statistics. A token
// belongs to the part holding the first byte of its span. Plain values.

#include "tokenizer/tokenencoding.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace moescope {

struct DocumentStructure;

struct RoutingSegment {
    std::string key; // "1A" for a 10-K Item, "front" before the first Item, "12" for the 0-based page 12
    std::string title; // "Risk Factors", "page 13"
    std::size_t tokenBegin = 0; // [tokenBegin, tokenEnd) in the trace's tokens
    std::size_t tokenEnd = 0;
    int pageStart = -1; // 0-based pages covered (inclusive), -1 when unknown
    int pageEnd = -1;

    std::size_t tokens() const { return tokenEnd - tokenBegin; }
};

// Tokens whose span begins in bytes [byteBegin, byteEnd) (token begin offsets are non-decreasing).
std::pair<std::size_t, std::size_t> tokenRangeOfBytes(
    std::span<const TextSpan> offsets, std::size_t byteBegin, std::size_t byteEnd);

// One segment per page: page p holds bytes [pageOffsets[p], pageOffsets[p + 1]) (its separator included) and the
// last page runs to the end of the text.
std::vector<RoutingSegment> pageSegments(std::span<const TextSpan> offsets, std::span<const std::size_t> pageOffsets);

// One segment per Item, from its heading to the next heading; a "front" segment for text before the first Item when
// it holds tokens. Empty when the structure has no sections.
std::vector<RoutingSegment> sectionSegments(std::span<const TextSpan> offsets, const DocumentStructure& structure);

// For each of `tokens` tokens the index of the segment holding it, -1 for none. Throws InvalidArgumentError when the
// segments overlap, are out of order or reach beyond `tokens`.
std::vector<std::int32_t> segmentOfTokens(std::span<const RoutingSegment> segments, std::size_t tokens);

} // namespace moescope

#pragma once
// The token view's unit of display: a page of the document, or a part of one past a size limit (split after a line
// break where possible), with the trace tokens that start in it; and the decoding of its UTF-8 text into a QString
// whose every UTF-16 unit knows its byte offset, so token byte spans map to text positions exactly (invalid UTF-8
// included). Plain functions; any thread.

#include "services/workbenchtypes.h"
#include "tokenizer/tokenencoding.h"

#include <QString>

#include <span>
#include <vector>

namespace moescope {

struct RoutingTextSheet {
    int page = 0;
    std::size_t begin = 0, end = 0; // bytes of the joined document text shown
    std::size_t tokenBegin = 0, tokenEnd = 0; // trace tokens starting in this sheet (the first sheet from byte 0, the
                                              // last to the end: every token belongs to exactly one sheet)
};

// Sheets of at most maxBytes bytes, in document order. Empty for a document without consistent page offsets.
std::vector<RoutingTextSheet> splitIntoSheets(
    const DocumentData& document, std::span<const TextSpan> offsets, std::size_t maxBytes);

// Decodes UTF-8 bytes [begin, end) of text (a page at byte `base` of the joined text) into out, with byteOf[i] the
// joined-text byte where unit i's character starts (plus one entry for the end). Invalid bytes read as U+FFFD, one
// per byte; control characters other than tab and newline as spaces (the layout would draw boxes).
void decodeSheetText(const std::string& text, std::size_t begin, std::size_t end, std::size_t base, QString& out,
    std::vector<std::size_t>& byteOf);

} // namespace moescope

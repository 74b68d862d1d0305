#pragma once
// Text on its way through normalizers and pre-tokenizers, optionally with, for every byte, the span of the original
// input it came from (HF tokenizers' NormalizedString alignments, so offsets match theirs). Tracking is off for
// ids-only encoding, which then only carries the text.

#include <cstdint>
#include "tokenizer/tokenencoding.h"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moescope::tok {

// One character of a transformation: change 0 replaces the next old character, 1 inserts a character (aligned
// with the previous old byte), -N replaces the next old character and removes the N following ones.
struct CharChange {
    char32_t c;
    int change;
};

struct AlignedText {
    std::string text;
    std::vector<TextSpan> align; // per byte of text; empty unless track
    bool track = false;

    // The original input bytes [base, base + s.size()) of a text whose byte 0 is at offset 0.
    static AlignedText fromOriginal(std::string_view s, std::size_t base, bool track);

    void appendSlice(const AlignedText& src, std::size_t from, std::size_t to);
    // Appends the transformation of src bytes [from, to) described by changes, after dropping initialRemoved
    // characters at the start of the range (HF NormalizedString::transform_range).
    void appendTransformed(const AlignedText& src, std::size_t from, std::size_t to,
        std::span<const CharChange> changes, std::size_t initialRemoved);
    // Original span of text bytes [from, to); {0,0} when not tracking or empty.
    TextSpan originalSpan(std::size_t from, std::size_t to) const;
};

// A text split into consecutive pieces; pieces with tokenId >= 0 are added tokens that later stages leave alone.
struct Piece {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    std::int32_t tokenId = -1;
};

struct PieceSet {
    AlignedText buf;
    std::vector<Piece> pieces;
};

} // namespace moescope::tok

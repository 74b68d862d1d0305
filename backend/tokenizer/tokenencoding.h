#pragma once
// The result of encoding text with offsets: token ids and, for each token, the byte range of the input it came from.

#include <cstdint>
#include <vector>

namespace moescope {

// A byte range [begin, end) of the input text.
struct TextSpan {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    friend bool operator==(const TextSpan&, const TextSpan&) = default;
};

struct TokenEncoding {
    std::vector<std::int32_t> ids;
    // One span per id, in bytes of the UTF-8 input, with HF tokenizers' semantics: a token made of part of a
    // multi-byte character spans the whole character; tokens added by the post-processor (BOS/EOS) span {0, 0}.
    std::vector<TextSpan> offsets;
};

} // namespace moescope

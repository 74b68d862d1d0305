#pragma once
// Turns generated token ids into displayable text as they arrive. Decodes a small window of recent ids and emits only
// what is new, holding back output while it ends in an incomplete UTF-8 sequence (shown by the decoder as U+FFFD), so
// multi-byte characters split over several byte tokens appear whole. Same algorithm as HF tokenizers' DecodeStream.
// One instance per stream; not thread-safe (the tokenizer it holds is).

#include "tokenizer/tokenizer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace moescope {

class StreamingDecoder {
public:
    explicit StreamingDecoder(Tokenizer tokenizer, bool skipSpecial = true);

    // Feeds one id; returns the text that became displayable (often empty while a character is incomplete).
    std::string push(std::int32_t id);
    // Ends the stream: returns whatever is still held back (an incomplete sequence as U+FFFD) and resets.
    std::string flush();
    void reset();

private:
    Tokenizer m_tokenizer;
    bool m_skipSpecial;
    std::vector<std::int32_t> m_ids; // the decoding window
    std::string m_prefix; // decode of m_ids[0, m_prefixIndex)... as already emitted
    std::size_t m_prefixIndex = 0;
    int m_heldSteps = 0;
};

} // namespace moescope

#pragma once
// tokenizer.json "pre_tokenizer" components: Split, ByteLevel, Metaspace, Digits, Sequence. They refine the text
// pieces of a PieceSet (and may rewrite their text, e.g. Metaspace). Immutable; preTokenize() is thread-safe.

#include "tokenizer/alignedtext.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>

namespace moescope::tok {

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    virtual void preTokenize(PieceSet& set) const = 0;
    // Whether the piece's original start must be known (Metaspace prepend_scheme "first"): forces offset tracking.
    virtual bool needsOriginalOffsets() const { return false; }
};

struct PreTokenizerConfig {
    std::unique_ptr<PreTokenizer> preTokenizer; // may be null
    // The chain ends with ByteLevel: pieces are then handed to the model as raw bytes, each byte one symbol.
    bool byteLevel = false;
};

// Throws UnsupportedError for unknown types and for a ByteLevel that is not the last step.
PreTokenizerConfig makePreTokenizer(const nlohmann::json& j);

} // namespace moescope::tok

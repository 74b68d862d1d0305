#pragma once
// tokenizer.json "normalizer" components: NFC, NFD, NFKC, NFKD, Prepend, Replace, Lowercase, Strip, Sequence.
// Immutable after construction; normalize() is const and thread-safe.

#include "tokenizer/alignedtext.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>

namespace moescope::tok {

class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual void normalize(AlignedText& text) const = 0;
};

// Builds the normalizer described by j; a null j gives nullptr. Throws UnsupportedError for other types,
// FormatError for malformed fields.
std::unique_ptr<Normalizer> makeNormalizer(const nlohmann::json& j);

} // namespace moescope::tok

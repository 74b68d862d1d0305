#pragma once
// Unicode normalization forms (UAX #15) on AlignedText, reproducing the alignments HF tokenizers computes
// (unicode-normalization-alignments: decomposed characters after the first are insertions, a composite replaces
// its first part and removes the others). Only the stretches around characters that can change are rewritten.

#include "tokenizer/alignedtext.h"

namespace moescope::tok {

enum class NormalizationForm { Nfc, Nfd, Nfkc, Nfkd };

// Normalizes t in place; returns false (leaving t untouched) when the text is already normalized.
bool normalizeUnicode(AlignedText& t, NormalizationForm form);

// Convenience for tests and chat templates: the normalized form of valid UTF-8 text.
std::string normalizedString(std::string_view text, NormalizationForm form);

} // namespace moescope::tok

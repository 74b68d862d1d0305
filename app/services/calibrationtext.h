#pragma once
// The Quantization panel's calibration text: none, the current document's text or a text file, cut to its first
// maxTokens tokens. Its tokens feed "+awq" / "+gptq" variants (ComparisonOptions::calibrationIds) and the mixed-policy
// calibration. A plain value copied into background jobs; the tokenizing runs there, never on the GUI thread.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace moescope {

class Tokenizer;

struct CalibrationText {
    enum class Source { None, Document, File };

    Source source = Source::None;
    std::string documentText; // Source::Document: the document's joined text
    std::string documentName; // for the record
    std::string path; // Source::File
    std::int64_t maxTokens = 2048; // the first this many tokens (0: all); as `quantize --calib-tokens`

    bool isSet() const { return source != Source::None; }
    // Where the text came from, for the stored comparison's and the policy's records: {"source": "document",
    // "document": NAME, "tokens": N} or {"source": "file", "path": PATH, "tokens": N}.
    nlohmann::json describe(std::size_t tokens) const;
};

// The first maxTokens tokens of the text, special tokens added as the CLI adds them. InvalidArgumentError for no
// source or fewer than two tokens, IoError / FormatError (naming the file) for a missing, huge or unreadable file.
std::vector<std::int32_t> calibrationIds(const Tokenizer& tokenizer, const CalibrationText& text);

} // namespace moescope

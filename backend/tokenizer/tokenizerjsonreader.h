#pragma once
// Reads tokenizer.json text in one streaming pass: the BPE vocabulary and merges (most of the file: hundreds of
// thousands of entries) go straight into flat vectors, everything else becomes a small JSON document. Building a
// full JSON tree first would take longer than the rest of loading together.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moescope::tok {

struct BpeVocabData {
    bool hasVocab = false;
    bool hasMerges = false;
    std::vector<std::pair<std::string, std::int64_t>> vocab; // in file order
    std::vector<std::pair<std::string, std::string>> merges; // in rank order
    std::string error; // the first malformed entry, described; empty when all are well-formed
};

struct TokenizerJson {
    nlohmann::json document; // tokenizer.json without model.vocab and model.merges
    BpeVocabData bpe;
};

// Throws FormatError (naming source and the byte position) for text that is not JSON.
TokenizerJson readTokenizerJson(std::string_view text, const std::string& source);

} // namespace moescope::tok

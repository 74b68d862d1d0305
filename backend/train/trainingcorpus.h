#pragma once
// The training text as token ids: documents (separated in the corpus by lines "<|doc:NAME|>") are tokenized in
// parallel and joined with the end-of-text token; a deterministic share of whole documents (chosen by a hash of their
// name, so adding documents does not reshuffle the split) is held out for validation.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

struct CorpusDocument {
    std::string name;
    std::string_view text; // view into the corpus text
};

// Splits corpus text at "<|doc:NAME|>" lines; text before the first marker is one unnamed document.
std::vector<CorpusDocument> splitCorpusDocuments(std::string_view corpus);

struct TokenizedCorpus {
    std::vector<std::int32_t> train;
    std::vector<std::int32_t> validation;
    std::size_t trainDocuments = 0;
    std::size_t validationDocuments = 0;
    std::string sha256; // of the corpus file's bytes as read (decompressed)
    std::uint64_t bytes = 0;
};

struct CorpusOptions {
    double validationShare = 0.02;
    std::size_t limitBytes = 0; // 0: the whole corpus
    int threads = 0; // 0: hardware concurrency
    std::int32_t separatorToken = -1; // appended after each document
};

// encode: text -> ids (called from several threads at once).
TokenizedCorpus tokenizeCorpus(const std::filesystem::path& file, const CorpusOptions& options,
    const std::function<std::vector<std::int32_t>(std::string_view)>& encode, std::stop_token stop = {});

} // namespace moescope

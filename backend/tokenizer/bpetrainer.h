#pragma once
// Trains a byte-level BPE tokenizer (GPT-2/Qwen-style) on a text corpus and writes it as a standard tokenizer.json +
// tokenizer_config.json that HF tokenizers/transformers and MoEScope's own engine load and encode identically.
//
// Pre-tokenization: NFC, then Qwen2's regex, in which \p{N} matches one digit, so numbers become one token per digit
// ("$1,234.5" -> "$", "1", ",", "2", ...): financial figures tokenize uniformly whatever their magnitude. Special
// tokens (ids 0..2): <|begin_of_text|> (BOS, added by add_special_tokens), <|end_of_text|> (EOS, ends documents),
// <|pad|>. Corpus lines "<|doc:NAME|>" separate documents and are never part of the text.
//
// Training counts pre-tokens once (in parallel), then merges the most frequent adjacent pair repeatedly with
// incremental pair-count updates; ties go to the pair with the smaller ids, so results are deterministic.
// Not thread-safe; train() may be cancelled through its stop token.

#include "core/cancellation.h"

#include <cstdint>
#include <filesystem>
#include <stop_token>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace moescope {

struct BpeTrainerOptions {
    std::size_t vocabSize = 16384; // including the special tokens and the 256 bytes
    std::int64_t minFrequency = 2; // a pair seen fewer times is never merged
    unsigned threads = 0; // pre-tokenization threads; 0 = all cores
};

struct BpeTrainingResult {
    std::string tokenizerJson;
    std::string tokenizerConfigJson;
    std::size_t vocabSize = 0; // reached (smaller than asked when pairs ran out)
    std::size_t merges = 0;
    std::size_t documents = 0;
    std::uint64_t corpusBytes = 0;
    std::uint64_t preTokens = 0;
    std::size_t uniquePreTokens = 0;
    double countSeconds = 0;
    double mergeSeconds = 0;
};

class BpeTrainer {
public:
    static const std::vector<std::string>& specialTokens();
    static const char* preTokenizerPattern();

    explicit BpeTrainer(BpeTrainerOptions options);

    // Counts the pre-tokens of a corpus text (UTF-8; invalid bytes become U+FFFD). May be called several times.
    void addCorpus(std::string_view text, std::stop_token stop = {});
    // Runs the merges. progress(done, total) is called every few hundred merges.
    BpeTrainingResult train(std::stop_token stop = {}, const ProgressCallback& progress = {});

    // Reads a corpus file (plain, .gz or .xz); with limitBytes > 0 only a prefix of about that size, cut at a line end.
    static std::string readCorpus(const std::filesystem::path& path, std::uint64_t limitBytes);

    // Writes tokenizer.json and tokenizer_config.json into folder (created if needed).
    static void write(const BpeTrainingResult& result, const std::filesystem::path& folder);

private:
    BpeTrainerOptions m_options;
    std::unordered_map<std::string, std::uint64_t> m_counts; // pre-token (raw bytes) -> occurrences
    std::size_t m_documents = 0;
    std::uint64_t m_bytes = 0;
    std::uint64_t m_preTokens = 0;
    double m_countSeconds = 0;
};

} // namespace moescope

#include <cstdint>
#include "tokenizer/bpetrainer.h"

#include "core/error.h"
#include "io/compressedfile.h"
#include "io/jsonfile.h"
#include "tokenizer/alignedtext.h"
#include "tokenizer/bytelevel.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode/unicode.h"
#include "tokenizer/unicode/unicodenormalization.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <queue>
#include <thread>

namespace moescope {

namespace {

// Qwen2's pre-tokenization regex: contractions, letters with one leading non-letter, single digits, punctuation runs,
// newlines, spaces.
constexpr const char* kPattern
    = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Splits a corpus into documents: lines "<|doc:NAME|>" are separators and belong to no document.
std::vector<std::string_view> splitDocuments(std::string_view text)
{
    std::vector<std::string_view> docs;
    std::size_t docStart = 0;
    std::size_t lineStart = 0;
    while (lineStart < text.size()) {
        std::size_t lineEnd = text.find('\n', lineStart);
        if (lineEnd == std::string_view::npos)
            lineEnd = text.size();
        std::string_view line = text.substr(lineStart, lineEnd - lineStart);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        if (line.starts_with("<|doc:") && line.ends_with("|>")) {
            if (lineStart > docStart)
                docs.push_back(text.substr(docStart, lineStart - docStart));
            docStart = std::min(text.size(), lineEnd + 1);
        }
        lineStart = lineEnd + 1;
    }
    if (docStart < text.size())
        docs.push_back(text.substr(docStart));
    return docs;
}

using PairKey = std::uint64_t;
PairKey pairKey(std::int32_t a, std::int32_t b)
{
    return (std::uint64_t(std::uint32_t(a)) << 32) | std::uint32_t(b);
}
std::int32_t pairFirst(PairKey k)
{
    return static_cast<std::int32_t>(k >> 32);
}
std::int32_t pairSecond(PairKey k)
{
    return static_cast<std::int32_t>(k & 0xFFFFFFFFu);
}

struct Candidate {
    std::int64_t count;
    PairKey pair;
    // Max-heap: higher count first, then the smaller pair.
    bool operator<(const Candidate& o) const { return count != o.count ? count < o.count : pair > o.pair; }
};

} // namespace

const std::vector<std::string>& BpeTrainer::specialTokens()
{
    static const std::vector<std::string> tokens = { "<|begin_of_text|>", "<|end_of_text|>", "<|pad|>" };
    return tokens;
}

const char* BpeTrainer::preTokenizerPattern()
{
    return kPattern;
}

BpeTrainer::BpeTrainer(BpeTrainerOptions options)
    : m_options(options)
{
    const std::size_t minimum = specialTokens().size() + 256;
    if (m_options.vocabSize < minimum || m_options.vocabSize > (std::size_t(1) << 22))
        throw InvalidArgumentError(
            fmt::format("vocabulary size must be between {} and {} (got {})", minimum, 1 << 22, m_options.vocabSize));
    if (m_options.minFrequency < 1)
        throw InvalidArgumentError("minimum pair frequency must be at least 1");
}

void BpeTrainer::addCorpus(std::string_view rawText, std::stop_token stop)
{
    const auto start = std::chrono::steady_clock::now();
    std::string repaired;
    std::string_view text = rawText;
    if (tok::findInvalidUtf8(text) != std::string_view::npos) {
        repaired = tok::utf8Lossy(text);
        text = repaired;
        spdlog::warn("corpus contains invalid UTF-8; the bad bytes were replaced by U+FFFD");
    }
    const std::vector<std::string_view> docs = splitDocuments(text);
    const unsigned threads = std::max(1u,
        std::min<unsigned>(m_options.threads ? m_options.threads : std::thread::hardware_concurrency(),
            static_cast<unsigned>(std::max<std::size_t>(1, docs.size()))));
    const tok::Regex regex(kPattern, false);

    // Each thread counts a contiguous share of the documents (by bytes) into its own map.
    std::vector<std::unordered_map<std::string, std::uint64_t>> maps(threads);
    std::vector<std::uint64_t> tokenCounts(threads, 0);
    std::vector<std::size_t> bounds { 0 };
    const std::uint64_t share = text.size() / threads + 1;
    std::uint64_t acc = 0;
    for (std::size_t d = 0; d < docs.size(); ++d) {
        acc += docs[d].size();
        if (acc >= share * bounds.size() && bounds.size() < threads)
            bounds.push_back(d + 1);
    }
    while (bounds.size() <= threads)
        bounds.push_back(docs.size());
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto work = [&](unsigned t) {
        try {
            auto& counts = maps[t];
            counts.reserve(1 << 18);
            std::vector<tok::RegexMatch> matches;
            for (std::size_t d = bounds[t]; d < bounds[t + 1]; ++d) {
                if (stop.stop_requested())
                    return;
                tok::AlignedText doc = tok::AlignedText::fromOriginal(docs[d], 0, false);
                tok::normalizeUnicode(doc, tok::NormalizationForm::Nfc);
                matches.clear();
                regex.findAll(doc.text, matches);
                for (const auto& m : matches)
                    ++counts[doc.text.substr(m.begin, m.end - m.begin)];
                tokenCounts[t] += matches.size();
            }
        } catch (...) {
            std::lock_guard lock(failureMutex);
            failure = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool)
        th.join();
    if (failure)
        std::rethrow_exception(failure);
    throwIfStopRequested(stop);
    for (unsigned t = 0; t < threads; ++t) {
        if (m_counts.empty()) {
            m_counts = std::move(maps[t]);
        } else {
            for (auto& [k, v] : maps[t])
                m_counts[k] += v;
        }
        m_preTokens += tokenCounts[t];
    }
    m_documents += docs.size();
    m_bytes += rawText.size();
    m_countSeconds += secondsSince(start);
    spdlog::info("train-tokenizer: {} documents, {:.1f} MB, {} pre-tokens ({} distinct) counted in {:.1f} s",
        m_documents, static_cast<double>(m_bytes) / 1e6, m_preTokens, m_counts.size(), m_countSeconds);
}

BpeTrainingResult BpeTrainer::train(std::stop_token stop, const ProgressCallback& progress)
{
    const auto start = std::chrono::steady_clock::now();
    const auto& specials = specialTokens();
    const auto byteBase = static_cast<std::int32_t>(specials.size());
    // Token strings in raw bytes; ids: specials, then the 256 bytes, then merges.
    std::vector<std::string> tokens;
    for (int b = 0; b < 256; ++b)
        tokens.emplace_back(1, static_cast<char>(b));
    auto byteId = [&](unsigned char b) { return byteBase + static_cast<std::int32_t>(b); };
    auto tokenBytes
        = [&](std::int32_t id) -> const std::string& { return tokens[static_cast<std::size_t>(id - byteBase)]; };

    // Words in a stable order (by bytes) so training is deterministic whatever the hash map did.
    struct Word {
        std::vector<std::int32_t> symbols;
        std::int64_t count;
    };
    std::vector<std::pair<std::string, std::uint64_t>> sorted(m_counts.begin(), m_counts.end());
    std::sort(sorted.begin(), sorted.end());
    std::vector<Word> words;
    words.reserve(sorted.size());
    for (const auto& [text, count] : sorted) {
        Word w;
        w.count = static_cast<std::int64_t>(count);
        w.symbols.reserve(text.size());
        for (const char c : text)
            w.symbols.push_back(byteId(static_cast<unsigned char>(c)));
        words.push_back(std::move(w));
    }
    sorted.clear();
    sorted.shrink_to_fit();

    std::unordered_map<PairKey, std::int64_t> counts;
    std::unordered_map<PairKey, std::vector<std::uint32_t>> where;
    counts.reserve(1 << 20);
    where.reserve(1 << 20);
    for (std::uint32_t wi = 0; wi < words.size(); ++wi) {
        const auto& s = words[wi].symbols;
        for (std::size_t i = 0; i + 1 < s.size(); ++i) {
            const PairKey k = pairKey(s[i], s[i + 1]);
            counts[k] += words[wi].count;
            auto& list = where[k];
            if (list.empty() || list.back() != wi)
                list.push_back(wi);
        }
    }
    std::vector<Candidate> heapStorage;
    heapStorage.reserve(counts.size());
    for (const auto& [k, c] : counts)
        heapStorage.push_back({ c, k });
    std::priority_queue<Candidate> heap(std::less<Candidate> {}, std::move(heapStorage));

    const std::size_t targetMerges = m_options.vocabSize - specials.size() - 256;
    std::vector<std::pair<std::int32_t, std::int32_t>> merges;
    merges.reserve(targetMerges);
    std::vector<std::uint32_t> stamp(words.size(), 0);
    std::vector<PairKey> grown;
    while (merges.size() < targetMerges && !heap.empty()) {
        if ((merges.size() & 255) == 0) {
            throwIfStopRequested(stop);
            if (progress)
                progress(static_cast<std::int64_t>(merges.size()), static_cast<std::int64_t>(targetMerges));
        }
        const Candidate top = heap.top();
        heap.pop();
        const auto it = counts.find(top.pair);
        const std::int64_t current = it == counts.end() ? 0 : it->second;
        if (current != top.count) { // stale entry: requeue with the current count
            if (current > 0)
                heap.push({ current, top.pair });
            continue;
        }
        if (current < m_options.minFrequency)
            break;
        const std::int32_t a = pairFirst(top.pair), b = pairSecond(top.pair);
        const auto newId = static_cast<std::int32_t>(byteBase + tokens.size());
        tokens.push_back(tokenBytes(a) + tokenBytes(b));
        merges.emplace_back(a, b);
        const auto mergeIndex = static_cast<std::uint32_t>(merges.size());
        counts.erase(top.pair);
        std::vector<std::uint32_t> list = std::move(where[top.pair]);
        where.erase(top.pair);
        grown.clear();
        auto change = [&](std::int32_t x, std::int32_t y, std::int64_t delta, std::uint32_t wi) {
            const PairKey k = pairKey(x, y);
            if (k == top.pair)
                return;
            std::int64_t& c = counts[k];
            c += delta;
            if (delta > 0) {
                auto& l = where[k];
                if (l.empty() || l.back() != wi)
                    l.push_back(wi);
                grown.push_back(k);
            } else if (c <= 0) {
                counts.erase(k);
            }
        };
        for (const std::uint32_t wi : list) {
            if (stamp[wi] == mergeIndex)
                continue;
            stamp[wi] = mergeIndex;
            Word& w = words[wi];
            auto& s = w.symbols;
            for (std::size_t i = 0; i + 1 < s.size();) {
                if (s[i] != a || s[i + 1] != b) {
                    ++i;
                    continue;
                }
                if (i > 0) {
                    change(s[i - 1], a, -w.count, wi);
                    change(s[i - 1], newId, w.count, wi);
                }
                s[i] = newId;
                s.erase(s.begin() + static_cast<std::ptrdiff_t>(i + 1));
                if (i + 1 < s.size()) {
                    change(b, s[i + 1], -w.count, wi);
                    change(newId, s[i + 1], w.count, wi);
                }
                ++i;
            }
        }
        std::sort(grown.begin(), grown.end());
        grown.erase(std::unique(grown.begin(), grown.end()), grown.end());
        for (const PairKey k : grown) {
            const auto c = counts.find(k);
            if (c != counts.end() && c->second > 0)
                heap.push({ c->second, k });
        }
    }
    if (progress)
        progress(static_cast<std::int64_t>(merges.size()), static_cast<std::int64_t>(targetMerges));

    BpeTrainingResult result;
    result.merges = merges.size();
    result.vocabSize = specials.size() + tokens.size();
    result.documents = m_documents;
    result.corpusBytes = m_bytes;
    result.preTokens = m_preTokens;
    result.uniquePreTokens = m_counts.size();
    result.countSeconds = m_countSeconds;
    result.mergeSeconds = secondsSince(start);
    if (merges.size() < targetMerges)
        spdlog::warn("train-tokenizer: only {} merges reach the minimum frequency {}; vocabulary is {} instead of {}",
            merges.size(), m_options.minFrequency, result.vocabSize, m_options.vocabSize);

    // tokenizer.json in HF's layout (ordered keys, as HF writes it).
    using ojson = nlohmann::ordered_json;
    ojson added = ojson::array();
    for (std::size_t i = 0; i < specials.size(); ++i)
        added.push_back({ { "id", i }, { "content", specials[i] }, { "single_word", false }, { "lstrip", false },
            { "rstrip", false }, { "normalized", false }, { "special", true } });
    ojson vocab = ojson::object();
    for (std::size_t i = 0; i < specials.size(); ++i)
        vocab[specials[i]] = i;
    for (std::size_t i = 0; i < tokens.size(); ++i)
        vocab[tok::toByteLevel(tokens[i])] = byteBase + static_cast<std::int32_t>(i);
    ojson mergeList = ojson::array();
    for (const auto& [x, y] : merges)
        mergeList.push_back({ tok::toByteLevel(tokenBytes(x)), tok::toByteLevel(tokenBytes(y)) });
    const ojson byteLevel
        = { { "type", "ByteLevel" }, { "add_prefix_space", false }, { "trim_offsets", false }, { "use_regex", false } };
    ojson j = ojson::object();
    j["version"] = "1.0";
    j["truncation"] = nullptr;
    j["padding"] = nullptr;
    j["added_tokens"] = added;
    j["normalizer"] = { { "type", "NFC" } };
    j["pre_tokenizer"] = { { "type", "Sequence" },
        { "pretokenizers",
            { { { "type", "Split" }, { "pattern", { { "Regex", kPattern } } }, { "behavior", "Isolated" },
                  { "invert", false } },
                byteLevel } } };
    j["post_processor"] = { { "type", "TemplateProcessing" },
        { "single",
            { { { "SpecialToken", { { "id", specials[0] }, { "type_id", 0 } } } },
                { { "Sequence", { { "id", "A" }, { "type_id", 0 } } } } } },
        { "pair",
            { { { "SpecialToken", { { "id", specials[0] }, { "type_id", 0 } } } },
                { { "Sequence", { { "id", "A" }, { "type_id", 0 } } } },
                { { "SpecialToken", { { "id", specials[0] }, { "type_id", 1 } } } },
                { { "Sequence", { { "id", "B" }, { "type_id", 1 } } } } } },
        { "special_tokens",
            { { specials[0], { { "id", specials[0] }, { "ids", { 0 } }, { "tokens", { specials[0] } } } } } } };
    j["decoder"] = byteLevel;
    j["model"] = { { "type", "BPE" }, { "dropout", nullptr }, { "unk_token", nullptr },
        { "continuing_subword_prefix", nullptr }, { "end_of_word_suffix", nullptr }, { "fuse_unk", false },
        { "byte_fallback", false }, { "ignore_merges", false }, { "vocab", vocab }, { "merges", mergeList } };
    result.tokenizerJson = j.dump(2);

    ojson decoderMap = ojson::object();
    for (std::size_t i = 0; i < specials.size(); ++i)
        decoderMap[std::to_string(i)] = { { "content", specials[i] }, { "lstrip", false }, { "normalized", false },
            { "rstrip", false }, { "single_word", false }, { "special", true } };
    ojson config = ojson::object();
    config["add_bos_token"] = true;
    config["add_eos_token"] = false;
    config["added_tokens_decoder"] = decoderMap;
    config["bos_token"] = specials[0];
    config["eos_token"] = specials[1];
    config["pad_token"] = specials[2];
    config["unk_token"] = nullptr;
    config["clean_up_tokenization_spaces"] = false;
    config["model_max_length"] = 1048576;
    config["tokenizer_class"] = "PreTrainedTokenizerFast";
    result.tokenizerConfigJson = config.dump(2);
    spdlog::info("train-tokenizer: {} merges in {:.1f} s", merges.size(), result.mergeSeconds);
    return result;
}

std::string BpeTrainer::readCorpus(const std::filesystem::path& path, std::uint64_t limitBytes)
{
    const std::size_t maxBytes = limitBytes > 0 ? static_cast<std::size_t>(limitBytes) : std::size_t(4) << 30;
    std::string corpus = readMaybeCompressedFile(path, maxBytes, limitBytes > 0);
    if (limitBytes > 0 && corpus.size() == maxBytes) {
        // A prefix ends at a line end so that no character or word is cut.
        const auto nl = corpus.rfind('\n');
        if (nl != std::string::npos)
            corpus.resize(nl + 1);
    }
    if (corpus.empty())
        throw InvalidArgumentError(path.string() + ": the corpus is empty");
    return corpus;
}

void BpeTrainer::write(const BpeTrainingResult& result, const std::filesystem::path& folder)
{
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec)
        throw IoError(fmt::format("cannot create {}: {}", folder.string(), ec.message()));
    writeTextFileAtomic(folder / "tokenizer.json", result.tokenizerJson + "\n");
    writeTextFileAtomic(folder / "tokenizer_config.json", result.tokenizerConfigJson + "\n");
}

} // namespace moescope

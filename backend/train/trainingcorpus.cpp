#include <cstdint>
#include "train/trainingcorpus.h"

#include "core/cancellation.h"
#include "core/error.h"
#include "core/sha256.h"
#include "io/compressedfile.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

namespace moescope {

std::vector<CorpusDocument> splitCorpusDocuments(std::string_view corpus)
{
    std::vector<CorpusDocument> docs;
    constexpr std::string_view kMarker = "<|doc:";
    std::string name;
    std::size_t bodyStart = 0;
    std::size_t pos = 0;
    auto flush = [&](std::size_t end) {
        if (end > bodyStart)
            docs.push_back({ name, corpus.substr(bodyStart, end - bodyStart) });
    };
    while (pos < corpus.size()) {
        const auto lineEnd = std::min(corpus.find('\n', pos), corpus.size());
        const auto line = corpus.substr(pos, lineEnd - pos);
        if (line.substr(0, kMarker.size()) == kMarker && line.size() >= kMarker.size() + 2
            && line.substr(line.size() - 2) == "|>") {
            flush(pos);
            name = std::string(line.substr(kMarker.size(), line.size() - kMarker.size() - 2));
            bodyStart = std::min(lineEnd + 1, corpus.size());
        }
        pos = lineEnd + 1;
    }
    flush(corpus.size());
    return docs;
}

namespace {
    // FNV-1a: a stable, platform-independent hash of the document name for the validation split.
    std::uint64_t stableHash(std::string_view s)
    {
        std::uint64_t h = 1469598103934665603ull;
        for (unsigned char c : s)
            h = (h ^ c) * 1099511628211ull;
        return h;
    }
} // namespace

TokenizedCorpus tokenizeCorpus(const std::filesystem::path& file, const CorpusOptions& options,
    const std::function<std::vector<std::int32_t>(std::string_view)>& encode, std::stop_token stop)
{
    const std::size_t limit = options.limitBytes ? options.limitBytes : (std::size_t(8) << 30);
    const std::string text = readMaybeCompressedFile(file, limit, options.limitBytes != 0);
    TokenizedCorpus out;
    out.bytes = text.size();
    out.sha256 = Sha256::hexOf(text);
    const auto docs = splitCorpusDocuments(text);
    if (docs.empty())
        throw FormatError(file.string() + ": the corpus holds no text");

    std::vector<std::vector<std::int32_t>> ids(docs.size());
    std::atomic<std::size_t> next { 0 };
    std::exception_ptr failure;
    std::mutex failureMutex;
    const int threads = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            try {
                for (std::size_t i = next++; i < docs.size() && !stop.stop_requested(); i = next++)
                    ids[i] = encode(docs[i].text);
            } catch (...) {
                std::lock_guard lock(failureMutex);
                failure = std::current_exception();
            }
        });
    for (auto& t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
    throwIfStopRequested(stop);

    const auto threshold = static_cast<std::uint64_t>(options.validationShare * 18446744073709551615.0);
    for (std::size_t i = 0; i < docs.size(); ++i) {
        const bool validation = options.validationShare > 0 && stableHash(docs[i].name) < threshold;
        auto& target = validation ? out.validation : out.train;
        target.insert(target.end(), ids[i].begin(), ids[i].end());
        if (options.separatorToken >= 0)
            target.push_back(options.separatorToken);
        (validation ? out.validationDocuments : out.trainDocuments)++;
    }
    spdlog::info("corpus {}: {} bytes, {} train documents ({} tokens), {} validation documents ({} tokens)",
        file.string(), out.bytes, out.trainDocuments, out.train.size(), out.validationDocuments, out.validation.size());
    return out;
}

} // namespace moescope

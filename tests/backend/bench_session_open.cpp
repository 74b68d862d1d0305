// Benchmark: open a session holding a scored 500-page report (per-token surprisal for ~400k tokens, per-page and
// per-section values) and a routing trace of the same tokens (uint8 expert ids for 26 layers x top-6, float16
// weights, token ids and offsets), then list what the GUI shows first. BLOB parts are not read on open (lazy).
//   bench_session_open [REPORT.pdf] [WORK_DIR]

#include "store/documentingestor.h"
#include "store/sessionstore.h"

#include <chrono>
#include <cstdio>
#include <random>

using namespace moescope;

int main(int argc, char** argv)
{
    const std::filesystem::path pdf = argc > 1 ? argv[1] : "../shared/fixtures/reports/PEPSICO_2022_10K.pdf";
    const std::filesystem::path dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path();
    const std::filesystem::path db = dir / "bench_open.moescope";
    std::filesystem::remove(db);
    constexpr std::size_t kTokens = 400000, kLayers = 26, kTopK = 6;
    try {
        {
            SessionStore s = SessionStore::create(db, "bench");
            const auto doc = ingestDocument(s, pdf).documentId;
            std::mt19937 rng(1);
            std::vector<float> surprisal(kTokens);
            std::vector<std::int32_t> tokenIds(kTokens), offsets(kTokens);
            for (std::size_t i = 0; i < kTokens; ++i) {
                surprisal[i] = float(rng() % 1000) / 100.0f;
                tokenIds[i] = std::int32_t(rng() % 150000);
                offsets[i] = std::int32_t(i * 4);
            }
            const auto ppl = s.createRun("perplexity", doc, "demo", "{\"window\": 4096}");
            s.saveArray<float>(ppl, "surprisal", BlobType::F32, surprisal);
            s.saveArray<std::int32_t>(ppl, "token_offsets", BlobType::I32, offsets);
            std::vector<RunValue> pages;
            for (int p = 0; p < 503; ++p)
                pages.push_back({ std::to_string(p), 8.0 + p % 7, 800 });
            s.saveRunValues(ppl, "page", pages);
            s.updateRun(ppl, "complete", "{\"perplexity\": 9.1}");
            const auto trace = s.createRun("routing", doc, "demo", "{\"layers\": 26, \"k\": 6, \"experts\": 64}");
            std::vector<std::uint8_t> ids(kTokens * kLayers * kTopK);
            std::vector<std::uint16_t> weights(ids.size());
            for (std::size_t i = 0; i < ids.size(); ++i) {
                ids[i] = std::uint8_t(rng() % 64);
                weights[i] = floatToHalf(float(rng() % 100) / 100.0f);
            }
            s.saveArray<std::uint8_t>(trace, "expert_ids", BlobType::U8, ids,
                { std::int64_t(kTokens), std::int64_t(kLayers), std::int64_t(kTopK) });
            s.saveArray<std::uint16_t>(trace, "weights", BlobType::F16, weights,
                { std::int64_t(kTokens), std::int64_t(kLayers), std::int64_t(kTopK) });
            s.saveArray<std::int32_t>(trace, "token_ids", BlobType::I32, tokenIds);
            s.updateRun(trace, "complete", "{}");
        }
        const auto size = std::filesystem::file_size(db);
        const auto t0 = std::chrono::steady_clock::now();
        SessionStore s = SessionStore::open(db);
        const auto docs = s.documents();
        const auto structure = s.structure(docs.front().id);
        const auto figures = s.figures(docs.front().id);
        const auto runs = s.runs();
        std::size_t parts = 0;
        for (const auto& r : runs)
            parts += s.blobs(r.id).size();
        const auto values = s.runValues(runs.front().id, "page");
        const auto t1 = std::chrono::steady_clock::now();
        std::vector<std::byte> window(4096 * 4);
        s.readBlobRange(runs.front().id, "surprisal", 200000 * 4, window); // what a scrolled view reads
        const auto t2 = std::chrono::steady_clock::now();
        const auto all = s.loadBlob(runs.back().id, "expert_ids");
        const auto t3 = std::chrono::steady_clock::now();
        std::printf("session file: %.1f MB, %zu runs, %zu BLOB parts, %zu page values, %zu sections\n", size / 1e6,
            runs.size(), parts, values.size(), structure.sections.size());
        std::printf("open + list documents, structure, figures, runs, per-page values: %.1f ms\n",
            std::chrono::duration<double, std::milli>(t1 - t0).count());
        std::printf("read a 4096-token window of surprisal: %.2f ms\n",
            std::chrono::duration<double, std::milli>(t2 - t1).count());
        std::printf("load the whole expert-id part (%.1f MB): %.1f ms\n", all.size() / 1e6,
            std::chrono::duration<double, std::milli>(t3 - t2).count());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_session_open: %s\n", e.what());
        return 1;
    }
    std::filesystem::remove(db);
    return 0;
}

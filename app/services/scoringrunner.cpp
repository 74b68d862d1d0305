#include "scoringrunner.h"

#include "core/error.h"
#include "eval/documentscorer.h"
#include "eval/routingrecorder.h"
#include "eval/routingtracer.h"
#include "eval/routingtracestore.h"
#include "eval/scoringtext.h"
#include "inferenceservice.h"
#include "runtime/engine.h"
#include "store/sessionstore.h"
#include "tokenizer/tokenizer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

namespace moescope {

ScoringRunner::ScoringRunner(InferenceService* service)
    : QObject(service)
    , m_service(service)
{
}

PerplexityOptions ScoringRunner::windowFor(int contextLength)
{
    PerplexityOptions options;
    options.window = std::clamp<std::int64_t>(contextLength > 0 ? contextLength : 1024, 16, 1024);
    options.stride = options.window / 2;
    return options;
}

void ScoringRunner::scoreDocument(const QString& sessionPath, qint64 documentId)
{
    const auto stop = m_service->beginRequest();
    m_service->reportStarted(tr("Scoring the document"));
    emit scoringStarted(documentId);
    try {
        Engine* engine = m_service->engine();
        if (!engine)
            throw InvalidArgumentError("no model is loaded: open a model first");
        const Tokenizer* tokenizer = m_service->tokenizer();
        if (!tokenizer)
            throw UnsupportedError(engine->summary().path + ": the model folder has no usable tokenizer.json");
        SessionStore store = SessionStore::open(sessionPath.toStdString());
        const Document document = documentFromStore(store, documentId);
        const DocumentStructure structure = store.structure(documentId);
        const auto options = windowFor(engine->summary().contextLength);
        TokenEncoding tokens = encodeDocumentText(*tokenizer, document.text());
        // The routing of the same pass, for the Routing panel (dense models have none).
        std::optional<RoutingRecorder> recorder;
        if (!engine->summary().moeLayers.empty() && !tokens.ids.empty()) {
            RoutingRunOptions routing;
            routing.window = options.window;
            routing.stride = options.stride;
            // As `moescope-cli trace --db` names it.
            routing.source = "document:" + std::to_string(documentId);
            if (const auto stored = store.document(documentId))
                routing.source += " (" + stored->fileName + ")";
            std::vector<std::size_t> pageOffsets;
            for (int p = 0; p < document.pageCount(); ++p)
                pageOffsets.push_back(document.pageOffset(p));
            recorder.emplace(makeRoutingTrace(*engine, tokens, routing), sectionSegments(tokens.offsets, structure),
                pageSegments(tokens.offsets, pageOffsets));
        }
        const DocumentScore score = moescope::scoreDocument(*engine, std::move(tokens), document, structure, options,
            recorder ? &*recorder : nullptr, stop, m_service->progressReporter());
        throwIfStopRequested(stop);
        const auto run = saveDocumentScore(store, documentId, engine->summary().path, options, score);
        if (recorder) {
            // The perplexity run is stored: a routing trace that cannot be saved is reported, not a failed scoring.
            try {
                auto [trace, aggregates] = std::move(*recorder).finish();
                const auto routingRun = saveRoutingRun(store, trace, aggregates, documentId);
                spdlog::info("routing of document {}: {} tokens x {} MoE layers (run {})", documentId,
                    trace.tokenCount(), trace.layerCount(), routingRun);
            } catch (const std::exception& e) {
                spdlog::warn("the routing of document {} could not be stored: {}", documentId, e.what());
            }
        }
        spdlog::info("scored document {} of {}: perplexity {:.3f} over {} tokens (run {})", documentId,
            sessionPath.toStdString(), score.perplexity(), score.scores.scored, run);
        emit documentScored(documentId, run, score.perplexity());
    } catch (const CancelledError&) {
        emit scoringCancelled(documentId);
    } catch (const std::exception& e) {
        spdlog::warn("scoring document {} failed: {}", documentId, e.what());
        emit scoringFailed(documentId, QString::fromStdString(e.what()));
    }
    m_service->reportFinished();
}

} // namespace moescope

#include "scoringrunner.h"

#include "core/error.h"
#include "eval/documentscorer.h"
#include "inferenceservice.h"
#include "runtime/engine.h"
#include "store/sessionstore.h"
#include "tokenizer/tokenizer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

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
        // Routing of the same pass goes to an observer once the routing panel (issue 6) provides one.
        const DocumentScore score = moescope::scoreDocument(
            *engine, *tokenizer, document, structure, options, nullptr, stop, m_service->progressReporter());
        throwIfStopRequested(stop);
        const auto run = saveDocumentScore(store, documentId, engine->summary().path, options, score);
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

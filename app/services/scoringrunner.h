#pragma once
// Scores a session's document with the loaded model (perplexity per token, page and section, most surprising
// passages) and stores the result as a run in the session. A child of InferenceService, so it lives and runs on the
// service's thread; call its slot queued, connect to its value signals from anywhere. Progress and Cancel go through
// the service (requestStarted/progress/requestFinished, cancel()). The session is written only when the run is
// complete, in the store's own transactions: a cancelled or failed run leaves the session as it was. The routing of the
// same pass (MoE models) is recorded and stored as a "routing" run of the document before documentScored is emitted.

#include "eval/perplexity.h"

#include <QObject>
#include <QString>

namespace moescope {

class ForwardObserver;
class InferenceService;

class ScoringRunner : public QObject {
    Q_OBJECT

public:
    explicit ScoringRunner(InferenceService* service);

    // The window the runner uses for a model of contextLength tokens: up to 1024 tokens, half of it as overlap.
    static PerplexityOptions windowFor(int contextLength);

public slots:
    void scoreDocument(const QString& sessionPath, qint64 documentId);

signals:
    void scoringStarted(qint64 documentId);
    // The result is in the session as run runId (kind "perplexity").
    void documentScored(qint64 documentId, qint64 runId, double perplexity);
    void scoringCancelled(qint64 documentId);
    void scoringFailed(qint64 documentId, const QString& message);

private:
    InferenceService* m_service;
};

} // namespace moescope

#pragma once
// The one owner of the loaded model, its KV caches and its device memory. Lives in its own QThread (moveToThread by
// the creator), so GPU work never competes and the GUI thread never runs a tensor operation. Requests arrive as
// queued slot calls (QMetaObject::invokeMethod or queued connections); results leave as value signals. cancel() is the
// one method any thread may call directly: it only requests a stop, which the backend polls between layers/tokens.
// It never touches GUI objects.

#include "core/cancellation.h"
#include "qtmetatypes.h"

#include <QObject>
#include <QString>

#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>

namespace moescope {

class Engine;
class GenerationRunner;
class ScoringRunner;
class Tokenizer;

class InferenceService : public QObject {
    Q_OBJECT

public:
    explicit InferenceService(QObject* parent = nullptr);
    ~InferenceService() override;

    // Thread-safe: asks the running request to stop at its next check.
    void cancel();

    // The runners of the analysis requests (children of this object, so they live on its thread): call their slots
    // queued (QMetaObject::invokeMethod), connect to their signals from any thread.
    ScoringRunner* scoring() const { return m_scoring; }
    GenerationRunner* generation() const { return m_generation; }

    // For requests implemented elsewhere (analysis runners) that execute on this service's thread: the engine, or
    // null when no model is loaded; the model folder's tokenizer, or null when it has none. Call only from this
    // service's thread.
    Engine* engine() const { return m_engine.get(); }
    const Tokenizer* tokenizer() const;
    // A stop token for the request about to run on this thread (fresh after each cancel()).
    std::stop_token beginRequest();
    // Runners announce their requests through these (this thread only): requestStarted, then progress reports
    // throttled to one per 50 ms (plus the last), then requestFinished.
    void reportStarted(const QString& what);
    ProgressCallback progressReporter();
    void reportFinished();

public slots:
    void loadModel(const QString& path, const QString& device, const QString& dtype);
    void unloadModel();

signals:
    // Around every request, for progress bars and busy indicators.
    void requestStarted(const QString& what);
    void requestFinished();
    // done of total units of the current request (layers while loading, tokens while scoring)
    void progress(qint64 done, qint64 total);

    void modelLoading(const QString& path);
    void modelLoaded(const moescope::ModelSummary& summary, const moescope::ModelCapabilities& capabilities);
    void modelLoadFailed(const QString& path, const QString& message);
    void modelUnloaded();
    // Other requests (run by analysis runners on this thread).
    void failed(const QString& what, const QString& message);
    void cancelled(const QString& what);

private:
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Tokenizer> m_tokenizer;
    ScoringRunner* m_scoring;
    GenerationRunner* m_generation;
    std::mutex m_stopMutex;
    std::stop_source m_stop;
};

} // namespace moescope

#pragma once
// The one owner of the loaded model, its KV caches and its device memory. Lives in its own QThread (moveToThread by
// the creator), so GPU work never competes and the GUI thread never runs a tensor operation. Requests arrive as
// queued slot calls (QMetaObject::invokeMethod or queued connections); results leave as value signals. cancel() is the
// one method any thread may call directly: it only requests a stop, which the backend polls between layers/tokens.
// It never touches GUI objects.

#include "qtmetatypes.h"

#include <QObject>
#include <QString>

#include <memory>
#include <mutex>
#include <stop_token>

namespace moescope {

class Engine;

class InferenceService : public QObject {
    Q_OBJECT

public:
    explicit InferenceService(QObject* parent = nullptr);
    ~InferenceService() override;

    // Thread-safe: asks the running request to stop at its next check.
    void cancel();

    // For requests implemented elsewhere (analysis runners) that execute on this service's thread: the engine, or
    // null when no model is loaded. Call only from this service's thread.
    Engine* engine() const { return m_engine.get(); }
    // A stop token for the request about to run on this thread (fresh after each cancel()).
    std::stop_token beginRequest();

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
    void modelLoaded(const moescope::ModelSummary& summary);
    void modelLoadFailed(const QString& path, const QString& message);
    void modelUnloaded();
    // Other requests (run by analysis runners on this thread).
    void failed(const QString& what, const QString& message);
    void cancelled(const QString& what);

private:
    std::unique_ptr<Engine> m_engine;
    std::mutex m_stopMutex;
    std::stop_source m_stop;
};

} // namespace moescope

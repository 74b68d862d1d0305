#include <cstdint>
#include "inferenceservice.h"

#include "core/error.h"
#include "models/modelloader.h"

#include <spdlog/spdlog.h>

namespace moescope {

InferenceService::InferenceService(QObject* parent)
    : QObject(parent)
{
    registerServiceMetaTypes();
}

InferenceService::~InferenceService() = default;

void InferenceService::cancel()
{
    std::lock_guard lock(m_stopMutex);
    m_stop.request_stop();
}

std::stop_token InferenceService::beginRequest()
{
    std::lock_guard lock(m_stopMutex);
    if (m_stop.stop_requested())
        m_stop = std::stop_source();
    return m_stop.get_token();
}

void InferenceService::loadModel(const QString& path, const QString& device, const QString& dtype)
{
    const auto stop = beginRequest();
    emit requestStarted(tr("Loading model %1").arg(path));
    emit modelLoading(path);
    try {
        m_engine.reset(); // free the old model's memory before loading the next
        EngineOptions options;
        options.device = device.toStdString();
        options.dtype = dtype.toStdString();
        m_engine = moescope::loadModel(path.toStdString(), options, stop,
            [this](std::int64_t done, std::int64_t total) { emit progress(done, total); });
        emit modelLoaded(m_engine->summary());
    } catch (const CancelledError&) {
        emit modelLoadFailed(path, tr("cancelled"));
    } catch (const std::exception& e) {
        spdlog::error("loading {} failed: {}", path.toStdString(), e.what());
        emit modelLoadFailed(path, QString::fromStdString(e.what()));
    }
    emit requestFinished();
}

void InferenceService::unloadModel()
{
    m_engine.reset();
    emit modelUnloaded();
}

} // namespace moescope

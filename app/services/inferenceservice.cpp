#include <cstdint>
#include "inferenceservice.h"

#include "core/error.h"
#include "generationrunner.h"
#include "models/modelloader.h"
#include "scoringrunner.h"
#include "tokenizer/tokenizer.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

namespace moescope {

InferenceService::InferenceService(QObject* parent)
    : QObject(parent)
    , m_scoring(new ScoringRunner(this))
    , m_generation(new GenerationRunner(this))
{
    registerServiceMetaTypes();
}

InferenceService::~InferenceService() = default;

const Tokenizer* InferenceService::tokenizer() const
{
    return m_tokenizer.get();
}

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

void InferenceService::reportStarted(const QString& what)
{
    emit requestStarted(what);
}

void InferenceService::reportFinished()
{
    emit requestFinished();
}

ProgressCallback InferenceService::progressReporter()
{
    // Called on this thread only, between layers or windows: a plain clock check keeps the GUI's queue short.
    auto last = std::make_shared<std::chrono::steady_clock::time_point>();
    return [this, last](std::int64_t done, std::int64_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (done < total && now - *last < std::chrono::milliseconds(50))
            return;
        *last = now;
        emit progress(done, total);
    };
}

void InferenceService::loadModel(const QString& path, const QString& device, const QString& dtype)
{
    const auto stop = beginRequest();
    reportStarted(tr("Loading model %1").arg(path));
    emit modelLoading(path);
    try {
        m_engine.reset(); // free the old model's memory before loading the next
        m_tokenizer.reset();
        EngineOptions options;
        options.device = device.toStdString();
        options.dtype = dtype.toStdString();
        m_engine = moescope::loadModel(path.toStdString(), options, stop, progressReporter());
        ModelCapabilities capabilities;
        try {
            m_tokenizer = std::make_unique<Tokenizer>(Tokenizer::fromFile(path.toStdString()));
            capabilities.hasTokenizer = true;
            capabilities.hasChatTemplate = m_tokenizer->hasChatTemplate();
            if (m_tokenizer->vocabSize() > m_engine->summary().vocabSize)
                throw FormatError("the tokenizer has " + std::to_string(m_tokenizer->vocabSize())
                    + " tokens but the model's vocabulary has " + std::to_string(m_engine->summary().vocabSize));
        } catch (const Error& e) {
            // The model still loads (routing and quantization work on token ids), but cannot read text.
            m_tokenizer.reset();
            capabilities = {};
            capabilities.tokenizerError = QString::fromStdString(e.what());
            spdlog::warn("{}: no usable tokenizer: {}", path.toStdString(), e.what());
        }
        emit modelLoaded(m_engine->summary(), capabilities);
    } catch (const CancelledError&) {
        m_engine.reset();
        emit modelLoadFailed(path, tr("cancelled"));
    } catch (const std::exception& e) {
        m_engine.reset();
        spdlog::error("loading {} failed: {}", path.toStdString(), e.what());
        emit modelLoadFailed(path, QString::fromStdString(e.what()));
    }
    reportFinished();
}

void InferenceService::unloadModel()
{
    m_engine.reset();
    m_tokenizer.reset();
    emit modelUnloaded();
}

} // namespace moescope

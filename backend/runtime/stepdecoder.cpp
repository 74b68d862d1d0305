#include "runtime/stepdecoder.h"

#include "core/error.h"
#include "nn/moeblock.h"
#include "nn/transformer.h"
#include "runtime/forwardobserver.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string_view>

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace moescope {

struct StepDecoder::Recording {
#ifdef MOESCOPE_HAVE_CUDA_KERNELS
    at::cuda::CUDAGraph graph;
#endif
    Outputs outputs;
};

namespace {
    std::int64_t roundUp(std::int64_t n, std::int64_t step) { return (n + step - 1) / step * step; }
} // namespace

StepDecoder::StepDecoder(const Transformer& model, KvCache& cache, std::int64_t maxLength, bool useGraphs,
    ForwardObserver* observer)
    : m_model(model)
    , m_cache(cache)
    , m_maxLength(maxLength)
    , m_observer(observer)
{
    if (cache.length() < 1)
        throw InvalidArgumentError("step decoding continues a prefilled sequence; the cache is empty");
    if (maxLength <= cache.length())
        throw InvalidArgumentError("step decoding needs room for new tokens: the sequence holds "
            + std::to_string(cache.length()) + " of at most " + std::to_string(maxLength));
    m_capacity = roundUp(maxLength, kSpanStep);
    m_cache.growTo(m_capacity);
    const auto device = model.options().device();
    // Float32 expert banks on CUDA read their group sizes on the host, so their steps cannot be recorded: do not try.
    m_useGraphs = useGraphs && graphsAvailable(device) && model.options().dtype() != at::kFloat;
    const auto& layers = model.spec().layers;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        if (!layers[i].moe)
            continue;
        const int layer = static_cast<int>(i);
        m_moeLayers.push_back(layer);
        m_wantsRouting = m_wantsRouting || (observer && observer->wantsRouting(layer));
        m_wantsRouterLogits = m_wantsRouterLogits || (observer && observer->wantsRouterLogits(layer));
    }
    const auto longs = at::TensorOptions(at::kLong).device(device);
    m_token = at::zeros({ 1 }, longs);
    m_position = at::full({ 1 }, cache.length(), longs);
}

StepDecoder::~StepDecoder() = default;

bool StepDecoder::graphsAvailable(const at::Device& device)
{
#ifdef MOESCOPE_HAVE_CUDA_KERNELS
    // MOESCOPE_CUDA_GRAPHS=0 turns them off (to compare with, or to rule them out when something looks wrong).
    const char* env = std::getenv("MOESCOPE_CUDA_GRAPHS");
    return device.is_cuda() && !(env && std::string_view(env) == "0");
#else
    (void)device;
    return false;
#endif
}

std::int64_t StepDecoder::spanFor(std::int64_t position) const
{
    return std::min(roundUp(position + 1, kSpanStep), m_capacity);
}

at::Tensor StepDecoder::step(std::int64_t token)
{
    const auto position = m_cache.length();
    if (position >= m_maxLength)
        throw InvalidArgumentError("step decoding reached its maximum length of " + std::to_string(m_maxLength));
    m_token.fill_(token);
    m_position.fill_(position);
    const auto span = spanFor(position);
    Outputs direct;
    const Outputs* out = m_useGraphs ? replay(span) : nullptr;
    if (!out) {
        direct = runStep(span);
        out = &direct;
    }
    m_cache.advance(1);
    if (m_wantsRouting)
        reportStepRouting(*out, position);
    return out->logits;
}

void StepDecoder::prepare()
{
    if (!m_useGraphs)
        return;
    for (auto span = spanFor(m_cache.length()); span <= m_capacity && m_useGraphs; span += kSpanStep)
        if (!m_recordings.contains(span))
            replay(span); // records (or turns graphs off); the replay writes this position's entry, which the step rewrites
}

StepDecoder::Outputs StepDecoder::runStep(std::int64_t span)
{
    std::vector<RoutingDecision> decisions;
    const auto hidden = m_model.forwardStep(m_token, m_position, m_cache, span, m_wantsRouting ? &decisions : nullptr);
    Outputs out;
    out.logits = m_model.logits(hidden); // [1, vocab]
    if (m_wantsRouting && !decisions.empty()) {
        std::vector<at::Tensor> ids, weights, logits;
        for (const auto& d : decisions) {
            ids.push_back(d.ids);
            weights.push_back(d.weights.to(at::kFloat));
            if (m_wantsRouterLogits)
                logits.push_back(d.logits);
        }
        out.routing = at::cat({ at::stack(ids).to(at::kInt).view(at::kFloat), at::stack(weights) }, -1); // [L, 1, 2k]
        if (m_wantsRouterLogits)
            out.routerLogits = at::stack(logits).to(at::kFloat); // [L, 1, E]
    }
    return out;
}

const StepDecoder::Outputs* StepDecoder::replay(std::int64_t span)
{
    auto it = m_recordings.find(span);
    if (it == m_recordings.end()) {
        try {
            it = m_recordings.emplace(span, record(span)).first;
        } catch (const std::exception& e) {
            // A model whose step cannot be recorded (an operation that synchronises with the host) still decodes.
            spdlog::warn("decoding without CUDA graphs: recording a step failed: {}", e.what());
            m_useGraphs = false;
            m_recordings.clear();
            return nullptr;
        }
    }
#ifdef MOESCOPE_HAVE_CUDA_KERNELS
    it->second->graph.replay();
#endif
    return &it->second->outputs;
}

std::unique_ptr<StepDecoder::Recording> StepDecoder::record(std::int64_t span)
{
#ifdef MOESCOPE_HAVE_CUDA_KERNELS
    auto recording = std::make_unique<Recording>();
    const auto device = m_model.options().device();
    auto stream = c10::cuda::getStreamFromPool(false, device.index());
    c10::cuda::device_synchronize(); // the recording stream must see the prefill and this step's inputs
    {
        c10::cuda::CUDAStreamGuard onStream(stream);
        // Warm up on the recording stream: lazy initialisation (cuBLAS handles and workspaces, kernel choices) must
        // not happen inside the recording. Each run writes this position's cache entry, as the real step will again.
        runStep(span);
        runStep(span);
        stream.synchronize();
        recording->graph.capture_begin({ 0, 0 }, cudaStreamCaptureModeThreadLocal);
        try {
            recording->outputs = runStep(span);
        } catch (...) {
            try {
                recording->graph.capture_end(); // leaves capture mode; throws for the invalidated recording
            } catch (...) {
            }
            (void)cudaGetLastError();
            throw;
        }
        recording->graph.capture_end();
    }
    c10::cuda::device_synchronize();
    spdlog::debug("recorded the decode step over {} cache positions as a CUDA graph", span);
    return recording;
#else
    (void)span;
    throw UnsupportedError("this build records no CUDA graphs");
#endif
}

void StepDecoder::reportStepRouting(const Outputs& out, std::int64_t position)
{
    if (!out.routing.defined())
        return;
    const auto routing = out.routing.to(at::kCPU).contiguous(); // [L, 1, 2k]; synchronises once per step
    const auto logits = out.routerLogits.defined() ? out.routerLogits.to(at::kCPU).contiguous() : at::Tensor();
    const auto k = static_cast<int>(routing.size(2) / 2);
    const auto experts = m_model.spec().moe.router.numExperts;
    for (std::size_t i = 0; i < m_moeLayers.size(); ++i) {
        const int layer = m_moeLayers[i];
        if (!m_observer->wantsRouting(layer))
            continue;
        // Raw pointers, not per-layer tensor views: the host work per step stays a few microseconds.
        const float* row = routing.data_ptr<float>() + static_cast<std::int64_t>(i) * 2 * k;
        const bool withLogits = logits.defined() && m_observer->wantsRouterLogits(layer);
        moescope::emitRouting(*m_observer, layer, position, 1, k, reinterpret_cast<const std::int32_t*>(row), row + k,
            withLogits ? logits.data_ptr<float>() + static_cast<std::int64_t>(i) * experts : nullptr, experts);
    }
}

} // namespace moescope

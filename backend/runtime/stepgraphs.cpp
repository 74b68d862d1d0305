#include "runtime/stepgraphs.h"

#include "core/envswitch.h"
#include "core/error.h"

#include <spdlog/spdlog.h>

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace moescope {

struct StepGraphs::Graph {
#ifdef MOESCOPE_HAVE_CUDA_KERNELS
    at::cuda::CUDAGraph graph;
#endif
};

StepGraphs::StepGraphs(const at::Device& device, bool wanted)
    : m_device(device)
    , m_wanted(wanted)
    , m_enabled(wanted && available(device))
{
}

void StepGraphs::clear()
{
    m_graphs.clear();
    m_enabled = m_wanted && available(m_device);
}

StepGraphs::~StepGraphs() = default;

bool StepGraphs::available(const at::Device& device)
{
#ifdef MOESCOPE_HAVE_CUDA_KERNELS
    // MOESCOPE_CUDA_GRAPHS=0 turns them off (to compare with, or to rule them out when something looks wrong).
    return device.is_cuda() && !switchedOffByEnvironment("MOESCOPE_CUDA_GRAPHS");
#else
    (void)device;
    return false;
#endif
}

bool StepGraphs::replay(std::int64_t key, const std::function<void()>& step, const std::function<void()>& setInputs)
{
    if (!m_enabled)
        return false;
    auto it = m_graphs.find(key);
    if (it == m_graphs.end()) {
        auto graph = std::make_unique<Graph>();
        try {
            record(*graph, step, setInputs);
        } catch (const std::exception& e) {
            // A model whose step cannot be recorded (an operation that synchronises with the host) still decodes.
            spdlog::warn("decoding without CUDA graphs: recording a step failed: {}", e.what());
            m_enabled = false;
            m_graphs.clear();
            return false;
        }
        it = m_graphs.emplace(key, std::move(graph)).first;
        spdlog::debug("recorded a decode step (cache span {}) as a CUDA graph", key);
        if (setInputs)
            setInputs(); // the warm-up runs may have rewritten them
    }
#ifdef MOESCOPE_HAVE_CUDA_KERNELS
    it->second->graph.replay();
#endif
    return true;
}

void StepGraphs::record(Graph& graph, const std::function<void()>& step, const std::function<void()>& setInputs)
{
#ifdef MOESCOPE_HAVE_CUDA_KERNELS
    auto stream = c10::cuda::getStreamFromPool(false, m_device.index());
    c10::cuda::device_synchronize(); // the recording stream must see the prefill and this step's inputs
    {
        c10::cuda::CUDAStreamGuard onStream(stream);
        // Warm up on the recording stream: cuBLAS handles and workspaces, kernel choices.
        for (int run = 0; run < 2; ++run) {
            if (setInputs)
                setInputs();
            step();
        }
        stream.synchronize();
        graph.graph.capture_begin({ 0, 0 }, cudaStreamCaptureModeThreadLocal);
        try {
            step();
        } catch (...) {
            try {
                graph.graph.capture_end(); // leaves capture mode; throws for the invalidated recording
            } catch (...) {
            }
            (void)cudaGetLastError();
            throw;
        }
        graph.graph.capture_end();
    }
    c10::cuda::device_synchronize();
#else
    (void)graph;
    (void)step;
    (void)setInputs;
    throw UnsupportedError("this build records no CUDA graphs");
#endif
}

} // namespace moescope

#pragma once
// CUDA graphs of decode steps, one per key (the span of cache positions a step reads): the first time a key comes up
// its step is recorded, later ones replay it, so a step costs one launch instead of a thousand-odd issued from the
// host. The step must keep its inputs and outputs at fixed device addresses. Where graphs are not available (CPU, a
// build without CUDA support, MOESCOPE_CUDA_GRAPHS=0) or a recording fails (an operation that synchronises with
// the host), the caller runs its steps directly.

#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

namespace moescope {

class StepGraphs {
public:
    // wanted: record graphs where available.
    StepGraphs(const at::Device& device, bool wanted);
    ~StepGraphs();
    StepGraphs(const StepGraphs&) = delete;
    StepGraphs& operator=(const StepGraphs&) = delete;

    // Whether this build and device can record CUDA graphs.
    static bool available(const at::Device& device);
    // False when unavailable, not wanted, or after a recording failed.
    bool enabled() const { return m_enabled; }
    bool has(std::int64_t key) const { return m_graphs.contains(key); }
    // Drops every recording (their inputs or outputs are about to move) and enables graphs again where wanted.
    void clear();
    // Replays the graph of `key`, recording `step` first: it runs twice to warm up (lazy initialisation must not
    // happen inside the recording), then once recorded, so its outputs are those of the recorded run. Returns false,
    // and turns graphs off from then on, when graphs are off or the recording fails.
    bool replay(std::int64_t key, const std::function<void()>& step);

private:
    struct Graph;
    void record(Graph& graph, const std::function<void()>& step);

    at::Device m_device;
    bool m_wanted = false;
    bool m_enabled = false;
    std::map<std::int64_t, std::unique_ptr<Graph>> m_graphs;
};

} // namespace moescope

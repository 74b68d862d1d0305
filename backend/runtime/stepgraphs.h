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
    // and turns graphs off from then on, when graphs are off or the recording fails. setInputs (optional), for a
    // step that rewrites its own inputs (greedy decoding leaves the next token there): run before each warm-up run
    // and before the replay that follows a recording, so that every run starts from the same inputs.
    bool replay(std::int64_t key, const std::function<void()>& step, const std::function<void()>& setInputs = {});

private:
    struct Graph;
    void record(Graph& graph, const std::function<void()>& step, const std::function<void()>& setInputs);

    at::Device m_device;
    bool m_wanted = false;
    bool m_enabled = false;
    std::map<std::int64_t, std::unique_ptr<Graph>> m_graphs;
};

// A model's decode steps with the outputs each recorded graph writes: run(key, step) replays key's graph (recording
// it first) and returns the outputs it writes, or runs the step directly where graphs are off. The outputs stay valid
// until the next run.
template <typename Outputs> class RecordedSteps {
public:
    // modelOptions: the model's device and compute dtype. Float32 expert banks on CUDA read their group sizes on the
    // host, so their steps cannot be recorded: not tried.
    RecordedSteps(const at::TensorOptions& modelOptions, bool wanted)
        : m_graphs(modelOptions.device(), wanted && modelOptions.dtype() != at::kFloat)
    {
    }

    // setInputs: as StepGraphs::replay's.
    const Outputs& run(
        std::int64_t key, const std::function<Outputs()>& step, const std::function<void()>& setInputs = {})
    {
        if (m_graphs.replay(key, [&] { m_recorded[key] = step(); }, setInputs))
            return m_recorded.at(key);
        m_recorded.clear();
        if (setInputs)
            setInputs(); // a failed recording's warm-up runs may have rewritten them
        m_direct = step();
        return m_direct;
    }
    bool enabled() const { return m_graphs.enabled(); }
    bool has(std::int64_t key) const { return m_graphs.has(key); }
    // Before the step's inputs or outputs move (a new cache): drops every recording.
    void clear()
    {
        m_graphs.clear();
        m_recorded.clear();
    }

private:
    StepGraphs m_graphs;
    std::map<std::int64_t, Outputs> m_recorded; // the outputs each key's graph writes
    Outputs m_direct;
};

} // namespace moescope

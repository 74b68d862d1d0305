#pragma once
// Batched generation with continuous batching: up to `slots` sequences decode together, one batched step (the next
// token of each) at a time, so the weights a step reads (the experts its tokens chose, the dense projections) serve
// every sequence at once. Requests are prefilled one by one as slots free up: a finished sequence's slot takes the
// next waiting request while the others go on. Each request keeps its own sampling options and stop tokens, and gets
// what Engine::generate would give it alone (same tokens for greedy decoding, up to the float rounding of batched
// products). On CUDA a step replays a CUDA graph recorded per span of cache positions (StepGraphs).

#include "runtime/engine.h"
#include "runtime/stepgraphs.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <stop_token>
#include <vector>

namespace moescope {

class KvCache;
class SlotKvCache;
class Transformer;

class BatchGenerator {
public:
    static constexpr std::int64_t kSpanStep = 256;

    // Runs a prompt through the model into an empty cache; returns the last position's hidden state [1, hidden].
    using Prefill = std::function<at::Tensor(std::span<const std::int32_t> prompt, KvCache& cache)>;
    // A new token of request `index`.
    using OnToken = std::function<void(std::size_t index, std::int32_t token)>;
    // Request `index` is complete (its stop token or budget reached).
    using OnFinished = std::function<void(std::size_t index)>;

    // slots >= 1 sequences decode together; useGraphs: record CUDA graphs where available.
    BatchGenerator(const Transformer& model, std::int64_t slots, bool useGraphs);
    ~BatchGenerator();
    BatchGenerator(const BatchGenerator&) = delete;
    BatchGenerator& operator=(const BatchGenerator&) = delete;

    // Generates every request (results in the same order). defaultStops: the stop tokens of requests that name
    // none. A stop request ends the unfinished ones with stopReason "cancelled".
    std::vector<GenerationResult> run(std::span<const GenerationRequest> requests, const Prefill& prefill,
        const std::vector<std::int32_t>& defaultStops, const OnToken& onToken = {}, std::stop_token stop = {},
        const OnFinished& onFinished = {});

    // After run(): batched steps taken, the tokens they produced, and each step's milliseconds (prefills excluded;
    // a step that recorded its CUDA graph included).
    std::int64_t steps() const { return static_cast<std::int64_t>(m_stepMs.size()); }
    std::int64_t steppedTokens() const { return m_steppedTokens; }
    const std::vector<double>& stepMilliseconds() const { return m_stepMs; }
    bool replaying() const { return m_steps.enabled(); }

private:
    // Logits [slots, vocab] float32 of one batched step over `span` cache positions (a graph replay where possible).
    at::Tensor step(SlotKvCache& cache, std::int64_t span);

    const Transformer& m_model;
    std::int64_t m_slots = 0;
    RecordedSteps<at::Tensor> m_steps; // logits, by span
    at::Tensor m_ids; // [slots] int64 on the device: the step's inputs, at fixed addresses for the graphs
    at::Tensor m_positions; // [slots] int64 on the device
    std::int64_t m_steppedTokens = 0;
    std::vector<double> m_stepMs;
};

} // namespace moescope

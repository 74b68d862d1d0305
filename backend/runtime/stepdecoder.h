#pragma once
// Batch-1 decode of one sequence whose every step keeps its inputs (token, position) and outputs at fixed device
// addresses, so that on CUDA a step is one replay of a recorded CUDA graph instead of a thousand-odd kernel launches
// issued one by one from the host (the eager step is bound by that launch overhead: ~50 ms per OLMoE token on an
// H200 whose kernels need a few). Steps attend over the cache in spans of kSpanStep positions (later keys masked),
// one graph per span, recorded the first time the sequence reaches it or ahead of time with prepare(). Where graphs
// are not available (CPU, a build without CUDA support, or a recording that failed) the same steps run directly.
// Routing, when the observer asks for it, is recorded with the step and copied off the device once per step.
// Greedy decoding (constructed with greedy) chooses each step's next token at the end of the step itself, on the
// device, where the next step reads it: stepGreedy() then costs one replay and one read of the token.

#include "nn/router.h"
#include "runtime/stepgraphs.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace moescope {

class ForwardObserver;
class KvCache;
class Transformer;

class StepDecoder {
public:
    static constexpr std::int64_t kSpanStep = 256;

    // cache holds the sequence so far (at least one token: the prompt is prefilled before); maxLength bounds the
    // sequence, and the cache grows to it (rounded up to a span) now, before any graph refers to its storage.
    // useGraphs: record CUDA graphs where available. observer (optional) receives each step's routing.
    // greedy: steps also choose the greedy next token (stepGreedy; MOESCOPE_GREEDY_STEP=0 turns it off).
    StepDecoder(const Transformer& model, KvCache& cache, std::int64_t maxLength, bool useGraphs,
        ForwardObserver* observer = nullptr, bool greedy = false);
    ~StepDecoder();
    StepDecoder(const StepDecoder&) = delete;
    StepDecoder& operator=(const StepDecoder&) = delete;

    // Whether this build and device can record CUDA graphs.
    static bool graphsAvailable(const at::Device& device);

    // Runs the model on `token` at position cache.length() and advances the cache. Returns the logits [1, vocab]
    // float32 on the model's device, valid until the next step.
    at::Tensor step(std::int64_t token);
    // Whether steps choose the greedy next token (constructed with greedy, and not switched off).
    bool choosesGreedily() const { return m_greedy; }
    // step(token), then the step's greedy choice: at::argmax of its logits, chosen on the device. Where token is the
    // previous stepGreedy's choice, the step reads it (and its position) where that step left them: no host write
    // before the replay. Synchronises once (to read the choice). Only where choosesGreedily().
    std::int64_t stepGreedy(std::int64_t token);
    // Records the graphs of every span the sequence can still reach (so that no recording happens while steps are
    // being timed). A no-op without graphs.
    void prepare();
    // Whether steps replay CUDA graphs (false before the first recording if it fails, and without graph support).
    bool replaying() const { return m_steps.enabled(); }

private:
    struct Outputs {
        at::Tensor logits; // [1, vocab] float32 (greedy steps: the model's dtype)
        // [moe layers, 1, 2k] float32 (routing wanted): the expert ids as int32 bit patterns, then the weights; one
        // buffer, so that one copy per step brings the routing to the host
        at::Tensor routing;
        at::Tensor routerLogits; // [moe layers, 1, E] float32 (router logits wanted)
    };
    std::int64_t spanFor(std::int64_t position) const;
    const Outputs& replayStep(std::int64_t token, std::int64_t position, bool inputsInPlace);
    void setInputs(std::int64_t token, std::int64_t position);
    Outputs runStep(std::int64_t span);
    void reportStepRouting(const Outputs& out, std::int64_t position);

    const Transformer& m_model;
    KvCache& m_cache;
    std::int64_t m_maxLength = 0;
    std::int64_t m_capacity = 0; // cache positions, a multiple of kSpanStep
    RecordedSteps<Outputs> m_steps; // by span
    ForwardObserver* m_observer = nullptr;
    std::vector<int> m_moeLayers; // decoder-layer index of each MoE layer, in order
    bool m_wantsRouting = false;
    bool m_wantsRouterLogits = false;
    bool m_greedy = false;
    at::Tensor m_inputs; // [2] int64 on the device: the step's token and position (a greedy step advances both)
    at::Tensor m_token; // [1] view of m_inputs
    at::Tensor m_position; // [1] view of m_inputs
    std::optional<std::int64_t> m_chosen; // the last stepGreedy's choice, while m_inputs hold it
};

} // namespace moescope

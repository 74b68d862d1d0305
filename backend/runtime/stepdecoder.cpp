#include "runtime/stepdecoder.h"

#include "core/envswitch.h"
#include "core/error.h"
#include "nn/fuseddecode.h"
#include "nn/moeblock.h"
#include "nn/transformer.h"
#include "runtime/forwardobserver.h"

namespace moescope {

namespace {
    std::int64_t roundUp(std::int64_t n, std::int64_t step) { return (n + step - 1) / step * step; }

    // inputs [2] = (token, position) -> (argmax of logits [1, vocab], position + 1), on the device.
    void chooseGreedyNext(const at::Tensor& logits, at::Tensor& inputs)
    {
        if (fusedGreedyNextApplies(logits, inputs))
            return fusedGreedyNext(logits, inputs);
        inputs.narrow(0, 0, 1).copy_(logits.argmax(-1).reshape({ 1 }));
        inputs.narrow(0, 1, 1).add_(1);
    }
} // namespace

StepDecoder::StepDecoder(const Transformer& model, KvCache& cache, std::int64_t maxLength, bool useGraphs,
    ForwardObserver* observer, bool greedy)
    : m_model(model)
    , m_cache(cache)
    , m_maxLength(maxLength)
    , m_steps(model.options(), useGraphs)
    , m_observer(observer)
    , m_greedy(greedy && !switchedOffByEnvironment("MOESCOPE_GREEDY_STEP"))
{
    if (cache.length() < 1)
        throw InvalidArgumentError("step decoding continues a prefilled sequence; the cache is empty");
    if (maxLength <= cache.length())
        throw InvalidArgumentError("step decoding needs room for new tokens: the sequence holds "
            + std::to_string(cache.length()) + " of at most " + std::to_string(maxLength));
    m_capacity = roundUp(maxLength, kSpanStep);
    m_cache.growTo(m_capacity);
    const auto device = model.options().device();
    const auto& layers = model.spec().layers;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        if (!layers[i].moe)
            continue;
        const int layer = static_cast<int>(i);
        m_moeLayers.push_back(layer);
        m_wantsRouting = m_wantsRouting || (observer && observer->wantsRouting(layer));
        m_wantsRouterLogits = m_wantsRouterLogits || (observer && observer->wantsRouterLogits(layer));
    }
    m_inputs = at::tensor({ std::int64_t { 0 }, cache.length() }, at::TensorOptions(at::kLong)).to(device);
    m_token = m_inputs.narrow(0, 0, 1);
    m_position = m_inputs.narrow(0, 1, 1);
}

StepDecoder::~StepDecoder() = default;

bool StepDecoder::graphsAvailable(const at::Device& device) { return StepGraphs::available(device); }

std::int64_t StepDecoder::spanFor(std::int64_t position) const
{
    return std::min(roundUp(position + 1, kSpanStep), m_capacity);
}

at::Tensor StepDecoder::step(std::int64_t token)
{
    m_chosen.reset();
    return replayStep(token, m_cache.length(), false).logits.to(at::kFloat);
}

std::int64_t StepDecoder::stepGreedy(std::int64_t token)
{
    if (!m_greedy)
        throw InvalidArgumentError("this step decoder does not choose greedy tokens");
    replayStep(token, m_cache.length(), m_chosen == token);
    m_chosen = m_token.item<std::int64_t>(); // the step's choice, written over its input token
    return *m_chosen;
}

void StepDecoder::setInputs(std::int64_t token, std::int64_t position)
{
    m_token.fill_(token);
    m_position.fill_(position);
}

const StepDecoder::Outputs& StepDecoder::replayStep(std::int64_t token, std::int64_t position, bool inputsInPlace)
{
    if (position >= m_maxLength)
        throw InvalidArgumentError("step decoding reached its maximum length of " + std::to_string(m_maxLength));
    if (!inputsInPlace)
        setInputs(token, position);
    const auto span = spanFor(position);
    const auto& out = m_steps.run(span, [&] { return runStep(span); }, [&] { setInputs(token, position); });
    m_cache.advance(1);
    if (m_wantsRouting)
        reportStepRouting(out, position);
    return out;
}

void StepDecoder::prepare()
{
    // Each recording (or, where it fails, the direct run) writes this position's entry, which the step rewrites.
    m_chosen.reset(); // the recordings' runs rewrite the inputs
    const auto position = m_cache.length();
    for (auto span = spanFor(position); span <= m_capacity && m_steps.enabled(); span += kSpanStep)
        if (!m_steps.has(span))
            m_steps.run(span, [&] { return runStep(span); }, [&] { setInputs(0, position); });
}

StepDecoder::Outputs StepDecoder::runStep(std::int64_t span)
{
    std::vector<RoutingDecision> decisions;
    const auto hidden = m_model.forwardStep(m_token, m_position, m_cache, span, m_wantsRouting ? &decisions : nullptr);
    Outputs out;
    // A greedy step needs only the choice: the head's product as it comes (step() makes the float32 copy, where
    // asked), one kernel fewer in every step.
    out.logits = m_greedy ? m_model.headLogits(hidden) : m_model.logits(hidden); // [1, vocab]
    if (m_greedy)
        chooseGreedyNext(out.logits, m_inputs); // the next step's inputs
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

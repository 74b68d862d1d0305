#include <cstdint>
#include "nn/moeblock.h"

#include "nn/fuseddecode.h"
#include "nn/weightsource.h"
#include "runtime/forwardobserver.h"

namespace moescope {

MoeBlock::MoeBlock(const ModelSpec& spec, const std::string& mlpPrefix, WeightSource& w)
    : m_spec(spec.moe)
    , m_router(spec.moe.router, mlpPrefix + "gate.", spec.hiddenSize, w)
{
    m_experts = w.loadExperts(mlpPrefix, spec.naming, m_spec.router.numExperts, spec.hiddenSize,
        m_spec.expertIntermediate);
    if (m_spec.sharedIntermediate > 0)
        m_shared = DenseMlp(mlpPrefix + spec.naming.sharedModule + ".", spec.hiddenSize, m_spec.sharedIntermediate, w);
    if (m_spec.sharedExpertGate)
        m_sharedGate = w.load(mlpPrefix + spec.naming.sharedGate + ".weight", { 1, spec.hiddenSize });
}

std::pair<at::Tensor, MoeOutput> MoeBlock::forwardAfterAdd(const at::Tensor& residual, const at::Tensor& delta,
    const at::Tensor& normWeight, double eps, int layer, std::int64_t firstPosition, ForwardObserver* observer,
    RoutingDecision* decision) const
{
    RoutingDecision d;
    auto [sum, x] = m_router.addNormAndRoute(residual, delta, normWeight, eps, d); // x: the norm, the experts' input
    if (observer && observer->wantsRouting(layer))
        reportRouting(*observer, layer, firstPosition, d);
    MoeOutput out;
    at::Tensor shared; // the shared experts' output, made beside the routed experts in a decode step on CUDA
    if (slotSumsFitNorm(x)) { // a decode step: the next norm's kernel forms the weighted sum (one kernel fewer)
        if (!m_shared.isNull() && fusedDecodeBranchApplies(x)) {
            DecodeBranch beside(x);
            shared = beside.run([&] { return sharedOutput(x); });
            out.slots.y = m_experts->decodeSlotOutputs(x, d.ids);
            beside.join();
        } else {
            out.slots.y = m_experts->decodeSlotOutputs(x, d.ids);
        }
    }
    if (!m_shared.isNull() && !shared.defined())
        shared = sharedOutput(x);
    if (out.slots.defined()) {
        out.slots.ids = d.ids;
        out.slots.weights = d.weights; // float32, rounded as the kernel reads them: no conversion kernel
        out.slots.roundWeightsToBf16 = m_spec.router.weightsInModelDtype;
        out.slots.shared = shared;
    } else {
        const auto& scale = m_spec.router.weightsInModelDtype ? d.weights.to(x.scalar_type()) : d.weights;
        out.combined = m_experts->forward(x, d.ids, scale); // [T, hidden]
        if (shared.defined())
            out.combined = out.combined + shared;
    }
    if (decision)
        *decision = std::move(d);
    return { std::move(sum), std::move(out) };
}

at::Tensor MoeBlock::sharedOutput(const at::Tensor& x) const
{
    auto shared = m_shared(x); // [T, hidden]
    if (m_sharedGate.defined())
        shared = at::sigmoid(at::linear(x, m_sharedGate)) * shared; // [T, 1] * [T, hidden]
    return shared;
}

at::Tensor MoeOutput::combinedOrSum() const
{
    return combined.defined() ? combined : fusedCombineSlots(slots);
}

std::int64_t MoeBlock::weightBytes() const
{
    std::int64_t n = m_router.weightBytes() + m_experts->weightBytes() + m_shared.weightBytes();
    return n + (m_sharedGate.defined() ? m_sharedGate.nbytes() : 0);
}

void reportRouting(ForwardObserver& observer, int layer, std::int64_t firstPosition, const RoutingDecision& d)
{
    at::Tensor logits;
    if (observer.wantsRouterLogits(layer))
        logits = d.logits.to(at::kCPU, at::kFloat).contiguous(); // [T, E]
    const auto ids = d.ids.to(at::kCPU, at::kInt).contiguous(); // [T, k]
    const auto weights = d.weights.to(at::kCPU, at::kFloat).contiguous(); // [T, k]
    emitRouting(observer, layer, firstPosition, ids.size(0), static_cast<int>(ids.size(1)),
        ids.data_ptr<std::int32_t>(), weights.data_ptr<float>(), logits.defined() ? logits.data_ptr<float>() : nullptr,
        d.logits.size(1));
}

void emitRouting(ForwardObserver& observer, int layer, std::int64_t firstPosition, std::int64_t tokens, int k,
    const std::int32_t* ids, const float* weights, const float* logits, std::int64_t numExperts)
{
    RoutingEvent event;
    event.layer = layer;
    event.firstPosition = firstPosition;
    event.tokens = tokens;
    event.k = k;
    event.numExperts = static_cast<int>(numExperts);
    event.expertIds = ids;
    event.weights = weights;
    event.routerLogits = logits;
    observer.onRouting(event);
}

} // namespace moescope

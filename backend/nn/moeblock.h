#pragma once
// The one MoE feed-forward block every family maps onto: router -> routed experts (+ shared experts, optionally gated
// by a sigmoid as in Qwen2-MoE). Reports its routing decision to the observer when asked.

#include <cstdint>
#include "nn/densemlp.h"
#include "nn/expertbank.h"
#include "nn/fuseddecode.h"
#include "nn/modelspec.h"
#include "nn/router.h"

#include <memory>
#include <string>

namespace moescope {

class ForwardObserver;
class WeightSource;

// What the block adds to the residual stream: its output [T, hidden], or (a decode step on CUDA whose experts' kernels
// give slot outputs and whose sum a norm kernel can form, nn/fuseddecode.h) the slot outputs, left for the next norm
// to add in its own pass; `combined` is undefined then. combinedOrSum() gives the output either way.
struct MoeOutput {
    at::Tensor combined; // [T, hidden]
    ExpertSlotOutputs slots;

    at::Tensor combinedOrSum() const;
};

class MoeBlock {
public:
    MoeBlock(const ModelSpec& spec, const std::string& mlpPrefix, WeightSource& weights);

    // The block on rmsNorm(x + delta) (x, delta [T, hidden]; normWeight [hidden]): returns x + delta and the block's
    // output; on a decode step the add, the norm and the router's logits take one kernel. decision (optional)
    // receives the router's output, e.g. for training losses.
    std::pair<at::Tensor, MoeOutput> forwardAfterAdd(const at::Tensor& x, const at::Tensor& delta,
        const at::Tensor& normWeight, double eps, int layer, std::int64_t firstPosition, ForwardObserver* observer,
        RoutingDecision* decision = nullptr) const;

    std::int64_t weightBytes() const;
    std::int64_t routedExpertBytes() const { return m_experts->weightBytes(); }
    Router& router() { return m_router; }
    const ExpertBank& experts() const { return *m_experts; }
    void setExperts(std::unique_ptr<ExpertBank> experts) { m_experts = std::move(experts); }

private:
    at::Tensor sharedOutput(const at::Tensor& x) const; // the shared experts' output [T, hidden] (they exist)

    MoeSpec m_spec;
    Router m_router;
    std::unique_ptr<ExpertBank> m_experts;
    DenseMlp m_shared;
    at::Tensor m_sharedGate; // [1, hidden] (Qwen2-MoE) or undefined
};

// Copies the decision off the device and hands it to the observer (only when the observer asked for this layer).
void reportRouting(ForwardObserver& observer, int layer, std::int64_t firstPosition, const RoutingDecision& decision);
// Hands one layer's routing, already in host memory, to the observer: ids [T, k], weights [T, k], logits [T, E] or
// null; row-major.
void emitRouting(ForwardObserver& observer, int layer, std::int64_t firstPosition, std::int64_t tokens, int k,
    const std::int32_t* ids, const float* weights, const float* logits, std::int64_t numExperts);

} // namespace moescope

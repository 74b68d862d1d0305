#pragma once
// Hooks into a forward pass (llama.cpp imatrix's "ask, then copy"): the runtime asks wantsRouting(layer) first and
// only then copies that layer's expert choice off the device, so an observer that wants nothing costs nothing.
// Called on the thread that runs the forward pass; the pointers are valid only during the call.

#include <cstdint>

namespace moescope {

struct RoutingEvent {
    int layer = 0; // decoder layer index
    std::int64_t firstPosition = 0; // sequence position of the first token in this event
    std::int64_t tokens = 0;
    int k = 0; // experts per token
    int numExperts = 0;
    const std::int32_t* expertIds = nullptr; // [tokens * k], in the router's order
    const float* weights = nullptr; // [tokens * k], as applied (after normalisation and scaling)
    const float* routerLogits = nullptr; // [tokens * numExperts] when wantsRouterLogits(layer), else null
};

class ForwardObserver {
public:
    virtual ~ForwardObserver() = default;
    virtual bool wantsRouting(int layer) const = 0;
    virtual bool wantsRouterLogits(int /*layer*/) const { return false; }
    virtual void onRouting(const RoutingEvent& event) = 0;
};

} // namespace moescope

#pragma once
// A ForwardObserver that keeps copies of the routing events of one forward pass so that they can be replayed later
// on another thread, in an order the caller chooses (windows scored at the same time report in document order).

#include "runtime/forwardobserver.h"

#include <cstdint>
#include <vector>

namespace moescope {

class RoutingEventBuffer final : public ForwardObserver {
public:
    // Asks `wants` which layers to record; it must allow concurrent const calls.
    explicit RoutingEventBuffer(const ForwardObserver& wants)
        : m_wants(&wants)
    {
    }

    bool wantsRouting(int layer) const override { return m_wants->wantsRouting(layer); }
    bool wantsRouterLogits(int layer) const override { return m_wants->wantsRouterLogits(layer); }
    void onRouting(const RoutingEvent& event) override;

    // Sends every recorded event to `to`, in the order they were recorded.
    void replay(ForwardObserver& to) const;

private:
    struct Recorded {
        RoutingEvent header; // pointers unused; the data lives below
        std::vector<std::int32_t> expertIds;
        std::vector<float> weights;
        std::vector<float> routerLogits;
    };
    const ForwardObserver* m_wants;
    std::vector<Recorded> m_events;
};

} // namespace moescope

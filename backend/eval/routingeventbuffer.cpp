#include "eval/routingeventbuffer.h"

namespace moescope {

void RoutingEventBuffer::onRouting(const RoutingEvent& event)
{
    Recorded r;
    r.header = event;
    const auto slots = static_cast<std::size_t>(event.tokens * event.k);
    r.expertIds.assign(event.expertIds, event.expertIds + slots);
    r.weights.assign(event.weights, event.weights + slots);
    if (event.routerLogits)
        r.routerLogits.assign(event.routerLogits, event.routerLogits + event.tokens * event.numExperts);
    m_events.push_back(std::move(r));
}

void RoutingEventBuffer::replay(ForwardObserver& to) const
{
    for (const auto& r : m_events) {
        RoutingEvent e = r.header;
        e.expertIds = r.expertIds.data();
        e.weights = r.weights.data();
        e.routerLogits = r.routerLogits.empty() ? nullptr : r.routerLogits.data();
        to.onRouting(e);
    }
}

} // namespace moescope

#pragma once
// Routing drift between two models over the same tokens: a ForwardObserver that keeps each MoE layer's top-k expert
// sets (and their weights) of the current forward pass, and per-layer agreement counters (share of tokens whose top-k
// set changed, mean Jaccard similarity |A n B| / |A u B| of the sets). Plain C++; one thread.

#include "runtime/forwardobserver.h"

#include <cstdint>
#include <map>
#include <vector>

namespace moescope {

class RoutingCapture final : public ForwardObserver {
public:
    bool wantsRouting(int) const override { return true; }
    void onRouting(const RoutingEvent& event) override;
    void clear() { m_layers.clear(); }

    struct Layer {
        int k = 0;
        std::vector<std::int32_t> ids; // [positions * k], position p at p * k (positions from 0 in the pass)
        std::vector<float> weights; // [positions * k], as ids
    };
    const std::map<int, Layer>& layers() const { return m_layers; }

private:
    std::map<int, Layer> m_layers;
};

class RoutingAgreement {
public:
    // Compares positions [first, first + count) of one pass of each model. layersChanged (optional, count entries)
    // is incremented per position for every layer whose set changed.
    void add(const RoutingCapture& base, const RoutingCapture& variant, std::int64_t first, std::int64_t count,
        std::uint8_t* layersChanged = nullptr);

    std::vector<int> layers() const; // MoE layers seen, ascending
    std::vector<double> changedShare() const; // per layer in layers() order
    std::vector<double> meanJaccard() const;

private:
    struct Counts {
        std::int64_t tokens = 0;
        std::int64_t changed = 0;
        double jaccard = 0;
    };
    std::map<int, Counts> m_counts;
};

} // namespace moescope

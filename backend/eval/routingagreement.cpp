#include "eval/routingagreement.h"

#include "core/error.h"

#include <algorithm>

namespace moescope {

void RoutingCapture::onRouting(const RoutingEvent& e)
{
    auto& l = m_layers[e.layer];
    l.k = e.k;
    const auto end = static_cast<std::size_t>((e.firstPosition + e.tokens) * e.k);
    if (l.ids.size() < end) {
        l.ids.resize(end, -1);
        l.weights.resize(end, 0.f);
    }
    std::copy(e.expertIds, e.expertIds + e.tokens * e.k, l.ids.begin() + e.firstPosition * e.k);
    std::copy(e.weights, e.weights + e.tokens * e.k, l.weights.begin() + e.firstPosition * e.k);
}

void RoutingAgreement::add(const RoutingCapture& base, const RoutingCapture& variant, std::int64_t first,
    std::int64_t count, std::uint8_t* layersChanged)
{
    for (const auto& [layer, b] : base.layers()) {
        const auto it = variant.layers().find(layer);
        if (it == variant.layers().end() || it->second.k != b.k)
            throw InvalidArgumentError("routing comparison: layer " + std::to_string(layer)
                + " is routed differently in the two models");
        const auto& v = it->second;
        const auto k = static_cast<std::size_t>(b.k);
        if (b.ids.size() < (first + count) * k || v.ids.size() < (first + count) * k)
            throw InvalidArgumentError("routing comparison: positions outside the captured pass");
        auto& c = m_counts[layer];
        std::vector<std::int32_t> x(k), y(k), common;
        for (std::int64_t p = first; p < first + count; ++p) {
            std::copy_n(b.ids.begin() + static_cast<std::ptrdiff_t>(p * k), k, x.begin());
            std::copy_n(v.ids.begin() + static_cast<std::ptrdiff_t>(p * k), k, y.begin());
            std::sort(x.begin(), x.end());
            std::sort(y.begin(), y.end());
            common.clear();
            std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(common));
            const auto inter = static_cast<double>(common.size());
            const double jaccard = inter / (2.0 * static_cast<double>(k) - inter);
            ++c.tokens;
            c.jaccard += jaccard;
            if (x != y) {
                ++c.changed;
                if (layersChanged)
                    ++layersChanged[p - first];
            }
        }
    }
}

std::vector<int> RoutingAgreement::layers() const
{
    std::vector<int> out;
    for (const auto& [l, c] : m_counts)
        out.push_back(l);
    return out;
}

std::vector<double> RoutingAgreement::changedShare() const
{
    std::vector<double> out;
    for (const auto& [l, c] : m_counts)
        out.push_back(c.tokens ? static_cast<double>(c.changed) / static_cast<double>(c.tokens) : 0.0);
    return out;
}

std::vector<double> RoutingAgreement::meanJaccard() const
{
    std::vector<double> out;
    for (const auto& [l, c] : m_counts)
        out.push_back(c.tokens ? c.jaccard / static_cast<double>(c.tokens) : 1.0);
    return out;
}

} // namespace moescope

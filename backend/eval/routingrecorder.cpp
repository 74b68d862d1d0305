#include "eval/routingrecorder.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
// Entropy (bits) of the router's full distribution over experts from one token's logits.
float routerEntropyBits(const float* logits, int experts, RouterEntropyKind kind)
{
    double z = 0, h = 0;
    if (kind == RouterEntropyKind::NormalizedSigmoid) {
        for (int e = 0; e < experts; ++e)
            z += 1.0 / (1.0 + std::exp(-double(logits[e])));
        if (!(z > 0))
            return 0;
        for (int e = 0; e < experts; ++e) {
            const double p = 1.0 / (1.0 + std::exp(-double(logits[e]))) / z;
            if (p > 0)
                h -= p * std::log2(p);
        }
        return float(std::max(h, 0.0));
    }
    const double top = *std::max_element(logits, logits + experts);
    for (int e = 0; e < experts; ++e)
        z += std::exp(double(logits[e]) - top);
    // H = log2 Z - sum p (l - top) / ln 2 with p = exp(l - top) / Z.
    double expected = 0;
    for (int e = 0; e < experts; ++e) {
        const double d = double(logits[e]) - top;
        expected += std::exp(d) / z * d;
    }
    h = std::log2(z) - expected / std::log(2.0);
    return float(std::isfinite(h) ? std::max(h, 0.0) : 0.0);
}
} // namespace

RoutingRecorder::RoutingRecorder(
    RoutingTrace trace, std::vector<RoutingSegment> sections, std::vector<RoutingSegment> pages)
    : m_trace(std::move(trace))
    , m_aggregates(m_trace, std::move(sections), std::move(pages))
    , m_filled(std::size_t(m_trace.layerCount()), std::vector<std::uint64_t>((m_trace.tokenCount() + 63) / 64))
    , m_prefix(std::size_t(m_trace.layerCount()), 0)
{
}

bool RoutingRecorder::wantsRouting(int layer) const
{
    return m_trace.slotOf(layer) >= 0;
}

bool RoutingRecorder::wantsRouterLogits(int layer) const
{
    return m_trace.hasRouterEntropy() && m_trace.info().routerEntropyKind != RouterEntropyKind::None
        && m_trace.slotOf(layer) >= 0;
}

void RoutingRecorder::onRouting(const RoutingEvent& e)
{
    const int slot = m_trace.slotOf(e.layer);
    const std::string where = "routing of layer " + std::to_string(e.layer);
    if (slot < 0)
        throw InvalidArgumentError(where + ": not a MoE layer of the trace");
    if (e.k != m_trace.k() || e.numExperts != m_trace.numExperts())
        throw InvalidArgumentError(where + ": top-" + std::to_string(e.k) + " of " + std::to_string(e.numExperts)
            + " experts, the trace expects top-" + std::to_string(m_trace.k()) + " of "
            + std::to_string(m_trace.numExperts()));
    if (e.firstPosition < 0 || e.tokens < 0 || std::size_t(e.firstPosition) > m_trace.tokenCount()
        || std::size_t(e.tokens) > m_trace.tokenCount() - std::size_t(e.firstPosition))
        throw InvalidArgumentError(where + ": positions [" + std::to_string(e.firstPosition) + ", "
            + std::to_string(e.firstPosition + e.tokens) + ") beyond the trace's "
            + std::to_string(m_trace.tokenCount()) + " tokens");
    const std::size_t begin = std::size_t(e.firstPosition), end = begin + std::size_t(e.tokens);
    const std::size_t s = std::size_t(slot);
    for (std::size_t t = begin; t < end; ++t)
        if (filled(s, t))
            throw InvalidArgumentError(where + ": token " + std::to_string(t) + " reported twice");
    if (begin == end)
        return;

    m_trace.setRouting(slot, begin, end - begin, e.expertIds, e.weights);
    if (m_trace.hasRouterEntropy()) {
        m_entropyScratch.assign(end - begin, 0.0f);
        if (e.routerLogits)
            for (std::size_t t = 0; t < end - begin; ++t)
                m_entropyScratch[t] = routerEntropyBits(
                    e.routerLogits + t * std::size_t(e.numExperts), e.numExperts, m_trace.info().routerEntropyKind);
        else
            std::fill(m_entropyScratch.begin(), m_entropyScratch.end(), std::nanf(""));
        m_trace.setRouterEntropy(slot, begin, end - begin, m_entropyScratch.data());
    }
    m_aggregates.addTokens(
        m_trace, slot, begin, end, begin > 0 && filled(s, begin - 1), end < m_trace.tokenCount() && filled(s, end));
    for (std::size_t t = begin; t < end; ++t)
        m_filled[s][t >> 6] |= std::uint64_t(1) << (t & 63);
    while (m_prefix[s] < m_trace.tokenCount() && filled(s, m_prefix[s]))
        ++m_prefix[s];
}

std::size_t RoutingRecorder::completeTokens() const
{
    return m_prefix.empty() ? 0 : *std::min_element(m_prefix.begin(), m_prefix.end());
}

std::pair<RoutingTrace, RoutingAggregates> RoutingRecorder::finish() &&
{
    const std::size_t n = completeTokens();
    if (n == m_trace.tokenCount())
        return { std::move(m_trace), std::move(m_aggregates) };
    m_trace.truncate(n);
    auto aggregates = RoutingAggregates::build(
        m_trace, clipSegments(m_aggregates.sections(), n), clipSegments(m_aggregates.pages(), n));
    return { std::move(m_trace), std::move(aggregates) };
}

std::vector<RoutingSegment> clipSegments(std::vector<RoutingSegment> segments, std::size_t tokens)
{
    for (auto& s : segments) {
        s.tokenBegin = std::min(s.tokenBegin, tokens);
        s.tokenEnd = std::min(s.tokenEnd, tokens);
    }
    return segments;
}

} // namespace moescope

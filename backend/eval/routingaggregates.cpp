#include "eval/routingaggregates.h"

#include "core/cancellation.h"
#include "core/error.h"
#include "core/half.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

namespace moescope {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxK = 64;

struct SlotInputs {
    const std::int32_t* sectionOf = nullptr; // null: no sections
    const std::int32_t* pageOf = nullptr;
    std::size_t experts = 0;
    bool coactivation = false;
};

template <typename Id>
void accumulate(const RoutingTrace& trace, int slot, std::span<const Id> allIds, std::size_t begin, std::size_t end,
    bool previousKnown, bool nextKnown, const SlotInputs& in, LayerRouting& out)
{
    const std::size_t k = std::size_t(trace.k());
    const std::size_t experts = in.experts;
    const std::span<const std::uint16_t> allWeights = trace.weightsHalf(slot);
    const std::span<const std::uint16_t> routerEntropy = trace.routerEntropyHalf(slot);
    const auto top1Of
        = [&](std::size_t t) { return int(allIds[t * k + std::size_t(topChoice(allWeights.data() + t * k, int(k)))]); };
    int previousTop = previousKnown && begin > 0 ? top1Of(begin - 1) : -1;
    for (std::size_t t = begin; t < end; ++t) {
        const Id* ids = allIds.data() + t * k;
        const std::uint16_t* wh = allWeights.data() + t * k;
        for (std::size_t j = 0; j < k; ++j) {
            const std::size_t e = ids[j];
            ++out.counts[e];
            out.weightMass[e] += halfToFloat(wh[j]);
            if (in.coactivation)
                for (std::size_t i = j + 1; i < k; ++i) { // each unordered pair once, as (smaller, larger)
                    const std::size_t f = ids[i];
                    ++out.pairCounts[std::min(e, f) * experts + std::max(e, f)]; // branch-free: pairs are random
                }
        }
        out.topkEntropySum += entropyBitsOfHalves(wh, int(k));
        if (in.sectionOf && in.sectionOf[t] >= 0) {
            std::uint32_t* row = out.sectionCounts.data() + std::size_t(in.sectionOf[t]) * experts;
            for (std::size_t j = 0; j < k; ++j)
                ++row[ids[j]];
        }
        if (in.pageOf && in.pageOf[t] >= 0) {
            std::uint32_t* row = out.pageCounts.data() + std::size_t(in.pageOf[t]) * experts;
            for (std::size_t j = 0; j < k; ++j)
                ++row[ids[j]];
        }
        if (!routerEntropy.empty()) {
            const float bits = halfToFloat(routerEntropy[t]);
            if (!std::isnan(bits)) {
                out.routerEntropySum += bits;
                ++out.routerEntropyTokens;
            }
        }
        const int top = int(ids[topChoice(wh, int(k))]);
        ++out.top1Counts[std::size_t(top)];
        if (previousTop >= 0) {
            ++out.persistencePairs;
            out.persistenceSame += previousTop == top;
        }
        previousTop = top;
    }
    if (nextKnown && end > begin && end < trace.tokenCount()) {
        ++out.persistencePairs;
        out.persistenceSame += previousTop == top1Of(end);
    }
    out.tokens += std::int64_t(end - begin);
}
} // namespace

RoutingAggregates::RoutingAggregates(
    const RoutingTrace& trace, std::vector<RoutingSegment> sections, std::vector<RoutingSegment> pages)
    : RoutingAggregates(trace.moeLayers(), trace.k(), trace.numExperts(), trace.tokenCount(), std::move(sections),
        std::move(pages), trace.hasRouterEntropy() ? trace.info().routerEntropyKind : RouterEntropyKind::None)
{
}

RoutingAggregates::RoutingAggregates(std::vector<int> moeLayers, int k, int numExperts, std::size_t tokens,
    std::vector<RoutingSegment> sections, std::vector<RoutingSegment> pages, RouterEntropyKind routerEntropyKind)
    : m_moeLayers(std::move(moeLayers))
    , m_k(k)
    , m_experts(numExperts)
    , m_routerEntropyKind(routerEntropyKind)
    , m_sections(std::move(sections))
    , m_pages(std::move(pages))
{
    if (m_k < 1 || m_k > kMaxK || m_experts < 1 || m_experts > RoutingTrace::kMaxExperts)
        throw UnsupportedError("routing aggregates: top-" + std::to_string(m_k) + " of " + std::to_string(m_experts)
            + " experts (at most " + std::to_string(kMaxK) + " experts per token)");
    if (!m_sections.empty())
        m_sectionOfToken = std::make_shared<const std::vector<std::int32_t>>(segmentOfTokens(m_sections, tokens));
    if (!m_pages.empty())
        m_pageOfToken = std::make_shared<const std::vector<std::int32_t>>(segmentOfTokens(m_pages, tokens));
    m_layers.resize(m_moeLayers.size());
    for (auto& l : m_layers)
        fillLayer(*this, l);
}

void RoutingAggregates::fillLayer(const RoutingAggregates& shape, LayerRouting& l)
{
    const std::size_t e = std::size_t(shape.m_experts);
    l.counts.assign(e, 0);
    l.top1Counts.assign(e, 0);
    l.weightMass.assign(e, 0.0);
    if (shape.hasCoactivation())
        l.pairCounts.assign(e * e, 0);
    l.sectionCounts.assign(shape.m_sections.size() * e, 0);
    l.pageCounts.assign(shape.m_pages.size() * e, 0);
}

RoutingAggregates RoutingAggregates::build(const RoutingTrace& trace, std::vector<RoutingSegment> sections,
    std::vector<RoutingSegment> pages, std::stop_token stop, unsigned threads)
{
    RoutingAggregates a(trace, std::move(sections), std::move(pages));
    const unsigned slots = unsigned(a.m_layers.size());
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    threads = std::min(threads, slots);
    // Each slot is independent; chunks of tokens keep cancellation prompt on long traces.
    constexpr std::size_t kChunk = 1 << 16;
    std::atomic<unsigned> next { 0 };
    std::atomic<bool> cancelled { false };
    std::exception_ptr failure;
    std::mutex failureMutex;
    const auto work = [&] {
        try {
            for (unsigned s = next++; s < slots && !cancelled; s = next++)
                for (std::size_t b = 0; b < trace.tokenCount() && !cancelled; b += kChunk) {
                    if (stop.stop_requested()) {
                        cancelled = true;
                        break;
                    }
                    a.addTokens(trace, int(s), b, std::min(trace.tokenCount(), b + kChunk), b > 0, false);
                }
        } catch (...) {
            const std::lock_guard lock(failureMutex);
            failure = std::current_exception();
            cancelled = true;
        }
    };
    {
        std::vector<std::jthread> pool;
        for (unsigned i = 1; i < threads; ++i)
            pool.emplace_back(work);
        work();
    }
    if (failure)
        std::rethrow_exception(failure);
    throwIfStopRequested(stop);
    return a;
}

void RoutingAggregates::addTokens(
    const RoutingTrace& trace, int slot, std::size_t begin, std::size_t end, bool previousKnown, bool nextKnown)
{
    if (slot < 0 || slot >= layerCount() || trace.layerCount() != layerCount() || trace.layerAt(slot) != layerAt(slot)
        || trace.k() != m_k || trace.numExperts() != m_experts)
        throw InvalidArgumentError("routing aggregates: the trace does not match their layers, k or experts");
    if (begin > end || end > trace.tokenCount())
        throw InvalidArgumentError("routing aggregates: tokens [" + std::to_string(begin) + ", " + std::to_string(end)
            + ") beyond the trace's " + std::to_string(trace.tokenCount()));
    if ((m_sectionOfToken && m_sectionOfToken->size() < end) || (m_pageOfToken && m_pageOfToken->size() < end))
        throw InvalidArgumentError("routing aggregates: the trace has more tokens than their segments cover");
    SlotInputs in;
    in.sectionOf = m_sectionOfToken ? m_sectionOfToken->data() : nullptr;
    in.pageOf = m_pageOfToken ? m_pageOfToken->data() : nullptr;
    in.experts = std::size_t(m_experts);
    in.coactivation = hasCoactivation();
    trace.visitIds(slot, [&](auto ids) {
        accumulate(trace, slot, ids, begin, end, previousKnown, nextKnown, in, m_layers[std::size_t(slot)]);
    });
}

int RoutingAggregates::slotOf(int layer) const
{
    const auto it = std::lower_bound(m_moeLayers.begin(), m_moeLayers.end(), layer);
    return it != m_moeLayers.end() && *it == layer ? int(it - m_moeLayers.begin()) : -1;
}

std::int64_t RoutingAggregates::tokens() const
{
    if (m_layers.empty())
        return 0;
    std::int64_t n = m_layers.front().tokens;
    for (const auto& l : m_layers)
        n = std::min(n, l.tokens);
    return n;
}

LoadBalance RoutingAggregates::balance(int slot) const
{
    return loadBalance(layer(slot).counts);
}

double RoutingAggregates::meanTopkEntropy(int slot) const
{
    const auto& l = layer(slot);
    return l.tokens > 0 ? l.topkEntropySum / double(l.tokens) : kNaN;
}

double RoutingAggregates::meanRouterEntropy(int slot) const
{
    const auto& l = layer(slot);
    return l.routerEntropyTokens > 0 ? l.routerEntropySum / double(l.routerEntropyTokens) : kNaN;
}

double RoutingAggregates::loadEntropy(int slot) const
{
    return entropyBits(toDoubles(layer(slot).counts));
}

double RoutingAggregates::persistence(int slot) const
{
    const auto& l = layer(slot);
    return l.persistencePairs > 0 ? double(l.persistenceSame) / double(l.persistencePairs) : kNaN;
}

double RoutingAggregates::persistenceChance(int slot) const
{
    const auto& l = layer(slot);
    if (l.tokens <= 0)
        return kNaN;
    double chance = 0;
    for (const auto c : l.top1Counts) {
        const double p = double(c) / double(l.tokens);
        chance += p * p;
    }
    return chance;
}

std::vector<double> RoutingAggregates::share(int slot) const
{
    const auto& l = layer(slot);
    std::vector<double> out(l.counts.size(), kNaN);
    const double total = double(l.tokens) * m_k;
    if (total > 0)
        for (std::size_t e = 0; e < out.size(); ++e)
            out[e] = double(l.counts[e]) / total;
    return out;
}

std::vector<std::uint32_t> RoutingAggregates::coactivation(int slot) const
{
    const auto& l = layer(slot);
    if (l.pairCounts.empty())
        return {};
    const auto e = std::size_t(m_experts);
    std::vector<std::uint32_t> out(e * e, 0);
    for (std::size_t a = 0; a < e; ++a) {
        out[a * e + a] = std::uint32_t(l.counts[a]);
        for (std::size_t b = a + 1; b < e; ++b)
            out[a * e + b] = out[b * e + a] = l.pairCounts[a * e + b];
    }
    return out;
}

std::vector<double> RoutingAggregates::weightShare(int slot) const
{
    const auto& l = layer(slot);
    double total = 0;
    for (const double m : l.weightMass)
        total += m;
    std::vector<double> out(l.weightMass.size(), kNaN);
    if (total > 0)
        for (std::size_t e = 0; e < out.size(); ++e)
            out[e] = l.weightMass[e] / total;
    return out;
}

std::vector<double> RoutingAggregates::specialisation(
    int slot, const std::vector<std::uint32_t>& counts, std::size_t segments) const
{
    const std::vector<double> whole = toDoubles(layer(slot).counts);
    std::vector<double> out(segments, kNaN);
    const std::size_t e = std::size_t(m_experts);
    for (std::size_t s = 0; s < segments; ++s)
        out[s] = jensenShannonBits(toDoubles(std::span(counts).subspan(s * e, e)), whole);
    return out;
}

std::vector<double> RoutingAggregates::sectionShare(int slot) const
{
    const auto& counts = layer(slot).sectionCounts;
    const auto e = std::size_t(m_experts);
    std::vector<double> out(counts.size(), kNaN);
    for (std::size_t s = 0; s < m_sections.size(); ++s) {
        double total = 0;
        for (std::size_t x = 0; x < e; ++x)
            total += counts[s * e + x];
        if (total > 0)
            for (std::size_t x = 0; x < e; ++x)
                out[s * e + x] = counts[s * e + x] / total;
    }
    return out;
}

std::vector<double> RoutingAggregates::sectionSpecialisation(int slot) const
{
    return specialisation(slot, layer(slot).sectionCounts, m_sections.size());
}

std::vector<double> RoutingAggregates::pageSpecialisation(int slot) const
{
    return specialisation(slot, layer(slot).pageCounts, m_pages.size());
}

std::size_t RoutingAggregates::memoryBytes() const
{
    std::size_t n = 0;
    for (const auto& l : m_layers)
        n += l.counts.size() * 8 * 2 + l.weightMass.size() * 8
            + (l.pairCounts.size() + l.sectionCounts.size() + l.pageCounts.size()) * 4;
    if (m_sectionOfToken)
        n += m_sectionOfToken->size() * 4;
    if (m_pageOfToken)
        n += m_pageOfToken->size() * 4;
    return n;
}

} // namespace moescope

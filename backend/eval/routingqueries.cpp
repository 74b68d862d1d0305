#include "eval/routingqueries.h"

#include "core/error.h"
#include "core/half.h"
#include "eval/routingmetrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace moescope {

RoutingQueries::RoutingQueries(
    std::shared_ptr<const RoutingTrace> trace, std::vector<RoutingSegment> pages, std::size_t cachedLayers)
    : m_trace(std::move(trace))
    , m_pages(std::move(pages))
    , m_cachedLayers(std::max<std::size_t>(1, cachedLayers))
{
    if (!m_trace)
        throw InvalidArgumentError("routing queries: no trace");
    if (m_trace->k() > 256)
        throw UnsupportedError("routing queries: more than 256 experts per token");
    if (m_trace->tokenCount() * std::size_t(m_trace->k()) > std::numeric_limits<std::uint32_t>::max())
        throw UnsupportedError("routing queries: more than 2^32 routing choices per layer");
    segmentOfTokens(m_pages, m_trace->tokenCount()); // validates the page ranges
}

int RoutingQueries::slotOrThrow(int layer) const
{
    const int slot = m_trace->slotOf(layer);
    if (slot < 0)
        throw InvalidArgumentError("layer " + std::to_string(layer) + " is not a MoE layer of the routing trace");
    return slot;
}

void RoutingQueries::checkExpert(int expert) const
{
    if (expert < 0 || expert >= m_trace->numExperts())
        throw InvalidArgumentError(
            "expert " + std::to_string(expert) + " outside [0, " + std::to_string(m_trace->numExperts()) + ")");
}

template <typename T>
std::shared_ptr<const T> RoutingQueries::cached(std::vector<std::pair<int, std::shared_ptr<const T>>>& cache, int layer,
    std::shared_ptr<const T> (RoutingQueries::*make)(int) const) const
{
    const int slot = slotOrThrow(layer);
    const std::lock_guard lock(m_mutex);
    const auto it = std::find_if(cache.begin(), cache.end(), [&](const auto& e) { return e.first == layer; });
    if (it != cache.end()) {
        std::rotate(it, it + 1, cache.end()); // most recently used last
        return cache.back().second;
    }
    auto made = (this->*make)(slot);
    if (cache.size() >= m_cachedLayers)
        cache.erase(cache.begin());
    cache.emplace_back(layer, made);
    return made;
}

std::shared_ptr<const ExpertTokenIndex> RoutingQueries::expertIndex(int layer) const
{
    return cached(m_indexes, layer, &RoutingQueries::makeExpertIndex);
}

std::shared_ptr<const LayerTokenStats> RoutingQueries::layerTokenStats(int layer) const
{
    return cached(m_stats, layer, &RoutingQueries::makeLayerTokenStats);
}

std::shared_ptr<const ExpertTokenIndex> RoutingQueries::makeExpertIndex(int slot) const
{
    const RoutingTrace& t = *m_trace;
    const std::size_t k = std::size_t(t.k()), n = t.tokenCount(), experts = std::size_t(t.numExperts());
    auto index = std::make_shared<ExpertTokenIndex>();
    index->layer = t.layerAt(slot);
    index->offsets.assign(experts + 1, 0);
    index->tokens.resize(n * k);
    index->choices.resize(n * k);
    t.visitIds(slot, [&](auto ids) {
        // Counting sort by expert; tokens stay ascending within each expert.
        for (const auto e : ids)
            ++index->offsets[std::size_t(e) + 1];
        std::partial_sum(index->offsets.begin(), index->offsets.end(), index->offsets.begin());
        std::vector<std::uint32_t> cursor(index->offsets.begin(), index->offsets.end() - 1);
        for (std::size_t t = 0; t < n; ++t)
            for (std::size_t j = 0; j < k; ++j) {
                const std::uint32_t at = cursor[ids[t * k + j]]++;
                index->tokens[at] = std::uint32_t(t);
                index->choices[at] = std::uint8_t(j);
            }
    });
    return index;
}

std::shared_ptr<const LayerTokenStats> RoutingQueries::makeLayerTokenStats(int slot) const
{
    const RoutingTrace& t = *m_trace;
    const std::size_t k = std::size_t(t.k()), n = t.tokenCount();
    auto stats = std::make_shared<LayerTokenStats>();
    stats->layer = t.layerAt(slot);
    stats->top1.resize(n);
    stats->topkEntropy.resize(n);
    const auto weights = t.weightsHalf(slot);
    t.visitIds(slot, [&](auto ids) {
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint16_t* w = weights.data() + i * k;
            stats->top1[i] = std::uint16_t(ids[i * k + std::size_t(topChoice(w, int(k)))]);
            stats->topkEntropy[i] = float(entropyBitsOfHalves(w, int(k)));
        }
    });
    if (t.hasRouterEntropy()) {
        stats->routerEntropy.resize(n);
        halvesToFloats(t.routerEntropyHalf(slot), stats->routerEntropy);
    }
    return stats;
}

std::size_t RoutingQueries::routedTokenCount(int layer, int expert) const
{
    checkExpert(expert);
    return expertIndex(layer)->count(expert);
}

std::vector<RoutedToken> RoutingQueries::routedTokens(
    int layer, int expert, std::size_t first, std::size_t limit, RoutedTokenOrder order) const
{
    checkExpert(expert);
    const int slot = slotOrThrow(layer);
    const auto index = expertIndex(layer);
    const auto tokens = index->tokensOf(expert);
    const std::size_t base = index->offsets[std::size_t(expert)];
    const std::size_t k = std::size_t(m_trace->k());
    const auto weights = m_trace->weightsHalf(slot);
    const auto weightAt = [&](std::size_t i) { return weights[tokens[i] * k + index->choices[base + i]]; };

    std::vector<std::uint32_t> rows; // positions in the expert's list, in the requested order
    if (order == RoutedTokenOrder::Weight) {
        rows.resize(tokens.size());
        std::iota(rows.begin(), rows.end(), 0u);
        const std::size_t wanted = std::min(rows.size(), first + std::min(limit, rows.size()));
        const auto heavier = [&](std::uint32_t a, std::uint32_t b) {
            const auto ka = halfOrderKey(weightAt(a)), kb = halfOrderKey(weightAt(b));
            return ka != kb ? ka > kb : a < b;
        };
        std::partial_sort(rows.begin(), rows.begin() + std::ptrdiff_t(wanted), rows.end(), heavier);
        rows.resize(wanted);
    }
    std::vector<RoutedToken> out;
    const std::size_t total = tokens.size();
    for (std::size_t r = first; r < total && out.size() < limit; ++r) {
        const std::size_t i = order == RoutedTokenOrder::Weight ? rows[r] : r;
        RoutedToken row;
        row.token = tokens[i];
        row.choice = index->choices[base + i];
        row.weight = halfToFloat(weightAt(i));
        row.span = m_trace->offsets()[row.token];
        row.page = pageOf(row.token);
        out.push_back(row);
    }
    return out;
}

TokenRouting RoutingQueries::tokenRouting(std::size_t token) const
{
    const RoutingTrace& t = *m_trace;
    if (token >= t.tokenCount())
        throw InvalidArgumentError(
            "token " + std::to_string(token) + " beyond the trace's " + std::to_string(t.tokenCount()) + " tokens");
    const int k = t.k();
    TokenRouting out;
    out.token = token;
    out.tokenId = t.tokenIds()[token];
    out.span = t.offsets()[token];
    out.page = pageOf(token);
    for (int slot = 0; slot < t.layerCount(); ++slot) {
        LayerChoice c;
        c.layer = t.layerAt(slot);
        const std::uint16_t* w = t.weightsHalf(slot).data() + token * std::size_t(k);
        for (int j = 0; j < k; ++j) {
            c.experts.push_back(t.expert(slot, token, j));
            c.weights.push_back(halfToFloat(w[j]));
        }
        c.top1 = c.experts[std::size_t(topChoice(w, k))];
        c.topkEntropy = float(entropyBitsOfHalves(w, k));
        c.routerEntropy = t.hasRouterEntropy() ? halfToFloat(t.routerEntropyHalf(slot)[token]) : std::nanf("");
        out.layers.push_back(std::move(c));
    }
    return out;
}

std::shared_ptr<const RoutingQueries::Vocabulary> RoutingQueries::vocabulary() const
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_vocabulary)
            return m_vocabulary;
    }
    const auto ids = m_trace->tokenIds();
    auto v = std::make_shared<Vocabulary>();
    v->indexOfToken.resize(ids.size());
    const std::int32_t maxId = ids.empty() ? 0 : *std::max_element(ids.begin(), ids.end());
    if (maxId < (1 << 22)) {
        // Real vocabularies: count by id directly, O(tokens + vocabulary).
        std::vector<std::uint32_t> byId(std::size_t(maxId) + 1, 0);
        for (const auto id : ids)
            ++byId[std::size_t(id)];
        std::vector<std::uint32_t> position(byId.size(), 0);
        for (std::size_t id = 0; id < byId.size(); ++id)
            if (byId[id]) {
                position[id] = std::uint32_t(v->ids.size());
                v->ids.push_back(std::int32_t(id));
                v->counts.push_back(byId[id]);
            }
        for (std::size_t i = 0; i < ids.size(); ++i)
            v->indexOfToken[i] = position[std::size_t(ids[i])];
    } else {
        v->ids.assign(ids.begin(), ids.end());
        std::sort(v->ids.begin(), v->ids.end());
        v->ids.erase(std::unique(v->ids.begin(), v->ids.end()), v->ids.end());
        v->counts.assign(v->ids.size(), 0);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const auto at = std::uint32_t(std::lower_bound(v->ids.begin(), v->ids.end(), ids[i]) - v->ids.begin());
            v->indexOfToken[i] = at;
            ++v->counts[at];
        }
    }
    const std::lock_guard lock(m_mutex);
    if (!m_vocabulary)
        m_vocabulary = std::move(v);
    return m_vocabulary;
}

TopTokens RoutingQueries::topTokens(int layer, int expert, const TopTokenOptions& options) const
{
    checkExpert(expert);
    const auto index = expertIndex(layer);
    const auto vocab = vocabulary();
    const auto tokens = index->tokensOf(expert);
    std::vector<std::uint32_t> counter(vocab->ids.size(), 0);
    std::vector<std::uint32_t> touched;
    for (const auto t : tokens) {
        const auto v = vocab->indexOfToken[t];
        if (counter[v]++ == 0)
            touched.push_back(v);
    }
    const double expertShare = m_trace->tokenCount() ? double(tokens.size()) / double(m_trace->tokenCount()) : 0;
    std::vector<TokenCount> all;
    all.reserve(touched.size());
    for (const auto v : touched) {
        TokenCount c;
        c.tokenId = vocab->ids[v];
        c.count = counter[v];
        c.total = vocab->counts[v];
        c.share = double(c.count) / double(c.total);
        c.lift = expertShare > 0 ? c.share / expertShare : 0;
        all.push_back(c);
    }
    TopTokens out;
    const auto byCount = [](const TokenCount& a, const TokenCount& b) {
        return a.count != b.count ? a.count > b.count : a.tokenId < b.tokenId;
    };
    const auto byLift = [](const TokenCount& a, const TokenCount& b) {
        return a.lift != b.lift ? a.lift > b.lift : a.count != b.count ? a.count > b.count : a.tokenId < b.tokenId;
    };
    const auto top = [&](std::vector<TokenCount> v, auto less) {
        const std::size_t n = std::min(options.limit, v.size());
        std::partial_sort(v.begin(), v.begin() + std::ptrdiff_t(n), v.end(), less);
        v.resize(n);
        return v;
    };
    out.byCount = top(all, byCount);
    std::erase_if(all, [&](const TokenCount& c) { return c.count < options.minCount; });
    out.byLift = top(std::move(all), byLift);
    return out;
}

int RoutingQueries::pageOf(std::size_t token) const
{
    const auto it = std::upper_bound(
        m_pages.begin(), m_pages.end(), token, [](std::size_t t, const RoutingSegment& s) { return t < s.tokenBegin; });
    if (it == m_pages.begin())
        return -1;
    const RoutingSegment& s = *(it - 1);
    return token < s.tokenEnd ? s.pageStart : -1;
}

} // namespace moescope

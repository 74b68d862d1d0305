#include "eval/routingtrace.h"

#include "core/error.h"
#include "core/half.h"

#include <algorithm>

namespace moescope {

std::string_view routerEntropyKindName(RouterEntropyKind kind)
{
    return kind == RouterEntropyKind::Softmax          ? "softmax"
        : kind == RouterEntropyKind::NormalizedSigmoid ? "sigmoid"
                                                       : "none";
}

RouterEntropyKind routerEntropyKindFromName(std::string_view name)
{
    return name == "softmax" ? RouterEntropyKind::Softmax
        : name == "sigmoid"  ? RouterEntropyKind::NormalizedSigmoid
                             : RouterEntropyKind::None;
}

RoutingTrace::RoutingTrace(std::vector<int> moeLayers, int k, int numExperts, std::vector<std::int32_t> tokenIds,
    std::vector<TextSpan> offsets, bool withRouterEntropy)
    : RoutingTrace(
        std::move(moeLayers), k, numExperts, std::move(tokenIds), std::move(offsets), withRouterEntropy, true)
{
}

RoutingTrace RoutingTrace::shell(std::vector<int> moeLayers, int k, int numExperts, std::vector<std::int32_t> tokenIds,
    std::vector<TextSpan> offsets, bool withRouterEntropy)
{
    return RoutingTrace(
        std::move(moeLayers), k, numExperts, std::move(tokenIds), std::move(offsets), withRouterEntropy, false);
}

RoutingTrace::RoutingTrace(std::vector<int> moeLayers, int k, int numExperts, std::vector<std::int32_t> tokenIds,
    std::vector<TextSpan> offsets, bool withRouterEntropy, bool allocate)
    : m_layers(std::move(moeLayers))
    , m_k(k)
    , m_experts(numExperts)
    , m_tokenIds(std::move(tokenIds))
    , m_offsets(std::move(offsets))
{
    if (m_layers.empty())
        throw InvalidArgumentError("routing trace: no MoE layers");
    if (!std::is_sorted(m_layers.begin(), m_layers.end())
        || std::adjacent_find(m_layers.begin(), m_layers.end()) != m_layers.end() || m_layers.front() < 0)
        throw InvalidArgumentError("routing trace: MoE layer indices must be distinct, ascending and >= 0");
    if (m_experts < 1 || m_experts > kMaxExperts)
        throw InvalidArgumentError("routing trace: " + std::to_string(m_experts) + " experts (1 to "
            + std::to_string(kMaxExperts) + " supported)");
    if (m_k < 1 || m_k > m_experts)
        throw InvalidArgumentError(
            "routing trace: k = " + std::to_string(m_k) + " with " + std::to_string(m_experts) + " experts");
    if (m_tokenIds.size() >= kMaxTokens)
        throw InvalidArgumentError("routing trace: " + std::to_string(m_tokenIds.size()) + " tokens (at most "
            + std::to_string(kMaxTokens - 1) + ")");
    if (m_offsets.empty())
        m_offsets.resize(m_tokenIds.size());
    if (m_offsets.size() != m_tokenIds.size())
        throw InvalidArgumentError("routing trace: " + std::to_string(m_offsets.size()) + " offsets for "
            + std::to_string(m_tokenIds.size()) + " tokens");
    for (std::size_t i = 0; i < m_tokenIds.size(); ++i)
        if (m_tokenIds[i] < 0)
            throw InvalidArgumentError("routing trace: token " + std::to_string(i) + " has a negative id");
    for (std::size_t i = 0; i < m_offsets.size(); ++i)
        if (m_offsets[i].end < m_offsets[i].begin)
            throw InvalidArgumentError("routing trace: token " + std::to_string(i) + " ends before it begins");

    const std::size_t slots = m_layers.size();
    const std::size_t entries = allocate ? m_tokenIds.size() * std::size_t(m_k) : 0;
    if (wideIds())
        m_ids16.assign(slots, std::vector<std::uint16_t>(entries));
    else
        m_ids8.assign(slots, std::vector<std::uint8_t>(entries));
    m_weights.assign(slots, std::vector<std::uint16_t>(entries));
    if (withRouterEntropy)
        m_routerEntropy.assign(slots, std::vector<std::uint16_t>(allocate ? m_tokenIds.size() : 0));
}

int RoutingTrace::slotOf(int layer) const
{
    const auto it = std::lower_bound(m_layers.begin(), m_layers.end(), layer);
    return it != m_layers.end() && *it == layer ? int(it - m_layers.begin()) : -1;
}

void RoutingTrace::checkSlot(int slot) const
{
    if (slot < 0 || slot >= layerCount())
        throw InvalidArgumentError(
            "routing trace: slot " + std::to_string(slot) + " of " + std::to_string(layerCount()) + " MoE layers");
}

void RoutingTrace::checkRange(int slot, std::size_t firstToken, std::size_t count) const
{
    checkSlot(slot);
    if (firstToken > tokenCount() || count > tokenCount() - firstToken)
        throw InvalidArgumentError("routing trace: tokens [" + std::to_string(firstToken) + ", "
            + std::to_string(firstToken + count) + ") beyond its " + std::to_string(tokenCount()) + " tokens");
}

int RoutingTrace::expert(int slot, std::size_t token, int j) const
{
    const std::size_t at = token * std::size_t(m_k) + std::size_t(j);
    return wideIds() ? int(m_ids16[std::size_t(slot)][at]) : int(m_ids8[std::size_t(slot)][at]);
}

float RoutingTrace::weight(int slot, std::size_t token, int j) const
{
    return halfToFloat(m_weights[std::size_t(slot)][token * std::size_t(m_k) + std::size_t(j)]);
}

std::span<const std::uint16_t> RoutingTrace::routerEntropyHalf(int slot) const
{
    if (m_routerEntropy.empty())
        return {};
    return m_routerEntropy[std::size_t(slot)];
}

void RoutingTrace::setRouting(
    int slot, std::size_t firstToken, std::size_t count, const std::int32_t* ids, const float* weights)
{
    checkRange(slot, firstToken, count);
    const std::size_t n = count * std::size_t(m_k);
    for (std::size_t i = 0; i < n; ++i)
        if (ids[i] < 0 || ids[i] >= m_experts)
            throw InvalidArgumentError("routing of layer " + std::to_string(layerAt(slot)) + ", token "
                + std::to_string(firstToken + i / std::size_t(m_k)) + ": expert " + std::to_string(ids[i])
                + " outside [0, " + std::to_string(m_experts) + ")");
    const std::size_t at = firstToken * std::size_t(m_k);
    if (wideIds())
        std::transform(ids, ids + n, m_ids16[std::size_t(slot)].begin() + std::ptrdiff_t(at),
            [](std::int32_t v) { return std::uint16_t(v); });
    else
        std::transform(ids, ids + n, m_ids8[std::size_t(slot)].begin() + std::ptrdiff_t(at),
            [](std::int32_t v) { return std::uint8_t(v); });
    floatsToHalves({ weights, n }, std::span(m_weights[std::size_t(slot)]).subspan(at, n));
}

void RoutingTrace::setRouterEntropy(int slot, std::size_t firstToken, std::size_t count, const float* bits)
{
    checkRange(slot, firstToken, count);
    if (m_routerEntropy.empty())
        throw InvalidArgumentError("routing trace: made without router entropy");
    floatsToHalves({ bits, count }, std::span(m_routerEntropy[std::size_t(slot)]).subspan(firstToken, count));
}

void RoutingTrace::truncate(std::size_t tokens)
{
    if (tokens >= tokenCount())
        return;
    const std::size_t entries = tokens * std::size_t(m_k);
    m_tokenIds.resize(tokens);
    m_offsets.resize(tokens);
    for (auto& v : m_ids8)
        v.resize(entries);
    for (auto& v : m_ids16)
        v.resize(entries);
    for (auto& v : m_weights)
        v.resize(entries);
    for (auto& v : m_routerEntropy)
        v.resize(tokens);
}

std::size_t RoutingTrace::memoryBytes() const
{
    std::size_t n = m_tokenIds.size() * sizeof(std::int32_t) + m_offsets.size() * sizeof(TextSpan);
    for (const auto& v : m_ids8)
        n += v.size();
    for (const auto& v : m_ids16)
        n += v.size() * 2;
    for (const auto& v : m_weights)
        n += v.size() * 2;
    for (const auto& v : m_routerEntropy)
        n += v.size() * 2;
    return n;
}

void RoutingTrace::adoptLayer(int slot, LayerArrays arrays)
{
    checkSlot(slot);
    const std::size_t entries = tokenCount() * std::size_t(m_k);
    const std::string where = "routing trace, layer " + std::to_string(layerAt(slot));
    const std::size_t idCount = wideIds() ? arrays.ids16.size() : arrays.ids8.size();
    if (idCount != entries || arrays.weights.size() != entries)
        throw FormatError(where + ": " + std::to_string(idCount) + " expert ids and "
            + std::to_string(arrays.weights.size()) + " weights, expected " + std::to_string(entries) + " ("
            + std::to_string(tokenCount()) + " tokens x " + std::to_string(m_k) + ")");
    const auto badId = [&](const auto& ids) {
        return std::find_if(ids.begin(), ids.end(), [&](auto v) { return int(v) >= m_experts; }) != ids.end();
    };
    if (wideIds() ? badId(arrays.ids16) : badId(arrays.ids8))
        throw FormatError(where + ": an expert id is outside [0, " + std::to_string(m_experts) + ")");
    if (hasRouterEntropy() && arrays.routerEntropy.size() != tokenCount())
        throw FormatError(where + ": " + std::to_string(arrays.routerEntropy.size()) + " router entropies, expected "
            + std::to_string(tokenCount()));
    if (wideIds())
        m_ids16[std::size_t(slot)] = std::move(arrays.ids16);
    else
        m_ids8[std::size_t(slot)] = std::move(arrays.ids8);
    m_weights[std::size_t(slot)] = std::move(arrays.weights);
    if (hasRouterEntropy())
        m_routerEntropy[std::size_t(slot)] = std::move(arrays.routerEntropy);
}

} // namespace moescope

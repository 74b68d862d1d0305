#include <cstdint>
#include "nn/kvcache.h"

#include "core/error.h"

namespace moescope {

CacheLayers::CacheLayers(int numLayers, std::string what)
    : m_layers(static_cast<std::size_t>(std::max(numLayers, 0)))
    , m_what(std::move(what))
{
}

CacheLayers::Layer& CacheLayers::at(int layer)
{
    if (layer < 0 || layer >= size())
        throw InvalidArgumentError(m_what + " has no layer " + std::to_string(layer));
    return m_layers[static_cast<std::size_t>(layer)];
}

std::int64_t CacheLayers::bytes() const
{
    std::int64_t total = 0;
    for (const auto& l : m_layers)
        if (l.first.defined())
            total += l.first.nbytes() + l.second.nbytes();
    return total;
}

KvCache::KvCache(int numLayers)
    : m_layers(numLayers, "kv cache")
{
}

namespace {
    at::Tensor grown(const at::Tensor& old, const at::Tensor& like, std::int64_t capacity, std::int64_t keep)
    {
        auto shape = like.sizes().vec();
        shape[0] = capacity;
        // Zeros, not garbage, beyond what is kept: recorded decode steps read a fixed span of positions with the later
        // ones masked, and a masked NaN still poisons the attention's weighted sum (0 * NaN).
        auto fresh = at::zeros(shape, like.options()); // [capacity, ...]
        if (old.defined() && keep > 0)
            fresh.narrow(0, 0, keep).copy_(old.narrow(0, 0, keep));
        return fresh;
    }
} // namespace

std::pair<at::Tensor, at::Tensor> KvCache::append(int layer, const at::Tensor& first, const at::Tensor& second)
{
    auto& l = m_layers.at(layer);
    const auto tokens = first.size(0);
    const auto needed = m_length + tokens;
    if (!l.first.defined() || l.first.size(0) < needed) {
        std::int64_t capacity = std::max<std::int64_t>({ needed, m_reserve, 64 });
        if (l.first.defined())
            capacity = std::max(capacity, 2 * l.first.size(0));
        l.first = grown(l.first, first, capacity, m_length);
        l.second = grown(l.second, second, capacity, m_length);
    }
    l.first.narrow(0, m_length, tokens).copy_(first);
    l.second.narrow(0, m_length, tokens).copy_(second);
    return { l.first.narrow(0, 0, needed), l.second.narrow(0, 0, needed) };
}

std::pair<at::Tensor, at::Tensor> KvCache::storage(int layer, std::int64_t span)
{
    auto& l = m_layers.at(layer);
    if (!l.first.defined() || l.first.size(0) < span)
        throw InvalidArgumentError("kv cache layer " + std::to_string(layer) + " holds "
            + std::to_string(l.first.defined() ? l.first.size(0) : 0) + " positions, a step needs "
            + std::to_string(span));
    return { l.first, l.second };
}

std::pair<at::Tensor, at::Tensor> KvCache::writeAt(int layer, const at::Tensor& positions, const at::Tensor& first,
    const at::Tensor& second, std::int64_t span)
{
    auto [keys, values] = storage(layer, span);
    keys.index_copy_(0, positions, first);
    values.index_copy_(0, positions, second);
    return { keys.narrow(0, 0, span), values.narrow(0, 0, span) };
}

void KvCache::growTo(std::int64_t positions)
{
    for (auto& l : m_layers.all()) {
        if (!l.first.defined() || l.first.size(0) >= positions)
            continue;
        l.first = grown(l.first, l.first, positions, m_length);
        l.second = grown(l.second, l.second, positions, m_length);
    }
    m_reserve = std::max(m_reserve, positions);
}

void KvCache::truncate(std::int64_t length)
{
    if (length < 0 || length > m_length)
        throw InvalidArgumentError("kv cache truncate to " + std::to_string(length) + " outside [0, "
            + std::to_string(m_length) + "]");
    m_length = length;
}

void KvCache::clear()
{
    for (auto& l : m_layers.all())
        l = {};
    m_length = 0;
}

std::int64_t KvCache::bytes() const { return m_layers.bytes(); }

} // namespace moescope

#include "nn/slotkvcache.h"

#include "core/error.h"

namespace moescope {

SlotKvCache::SlotKvCache(int numLayers, std::int64_t slots, std::int64_t capacity)
    : m_layers(numLayers, "batched kv cache")
    , m_capacity(capacity)
    , m_lengths(static_cast<std::size_t>(std::max<std::int64_t>(slots, 0)), 0)
    , m_occupied(m_lengths.size(), false)
{
    if (slots < 1 || capacity < 1)
        throw InvalidArgumentError("a batched cache needs at least one slot and one position (asked for "
            + std::to_string(slots) + " slots of " + std::to_string(capacity) + ")");
}

void SlotKvCache::checkSlot(std::int64_t slot) const
{
    if (slot < 0 || slot >= slots())
        throw InvalidArgumentError(
            "batched kv cache has no slot " + std::to_string(slot) + " (it has " + std::to_string(slots()) + ")");
}

std::int64_t SlotKvCache::length(std::int64_t slot) const
{
    checkSlot(slot);
    return m_lengths[static_cast<std::size_t>(slot)];
}

void SlotKvCache::load(std::int64_t slot, KvCache& sequence)
{
    checkSlot(slot);
    const auto length = sequence.length();
    if (length > m_capacity)
        throw InvalidArgumentError("a sequence of " + std::to_string(length) + " positions does not fit a batch slot of "
            + std::to_string(m_capacity));
    for (int i = 0; i < m_layers.size(); ++i) {
        auto& l = m_layers.at(i);
        const auto [first, second] = sequence.storage(i, length);
        if (!l.first.defined()) {
            // Zeros, not garbage: every slot is read over the step's span with later keys masked, and a masked NaN
            // would still poison the weighted sum.
            auto shapeOf = [&](const at::Tensor& t) {
                auto shape = t.sizes().vec();
                shape[0] = m_capacity;
                shape.insert(shape.begin(), slots());
                return shape;
            };
            l.first = at::zeros(shapeOf(first), first.options()); // [slots, capacity, ...]
            l.second = at::zeros(shapeOf(second), second.options());
            m_rows = at::arange(slots(), at::TensorOptions(at::kLong).device(first.device()));
        }
        l.first[slot].narrow(0, 0, length).copy_(first.narrow(0, 0, length));
        l.second[slot].narrow(0, 0, length).copy_(second.narrow(0, 0, length));
    }
    m_lengths[static_cast<std::size_t>(slot)] = length;
    m_occupied[static_cast<std::size_t>(slot)] = true;
}

void SlotKvCache::release(std::int64_t slot)
{
    checkSlot(slot);
    m_lengths[static_cast<std::size_t>(slot)] = 0;
    m_occupied[static_cast<std::size_t>(slot)] = false;
}

std::pair<at::Tensor, at::Tensor> SlotKvCache::writeStep(
    int layer, const at::Tensor& positions, const at::Tensor& first, const at::Tensor& second, std::int64_t span)
{
    auto& l = m_layers.at(layer);
    if (!l.first.defined())
        throw InvalidArgumentError("batched kv cache layer " + std::to_string(layer) + " holds no sequence yet");
    if (span > m_capacity || first.size(0) != slots())
        throw ShapeError("a batched step writes one entry per slot (" + std::to_string(slots()) + ") within "
            + std::to_string(m_capacity) + " positions; got " + std::to_string(first.size(0)) + " over "
            + std::to_string(span));
    l.first.index_put_({ m_rows, positions }, first);
    l.second.index_put_({ m_rows, positions }, second);
    return { l.first.narrow(1, 0, span), l.second.narrow(1, 0, span) };
}

void SlotKvCache::advanceOccupied()
{
    for (std::size_t i = 0; i < m_lengths.size(); ++i)
        if (m_occupied[i])
            ++m_lengths[i];
}

} // namespace moescope

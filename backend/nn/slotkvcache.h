#pragma once
// Key/value caches of several sequences decoded together (batched generation): each layer keeps its two tensors
// (see KvCache) with a leading slot dimension, [slots, capacity, ...], so that one step writes every sequence's new
// entry with one indexed store and attends over all of them as one batch. Each slot holds one sequence at a time;
// a finished sequence's slot takes the next one (continuous batching). Storage is allocated on the first load.
// Not thread-safe.

#include "nn/kvcache.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace moescope {

class SlotKvCache {
public:
    SlotKvCache(int numLayers, std::int64_t slots, std::int64_t capacity);

    std::int64_t slots() const { return static_cast<std::int64_t>(m_lengths.size()); }
    std::int64_t capacity() const { return m_capacity; }
    std::int64_t length(std::int64_t slot) const;
    const std::vector<std::int64_t>& lengths() const { return m_lengths; } // per slot, 0 when free
    // Copies a prefilled sequence's cache into `slot` (replacing what it held); throws when it does not fit.
    void load(std::int64_t slot, KvCache& sequence);
    // Empties a slot (its storage is kept and overwritten by the next load).
    void release(std::int64_t slot);
    // One entry per slot for a layer: first/second [slots, ...] stored at positions [slots] int64 (on the device),
    // returning every slot's first `span` positions, [slots, span, ...] each.
    std::pair<at::Tensor, at::Tensor> writeStep(int layer, const at::Tensor& positions, const at::Tensor& first,
        const at::Tensor& second, std::int64_t span);
    // After all layers wrote a step: every slot holding a sequence is one entry longer.
    void advanceOccupied();
    bool occupied(std::int64_t slot) const { return m_occupied.at(static_cast<std::size_t>(slot)); }
    std::int64_t bytes() const { return m_layers.bytes(); }

private:
    void checkSlot(std::int64_t slot) const;

    CacheLayers m_layers;
    std::int64_t m_capacity = 0;
    std::vector<std::int64_t> m_lengths;
    at::Tensor m_rows; // [slots] int64 on the storage's device: 0, 1, ... (the step's row index per slot)
    std::vector<bool> m_occupied;
};

} // namespace moescope

#pragma once
// Key/value cache of one sequence. Each layer keeps two tensors whose first dimension is the position:
//   GQA: keys [cap, kv_heads, head_dim] and values [cap, kv_heads, head_dim]
//   MLA: the compressed latent [cap, kv_lora_rank] (after its norm) and the rotated shared key [cap, rope_dim]
// Capacity grows by doubling (reserve() avoids regrowth when the final length is known, e.g. for CUDA graphs).
// Owned by whoever runs the sequence; not thread-safe.

#include <cstdint>
#include <ATen/ATen.h>

#include <string>
#include <vector>

namespace moescope {

// The two tensors each layer of a cache keeps (KvCache, SlotKvCache), undefined until first written.
class CacheLayers {
public:
    struct Layer {
        at::Tensor first;
        at::Tensor second;
    };
    CacheLayers(int numLayers, std::string what);
    Layer& at(int layer); // InvalidArgumentError naming `what` outside [0, layers)
    std::vector<Layer>& all() { return m_layers; }
    int size() const { return static_cast<int>(m_layers.size()); }
    std::int64_t bytes() const; // of the written layers

private:
    std::vector<Layer> m_layers;
    std::string m_what;
};

class KvCache {
public:
    explicit KvCache(int numLayers = 0);

    std::int64_t length() const { return m_length; }
    void reserve(std::int64_t positions) { m_reserve = std::max(m_reserve, positions); }
    // Writes T new entries of one layer at positions [length, length+T) and returns views of all [0, length+T).
    std::pair<at::Tensor, at::Tensor> append(int layer, const at::Tensor& first, const at::Tensor& second);
    // Writes T entries of one layer at the positions held on the device ([T] int64, e.g. a CUDA graph's input, so
    // the host never reads them) and returns views of the first `span` positions, which must fit the capacity.
    std::pair<at::Tensor, at::Tensor> writeAt(int layer, const at::Tensor& positions, const at::Tensor& first,
        const at::Tensor& second, std::int64_t span);
    // The layer's whole storage ([capacity, ...] each), for a kernel that writes a step's entries itself; throws
    // unless it holds at least `span` positions.
    std::pair<at::Tensor, at::Tensor> storage(int layer, std::int64_t span);
    // Reallocates every written layer to hold `positions` entries (no-op when they already do). Moves the storage:
    // views and captured graphs that refer to the old tensors are stale afterwards.
    void growTo(std::int64_t positions);
    // Called once all layers appended the step's tokens.
    void advance(std::int64_t tokens) { m_length += tokens; }
    // Drops positions >= length (e.g. to rescore from a shared prefix).
    void truncate(std::int64_t length);
    void clear();
    std::int64_t bytes() const;

private:
    CacheLayers m_layers;
    std::int64_t m_length = 0;
    std::int64_t m_reserve = 0;
};

} // namespace moescope

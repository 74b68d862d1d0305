#pragma once
// Which keys each query may attend to, for queries at positions [start, start+T) over keys [0, start+T).

#include <cstdint>
#include <ATen/ATen.h>

#include <optional>

namespace moescope {

struct AttentionMask {
    bool isCausal = false; // let SDPA build the (top-left aligned) causal mask itself: start == 0, no window
    // [T, S] bool (true = attend), or additive in the compute dtype (0 = attend, -inf = not: what SDPA turns a bool
    // mask into, built once per step for all layers); empty when isCausal or when every key is visible.
    std::optional<at::Tensor> mask;
};

// slidingWindow > 0 limits each query to the previous slidingWindow positions (itself included). explicitCausal:
// always build the tensor where a mask is needed (for attention code other than SDPA).
AttentionMask makeAttentionMask(std::int64_t start, std::int64_t tokens, int slidingWindow, const at::Device& device,
    bool explicitCausal = false);

// The mask of a step whose query positions live on the device ([T] int64; CUDA-graph decode, where the host does not
// know them when the step is recorded): query i sees key j < keys when j <= positions[i] (and within the window).
// [T, keys] bool. Keys past the last written position are masked, so the cache may be read over a fixed span.
at::Tensor makeStepMask(const at::Tensor& positions, std::int64_t keys, int slidingWindow);
// A bool mask as an additive one: 0 where allowed, -inf elsewhere, with `options` (device, dtype).
at::Tensor additiveMask(const at::Tensor& allowed, const at::TensorOptions& options);

} // namespace moescope

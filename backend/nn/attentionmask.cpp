#include <cstdint>
#include "nn/attentionmask.h"

#include <limits>

namespace moescope {

AttentionMask makeAttentionMask(std::int64_t start, std::int64_t tokens, int slidingWindow, const at::Device& device,
    bool explicitCausal)
{
    const std::int64_t keys = start + tokens;
    const bool windowBinds = slidingWindow > 0 && keys > slidingWindow;
    if (!windowBinds && tokens == 1)
        return {}; // one query at the end sees every key
    if (!windowBinds && start == 0 && !explicitCausal)
        return { true, std::nullopt };
    const auto opts = at::TensorOptions().dtype(at::kLong).device(device);
    const auto q = at::arange(start, keys, opts).unsqueeze(1); // [T, 1]
    const auto k = at::arange(0, keys, opts).unsqueeze(0); // [1, S]
    auto mask = k <= q; // [T, S]
    if (windowBinds)
        mask = mask.logical_and(k > q - slidingWindow);
    return { false, mask };
}

at::Tensor makeStepMask(const at::Tensor& positions, std::int64_t keys, int slidingWindow)
{
    const auto q = positions.unsqueeze(1); // [T, 1]
    const auto k = at::arange(keys, positions.options()).unsqueeze(0); // [1, S]
    auto mask = k <= q; // [T, S]
    if (slidingWindow > 0)
        mask = mask.logical_and(k > q - slidingWindow);
    return mask;
}

at::Tensor additiveMask(const at::Tensor& allowed, const at::TensorOptions& options)
{
    return at::zeros(allowed.sizes(), options).masked_fill_(allowed.logical_not(), -std::numeric_limits<double>::infinity());
}

} // namespace moescope

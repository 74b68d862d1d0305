#include <cstdint>
#include "runtime/sampler.h"

#include "core/error.h"

#include <ATen/CPUGeneratorImpl.h>

namespace moescope {

Sampler::Sampler(const SamplingOptions& options)
    : m_options(options)
    , m_generator(at::make_generator<at::CPUGeneratorImpl>(options.seed))
{
    if (!options.greedy && !(options.temperature > 0))
        throw InvalidArgumentError("sampling temperature must be positive");
    if (!(options.topP > 0 && options.topP <= 1))
        throw InvalidArgumentError("top-p must be in (0, 1]");
    if (options.topK < 0)
        throw InvalidArgumentError("top-k must not be negative");
}

std::int32_t Sampler::next(const at::Tensor& logits)
{
    if (m_options.greedy)
        return static_cast<std::int32_t>(logits.argmax().item<std::int64_t>());
    auto scaled = logits.to(at::kCPU, at::kFloat) / m_options.temperature; // [V]
    if (m_options.topK > 0 && m_options.topK < scaled.size(0)) {
        const auto kth = std::get<0>(at::topk(scaled, m_options.topK)).min(); // k-th largest
        scaled = scaled.masked_fill(scaled < kth, -std::numeric_limits<float>::infinity());
    }
    if (m_options.topP < 1.0) {
        auto [sorted, order] = at::sort(scaled, -1, /*descending=*/true); // [V]
        const auto cumulative = at::softmax(sorted, -1).cumsum(-1); // [V]
        // Drop a token when the mass before it already reaches top-p (the first token always stays).
        const auto drop = (cumulative - at::softmax(sorted, -1)) >= m_options.topP; // [V]
        scaled = scaled.scatter(0, order, sorted.masked_fill(drop, -std::numeric_limits<float>::infinity()));
    }
    const auto probs = at::softmax(scaled, -1); // [V]
    return static_cast<std::int32_t>(at::multinomial(probs, 1, false, m_generator).item<std::int64_t>());
}

} // namespace moescope

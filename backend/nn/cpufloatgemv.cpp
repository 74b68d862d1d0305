#include "nn/cpufloatgemv.h"

#include "core/error.h"
#include "nn/cpuavx2.h"

#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>

#include <algorithm>

namespace moescope {

#ifdef MOESCOPE_CPU_AVX2
namespace {
using cpuavx2::hasAvx2Fma;
using cpuavx2::horizontalSum;

// Output rows [begin, end) for T rows of x [T, in]: y [T, out] (+ bias); 8 columns a step, the columns past the
// last whole 8 in plain C++.
template <int T>
__attribute__((target("avx2,fma"))) void rows(const float* x, const float* w, const float* bias, std::int64_t in,
    std::int64_t out, std::int64_t begin, std::int64_t end, float* y)
{
    for (std::int64_t n = begin; n < end; ++n) {
        const float* row = w + n * in;
        __m256 acc[T];
        for (int t = 0; t < T; ++t)
            acc[t] = _mm256_setzero_ps();
        std::int64_t c = 0;
        for (; c + 8 <= in; c += 8) {
            const __m256 wv = _mm256_loadu_ps(row + c);
            for (int t = 0; t < T; ++t)
                acc[t] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x + t * in + c), acc[t]);
        }
        for (int t = 0; t < T; ++t) {
            float sum = horizontalSum(acc[t]);
            for (std::int64_t j = c; j < in; ++j)
                sum += row[j] * x[t * in + j];
            y[t * out + n] = bias ? sum + bias[n] : sum;
        }
    }
}

using RowsFn = void (*)(
    const float*, const float*, const float*, std::int64_t, std::int64_t, std::int64_t, std::int64_t, float*);
// By the rows of x, 2 to kMaxCpuFloatGemvRows (one row stays with ATen).
constexpr RowsFn kRows[kMaxCpuFloatGemvRows - 1] = { rows<2>, rows<3>, rows<4>, rows<5>, rows<6>, rows<7>, rows<8> };
} // namespace

bool cpuFloatGemvApplies(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias)
{
    const auto contiguousFloat
        = [](const at::Tensor& t) { return t.is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous(); };
    if (!hasAvx2Fma() || !contiguousFloat(x) || !contiguousFloat(weight) || weight.dim() != 2 || x.dim() < 1
        || x.size(-1) != weight.size(1) || weight.size(1) < 1 || weight.size(0) < 1)
        return false;
    const auto rows = x.numel() / weight.size(1);
    const bool needsGradient = c10::GradMode::is_enabled()
        && (x.requires_grad() || weight.requires_grad() || (bias.defined() && bias.requires_grad()));
    return rows >= 2 && rows <= kMaxCpuFloatGemvRows && !needsGradient
        && (!bias.defined() || (contiguousFloat(bias) && bias.dim() == 1 && bias.size(0) == weight.size(0)));
}

at::Tensor cpuFloatGemv(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias)
{
    if (!cpuFloatGemvApplies(x, weight, bias))
        throw UnsupportedError("cpuFloatGemv: these inputs or weights are not ones it takes");
    const auto in = weight.size(1), out = weight.size(0), tokens = x.numel() / in;
    auto sizes = x.sizes().vec();
    sizes.back() = out;
    auto y = at::empty({ tokens, out }, x.options()); // [T, out]
    const auto fn = kRows[static_cast<std::size_t>(tokens - 2)];
    const float* b = bias.defined() ? bias.data_ptr<float>() : nullptr;
    // Rows in pieces of ~64K weights (small matrices stay on the calling thread).
    const auto grain = std::max<std::int64_t>(1, (64 << 10) / in);
    at::parallel_for(0, out, grain, [&](std::int64_t begin, std::int64_t end) {
        fn(x.data_ptr<float>(), weight.data_ptr<float>(), b, in, out, begin, end, y.data_ptr<float>());
    });
    return y.view(sizes);
}
#else
bool cpuFloatGemvApplies(const at::Tensor&, const at::Tensor&, const at::Tensor&)
{
    return false;
}
at::Tensor cpuFloatGemv(const at::Tensor&, const at::Tensor&, const at::Tensor&)
{
    throw UnsupportedError("cpuFloatGemv needs an x86-64 build with AVX2");
}
#endif

} // namespace moescope

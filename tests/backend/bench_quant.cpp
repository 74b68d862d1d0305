// Benchmark (prints numbers; not a test): quantization and dequantization throughput per scheme on a realistic
// matrix (2048 x 1408, a DeepSeek-V2-Lite expert's gate projection), with and without range search, and the cost of
// a quantized projection's forward (dequantize + product) against the dense product for a decode step (1 token) and
// a prefill chunk (512 tokens).
// Usage: bench_quant [rows cols]

#include "quant/quantizedlinear.h"
#include "quant/quantizer.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace moescope;

namespace {
template <typename F>
double seconds(F&& f, int repeat)
{
    f(); // warm up
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < repeat; ++i)
        f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / repeat;
}
} // namespace

int main(int argc, char** argv)
{
    const std::int64_t rows = argc > 2 ? std::atoll(argv[1]) : 2048, cols = argc > 2 ? std::atoll(argv[2]) : 1408;
    c10::InferenceMode inference;
    at::manual_seed(1);
    const auto w = (at::randn({ rows, cols }) * 0.02 / (at::randn({ rows, cols }).square() + 0.3).sqrt()).contiguous();
    const double mb = static_cast<double>(rows * cols) * 2 / 1e6; // as bf16
    std::printf("matrix %lld x %lld (%.1f MB in bf16), %d threads\n", static_cast<long long>(rows),
        static_cast<long long>(cols), mb, at::get_num_threads());
    std::printf("%-16s %14s %14s %14s %12s %12s %12s %12s\n", "scheme", "quant MB/s", "quant+search", "dequant MB/s",
        "1 tok ms", "dense 1 tok", "512 tok ms", "dense 512");
    const auto x1 = at::randn({ 1, cols }), x512 = at::randn({ 512, cols });
    const double dense1 = seconds([&] { at::linear(x1, w); }, 20) * 1e3;
    const double dense512 = seconds([&] { at::linear(x512, w); }, 5) * 1e3;
    for (const char* name : { "int8", "int4-g128", "int4-g64-asym", "int4-g32", "fp8", "fp8-b128", "bf16" }) {
        const auto s = QuantScheme::parse(name);
        QuantizeOptions plain, search;
        plain.rangeSearch = false;
        const double tq = seconds([&] { quantizeWeight(w, s, plain); }, 2);
        const double ts = s.format == QuantFormat::Int8 || s.format == QuantFormat::Int4
            ? seconds([&] { quantizeWeight(w, s, search); }, 1)
            : tq;
        const auto q = quantizeWeight(w, s, search);
        const double td = seconds([&] { dequantizeWeight(q, at::kFloat); }, 5);
        const QuantizedLinearWeights linear(q, {}, at::kFloat);
        const double t1 = seconds([&] { linear.forward(x1); }, 20) * 1e3;
        const double t512 = seconds([&] { linear.forward(x512); }, 5) * 1e3;
        std::printf("%-16s %14.1f %14.1f %14.1f %12.3f %12.3f %12.3f %12.3f\n", name, mb / tq, mb / ts, mb / td, t1,
            dense1, t512, dense512);
    }
    return 0;
}

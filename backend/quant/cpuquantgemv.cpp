#include "quant/cpuquantgemv.h"

#include "core/error.h"
#include "nn/cpuavx2.h"

#include <ATen/Parallel.h>
#include <c10/util/Float8_e4m3fn.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace moescope {

namespace {
    enum class Codes { Int8, Int4, Fp8 };

    // FP8 E4M3 byte -> float32 (exact), built once from ATen's conversion.
    const float* fp8Values()
    {
        static const auto table = [] {
            std::array<float, 256> t {};
            for (int i = 0; i < 256; ++i) {
                const c10::Float8_e4m3fn value(static_cast<std::uint8_t>(i), c10::Float8_e4m3fn::from_bits());
                t[static_cast<std::size_t>(i)] = static_cast<float>(value);
            }
            return t;
        }();
        return table.data();
    }

    // One product's operands: x [tokens, cols] float32; one matrix's codes and scales; y [tokens, rows] float32. A
    // row's columns fall into groups of groupWidth sharing a scale (the whole row for per-channel scales).
    struct Gemv {
        const float* x = nullptr;
        int tokens = 0;
        std::int64_t rows = 0;
        std::int64_t cols = 0;
        Codes format = Codes::Int8;
        std::int64_t groupWidth = 0;
        std::int64_t groups = 0; // a row's
        const std::uint8_t* codes = nullptr; // INT4: ceil(cols / 2) bytes a row, column 2j low nibble; else cols
        const at::Half* halfScales = nullptr; // INT4 [rows, groups]
        // INT8, FP8: [ceil(rows / blockRows), groups] (per channel: blockRows 1, one group)
        const float* floatScales = nullptr;
        std::int64_t blockRows = 1;
        const std::uint8_t* zeros = nullptr; // INT4 asymmetric [rows, groups], else the implicit 8 (INT4) or 0
        float* y = nullptr;

        std::int64_t rowBytes() const { return format == Codes::Int4 ? (cols + 1) / 2 : cols; }
        float zero(std::int64_t n, std::int64_t g) const
        {
            return format != Codes::Int4 ? 0.f : zeros ? static_cast<float>(zeros[n * groups + g]) : 8.f;
        }
        float floatScale(std::int64_t n, std::int64_t g) const { return floatScales[(n / blockRows) * groups + g]; }
        // Row n's scale of group (or block) g.
        float groupScale(std::int64_t n, std::int64_t g) const
        {
            return halfScales ? static_cast<float>(halfScales[n * groups + g]) : floatScale(n, g);
        }
        float code(const std::uint8_t* row, std::int64_t c) const
        {
            switch (format) {
            case Codes::Int4:
                return static_cast<float>((row[c / 2] >> (4 * (c & 1))) & 15);
            case Codes::Fp8:
                return fp8Values()[row[c]];
            default:
                return static_cast<float>(static_cast<std::int8_t>(row[c]));
            }
        }
    };

    // Output row n, plain C++: the sums of x * (code - zero) over columns [c0, c1) added into acc[t] for each token.
    void sumCodes(const Gemv& p, std::int64_t n, std::int64_t c0, std::int64_t c1, float zero, float* acc)
    {
        const std::uint8_t* row = p.codes + n * p.rowBytes();
        for (std::int64_t c = c0; c < c1; ++c) {
            const float v = p.code(row, c) - zero;
            for (int t = 0; t < p.tokens; ++t)
                acc[t] += p.x[t * p.cols + c] * v;
        }
    }

    void rowPlain(const Gemv& p, std::int64_t n)
    {
        float out[kMaxCpuGemvRows] = {};
        for (std::int64_t g = 0; g < p.groups; ++g) {
            float acc[kMaxCpuGemvRows] = {};
            sumCodes(p, n, g * p.groupWidth, std::min(p.cols, (g + 1) * p.groupWidth), p.zero(n, g), acc);
            const float scale = p.groupScale(n, g);
            for (int t = 0; t < p.tokens; ++t)
                out[t] += acc[t] * scale;
        }
        for (int t = 0; t < p.tokens; ++t)
            p.y[t * p.rows + n] = out[t];
    }

    // Columns [c0, c1) of a row dequantized into out, plain C++: (code - zero) * scale, the arithmetic of
    // dequantizeWeight.
    void dequantizeColumns(const Gemv& p, const std::uint8_t* row, std::int64_t c0, std::int64_t c1, float zero,
        float scale, float* out)
    {
        for (std::int64_t c = c0; c < c1; ++c)
            out[c] = (p.code(row, c) - zero) * scale;
    }

    // Row n dequantized into out[cols], plain C++.
    void dequantizeRowPlain(const Gemv& p, std::int64_t n, float* out)
    {
        const std::uint8_t* row = p.codes + n * p.rowBytes();
        for (std::int64_t g = 0; g < p.groups; ++g)
            dequantizeColumns(p, row, g * p.groupWidth, std::min(p.cols, (g + 1) * p.groupWidth), p.zero(n, g),
                p.groupScale(n, g), out);
    }

#ifdef MOESCOPE_CPU_AVX2
    using cpuavx2::horizontalSum;

    // 16 codes from column c on (INT4: 8 bytes, INT8 and FP8: 16) as two vectors of 8 floats, minus zero.
    template <Codes F>
    __attribute__((target("avx2,fma,f16c"), always_inline)) inline void loadCodes(
        const std::uint8_t* row, std::int64_t c, __m256 zero, __m256& v0, __m256& v1)
    {
        if constexpr (F == Codes::Int4) {
            const __m128i packed = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + c / 2));
            const __m128i mask = _mm_set1_epi8(15);
            const __m128i lo = _mm_and_si128(packed, mask), hi = _mm_and_si128(_mm_srli_epi16(packed, 4), mask);
            const __m128i bytes = _mm_unpacklo_epi8(lo, hi); // columns c .. c + 15 in order
            v0 = _mm256_sub_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes)), zero);
            const __m128i high = _mm_srli_si128(bytes, 8);
            v1 = _mm256_sub_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(high)), zero);
        } else if constexpr (F == Codes::Fp8) { // each byte's value from the table
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + c));
            v0 = _mm256_i32gather_ps(fp8Values(), _mm256_cvtepu8_epi32(bytes), 4);
            v1 = _mm256_i32gather_ps(fp8Values(), _mm256_cvtepu8_epi32(_mm_srli_si128(bytes, 8)), 4);
        } else {
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + c));
            v0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
            v1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(bytes, 8)));
        }
    }

    // Output row n for T tokens: each group's sums in 8-wide vectors, scaled into the row's vector sums, whose lanes
    // are added at the end; columns past the last whole 16 of a group in plain C++. The format is a template
    // parameter so that the inner loop has no branches.
    template <int T, Codes F> __attribute__((target("avx2,fma,f16c"))) void rowAvx2(const Gemv& p, std::int64_t n)
    {
        const std::uint8_t* row = p.codes + n * p.rowBytes();
        __m256 out[T];
        float tail[T];
        for (int t = 0; t < T; ++t) {
            out[t] = _mm256_setzero_ps();
            tail[t] = 0.f;
        }
        for (std::int64_t g = 0; g < p.groups; ++g) {
            const float zeroValue = p.zero(n, g);
            const float scale = p.groupScale(n, g);
            const __m256 zero = _mm256_set1_ps(zeroValue), scales = _mm256_set1_ps(scale);
            const std::int64_t c0 = g * p.groupWidth, c1 = std::min(p.cols, c0 + p.groupWidth);
            // Up to 4 tokens, each token's first and second 8 columns sum apart: one chain of dependent FMAs a token
            // was the loop's limit (a decode step's one token: 16 FMA latencies a 128-column group).
            constexpr int Chains = T <= 4 ? 2 : 1;
            __m256 acc[Chains][T];
            for (int k = 0; k < Chains; ++k)
                for (int t = 0; t < T; ++t)
                    acc[k][t] = _mm256_setzero_ps();
            std::int64_t c = c0;
            for (; c + 16 <= c1 && (F != Codes::Int4 || c % 2 == 0); c += 16) {
                __m256 v0, v1;
                loadCodes<F>(row, c, zero, v0, v1);
                for (int t = 0; t < T; ++t) {
                    const float* x = p.x + t * p.cols + c;
                    acc[0][t] = _mm256_fmadd_ps(v0, _mm256_loadu_ps(x), acc[0][t]);
                    acc[Chains - 1][t] = _mm256_fmadd_ps(v1, _mm256_loadu_ps(x + 8), acc[Chains - 1][t]);
                }
            }
            for (int t = 0; t < T; ++t) {
                const __m256 sum = Chains == 2 ? _mm256_add_ps(acc[0][t], acc[Chains - 1][t]) : acc[0][t];
                out[t] = _mm256_fmadd_ps(sum, scales, out[t]);
            }
            if (c < c1) { // the group's columns past its last whole 16 (p.tokens == T)
                float rest[T] = {};
                sumCodes(p, n, c, c1, zeroValue, rest);
                for (int t = 0; t < T; ++t)
                    tail[t] += rest[t] * scale;
            }
        }
        for (int t = 0; t < T; ++t)
            p.y[t * p.rows + n] = horizontalSum(out[t]) + tail[t];
    }

    template <Codes F, int T> void rowsAvx2(const Gemv& p, std::int64_t begin, std::int64_t end)
    {
        for (std::int64_t n = begin; n < end; ++n)
            rowAvx2<T, F>(p, n);
    }

    using RowsFn = void (*)(const Gemv&, std::int64_t, std::int64_t);
    template <Codes F>
    constexpr RowsFn kRowsAvx2[kMaxCpuGemvRows] = { rowsAvx2<F, 1>, rowsAvx2<F, 2>, rowsAvx2<F, 3>, rowsAvx2<F, 4>,
        rowsAvx2<F, 5>, rowsAvx2<F, 6>, rowsAvx2<F, 7>, rowsAvx2<F, 8> };

    void rowsAvx2(const Gemv& p, std::int64_t begin, std::int64_t end)
    {
        const auto i = static_cast<std::size_t>(p.tokens - 1);
        switch (p.format) {
        case Codes::Int4:
            return kRowsAvx2<Codes::Int4>[i](p, begin, end);
        case Codes::Fp8:
            return kRowsAvx2<Codes::Fp8>[i](p, begin, end);
        default:
            return kRowsAvx2<Codes::Int8>[i](p, begin, end);
        }
    }

    // Row n dequantized into out[cols] 16 codes at a time (the same arithmetic as dequantizeRowPlain: the code minus
    // the zero is exact, one rounding in the product).
    template <Codes F>
    __attribute__((target("avx2,fma,f16c"))) void dequantizeRowAvx2(const Gemv& p, std::int64_t n, float* out)
    {
        const std::uint8_t* row = p.codes + n * p.rowBytes();
        for (std::int64_t g = 0; g < p.groups; ++g) {
            const float zeroValue = p.zero(n, g), scale = p.groupScale(n, g);
            const __m256 zero = _mm256_set1_ps(zeroValue), scales = _mm256_set1_ps(scale);
            const std::int64_t c0 = g * p.groupWidth, c1 = std::min(p.cols, c0 + p.groupWidth);
            std::int64_t c = c0;
            for (; c + 16 <= c1 && (F != Codes::Int4 || c % 2 == 0); c += 16) {
                __m256 v0, v1;
                loadCodes<F>(row, c, zero, v0, v1);
                _mm256_storeu_ps(out + c, _mm256_mul_ps(v0, scales));
                _mm256_storeu_ps(out + c + 8, _mm256_mul_ps(v1, scales));
            }
            dequantizeColumns(p, row, c, c1, zeroValue, scale, out); // past the last whole 16
        }
    }

    void dequantizeRowsAvx2(const Gemv& p, std::int64_t begin, std::int64_t end, float* out)
    {
        for (std::int64_t n = begin; n < end; ++n) {
            switch (p.format) {
            case Codes::Int4:
                dequantizeRowAvx2<Codes::Int4>(p, n, out + n * p.cols);
                break;
            case Codes::Fp8:
                dequantizeRowAvx2<Codes::Fp8>(p, n, out + n * p.cols);
                break;
            default:
                dequantizeRowAvx2<Codes::Int8>(p, n, out + n * p.cols);
            }
        }
    }

    bool hasAvx2() // with F16C (the INT4 groups' half-precision scales)
    {
        static const bool yes = cpuavx2::hasAvx2Fma() && __builtin_cpu_supports("f16c");
        return yes;
    }
#endif

    // Rows split over ATen's threads in pieces of ~64K codes (small matrices stay on the calling thread).
    std::int64_t rowGrain(const Gemv& p)
    {
        return std::max<std::int64_t>(1, (64 << 10) / std::max<std::int64_t>(1, p.cols));
    }

    void run(const Gemv& p, bool plainLoop)
    {
        at::parallel_for(0, p.rows, rowGrain(p), [&](std::int64_t begin, std::int64_t end) {
#ifdef MOESCOPE_CPU_AVX2
            if (!plainLoop && hasAvx2()) {
                rowsAvx2(p, begin, end);
                return;
            }
#endif
            for (std::int64_t n = begin; n < end; ++n)
                rowPlain(p, n);
        });
    }

    // p's rows dequantized into out [rows, cols].
    void runDequantize(const Gemv& p, float* out, bool plainLoop)
    {
        at::parallel_for(0, p.rows, rowGrain(p), [&](std::int64_t begin, std::int64_t end) {
#ifdef MOESCOPE_CPU_AVX2
            if (!plainLoop && hasAvx2()) {
                dequantizeRowsAvx2(p, begin, end, out);
                return;
            }
#endif
            for (std::int64_t n = begin; n < end; ++n)
                dequantizeRowPlain(p, n, out + n * p.cols);
        });
    }

    bool contiguousCpu(const at::Tensor& t, at::ScalarType type)
    {
        return t.defined() && t.is_cpu() && t.is_contiguous() && t.scalar_type() == type;
    }

    // x [..., cols] float32 or bf16 on the CPU.
    bool cpuInput(const at::Tensor& x, std::int64_t cols)
    {
        return x.defined() && x.is_cpu() && (x.scalar_type() == at::kFloat || x.scalar_type() == at::kBFloat16)
            && x.dim() >= 1 && cols >= 1 && x.size(-1) == cols;
    }

    std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
    // Matrix `matrix` of q's stack (cpuQuantGemvTakes(q)) as a product's weights; x, tokens and y unset.
    Gemv matrixOf(const QuantizedTensor& q, std::int64_t matrix)
    {
        Gemv p;
        p.rows = q.rows;
        p.cols = q.cols;
        p.format = q.scheme.format == QuantFormat::Int4 ? Codes::Int4
            : q.scheme.format == QuantFormat::Fp8       ? Codes::Fp8
                                                        : Codes::Int8;
        p.codes = static_cast<const std::uint8_t*>(q.data.data_ptr()) + matrix * q.rows * p.rowBytes();
        const std::int64_t blocks = q.scheme.groupSize; // INT4 groups, FP8 square blocks (0: per channel)
        p.groupWidth = blocks > 0 ? blocks : q.cols;
        p.groups = ceilDiv(q.cols, p.groupWidth);
        if (p.format == Codes::Int4) {
            p.halfScales = q.scales.data_ptr<at::Half>() + matrix * q.rows * p.groups;
            p.zeros = q.zeros.defined() ? q.zeros.data_ptr<std::uint8_t>() + matrix * q.rows * p.groups : nullptr;
        } else {
            p.blockRows = p.format == Codes::Fp8 && blocks > 0 ? blocks : 1;
            p.floatScales = q.scales.data_ptr<float>() + matrix * ceilDiv(q.rows, p.blockRows) * p.groups;
        }
        return p;
    }
} // namespace

bool cpuQuantGemvApplies(const at::Tensor& x, const QuantizedTensor& q)
{
    return cpuInput(x, q.cols) && x.numel() > 0 && x.numel() / q.cols <= kMaxCpuGemvRows && cpuQuantGemvTakes(q);
}

bool cpuQuantGemvTakes(const QuantizedTensor& q)
{
    // The tensors' sizes as the loops index them (per matrix of the stack).
    const std::int64_t n = q.stackSize(), g = q.scheme.groupSize;
    if (q.rows < 1 || q.cols < 1
        || (q.inputScale.defined() && (!contiguousCpu(q.inputScale, at::kFloat) || q.inputScale.numel() != n * q.cols)))
        return false;
    switch (q.scheme.format) {
    case QuantFormat::Int8:
        return contiguousCpu(q.data, at::kChar) && q.data.numel() == n * q.rows * q.cols
            && contiguousCpu(q.scales, at::kFloat) && q.scales.numel() == n * q.rows;
    case QuantFormat::Int4: {
        const auto groups = n * q.rows * (g > 0 ? ceilDiv(q.cols, g) : 0);
        return g > 0 && g % 2 == 0 && contiguousCpu(q.data, at::kByte)
            && q.data.numel() == n * q.rows * ceilDiv(q.cols, 2) && contiguousCpu(q.scales, at::kHalf)
            && q.scales.numel() == groups
            && (!q.zeros.defined() || (contiguousCpu(q.zeros, at::kByte) && q.zeros.numel() == groups));
    }
    case QuantFormat::Fp8:
        return contiguousCpu(q.data, at::kFloat8_e4m3fn) && q.data.numel() == n * q.rows * q.cols
            && contiguousCpu(q.scales, at::kFloat)
            && q.scales.numel() == n * (g > 0 ? ceilDiv(q.rows, g) * ceilDiv(q.cols, g) : q.rows);
    default:
        return false;
    }
}

at::Tensor cpuQuantGemv(const at::Tensor& x, const QuantizedTensor& q, std::int64_t matrix, bool plainLoop)
{
    if (!cpuInput(x, q.cols) || !cpuQuantGemvTakes(q) || matrix < 0 || matrix >= q.stackSize())
        throw UnsupportedError("cpuQuantGemv: these inputs or weights are not ones it takes");
    auto xs = x.reshape({ -1, q.cols }).to(at::kFloat).contiguous(); // [T, cols]
    if (q.inputScale.defined()) // activation-aware scaling: the codes stand for W * s, so x / s meets them
        xs = xs / q.inputScale.reshape({ -1, q.cols })[matrix];
    auto y = at::empty({ xs.size(0), q.rows }, xs.options()); // [T, rows]
    Gemv p = matrixOf(q, matrix);
    for (std::int64_t first = 0; first < xs.size(0); first += kMaxCpuGemvRows) { // a pass per kMaxCpuGemvRows rows
        p.tokens = static_cast<int>(std::min(kMaxCpuGemvRows, xs.size(0) - first));
        p.x = xs.data_ptr<float>() + first * q.cols;
        p.y = y.data_ptr<float>() + first * q.rows;
        run(p, plainLoop);
    }
    auto sizes = x.sizes().vec();
    sizes.back() = q.rows;
    return y.view(sizes).to(x.scalar_type());
}

at::Tensor cpuDequantize(const QuantizedTensor& q, bool plainLoop)
{
    if (!cpuQuantGemvTakes(q))
        throw UnsupportedError("cpuDequantize: these weights are not ones it takes");
    auto sizes = q.data.sizes().vec();
    sizes.back() = q.cols;
    auto w = at::empty(sizes, at::TensorOptions().dtype(at::kFloat)); // [.., rows, cols]
    for (std::int64_t m = 0; m < q.stackSize(); ++m)
        runDequantize(matrixOf(q, m), w.data_ptr<float>() + m * q.rows * q.cols, plainLoop);
    return w;
}

} // namespace moescope

#include "kernels/decodekernels.h"

#include <algorithm>
#include <cuda_fp16.h>
#include <cstdint>

namespace moescope::kernels {

namespace {
    using bf16 = __nv_bfloat16;
    constexpr int kWarpsPerBlock = 4;

    __device__ __forceinline__ float roundBf16(float v) { return __bfloat162float(__float2bfloat16(v)); }

    // 8 products of one 16-byte load of a and b added to acc.
    __device__ __forceinline__ float dot8(const uint4& a, const uint4& b, float acc)
    {
        const auto* a2 = reinterpret_cast<const __nv_bfloat162*>(&a);
        const auto* b2 = reinterpret_cast<const __nv_bfloat162*>(&b);
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const float2 fa = __bfloat1622float2(a2[j]);
            const float2 fb = __bfloat1622float2(b2[j]);
            acc = fmaf(fa.x, fb.x, acc);
            acc = fmaf(fa.y, fb.y, acc);
        }
        return acc;
    }

    __device__ __forceinline__ float warpSum(float v)
    {
#pragma unroll
        for (int o = 16; o > 0; o >>= 1)
            v += __shfl_xor_sync(0xffffffffu, v, o);
        return v;
    }

    // A warp's dot products of two weight rows with one vector (n a multiple of 8, 16-byte aligned rows).
    __device__ __forceinline__ float2 dotTwoRows(const bf16* __restrict__ r0, const bf16* __restrict__ r1,
        const bf16* __restrict__ v, std::int64_t n, int lane)
    {
        float a0 = 0.f, a1 = 0.f;
#pragma unroll 4
        for (std::int64_t i = lane * 8; i < n; i += 32 * 8) {
            const uint4 x = *reinterpret_cast<const uint4*>(v + i);
            a0 = dot8(__ldg(reinterpret_cast<const uint4*>(r0 + i)), x, a0);
            a1 = dot8(__ldg(reinterpret_cast<const uint4*>(r1 + i)), x, a1);
        }
        return make_float2(warpSum(a0), warpSum(a1));
    }

    __device__ __forceinline__ float dotRow(const bf16* __restrict__ r, const bf16* __restrict__ v, std::int64_t n,
        int lane)
    {
        float a = 0.f;
#pragma unroll 4
        for (std::int64_t i = lane * 8; i < n; i += 32 * 8)
            a = dot8(__ldg(reinterpret_cast<const uint4*>(r + i)), *reinterpret_cast<const uint4*>(v + i), a);
        return warpSum(a);
    }

    // Products of 8 dequantized values with 8 bf16 inputs.
    __device__ __forceinline__ float dotDequant8(const float* w, const uint4& xv, float acc)
    {
        const auto* x2 = reinterpret_cast<const __nv_bfloat162*>(&xv);
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const float2 fx = __bfloat1622float2(x2[j]);
            acc = fmaf(w[2 * j], fx.x, acc);
            acc = fmaf(w[2 * j + 1], fx.y, acc);
        }
        return acc;
    }

    // A warp's dot product of row `row` of matrix `matrix` in a quantized stack with x [cols]. The dequantized values
    // multiply in float32 (the dequantizing path rounds them to bf16 first: a difference far below the codes' step).
    // Unrolled so that each lane has several 16-byte loads in flight.
    __device__ float dotQuantRow(const QuantMatrices& m, std::int64_t matrix, std::int64_t row,
        const bf16* __restrict__ x, int lane)
    {
        const std::int64_t r = matrix * m.rows + row;
        float acc = 0.f;
        if (m.format == QuantCodes::Int8) {
            const auto* codes = static_cast<const std::int8_t*>(m.codes) + r * m.cols;
            const float scale = static_cast<const float*>(m.scales)[r];
#pragma unroll 4
            for (std::int64_t i = lane * 16; i < m.cols; i += 32 * 16) {
                const uint4 c = __ldg(reinterpret_cast<const uint4*>(codes + i));
                const auto* cb = reinterpret_cast<const std::int8_t*>(&c);
                float w[16];
#pragma unroll
                for (int j = 0; j < 16; ++j)
                    w[j] = static_cast<float>(cb[j]);
                float part = dotDequant8(w, *reinterpret_cast<const uint4*>(x + i), 0.f);
                part = dotDequant8(w + 8, *reinterpret_cast<const uint4*>(x + i + 8), part);
                acc = fmaf(part, scale, acc);
            }
        } else {
            const auto* codes = static_cast<const std::uint8_t*>(m.codes) + r * (m.cols / 2);
            const std::int64_t groups = m.cols / m.groupSize;
            const auto* scales = static_cast<const __half*>(m.scales) + r * groups;
            const std::uint8_t* zeros = m.zeros ? m.zeros + r * groups : nullptr;
#pragma unroll 2
            for (std::int64_t i = lane * 32; i < m.cols; i += 32 * 32) {
                const uint4 c = __ldg(reinterpret_cast<const uint4*>(codes + i / 2));
                const auto* cb = reinterpret_cast<const std::uint8_t*>(&c);
                const std::int64_t g = i / m.groupSize;
                const float zero = zeros ? static_cast<float>(zeros[g]) : 8.f;
                float w[32];
#pragma unroll
                for (int j = 0; j < 16; ++j) {
                    w[2 * j] = static_cast<float>(cb[j] & 15) - zero;
                    w[2 * j + 1] = static_cast<float>(cb[j] >> 4) - zero;
                }
                float part = 0.f;
#pragma unroll
                for (int q = 0; q < 4; ++q)
                    part = dotDequant8(w + 8 * q, *reinterpret_cast<const uint4*>(x + i + 8 * q), part);
                acc = fmaf(part, __half2float(scales[g]), acc); // 32 values share one group (group % 32 == 0)
            }
        }
        return warpSum(acc);
    }

    __device__ __forceinline__ bf16 siluProduct(float gate, float up)
    {
        const float g = roundBf16(gate); // the eager path's product is bf16, and so are silu's and the product's results
        return __float2bfloat16(roundBf16(g / (1.f + expf(-g))) * roundBf16(up));
    }

    // The token's slots in ascending expert id (the order the eager path adds them in); k <= kMaxTopK.
    __device__ __forceinline__ void slotsByExpert(const std::int64_t* __restrict__ ids, std::int64_t token, int k,
        int* order)
    {
        for (int j = 0; j < k; ++j) {
            int at = j;
            while (at > 0 && ids[token * k + order[at - 1]] > ids[token * k + j]) {
                order[at] = order[at - 1];
                --at;
            }
            order[at] = j;
        }
    }

    // One output row of a token: its k expert rows' dot products (rowDot(slot)), scaled and added in ascending expert
    // id with the eager path's roundings (bf16 product, bf16 scaled value, bf16 after each addition).
    template <typename RowDot>
    __device__ __forceinline__ float combineSlots(
        const std::int64_t* __restrict__ ids, const float* __restrict__ weights, std::int64_t token, int k, RowDot rowDot)
    {
        int order[kMaxTopK];
        slotsByExpert(ids, token, k, order);
        float acc = 0.f;
        for (int n = 0; n < k; ++n) {
            const std::int64_t slot = token * k + order[n];
            const float y = roundBf16(roundBf16(rowDot(slot)) * weights[slot]);
            acc = n == 0 ? y : roundBf16(acc + y);
        }
        return acc;
    }

    __global__ void quantGateUpSiluKernel(const bf16* __restrict__ x, QuantMatrices gate, QuantMatrices up,
        const std::int64_t* __restrict__ ids, int k, bf16* __restrict__ h)
    {
        const std::int64_t slot = blockIdx.y;
        const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
        const int lane = threadIdx.x % 32;
        if (j >= gate.rows)
            return;
        const std::int64_t e = ids[slot];
        const bf16* xt = x + (slot / k) * gate.cols;
        const float g = dotQuantRow(gate, e, j, xt, lane);
        const float u = dotQuantRow(up, e, j, xt, lane);
        if (lane == 0)
            h[slot * gate.rows + j] = siluProduct(g, u);
    }

    __global__ void quantDownCombineKernel(const bf16* __restrict__ h, QuantMatrices down,
        const std::int64_t* __restrict__ ids, const float* __restrict__ weights, int k, bf16* __restrict__ out)
    {
        const std::int64_t token = blockIdx.y;
        const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
        const int lane = threadIdx.x % 32;
        if (row >= down.rows)
            return;
        const float acc = combineSlots(ids, weights, token, k,
            [&](std::int64_t slot) { return dotQuantRow(down, ids[slot], row, h + slot * down.cols, lane); });
        if (lane == 0)
            out[token * down.rows + row] = __float2bfloat16(acc);
    }

    __global__ void quantGemvKernel(const bf16* __restrict__ x, QuantMatrices w, const bf16* __restrict__ bias,
        bf16* __restrict__ y)
    {
        const std::int64_t token = blockIdx.y;
        const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
        const int lane = threadIdx.x % 32;
        if (row >= w.rows)
            return;
        const float sum = dotQuantRow(w, 0, row, x + token * w.cols, lane);
        if (lane == 0)
            y[token * w.rows + row] = __float2bfloat16(bias ? sum + __bfloat162float(bias[row]) : sum);
    }

    // One warp per (slot, intermediate row j): gate row j and up row j of the slot's expert.
    __global__ void gateUpSiluKernel(const bf16* __restrict__ x, const bf16* __restrict__ gateUp,
        const std::int64_t* __restrict__ ids, int k, std::int64_t hidden, std::int64_t inter, bf16* __restrict__ h)
    {
        const std::int64_t slot = blockIdx.y;
        const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
        const int lane = threadIdx.x % 32;
        if (j >= inter)
            return;
        const std::int64_t e = ids[slot];
        const bf16* base = gateUp + e * 2 * inter * hidden;
        const float2 gu = dotTwoRows(base + j * hidden, base + (inter + j) * hidden, x + (slot / k) * hidden, hidden, lane);
        if (lane == 0)
            h[slot * inter + j] = siluProduct(gu.x, gu.y);
    }

    // One warp per (token, output row): the token's k expert rows, added in ascending expert id.
    __global__ void downCombineKernel(const bf16* __restrict__ h, const bf16* __restrict__ down,
        const std::int64_t* __restrict__ ids, const float* __restrict__ weights, int k, std::int64_t hidden,
        std::int64_t inter, bf16* __restrict__ out)
    {
        const std::int64_t token = blockIdx.y;
        const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
        const int lane = threadIdx.x % 32;
        if (row >= hidden)
            return;
        const float acc = combineSlots(ids, weights, token, k, [&](std::int64_t slot) {
            return dotRow(down + (ids[slot] * hidden + row) * inter, h + slot * inter, inter, lane);
        });
        if (lane == 0)
            out[token * hidden + row] = __float2bfloat16(acc);
    }

    template <int kTokens>
    __global__ void gemvKernel(const bf16* __restrict__ x, const bf16* __restrict__ w, const bf16* __restrict__ bias,
        std::int64_t in, std::int64_t out, bf16* __restrict__ y)
    {
        const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
        const int lane = threadIdx.x % 32;
        if (row >= out)
            return;
        float acc[kTokens];
#pragma unroll
        for (int t = 0; t < kTokens; ++t)
            acc[t] = 0.f;
        const bf16* wr = w + row * in;
#pragma unroll 4
        for (std::int64_t i = lane * 8; i < in; i += 32 * 8) {
            const uint4 wv = __ldg(reinterpret_cast<const uint4*>(wr + i));
#pragma unroll
            for (int t = 0; t < kTokens; ++t)
                acc[t] = dot8(wv, *reinterpret_cast<const uint4*>(x + t * in + i), acc[t]);
        }
#pragma unroll
        for (int t = 0; t < kTokens; ++t) {
            const float sum = warpSum(acc[t]);
            if (lane == 0)
                y[t * out + row] = __float2bfloat16(bias ? sum + __bfloat162float(bias[row]) : sum);
        }
    }

    // Block-wide sum; every thread gets the total. partial: 32 floats of shared memory.
    __device__ __forceinline__ float blockSum(float v, float* partial)
    {
        v = warpSum(v);
        if (threadIdx.x % 32 == 0)
            partial[threadIdx.x / 32] = v;
        __syncthreads();
        if (threadIdx.x < 32) {
            float s = threadIdx.x < (blockDim.x + 31) / 32 ? partial[threadIdx.x] : 0.f;
            s = warpSum(s);
            if (threadIdx.x == 0)
                partial[0] = s;
        }
        __syncthreads();
        return partial[0];
    }

    // One block per row, rows of d = a multiple of 8 up to blockDim * 8 * kChunks: one pass over memory, 16-byte
    // loads and stores, the row kept in registers.
    template <int kChunks>
    __global__ void rmsNormVectorKernel(const bf16* __restrict__ x, const bf16* __restrict__ weight, std::int64_t d,
        float eps, bf16* __restrict__ out)
    {
        const std::int64_t base = static_cast<std::int64_t>(blockIdx.x) * d;
        uint4 chunk[kChunks];
        float sum = 0.f;
#pragma unroll
        for (int c = 0; c < kChunks; ++c) {
            const std::int64_t i = (static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8;
            chunk[c] = i < d ? *reinterpret_cast<const uint4*>(x + base + i) : make_uint4(0, 0, 0, 0);
            sum = dot8(chunk[c], chunk[c], sum);
        }
        __shared__ float partial[32];
        const float scale = rsqrtf(blockSum(sum, partial) / static_cast<float>(d) + eps);
#pragma unroll
        for (int c = 0; c < kChunks; ++c) {
            const std::int64_t i = (static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8;
            if (i >= d)
                continue;
            const uint4 w = *reinterpret_cast<const uint4*>(weight + i);
            const auto* x2 = reinterpret_cast<const __nv_bfloat162*>(&chunk[c]);
            const auto* w2 = reinterpret_cast<const __nv_bfloat162*>(&w);
            uint4 o;
            auto* o2 = reinterpret_cast<__nv_bfloat162*>(&o);
#pragma unroll
            for (int j = 0; j < 4; ++j) {
                const float2 fx = __bfloat1622float2(x2[j]);
                const float2 fw = __bfloat1622float2(w2[j]);
                o2[j] = __floats2bfloat162_rn(fw.x * roundBf16(fx.x * scale), fw.y * roundBf16(fx.y * scale));
            }
            *reinterpret_cast<uint4*>(out + base + i) = o;
        }
    }

    // One block per row (any d).
    __global__ void rmsNormKernel(const bf16* __restrict__ x, const bf16* __restrict__ weight, std::int64_t d,
        float eps, bf16* __restrict__ out)
    {
        const bf16* row = x + static_cast<std::int64_t>(blockIdx.x) * d;
        float sum = 0.f;
        for (std::int64_t i = threadIdx.x; i < d; i += blockDim.x) {
            const float v = __bfloat162float(row[i]);
            sum = fmaf(v, v, sum);
        }
        __shared__ float partial[32];
        const float scale = rsqrtf(blockSum(sum, partial) / static_cast<float>(d) + eps);
        bf16* o = out + static_cast<std::int64_t>(blockIdx.x) * d;
        for (std::int64_t i = threadIdx.x; i < d; i += blockDim.x)
            o[i] = __float2bfloat16(__bfloat162float(weight[i]) * roundBf16(__bfloat162float(row[i]) * scale));
    }

    // One thread per rotated pair.
    __global__ void ropeKernel(const bf16* __restrict__ x, std::int64_t heads, std::int64_t dim,
        std::int64_t tokenStride, std::int64_t headStride, const float* __restrict__ cos,
        const float* __restrict__ sin, bool interleaved, bool float32, bool keepInterleaved, std::int64_t pairs,
        bf16* __restrict__ out)
    {
        const std::int64_t p = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
        if (p >= pairs)
            return;
        const std::int64_t half = dim / 2;
        const std::int64_t i = p % half;
        const std::int64_t head = (p / half) % heads;
        const std::int64_t token = p / (half * heads);
        const bf16* row = x + token * tokenStride + head * headStride;
        const float x1 = __bfloat162float(row[interleaved ? 2 * i : i]);
        const float x2 = __bfloat162float(row[interleaved ? 2 * i + 1 : i + half]);
        float c = cos[token * half + i];
        float s = sin[token * half + i];
        float o1, o2;
        if (float32) { // no fused multiply-adds: the eager path rounds each product
            o1 = __fsub_rn(__fmul_rn(x1, c), __fmul_rn(x2, s));
            o2 = __fadd_rn(__fmul_rn(x2, c), __fmul_rn(x1, s));
        } else {
            c = roundBf16(c);
            s = roundBf16(s);
            o1 = roundBf16(roundBf16(x1 * c) - roundBf16(x2 * s));
            o2 = roundBf16(roundBf16(x2 * c) + roundBf16(x1 * s));
        }
        bf16* o = out + (token * heads + head) * dim;
        o[keepInterleaved ? 2 * i : i] = __float2bfloat16(o1);
        o[keepInterleaved ? 2 * i + 1 : i + half] = __float2bfloat16(o2);
    }
} // namespace

void launchMoeDecode(const bf16* x, const bf16* gateUp, const bf16* down, const std::int64_t* ids,
    const float* weights, std::int64_t tokens, int k, std::int64_t hidden, std::int64_t intermediate, bf16* h,
    bf16* out, cudaStream_t stream)
{
    const dim3 block(32 * kWarpsPerBlock);
    const dim3 gateUpGrid(static_cast<unsigned>((intermediate + kWarpsPerBlock - 1) / kWarpsPerBlock),
        static_cast<unsigned>(tokens * k));
    gateUpSiluKernel<<<gateUpGrid, block, 0, stream>>>(x, gateUp, ids, k, hidden, intermediate, h);
    const dim3 downGrid(
        static_cast<unsigned>((hidden + kWarpsPerBlock - 1) / kWarpsPerBlock), static_cast<unsigned>(tokens));
    downCombineKernel<<<downGrid, block, 0, stream>>>(h, down, ids, weights, k, hidden, intermediate, out);
}

void launchQuantMoeDecode(const bf16* x, const QuantMatrices& gate, const QuantMatrices& up,
    const QuantMatrices& down, const std::int64_t* ids, const float* weights, std::int64_t tokens, int k, bf16* h,
    bf16* out, cudaStream_t stream)
{
    const dim3 block(32 * kWarpsPerBlock);
    const dim3 gateUpGrid(
        static_cast<unsigned>((gate.rows + kWarpsPerBlock - 1) / kWarpsPerBlock), static_cast<unsigned>(tokens * k));
    quantGateUpSiluKernel<<<gateUpGrid, block, 0, stream>>>(x, gate, up, ids, k, h);
    const dim3 downGrid(
        static_cast<unsigned>((down.rows + kWarpsPerBlock - 1) / kWarpsPerBlock), static_cast<unsigned>(tokens));
    quantDownCombineKernel<<<downGrid, block, 0, stream>>>(h, down, ids, weights, k, out);
}

void launchQuantGemv(const bf16* x, const QuantMatrices& weight, const bf16* bias, std::int64_t tokens, bf16* y,
    cudaStream_t stream)
{
    const dim3 grid(
        static_cast<unsigned>((weight.rows + kWarpsPerBlock - 1) / kWarpsPerBlock), static_cast<unsigned>(tokens));
    quantGemvKernel<<<grid, dim3(32 * kWarpsPerBlock), 0, stream>>>(x, weight, bias, y);
}

void launchGemv(const bf16* x, const bf16* weight, const bf16* bias, std::int64_t tokens, std::int64_t in,
    std::int64_t out, bf16* y, cudaStream_t stream)
{
    const dim3 grid(static_cast<unsigned>((out + kWarpsPerBlock - 1) / kWarpsPerBlock));
    const dim3 block(32 * kWarpsPerBlock);
    // Template instances for 1, 2, 4 and 8 tokens; a call for 3 runs the 4-token kernel on slices.
    for (std::int64_t done = 0; done < tokens;) {
        const auto left = tokens - done;
        const bf16* xs = x + done * in;
        bf16* ys = y + done * out;
        if (left >= 8) {
            gemvKernel<8><<<grid, block, 0, stream>>>(xs, weight, bias, in, out, ys);
            done += 8;
        } else if (left >= 4) {
            gemvKernel<4><<<grid, block, 0, stream>>>(xs, weight, bias, in, out, ys);
            done += 4;
        } else if (left >= 2) {
            gemvKernel<2><<<grid, block, 0, stream>>>(xs, weight, bias, in, out, ys);
            done += 2;
        } else {
            gemvKernel<1><<<grid, block, 0, stream>>>(xs, weight, bias, in, out, ys);
            done += 1;
        }
    }
}

void launchRmsNorm(const bf16* x, const bf16* weight, std::int64_t rows, std::int64_t d, float eps, bf16* out,
    cudaStream_t stream)
{
    const auto blocks = static_cast<unsigned>(rows);
    const bool aligned = d % 8 == 0 && reinterpret_cast<std::uintptr_t>(x) % 16 == 0
        && reinterpret_cast<std::uintptr_t>(weight) % 16 == 0 && reinterpret_cast<std::uintptr_t>(out) % 16 == 0;
    const std::int64_t chunks = d / 8; // 16-byte chunks per row
    if (aligned && chunks <= 256 * 4) {
        const int threads = static_cast<int>(std::min<std::int64_t>(256, (chunks + 31) / 32 * 32));
        const auto perThread = (chunks + threads - 1) / threads;
        if (perThread <= 1)
            rmsNormVectorKernel<1><<<blocks, threads, 0, stream>>>(x, weight, d, eps, out);
        else if (perThread <= 2)
            rmsNormVectorKernel<2><<<blocks, threads, 0, stream>>>(x, weight, d, eps, out);
        else
            rmsNormVectorKernel<4><<<blocks, threads, 0, stream>>>(x, weight, d, eps, out);
        return;
    }
    const int threads = d >= 1024 ? 256 : (d >= 256 ? 128 : 32);
    rmsNormKernel<<<blocks, threads, 0, stream>>>(x, weight, d, eps, out);
}

void launchRope(const bf16* x, std::int64_t tokens, std::int64_t heads, std::int64_t dim, std::int64_t tokenStride,
    std::int64_t headStride, const float* cos, const float* sin, bool interleaved, bool float32, bool keepInterleaved,
    bf16* out, cudaStream_t stream)
{
    const std::int64_t pairs = tokens * heads * (dim / 2);
    constexpr int threads = 256;
    ropeKernel<<<static_cast<unsigned>((pairs + threads - 1) / threads), threads, 0, stream>>>(x, heads, dim,
        tokenStride, headStride, cos, sin, interleaved, float32, keepInterleaved, pairs, out);
}

} // namespace moescope::kernels

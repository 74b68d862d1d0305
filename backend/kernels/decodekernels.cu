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

    // Columns one lane covers per chunk of a quantized row: one 16-byte load of codes.
    __device__ __forceinline__ int quantChunkWidth(QuantCodes format) { return format == QuantCodes::Int8 ? 16 : 32; }

    // One lane's scaled partial dot product of the chunk at column i of row r (matrix * rows + row) of a quantized
    // stack with x. The dequantized values multiply in float32 (the dequantizing path rounds them to bf16 first: a
    // difference far below the codes' step).
    __device__ __forceinline__ float quantChunkDot(
        const QuantMatrices& m, std::int64_t r, std::int64_t i, const bf16* __restrict__ x)
    {
        if (m.format == QuantCodes::Int8) {
            const auto* codes = static_cast<const std::int8_t*>(m.codes) + r * m.cols;
            const uint4 c = __ldg(reinterpret_cast<const uint4*>(codes + i));
            const auto* cb = reinterpret_cast<const std::int8_t*>(&c);
            float w[16];
#pragma unroll
            for (int j = 0; j < 16; ++j)
                w[j] = static_cast<float>(cb[j]);
            float part = dotDequant8(w, *reinterpret_cast<const uint4*>(x + i), 0.f);
            part = dotDequant8(w + 8, *reinterpret_cast<const uint4*>(x + i + 8), part);
            return part * static_cast<const float*>(m.scales)[r];
        }
        const auto* codes = static_cast<const std::uint8_t*>(m.codes) + r * (m.cols / 2);
        const std::int64_t groups = m.cols / m.groupSize;
        const std::int64_t g = r * groups + i / m.groupSize; // 32 values share one group (group % 32 == 0)
        const uint4 c = __ldg(reinterpret_cast<const uint4*>(codes + i / 2));
        const auto* cb = reinterpret_cast<const std::uint8_t*>(&c);
        const float zero = m.zeros ? static_cast<float>(m.zeros[g]) : 8.f;
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
        return part * __half2float(static_cast<const __half*>(m.scales)[g]);
    }

    // A warp's dot product of row `row` of matrix `matrix` in a quantized stack with x [cols]. Unrolled so that each
    // lane has several 16-byte loads in flight.
    __device__ float dotQuantRow(const QuantMatrices& m, std::int64_t matrix, std::int64_t row,
        const bf16* __restrict__ x, int lane)
    {
        const std::int64_t r = matrix * m.rows + row;
        const int width = quantChunkWidth(m.format);
        float acc = 0.f;
#pragma unroll 4
        for (std::int64_t i = lane * width; i < m.cols; i += 32 * width)
            acc += quantChunkDot(m, r, i, x);
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

    // One thread per (token, output row): the token's slot outputs y [S, H] (bf16, as each expert's output is),
    // scaled by their routing weights and added in ascending expert id with the eager path's roundings (bf16 scaled
    // value, bf16 after each addition).
    __global__ void combineSlotsKernel(const bf16* __restrict__ y, const std::int64_t* __restrict__ ids,
        SlotWeights weights, std::int64_t tokens, int k, std::int64_t hidden, bf16* __restrict__ out)
    {
        const std::int64_t index = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
        if (index >= tokens * hidden)
            return;
        const std::int64_t token = index / hidden;
        const std::int64_t row = index % hidden;
        int order[kMaxTopK];
        slotsByExpert(ids, token, k, order);
        float acc = 0.f;
        for (int n = 0; n < k; ++n) {
            const std::int64_t slot = token * k + order[n];
            const float weight = weights.bf16 ? __bfloat162float(static_cast<const bf16*>(weights.data)[slot])
                                              : static_cast<const float*>(weights.data)[slot];
            const float value = roundBf16(__bfloat162float(y[slot * hidden + row]) * weight);
            acc = n == 0 ? value : roundBf16(acc + value);
        }
        out[index] = __float2bfloat16(acc);
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

    // One warp per (slot, output row) of quantized down projections: y [S, H] in bf16.
    __global__ void quantDownSlotKernel(const bf16* __restrict__ h, QuantMatrices down,
        const std::int64_t* __restrict__ ids, bf16* __restrict__ y)
    {
        const std::int64_t slot = blockIdx.y;
        const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
        const int lane = threadIdx.x % 32;
        if (row >= down.rows)
            return;
        const float dot = dotQuantRow(down, ids[slot], row, h + slot * down.cols, lane);
        if (lane == 0)
            y[slot * down.rows + row] = __float2bfloat16(dot);
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

    // One warp per (slot, output row): y [S, H] = bf16(down_e h[s]), each row of each chosen expert read once. (One
    // warp per slot and row, as gate/up: a warp per output row over all k slots left too few warps in flight.)
    __global__ void downSlotKernel(const bf16* __restrict__ h, const bf16* __restrict__ down,
        const std::int64_t* __restrict__ ids, std::int64_t hidden, std::int64_t inter, bf16* __restrict__ y)
    {
        const std::int64_t slot = blockIdx.y;
        const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
        const int lane = threadIdx.x % 32;
        if (row >= hidden)
            return;
        const float dot = dotRow(down + (ids[slot] * hidden + row) * inter, h + slot * inter, inter, lane);
        if (lane == 0)
            y[slot * hidden + row] = __float2bfloat16(dot);
    }

    // One warp per output row of the targets' rows laid end to end; each row is read once for all kTokens tokens.
    template <int kTokens>
    __global__ void gemvKernel(const bf16* __restrict__ x, GemvTargets targets, std::int64_t in)
    {
        std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
        const int lane = threadIdx.x % 32;
        GemvTarget target;
        bool found = false;
#pragma unroll
        for (int t = 0; t < kMaxGemvTargets; ++t) { // constant indices: the targets stay in parameter space
            if (!found && t < targets.count) {
                if (row < targets.target[t].rows)
                    target = targets.target[t], found = true;
                else
                    row -= targets.target[t].rows;
            }
        }
        if (!found)
            return;
        float acc[kTokens];
#pragma unroll
        for (int n = 0; n < kTokens; ++n)
            acc[n] = 0.f;
        const bf16* wr = target.weight + row * in;
#pragma unroll 4
        for (std::int64_t i = lane * 8; i < in; i += 32 * 8) {
            const uint4 wv = __ldg(reinterpret_cast<const uint4*>(wr + i));
#pragma unroll
            for (int n = 0; n < kTokens; ++n)
                acc[n] = dot8(wv, *reinterpret_cast<const uint4*>(x + n * in + i), acc[n]);
        }
#pragma unroll
        for (int n = 0; n < kTokens; ++n) {
            const float sum = warpSum(acc[n]);
            if (lane == 0)
                target.y[n * target.rows + row]
                    = __float2bfloat16(target.bias ? sum + __bfloat162float(target.bias[row]) : sum);
        }
    }

    // Router logits [T, E] float32 = x [T, H] W [E, H]^T for float32 or bf16 weights (bf16: the product rounded to
    // bf16, as a bf16 matmul returns it). One warp per expert for all T (<= kMaxGemvTokens) tokens.
    template <typename Weight>
    __global__ void routerLogitsKernel(const bf16* __restrict__ x, const Weight* __restrict__ w, int experts,
        std::int64_t hidden, int tokens, float* __restrict__ logits)
    {
        const int e = blockIdx.x * kWarpsPerBlock + threadIdx.x / 32;
        const int lane = threadIdx.x % 32;
        if (e >= experts)
            return;
        float acc[kMaxGemvTokens];
#pragma unroll
        for (int n = 0; n < kMaxGemvTokens; ++n)
            acc[n] = 0.f;
        const Weight* wr = w + e * hidden;
#pragma unroll 4
        for (std::int64_t i = lane * 8; i < hidden; i += 32 * 8) {
            float wv[8];
            if constexpr (sizeof(Weight) == 4) {
                const float4 a = __ldg(reinterpret_cast<const float4*>(wr + i));
                const float4 b = __ldg(reinterpret_cast<const float4*>(wr + i + 4));
                wv[0] = a.x, wv[1] = a.y, wv[2] = a.z, wv[3] = a.w, wv[4] = b.x, wv[5] = b.y, wv[6] = b.z, wv[7] = b.w;
            } else {
                const uint4 a = __ldg(reinterpret_cast<const uint4*>(wr + i));
                const auto* a2 = reinterpret_cast<const __nv_bfloat162*>(&a);
#pragma unroll
                for (int j = 0; j < 4; ++j) {
                    const float2 f = __bfloat1622float2(a2[j]);
                    wv[2 * j] = f.x, wv[2 * j + 1] = f.y;
                }
            }
#pragma unroll
            for (int n = 0; n < kMaxGemvTokens; ++n)
                if (n < tokens)
                    acc[n] = dotDequant8(wv, *reinterpret_cast<const uint4*>(x + n * hidden + i), acc[n]);
        }
#pragma unroll
        for (int n = 0; n < kMaxGemvTokens; ++n) {
            if (n < tokens) {
                const float sum = warpSum(acc[n]);
                if (lane == 0)
                    logits[n * experts + e] = sizeof(Weight) == 4 ? sum : roundBf16(sum);
            }
        }
    }

    // One warp per token: scores (softmax or sigmoid of the logits), the k experts of the highest scores (+ bias when
    // given: the choice, not the weight) by repeated warp arg-max (ties to the lower id; descending like a sorted
    // topk), their scores as weights, normalised to sum 1 if asked and scaled.
    __global__ void routerTopKKernel(const float* __restrict__ logits, int experts, int k, bool sigmoid,
        const float* __restrict__ bias, bool normalize, float scaling, float* __restrict__ scores,
        std::int64_t* __restrict__ ids, float* __restrict__ weights)
    {
        const int token = blockIdx.x;
        const int lane = threadIdx.x;
        constexpr int kPerLane = kMaxRouterExperts / 32;
        float score[kPerLane];
        float choice[kPerLane];
        float largest = -INFINITY;
#pragma unroll
        for (int q = 0; q < kPerLane; ++q) {
            const int e = lane + 32 * q;
            score[q] = e < experts ? logits[token * experts + e] : -INFINITY;
            largest = fmaxf(largest, score[q]);
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1)
            largest = fmaxf(largest, __shfl_xor_sync(0xffffffffu, largest, o));
        float total = 0.f;
#pragma unroll
        for (int q = 0; q < kPerLane; ++q) {
            const int e = lane + 32 * q;
            if (e < experts) {
                score[q] = sigmoid ? 1.f / (1.f + expf(-score[q])) : expf(score[q] - largest);
                total += score[q];
            }
        }
        total = warpSum(total);
#pragma unroll
        for (int q = 0; q < kPerLane; ++q) {
            const int e = lane + 32 * q;
            if (e < experts) {
                if (!sigmoid)
                    score[q] /= total;
                scores[token * experts + e] = score[q];
                choice[q] = bias ? score[q] + bias[e] : score[q];
            } else {
                choice[q] = 0.f; // never taken: e >= experts
            }
        }
        // Each round's arg-max as one 64-bit key per lane: the choice's bits made order-preserving as an unsigned
        // integer, then the inverted expert id (ties go to the lower id); one shuffle per reduction level.
        auto keyOf = [](float v, int e) {
            const unsigned u = __float_as_uint(v);
            const unsigned ordered = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
            return (static_cast<unsigned long long>(ordered) << 32) | (0xffffffffu - static_cast<unsigned>(e));
        };
        float myWeight = 0.f;
        int myId = 0;
        unsigned taken = 0; // bit q: this lane's expert lane + 32 q is chosen already
        for (int n = 0; n < k; ++n) {
            unsigned long long best = 0; // below every real key
#pragma unroll
            for (int q = 0; q < kPerLane; ++q) {
                const int e = lane + 32 * q;
                if (e < experts && !(taken >> q & 1u))
                    best = max(best, keyOf(choice[q], e));
            }
#pragma unroll
            for (int o = 16; o > 0; o >>= 1)
                best = max(best, __shfl_xor_sync(0xffffffffu, best, o));
            const int bestId = static_cast<int>(0xffffffffu - static_cast<unsigned>(best & 0xffffffffu));
            float ownScore = 0.f; // the winner's score, from its owner lane
#pragma unroll
            for (int q = 0; q < kPerLane; ++q)
                if (lane + 32 * q == bestId) {
                    ownScore = score[q];
                    taken |= 1u << q;
                }
            const float bestScore = __shfl_sync(0xffffffffu, ownScore, bestId % 32);
            if (lane == n)
                myWeight = bestScore, myId = bestId;
        }
        const float sum = warpSum(lane < k ? myWeight : 0.f);
        if (lane < k) {
            float w = normalize ? myWeight / (sum + 1e-20f) : myWeight;
            if (scaling != 1.f)
                w *= scaling;
            ids[token * k + lane] = myId;
            weights[token * k + lane] = w;
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

    // bf16(a + b) of 8 values.
    __device__ __forceinline__ uint4 add8(const uint4& a, const uint4& b)
    {
        uint4 o;
        const auto* a2 = reinterpret_cast<const __nv_bfloat162*>(&a);
        const auto* b2 = reinterpret_cast<const __nv_bfloat162*>(&b);
        auto* o2 = reinterpret_cast<__nv_bfloat162*>(&o);
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const float2 fa = __bfloat1622float2(a2[j]);
            const float2 fb = __bfloat1622float2(b2[j]);
            o2[j] = __floats2bfloat162_rn(fa.x + fb.x, fa.y + fb.y);
        }
        return o;
    }

    // One block per row, rows of d = a multiple of 8 up to blockDim * 8 * kChunks: one pass over memory, 16-byte
    // loads and stores, the row kept in registers. With a residual, the row is bf16(x + residual), also written to
    // sum.
    template <int kChunks>
    __global__ void rmsNormVectorKernel(const bf16* __restrict__ x, const bf16* __restrict__ residual,
        const bf16* __restrict__ weight, std::int64_t d, float eps, bf16* __restrict__ sumOut, bf16* __restrict__ out)
    {
        const std::int64_t base = static_cast<std::int64_t>(blockIdx.x) * d;
        uint4 chunk[kChunks];
        float sum = 0.f;
#pragma unroll
        for (int c = 0; c < kChunks; ++c) {
            const std::int64_t i = (static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8;
            chunk[c] = i < d ? *reinterpret_cast<const uint4*>(x + base + i) : make_uint4(0, 0, 0, 0);
            if (residual && i < d) {
                chunk[c] = add8(chunk[c], *reinterpret_cast<const uint4*>(residual + base + i));
                *reinterpret_cast<uint4*>(sumOut + base + i) = chunk[c];
            }
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

    // One block per row (any d); the residual as in rmsNormVectorKernel.
    __global__ void rmsNormKernel(const bf16* __restrict__ x, const bf16* __restrict__ residual,
        const bf16* __restrict__ weight, std::int64_t d, float eps, bf16* __restrict__ sumOut, bf16* __restrict__ out)
    {
        const std::int64_t base = static_cast<std::int64_t>(blockIdx.x) * d;
        auto value = [&](std::int64_t i) {
            return residual ? roundBf16(__bfloat162float(x[base + i]) + __bfloat162float(residual[base + i]))
                            : __bfloat162float(x[base + i]);
        };
        float sum = 0.f;
        for (std::int64_t i = threadIdx.x; i < d; i += blockDim.x) {
            const float v = value(i);
            if (residual)
                sumOut[base + i] = __float2bfloat16(v);
            sum = fmaf(v, v, sum);
        }
        __shared__ float partial[32];
        const float scale = rsqrtf(blockSum(sum, partial) / static_cast<float>(d) + eps);
        for (std::int64_t i = threadIdx.x; i < d; i += blockDim.x)
            out[base + i] = __float2bfloat16(__bfloat162float(weight[i]) * roundBf16(value(i) * scale));
    }

    // Rotates pair p of x [T, heads, dim] (strides in elements) into out [.., heads, dim] contiguous at row
    // outTokens[token] (or token when null).
    __device__ __forceinline__ void rotatePair(const bf16* __restrict__ x, std::int64_t p, std::int64_t heads,
        std::int64_t dim, std::int64_t tokenStride, std::int64_t headStride, const float* __restrict__ cos,
        const float* __restrict__ sin, bool interleaved, bool float32, bool keepInterleaved,
        const std::int64_t* __restrict__ outTokens, bf16* __restrict__ out)
    {
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
        bf16* o = out + ((outTokens ? outTokens[token] : token) * heads + head) * dim;
        o[keepInterleaved ? 2 * i : i] = __float2bfloat16(o1);
        o[keepInterleaved ? 2 * i + 1 : i + half] = __float2bfloat16(o2);
    }

    // One thread per rotated pair.
    __global__ void ropeKernel(const bf16* __restrict__ x, std::int64_t heads, std::int64_t dim,
        std::int64_t tokenStride, std::int64_t headStride, const float* __restrict__ cos,
        const float* __restrict__ sin, bool interleaved, bool float32, bool keepInterleaved, std::int64_t pairs,
        bf16* __restrict__ out)
    {
        const std::int64_t p = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
        if (p < pairs)
            rotatePair(x, p, heads, dim, tokenStride, headStride, cos, sin, interleaved, float32, keepInterleaved,
                nullptr, out);
    }

    // A step's queries rotated into qOut, its keys rotated into cacheK and its values copied into cacheV at rows
    // positions[token]: one thread per query pair, then per key pair, then per value element.
    __global__ void ropeStepKernel(RopeStepInputs in, std::int64_t qPairs, std::int64_t kPairs, std::int64_t values)
    {
        const std::int64_t p = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
        if (p < qPairs) {
            rotatePair(in.q.data, p, in.q.heads, in.dim, in.q.tokenStride, in.q.headStride, in.cos, in.sin,
                in.interleaved, in.float32, in.keepInterleaved, nullptr, in.qOut);
        } else if (p < qPairs + kPairs) {
            rotatePair(in.k.data, p - qPairs, in.k.heads, in.dim, in.k.tokenStride, in.k.headStride, in.cos, in.sin,
                in.interleaved, in.float32, in.keepInterleaved, in.positions, in.cacheK);
        } else if (p < qPairs + kPairs + values) {
            const std::int64_t e = p - qPairs - kPairs;
            const std::int64_t i = e % in.dim;
            const std::int64_t head = (e / in.dim) % in.v.heads;
            const std::int64_t token = e / (in.dim * in.v.heads);
            in.cacheV[(in.positions[token] * in.v.heads + head) * in.dim + i]
                = in.v.data[token * in.v.tokenStride + head * in.v.headStride + i];
        }
    }
    void launchCombineSlots(const bf16* y, const std::int64_t* ids, SlotWeights weights, std::int64_t tokens, int k,
        std::int64_t hidden, bf16* out, cudaStream_t stream)
    {
        constexpr int threads = 256;
        const auto blocks = static_cast<unsigned>((tokens * hidden + threads - 1) / threads);
        combineSlotsKernel<<<blocks, threads, 0, stream>>>(y, ids, weights, tokens, k, hidden, out);
    }
} // namespace

void launchMoeDecode(const bf16* x, const bf16* gateUp, const bf16* down, const std::int64_t* ids,
    SlotWeights weights, std::int64_t tokens, int k, std::int64_t hidden, std::int64_t intermediate, bf16* h,
    bf16* y, bf16* out, cudaStream_t stream)
{
    const dim3 block(32 * kWarpsPerBlock);
    const auto slots = static_cast<unsigned>(tokens * k);
    const dim3 gateUpGrid(static_cast<unsigned>((intermediate + kWarpsPerBlock - 1) / kWarpsPerBlock), slots);
    gateUpSiluKernel<<<gateUpGrid, block, 0, stream>>>(x, gateUp, ids, k, hidden, intermediate, h);
    const dim3 downGrid(static_cast<unsigned>((hidden + kWarpsPerBlock - 1) / kWarpsPerBlock), slots);
    downSlotKernel<<<downGrid, block, 0, stream>>>(h, down, ids, hidden, intermediate, y);
    launchCombineSlots(y, ids, weights, tokens, k, hidden, out, stream);
}

void launchQuantMoeDecode(const bf16* x, const QuantMatrices& gate, const QuantMatrices& up,
    const QuantMatrices& down, const std::int64_t* ids, SlotWeights weights, std::int64_t tokens, int k, bf16* h,
    bf16* y, bf16* out, cudaStream_t stream)
{
    const dim3 block(32 * kWarpsPerBlock);
    const auto slots = static_cast<unsigned>(tokens * k);
    const dim3 gateUpGrid(static_cast<unsigned>((gate.rows + kWarpsPerBlock - 1) / kWarpsPerBlock), slots);
    quantGateUpSiluKernel<<<gateUpGrid, block, 0, stream>>>(x, gate, up, ids, k, h);
    const dim3 downGrid(static_cast<unsigned>((down.rows + kWarpsPerBlock - 1) / kWarpsPerBlock), slots);
    quantDownSlotKernel<<<downGrid, block, 0, stream>>>(h, down, ids, y);
    launchCombineSlots(y, ids, weights, tokens, k, down.rows, out, stream);
}

void launchQuantGemv(const bf16* x, const QuantMatrices& weight, const bf16* bias, std::int64_t tokens, bf16* y,
    cudaStream_t stream)
{
    const dim3 grid(
        static_cast<unsigned>((weight.rows + kWarpsPerBlock - 1) / kWarpsPerBlock), static_cast<unsigned>(tokens));
    quantGemvKernel<<<grid, dim3(32 * kWarpsPerBlock), 0, stream>>>(x, weight, bias, y);
}

void launchGemvTargets(
    const bf16* x, const GemvTargets& targets, std::int64_t tokens, std::int64_t in, cudaStream_t stream)
{
    std::int64_t rows = 0;
    for (int t = 0; t < targets.count; ++t)
        rows += targets.target[t].rows;
    const dim3 grid(static_cast<unsigned>((rows + kWarpsPerBlock - 1) / kWarpsPerBlock));
    const dim3 block(32 * kWarpsPerBlock);
    // Template instances for 1, 2, 4 and 8 tokens; a call for 3 runs the 2-token kernel, then the 1-token one.
    for (std::int64_t done = 0; done < tokens;) {
        const auto left = tokens - done;
        const int n = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
        GemvTargets slice = targets;
        for (int t = 0; t < slice.count; ++t)
            slice.target[t].y += done * slice.target[t].rows;
        const bf16* xs = x + done * in;
        if (n == 8)
            gemvKernel<8><<<grid, block, 0, stream>>>(xs, slice, in);
        else if (n == 4)
            gemvKernel<4><<<grid, block, 0, stream>>>(xs, slice, in);
        else if (n == 2)
            gemvKernel<2><<<grid, block, 0, stream>>>(xs, slice, in);
        else
            gemvKernel<1><<<grid, block, 0, stream>>>(xs, slice, in);
        done += n;
    }
}

void launchGemv(const bf16* x, const bf16* weight, const bf16* bias, std::int64_t tokens, std::int64_t in,
    std::int64_t out, bf16* y, cudaStream_t stream)
{
    GemvTargets targets;
    targets.target[0] = { weight, bias, out, y };
    targets.count = 1;
    launchGemvTargets(x, targets, tokens, in, stream);
}

void launchRmsNorm(const bf16* x, const bf16* residual, const bf16* weight, std::int64_t rows, std::int64_t d,
    float eps, bf16* sumOut, bf16* out, cudaStream_t stream)
{
    const auto blocks = static_cast<unsigned>(rows);
    auto aligned = [](const void* p) { return p == nullptr || reinterpret_cast<std::uintptr_t>(p) % 16 == 0; };
    const bool vectors = d % 8 == 0 && aligned(x) && aligned(residual) && aligned(weight) && aligned(sumOut)
        && aligned(out);
    const std::int64_t chunks = d / 8; // 16-byte chunks per row
    if (vectors && chunks <= 256 * 4) {
        const int threads = static_cast<int>(std::min<std::int64_t>(256, (chunks + 31) / 32 * 32));
        const auto perThread = (chunks + threads - 1) / threads;
        if (perThread <= 1)
            rmsNormVectorKernel<1><<<blocks, threads, 0, stream>>>(x, residual, weight, d, eps, sumOut, out);
        else if (perThread <= 2)
            rmsNormVectorKernel<2><<<blocks, threads, 0, stream>>>(x, residual, weight, d, eps, sumOut, out);
        else
            rmsNormVectorKernel<4><<<blocks, threads, 0, stream>>>(x, residual, weight, d, eps, sumOut, out);
        return;
    }
    const int threads = d >= 1024 ? 256 : (d >= 256 ? 128 : 32);
    rmsNormKernel<<<blocks, threads, 0, stream>>>(x, residual, weight, d, eps, sumOut, out);
}

void launchRouter(const bf16* x, const void* weight, bool float32Weight, std::int64_t tokens, std::int64_t hidden,
    int experts, int k, bool sigmoid, const float* bias, bool normalize, float scaling, float* logits, float* scores,
    std::int64_t* ids, float* weights, cudaStream_t stream)
{
    const dim3 grid(static_cast<unsigned>((experts + kWarpsPerBlock - 1) / kWarpsPerBlock));
    const dim3 block(32 * kWarpsPerBlock);
    if (float32Weight)
        routerLogitsKernel<float><<<grid, block, 0, stream>>>(
            x, static_cast<const float*>(weight), experts, hidden, static_cast<int>(tokens), logits);
    else
        routerLogitsKernel<bf16><<<grid, block, 0, stream>>>(
            x, static_cast<const bf16*>(weight), experts, hidden, static_cast<int>(tokens), logits);
    routerTopKKernel<<<static_cast<unsigned>(tokens), 32, 0, stream>>>(
        logits, experts, k, sigmoid, bias, normalize, scaling, scores, ids, weights);
}

void launchRopeStep(const RopeStepInputs& inputs, std::int64_t tokens, cudaStream_t stream)
{
    const std::int64_t half = inputs.dim / 2;
    const std::int64_t qPairs = tokens * inputs.q.heads * half;
    const std::int64_t kPairs = tokens * inputs.k.heads * half;
    const std::int64_t values = tokens * inputs.v.heads * inputs.dim;
    constexpr int threads = 256;
    const auto blocks = static_cast<unsigned>((qPairs + kPairs + values + threads - 1) / threads);
    ropeStepKernel<<<blocks, threads, 0, stream>>>(inputs, qPairs, kPairs, values);
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

// RMSNorm (with the residual add fused in) and rotary embedding (with the cache write fused in) for decode steps
// (kernels/decodekernels.h: launchRmsNorm, launchRope, launchRopeStep), and the two together for an MLA step
// (launchMlaStep).

#include "core/envswitch.h"
#include "kernels/chainedlaunch.cuh"
#include "kernels/devicemath.cuh"

#include <algorithm>
#include <cstdint>

namespace moescope::kernels {

using namespace device;

namespace {
// The end of a one-block-a-row norm: the scale from the row's sum of squares (each thread's share in `squares`,
// added by blockSum), then row[i] = normalized8 of thread chunk c at i = (c * blockDim + thread) * 8. Every thread of
// the block calls it.
template <int kChunks>
__device__ __forceinline__ void writeNormalizedRow(const uint4 (&chunk)[kChunks], const uint4 (&weights)[kChunks],
    float squares, std::int64_t d, float eps, bf16* __restrict__ row)
{
    __shared__ float partial[32];
    const float scale = rsqrtf(blockSum(squares, partial) / static_cast<float>(d) + eps);
#pragma unroll
    for (int c = 0; c < kChunks; ++c) {
        const std::int64_t i = (static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8;
        if (i < d)
            *reinterpret_cast<uint4*>(row + i) = normalized8(chunk[c], weights[c], scale);
    }
}

// One block per row, rows of d = a multiple of 8 up to blockDim * 8 * kChunks: one pass over memory, 16-byte
// loads and stores, the row kept in registers. With a residual, the row is bf16(x + residual), also written to
// sum. With gather (no residual), block b's row is x's row gather[b], copied to sum (an embedding lookup). The weights
// are loaded before the wait (no kernel writes them), so that only x and the residual wait.
template <int kChunks>
__global__ void rmsNormVectorKernel(const bf16* __restrict__ x, const bf16* __restrict__ residual,
    const bf16* __restrict__ weight, std::int64_t d, float eps, bf16* __restrict__ sumOut, bf16* __restrict__ out,
    const std::int64_t* __restrict__ gather)
{
    uint4 weights[kChunks];
#pragma unroll
    for (int c = 0; c < kChunks; ++c) {
        const std::int64_t i = (static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8;
        if (i < d)
            weights[c] = *reinterpret_cast<const uint4*>(weight + i);
    }
    awaitPreviousKernel();
    const std::int64_t base = static_cast<std::int64_t>(blockIdx.x) * d;
    const std::int64_t from = gather ? gather[blockIdx.x] * d : base;
    uint4 chunk[kChunks];
    float sum = 0.f;
#pragma unroll
    for (int c = 0; c < kChunks; ++c) {
        const std::int64_t i = (static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8;
        chunk[c] = i < d ? *reinterpret_cast<const uint4*>(x + from + i) : make_uint4(0, 0, 0, 0);
        if (residual && i < d)
            chunk[c] = add8(chunk[c], *reinterpret_cast<const uint4*>(residual + base + i));
        if ((residual || gather) && i < d)
            *reinterpret_cast<uint4*>(sumOut + base + i) = chunk[c];
        sum = dot8(chunk[c], chunk[c], sum);
    }
    writeNormalizedRow<kChunks>(chunk, weights, sum, d, eps, out + base);
}

// rmsNormVectorKernel with a residual made in the same pass from an MoE layer's slot outputs (SlotAddend): the sum
// is bf16(x + bf16(combination + shared)) with combineSlotsKernel's combination. The norm weights, the token's slots
// and weights and x are loaded before the wait (kernels two or more back wrote them); the slot outputs and the shared
// output after it.
template <int kChunks>
__global__ void combineAddRmsNormKernel(const bf16* __restrict__ x, SlotAddend addend,
    const bf16* __restrict__ weight, std::int64_t d, float eps, bf16* __restrict__ sumOut, bf16* __restrict__ out)
{
    const std::int64_t token = blockIdx.x;
    const std::int64_t base = token * d;
    uint4 weights[kChunks], chunk[kChunks];
#pragma unroll
    for (int c = 0; c < kChunks; ++c) {
        const std::int64_t i = (static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8;
        if (i < d) {
            weights[c] = *reinterpret_cast<const uint4*>(weight + i);
            chunk[c] = *reinterpret_cast<const uint4*>(x + base + i);
        } else {
            chunk[c] = make_uint4(0, 0, 0, 0);
        }
    }
    __shared__ TokenSlots ranked;
    TokenSlots slots;
    findTokenSlotsInBlock(addend.ids, addend.weights, token, addend.k, ranked, slots);
    awaitPreviousKernel();
    float sum = 0.f;
#pragma unroll
    for (int c = 0; c < kChunks; ++c) {
        const std::int64_t i = (static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8;
        if (i < d) {
            float acc[8], v[8];
            combineSlotValues<8>(addend.y, slots, addend.k, d, i, nullptr, acc);
            if (addend.shared) {
                unpack8(*reinterpret_cast<const uint4*>(addend.shared + base + i), v);
#pragma unroll
                for (int j = 0; j < 8; ++j)
                    acc[j] = roundBf16(acc[j] + v[j]);
            }
            unpack8(chunk[c], v);
#pragma unroll
            for (int j = 0; j < 8; ++j)
                v[j] += acc[j];
            chunk[c] = pack8(v);
            *reinterpret_cast<uint4*>(sumOut + base + i) = chunk[c];
        }
        sum = dot8(chunk[c], chunk[c], sum);
    }
    writeNormalizedRow<kChunks>(chunk, weights, sum, d, eps, out + base);
}

// bf16(x + residual) of 4 values.
__device__ __forceinline__ uint2 add4(const uint2& x, const uint2& residual)
{
    float f[4], r[4];
    unpack4(x, f);
    unpack4(residual, r);
#pragma unroll
    for (int i = 0; i < 4; ++i)
        r[i] += f[i];
    return pack4(r);
}

// 4 consecutive bf16 values (8-byte aligned) as floats, or with a residual bf16(x + residual), also written to sumOut
// when that is not null.
__device__ __forceinline__ void loadFour(const bf16* __restrict__ x, const bf16* __restrict__ residual,
    std::int64_t at, bf16* __restrict__ sumOut, float (&f)[4])
{
    const uint2 v = *reinterpret_cast<const uint2*>(x + at);
    if (!residual) {
        unpack4(v, f);
        return;
    }
    const uint2 sum = add4(v, *reinterpret_cast<const uint2*>(residual + at));
    if (sumOut)
        *reinterpret_cast<uint2*>(sumOut + at) = sum;
    unpack4(sum, f);
}

// One warp per row whose mean of squares is summed in exactly the order of ATen's CUDA mean over a contiguous last
// dimension of >= 16 rows (reduce_kernel with vectorised input: one warp a row; lane l adds the squares of the
// row's 4-value vectors l, l + 32, ... into four running sums, one per position in the vector; the four are added in
// order, then the lanes by the shuffle-down tree), with each square rounded before it is added (x.pow(2)) and the
// mean as sum * factor (MeanOps). So the scale, and every output, are the eager rmsNorm's bit for bit: prefill takes
// one kernel instead of eight and stays bit-identical to the eager path (and to transformers).
constexpr int kAtenOrderWarps = 8;

// A lane's four running sums of squares after 4 values f: each square rounded, then added (x.pow(2), then the sum).
__device__ __forceinline__ void addSquaresInAtenOrder(const float (&f)[4], float (&acc)[4])
{
#pragma unroll
    for (int i = 0; i < 4; ++i)
        acc[i] = __fadd_rn(acc[i], __fmul_rn(f[i], f[i]));
}
// The row's scale from its lanes' running sums: the four added in order, the lanes by the shuffle-down tree, the
// mean as sum * factor (every lane gets it).
__device__ __forceinline__ float scaleInAtenOrder(const float (&acc)[4], float factor, float eps)
{
    float sum = __fadd_rn(__fadd_rn(__fadd_rn(acc[0], acc[1]), acc[2]), acc[3]);
#pragma unroll
    for (int o = 16; o > 0; o >>= 1)
        sum = __fadd_rn(sum, __shfl_down_sync(0xffffffffu, sum, o));
    sum = __shfl_sync(0xffffffffu, sum, 0);
    return rsqrtf(__fadd_rn(__fmul_rn(sum, factor), eps));
}

// rmsNormAtenOrderKernel for rows of exactly kVectors * 128 values: a lane's kVectors vectors (and the residual's)
// are all asked for at once and kept in registers for the second pass, instead of loaded one after another and then
// again (a prefill's norms ran at ~1.9 TB/s). The same sums in the same order.
template <int kVectors>
__global__ void rmsNormAtenOrderRowKernel(const bf16* __restrict__ x, const bf16* __restrict__ residual,
    const bf16* __restrict__ weight, std::int64_t rows, float eps, float factor, bf16* __restrict__ sumOut,
    bf16* __restrict__ out)
{
    constexpr std::int64_t d = 128 * kVectors;
    awaitPreviousKernel();
    const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kAtenOrderWarps + threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (row >= rows)
        return;
    const std::int64_t base = row * d + lane * 4;
    uint2 v[kVectors], r[kVectors];
#pragma unroll
    for (int j = 0; j < kVectors; ++j) {
        v[j] = *reinterpret_cast<const uint2*>(x + base + j * 128);
        if (residual)
            r[j] = *reinterpret_cast<const uint2*>(residual + base + j * 128);
    }
    float acc[4] = { 0.f, 0.f, 0.f, 0.f };
#pragma unroll
    for (int j = 0; j < kVectors; ++j) {
        if (residual) {
            v[j] = add4(v[j], r[j]);
            *reinterpret_cast<uint2*>(sumOut + base + j * 128) = v[j];
        }
        float f[4];
        unpack4(v[j], f);
        addSquaresInAtenOrder(f, acc);
    }
    const float scale = scaleInAtenOrder(acc, factor, eps);
#pragma unroll
    for (int j = 0; j < kVectors; ++j) {
        float f[4], w[4];
        unpack4(v[j], f);
        unpack4(*reinterpret_cast<const uint2*>(weight + lane * 4 + j * 128), w);
#pragma unroll
        for (int i = 0; i < 4; ++i)
            f[i] = normalizedValue(f[i], w[i], scale);
        *reinterpret_cast<uint2*>(out + base + j * 128) = pack4(f);
    }
}

__global__ void rmsNormAtenOrderKernel(const bf16* __restrict__ x, const bf16* __restrict__ residual,
    const bf16* __restrict__ weight, std::int64_t rows, std::int64_t d, float eps, float factor,
    bf16* __restrict__ sumOut, bf16* __restrict__ out)
{
    awaitPreviousKernel();
    const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kAtenOrderWarps + threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (row >= rows)
        return;
    const std::int64_t base = row * d;
    float acc[4] = { 0.f, 0.f, 0.f, 0.f };
    for (std::int64_t at = lane * 4; at < d; at += 32 * 4) {
        float f[4];
        loadFour(x, residual, base + at, sumOut, f);
        addSquaresInAtenOrder(f, acc);
    }
    const float scale = scaleInAtenOrder(acc, factor, eps);
    for (std::int64_t at = lane * 4; at < d; at += 32 * 4) {
        float f[4], w[4];
        loadFour(x, residual, base + at, nullptr, f);
        unpack4(*reinterpret_cast<const uint2*>(weight + at), w);
#pragma unroll
        for (int i = 0; i < 4; ++i)
            f[i] = normalizedValue(f[i], w[i], scale);
        *reinterpret_cast<uint2*>(out + base + at) = pack4(f);
    }
}

// One block per row (any d); the residual as in rmsNormVectorKernel.
__global__ void rmsNormKernel(const bf16* __restrict__ x, const bf16* __restrict__ residual,
    const bf16* __restrict__ weight, std::int64_t d, float eps, bf16* __restrict__ sumOut, bf16* __restrict__ out)
{
    awaitPreviousKernel();
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
        out[base + i] = __float2bfloat16(normalizedValue(value(i), __bfloat162float(weight[i]), scale));
}

// Rotates pair p of x [T, heads, dim] (strides in elements) into out [.., heads, dim] contiguous at row
// outTokens[token] (or token when null).
__device__ __forceinline__ void rotatePair(const bf16* __restrict__ x, std::int64_t p, std::int64_t heads,
    std::int64_t dim, std::int64_t tokenStride, std::int64_t headStride, const RopeRotation& rotation,
    const std::int64_t* __restrict__ outTokens, bf16* __restrict__ out)
{
    const std::int64_t half = dim / 2;
    const std::int64_t i = p % half;
    const std::int64_t head = (p / half) % heads;
    const std::int64_t token = p / (half * heads);
    const bf16* row = x + token * tokenStride + head * headStride;
    const int2 from = pairOffsets(i, half, rotation.interleaved), to = pairOffsets(i, half, rotation.keepInterleaved);
    const float2 o = rotateValues(__bfloat162float(row[from.x]), __bfloat162float(row[from.y]),
        rotation.cos[token * half + i], rotation.sin[token * half + i], rotation.float32);
    bf16* r = out + ((outTokens ? outTokens[token] : token) * heads + head) * dim;
    r[to.x] = __float2bfloat16(o.x);
    r[to.y] = __float2bfloat16(o.y);
}

// A step's q/k norms, rotation and cache write: blocks (token, g) normalise a group of headsPerBlock heads of the
// token's queries (the first groups), then of its keys (a thread per 8 values, at most 4 each; per-head sums across
// the head's threads, whole-projection sums across the block, which then holds every head) into shared memory and
// rotate them from there; the last block of a token copies its values. Groups of heads spread a step's queries over
// several blocks: one block rotating all 32 query heads of Qwen3-30B-A3B took 6 us.
constexpr int kNormRopeGroupPieces = 128; // pieces of a group of heads with per-head norms
__global__ void __launch_bounds__(kNormRopeThreads) normRopeStepKernel(RopeStepInputs in, int headsPerBlock)
{
    // Positions, norm weights and the rotation's cos / sin are read before the wait: the step wrote them before its
    // first layer, and the weights never change; only q, k and v come from the kernel just before.
    const std::int64_t token = blockIdx.x;
    const std::int64_t row = in.positions[token];
    const int pieceCount = static_cast<int>(in.dim / 8); // a head's pieces
    const int qBlocks = static_cast<int>((in.q.heads + headsPerBlock - 1) / headsPerBlock);
    const int kBlocks = static_cast<int>((in.k.heads + headsPerBlock - 1) / headsPerBlock);
    if (blockIdx.y == qBlocks + kBlocks) {
        awaitPreviousKernel();
        for (int p = threadIdx.x; p < in.v.heads * pieceCount; p += blockDim.x) {
            const std::int64_t head = p / pieceCount, at = p % pieceCount * 8;
            *reinterpret_cast<uint4*>(in.cacheV + (row * in.v.heads + head) * in.dim + at)
                = *reinterpret_cast<const uint4*>(in.v.data + token * in.v.tokenStride + head * in.v.headStride + at);
        }
        return;
    }
    const bool queries = blockIdx.y < qBlocks;
    const RopeStepView& x = queries ? in.q : in.k;
    const bf16* weight = queries ? in.qNorm : in.kNorm;
    const int firstHead = (queries ? blockIdx.y : blockIdx.y - qBlocks) * headsPerBlock;
    const int heads = min(headsPerBlock, static_cast<int>(x.heads) - firstHead);
    const int pieces = heads * pieceCount; // the group's; piece p is of head firstHead + p / pieceCount
    __shared__ __align__(16) bf16 normed[kNormRopeThreads * kNormRopeMaxPieces * 8];
    __shared__ float partial[32];
    uint4 weights[kNormRopeMaxPieces];
#pragma unroll
    for (int n = 0; n < kNormRopeMaxPieces; ++n) {
        const int p = threadIdx.x + n * kNormRopeThreads;
        if (p < pieces)
            weights[n] = *reinterpret_cast<const uint4*>(weight + (in.perHeadNorm ? p % pieceCount * 8 : p * 8));
    }
    // When the block's width is a multiple of the pairs of a head, every pair a thread rotates is pair
    // threadIdx.x % half of some head: its cos / sin are loaded once, here.
    const std::int64_t half = in.dim / 2;
    const RopeRotation& r = in.rotation;
    const bool onePair = kNormRopeThreads % half == 0;
    float2 rotation = make_float2(0.f, 0.f);
    if (onePair && threadIdx.x < heads * half)
        rotation = make_float2(r.cos[token * half + threadIdx.x % half], r.sin[token * half + threadIdx.x % half]);
    awaitPreviousKernel();
    uint4 held[kNormRopeMaxPieces];
    float squares[kNormRopeMaxPieces];
    float total = 0.f;
#pragma unroll
    for (int n = 0; n < kNormRopeMaxPieces; ++n) {
        const int p = threadIdx.x + n * kNormRopeThreads;
        held[n] = make_uint4(0, 0, 0, 0);
        if (p < pieces)
            held[n] = *reinterpret_cast<const uint4*>(
                x.data + token * x.tokenStride + (firstHead + p / pieceCount) * x.headStride + p % pieceCount * 8);
        squares[n] = dot8(held[n], held[n], 0.f);
        total += squares[n];
    }
    float scale[kNormRopeMaxPieces];
    if (in.perHeadNorm) { // a head's pieces are pieceCount consecutive threads (a power of two up to a warp)
#pragma unroll
        for (int n = 0; n < kNormRopeMaxPieces; ++n) {
            float sum = squares[n];
            for (int o = pieceCount / 2; o > 0; o >>= 1)
                sum += __shfl_xor_sync(0xffffffffu, sum, o);
            scale[n] = rsqrtf(sum / static_cast<float>(in.dim) + in.eps);
        }
    } else {
        const float all = rsqrtf(blockSum(total, partial) / static_cast<float>(pieces * 8) + in.eps);
#pragma unroll
        for (int n = 0; n < kNormRopeMaxPieces; ++n)
            scale[n] = all;
    }
#pragma unroll
    for (int n = 0; n < kNormRopeMaxPieces; ++n) {
        const int p = threadIdx.x + n * kNormRopeThreads;
        if (p >= pieces)
            continue;
        *reinterpret_cast<uint4*>(normed + p * 8) = normalized8(held[n], weights[n], scale[n]);
    }
    __syncthreads();
    bf16* out = (queries ? in.qOut + token * x.heads * in.dim : in.cacheK + row * x.heads * in.dim)
        + firstHead * in.dim;
    for (std::int64_t p = threadIdx.x; p < heads * half; p += blockDim.x) {
        const std::int64_t head = p / half, i = p % half;
        const int2 from = pairOffsets(i, half, r.interleaved), to = pairOffsets(i, half, r.keepInterleaved);
        const bf16* h = normed + head * in.dim;
        const float2 cs = onePair ? rotation : make_float2(r.cos[token * half + i], r.sin[token * half + i]);
        const float2 o = rotateValues(__bfloat162float(h[from.x]), __bfloat162float(h[from.y]), cs.x, cs.y, r.float32);
        out[head * in.dim + to.x] = __float2bfloat16(o.x);
        out[head * in.dim + to.y] = __float2bfloat16(o.y);
    }
}

// A thread per (token, frequency): cos and sin of position * invFreq[i] times factor, as ATen computes them from
// the positions converted to float32 (rounded multiply, the precise cosf / sinf, rounded multiply): bit for bit.
__global__ void ropeAnglesKernel(const std::int64_t* __restrict__ positions, std::int64_t tokens,
    const float* __restrict__ invFreq, std::int64_t half, float factor, float* __restrict__ cos,
    float* __restrict__ sin)
{
    awaitPreviousKernel();
    const std::int64_t p = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (p >= tokens * half)
        return;
    const float angle = __fmul_rn(static_cast<float>(positions[p / half]), invFreq[p % half]);
    cos[p] = __fmul_rn(cosf(angle), factor);
    sin[p] = __fmul_rn(sinf(angle), factor);
}

// One thread per rotated pair.
__global__ void ropeKernel(const bf16* __restrict__ x, std::int64_t heads, std::int64_t dim, std::int64_t tokenStride,
    std::int64_t headStride, RopeRotation rotation, std::int64_t pairs, bf16* __restrict__ out)
{
    awaitPreviousKernel();
    const std::int64_t p = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (p < pairs)
        rotatePair(x, p, heads, dim, tokenStride, headStride, rotation, nullptr, out);
}

// Eight pairs of one head a thread (pairs i .. i + 7 of the half layout, i a multiple of 8): 16-byte loads and stores
// of x and out, 32-byte ones of cos / sin, and 32-bit index arithmetic, for a prefill's tens of millions of pairs (one
// thread a pair spent its time in 64-bit divisions and 2-byte accesses). Each pair rotated as rotatePair rotates it.
// groups = tokens * heads * dim / 16 < 2^31; dim a multiple of 16; 16-byte aligned rows, strides multiples of 8.
__global__ void ropeEightPairsKernel(const bf16* __restrict__ x, unsigned heads, unsigned dim,
    std::int64_t tokenStride, std::int64_t headStride, RopeRotation rotation, unsigned groups, bf16* __restrict__ out)
{
    awaitPreviousKernel();
    const unsigned g = blockIdx.x * blockDim.x + threadIdx.x;
    if (g >= groups)
        return;
    const unsigned half = dim / 2, perHead = half / 8;
    const unsigned i = (g % perHead) * 8, head = (g / perHead) % heads, token = g / (perHead * heads);
    const bf16* row = x + token * tokenStride + head * headStride;
    float first[8], second[8], c[8], sn[8];
    unpack8(*reinterpret_cast<const uint4*>(row + i), first);
    unpack8(*reinterpret_cast<const uint4*>(row + i + half), second);
    const std::int64_t angles = static_cast<std::int64_t>(token) * half + i;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
        const float4 cv = *reinterpret_cast<const float4*>(rotation.cos + angles + 4 * h);
        const float4 sv = *reinterpret_cast<const float4*>(rotation.sin + angles + 4 * h);
        c[4 * h] = cv.x, c[4 * h + 1] = cv.y, c[4 * h + 2] = cv.z, c[4 * h + 3] = cv.w;
        sn[4 * h] = sv.x, sn[4 * h + 1] = sv.y, sn[4 * h + 2] = sv.z, sn[4 * h + 3] = sv.w;
    }
#pragma unroll
    for (int j = 0; j < 8; ++j) {
        const float2 o = rotateValues(first[j], second[j], c[j], sn[j], rotation.float32);
        first[j] = o.x;
        second[j] = o.y;
    }
    bf16* r = out + (static_cast<std::int64_t>(token) * heads + head) * dim;
    *reinterpret_cast<uint4*>(r + i) = pack8(first);
    *reinterpret_cast<uint4*>(r + i + half) = pack8(second);
}

// A step's queries rotated into qOut, its keys rotated into cacheK and its values copied into cacheV at rows
// positions[token]: one thread per query pair, then per key pair, then per value element.
__global__ void ropeStepKernel(RopeStepInputs in, std::int64_t qPairs, std::int64_t kPairs, std::int64_t values)
{
    awaitPreviousKernel();
    const std::int64_t p = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (p < qPairs) {
        rotatePair(in.q.data, p, in.q.heads, in.dim, in.q.tokenStride, in.q.headStride, in.rotation, nullptr, in.qOut);
    } else if (p < qPairs + kPairs) {
        rotatePair(in.k.data, p - qPairs, in.k.heads, in.dim, in.k.tokenStride, in.k.headStride, in.rotation,
            in.positions, in.cacheK);
    } else if (p < qPairs + kPairs + values) {
        const std::int64_t e = p - qPairs - kPairs;
        const std::int64_t i = e % in.dim;
        const std::int64_t head = (e / in.dim) % in.v.heads;
        const std::int64_t token = e / (in.dim * in.v.heads);
        in.cacheV[(in.positions[token] * in.v.heads + head) * in.dim + i]
            = in.v.data[token * in.v.tokenStride + head * in.v.headStride + i];
    }
}
// Blocks (token, 0): the latent's norm (a thread per 8 columns) and the rope key's pairs; blocks (token, 1 + b): 256
// of the queries' rope pairs each (a thread per pair). Few memory round trips per block, many blocks at once.
__global__ void mlaStepKernel(MlaStepInputs in)
{
    const int token = blockIdx.x;
    const std::int64_t half = in.rope / 2;
    // The latent's norm weights and the cache row come before the wait: no kernel of the step writes them.
    const int at = threadIdx.x * 8;
    const bool mine = blockIdx.y == 0 && at < in.latentDim;
    const uint4 weights = mine ? *reinterpret_cast<const uint4*>(in.normWeight + at) : make_uint4(0, 0, 0, 0);
    const std::int64_t row = blockIdx.y == 0 ? in.positions[token] : 0;
    awaitPreviousKernel();
    if (blockIdx.y > 0) {
        const std::int64_t p = (blockIdx.y - 1) * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
        if (p < half * in.q.heads)
            rotatePair(in.q.data, token * half * in.q.heads + p, in.q.heads, in.rope, in.q.tokenStride,
                in.q.headStride, in.rotation, nullptr, in.qOut);
        return;
    }
    if (threadIdx.x < half)
        rotatePair(in.compressed + in.latentDim, token * half + threadIdx.x, 1, in.rope, in.compressedStride, in.rope,
            in.rotation, in.positions, in.cacheKPe);
    const bf16* x = in.compressed + token * in.compressedStride;
    const uint4 v = mine ? *reinterpret_cast<const uint4*>(x + at) : make_uint4(0, 0, 0, 0);
    __shared__ float partial[32];
    const float scale = rsqrtf(blockSum(dot8(v, v, 0.f), partial) / static_cast<float>(in.latentDim) + in.eps);
    if (mine)
        *reinterpret_cast<uint4*>(in.cacheLatent + row * in.latentDim + at)
            = normalized8(v, weights, scale);
}
} // namespace

bool rmsNormInAtenOrder(std::int64_t rows, std::int64_t d)
{
    // ATen's reduction takes one warp a row for >= 16 rows of 128 or more values in 4-value vectors, as long as a
    // lane has fewer than 256 values (else it splits a row across warps).
    return rows >= 16 && d >= 128 && d % 4 == 0 && (d + 31) / 32 < 256;
}

namespace {
// Whether p (null counts as aligned) sits on a multiple of `bytes`.
bool alignedTo(const void* p, std::uintptr_t bytes)
{
    return p == nullptr || reinterpret_cast<std::uintptr_t>(p) % bytes == 0;
}

// One block per row of d values in 16-byte chunks, up to 1,024 chunks: threads and chunks a thread (1, 2 or 4) of
// rmsNormVectorKernel and combineAddRmsNormKernel, which sum a row's squares in the same order.
struct VectorNormShape {
    int threads = 0;
    int chunks = 0;
};
VectorNormShape vectorNormShape(std::int64_t d)
{
    const std::int64_t chunks = d / 8;
    const int threads = static_cast<int>(std::min<std::int64_t>(256, (chunks + 31) / 32 * 32));
    const auto perThread = (chunks + threads - 1) / threads;
    return { threads, perThread <= 1 ? 1 : perThread <= 2 ? 2 : 4 };
}
bool vectorNormFits(std::int64_t d) { return d % 8 == 0 && d / 8 <= 256 * 4; }
// Where launchRmsNorm takes rmsNormVectorKernel (kernels that must sum a row's squares in its order).
bool vectorNormApplies(std::int64_t rows, std::int64_t d)
{
    return rows >= 1 && !rmsNormInAtenOrder(rows, d) && vectorNormFits(d);
}
void launchVectorNorm(const bf16* x, const bf16* residual, const bf16* weight, std::int64_t rows, std::int64_t d,
    float eps, bf16* sumOut, bf16* out, const std::int64_t* gather, cudaStream_t stream)
{
    const auto shape = vectorNormShape(d);
    const auto kernel = shape.chunks == 1 ? rmsNormVectorKernel<1>
        : shape.chunks == 2               ? rmsNormVectorKernel<2>
                                          : rmsNormVectorKernel<4>;
    launchChained(kernel, static_cast<unsigned>(rows), shape.threads, 0, stream, x, residual, weight, d, eps, sumOut,
        out, gather);
}
} // namespace

void launchRmsNorm(const bf16* x, const bf16* residual, const bf16* weight, std::int64_t rows, std::int64_t d,
    float eps, bf16* sumOut, bf16* out, cudaStream_t stream)
{
    if (rmsNormInAtenOrder(rows, d) && alignedTo(x, 8) && alignedTo(residual, 8) && alignedTo(weight, 8)
        && alignedTo(sumOut, 8) && alignedTo(out, 8)) {
        const float factor = static_cast<float>(rows) / static_cast<float>(rows * d); // MeanOps' factor
        const auto blocks = static_cast<unsigned>((rows + kAtenOrderWarps - 1) / kAtenOrderWarps);
        const auto rowKernel = d == 128 ? rmsNormAtenOrderRowKernel<1>
            : d == 512                  ? rmsNormAtenOrderRowKernel<4>
            : d == 1536                 ? rmsNormAtenOrderRowKernel<12>
            : d == 2048                 ? rmsNormAtenOrderRowKernel<16>
                                        : nullptr;
        if (rowKernel)
            launchChained(rowKernel, blocks, 32 * kAtenOrderWarps, 0, stream, x, residual, weight, rows, eps, factor,
                sumOut, out);
        else
            launchChained(rmsNormAtenOrderKernel, blocks, 32 * kAtenOrderWarps, 0, stream, x, residual, weight, rows,
                d, eps, factor, sumOut, out);
        return;
    }
    const auto blocks = static_cast<unsigned>(rows);
    const bool vectors = vectorNormFits(d) && alignedTo(x, 16) && alignedTo(residual, 16) && alignedTo(weight, 16)
        && alignedTo(sumOut, 16) && alignedTo(out, 16);
    if (vectors)
        return launchVectorNorm(x, residual, weight, rows, d, eps, sumOut, out, nullptr, stream);
    const int threads = d >= 1024 ? 256 : (d >= 256 ? 128 : 32);
    launchChained(rmsNormKernel, blocks, threads, 0, stream, x, residual, weight, d, eps, sumOut, out);
}

bool gatherRmsNormApplies(std::int64_t rows, std::int64_t d) { return vectorNormApplies(rows, d); }

void launchGatherRmsNorm(const bf16* table, const std::int64_t* ids, std::int64_t rows, std::int64_t d,
    const bf16* weight, float eps, bf16* x, bf16* out, cudaStream_t stream)
{
    launchVectorNorm(table, nullptr, weight, rows, d, eps, x, out, ids, stream);
}

bool combineAddRmsNormApplies(std::int64_t rows, std::int64_t d) { return vectorNormApplies(rows, d); }

void launchCombineAddRmsNorm(const bf16* x, const SlotAddend& addend, const bf16* weight, std::int64_t rows,
    std::int64_t d, float eps, bf16* sum, bf16* out, cudaStream_t stream)
{
    const auto shape = vectorNormShape(d);
    const auto kernel = shape.chunks == 1 ? combineAddRmsNormKernel<1>
        : shape.chunks == 2               ? combineAddRmsNormKernel<2>
                                          : combineAddRmsNormKernel<4>;
    launchChained(kernel, static_cast<unsigned>(rows), shape.threads, 0, stream, x, addend, weight, d, eps, sum, out);
}

void launchRopeStep(const RopeStepInputs& inputs, std::int64_t tokens, cudaStream_t stream)
{
    if (inputs.qNorm) {
        // MOESCOPE_NORM_ROPE_GROUPS=0 keeps a projection's heads in one block (to measure what the groups change).
        static const bool groups = !switchedOffByEnvironment("MOESCOPE_NORM_ROPE_GROUPS");
        const auto perBlock = inputs.perHeadNorm && groups
            ? std::max<std::int64_t>(1, kNormRopeGroupPieces / (inputs.dim / 8))
            : std::max(inputs.q.heads, inputs.k.heads);
        const auto blocks = (inputs.q.heads + perBlock - 1) / perBlock + (inputs.k.heads + perBlock - 1) / perBlock + 1;
        launchChained(normRopeStepKernel, dim3(static_cast<unsigned>(tokens), static_cast<unsigned>(blocks)),
            kNormRopeThreads, 0, stream, inputs, static_cast<int>(perBlock));
        return;
    }
    const std::int64_t half = inputs.dim / 2;
    const std::int64_t qPairs = tokens * inputs.q.heads * half;
    const std::int64_t kPairs = tokens * inputs.k.heads * half;
    const std::int64_t values = tokens * inputs.v.heads * inputs.dim;
    constexpr int threads = 256;
    const auto blocks = static_cast<unsigned>((qPairs + kPairs + values + threads - 1) / threads);
    launchChained(ropeStepKernel, blocks, threads, 0, stream, inputs, qPairs, kPairs, values);
}

void launchMlaStep(const MlaStepInputs& inputs, std::int64_t tokens, cudaStream_t stream)
{
    constexpr int threads = 256; // covers a latent of 2048 columns, 8 a thread
    const auto queryBlocks = static_cast<unsigned>((inputs.q.heads * (inputs.rope / 2) + threads - 1) / threads);
    launchChained(mlaStepKernel, dim3(static_cast<unsigned>(tokens), 1 + queryBlocks), threads, 0, stream, inputs);
}

void launchRopeAngles(const std::int64_t* positions, std::int64_t tokens, const float* invFreq, std::int64_t half,
    float factor, float* cos, float* sin, cudaStream_t stream)
{
    constexpr int threads = 256;
    launchChained(ropeAnglesKernel, static_cast<unsigned>((tokens * half + threads - 1) / threads), threads, 0, stream,
        positions, tokens, invFreq, half, factor, cos, sin);
}

void launchRope(const bf16* x, std::int64_t tokens, std::int64_t heads, std::int64_t dim, std::int64_t tokenStride,
    std::int64_t headStride, const RopeRotation& rotation, bf16* out, cudaStream_t stream)
{
    const std::int64_t pairs = tokens * heads * (dim / 2);
    constexpr int threads = 256;
    const std::int64_t groups = pairs / 8;
    if (!rotation.interleaved && !rotation.keepInterleaved && dim % 16 == 0 && tokenStride % 8 == 0
        && headStride % 8 == 0 && groups < (std::int64_t { 1 } << 31) && alignedTo(x, 16) && alignedTo(out, 16)
        && alignedTo(rotation.cos, 16) && alignedTo(rotation.sin, 16)) {
        launchChained(ropeEightPairsKernel, static_cast<unsigned>((groups + threads - 1) / threads), threads, 0,
            stream, x, static_cast<unsigned>(heads), static_cast<unsigned>(dim), tokenStride, headStride, rotation,
            static_cast<unsigned>(groups), out);
        return;
    }
    launchChained(ropeKernel, static_cast<unsigned>((pairs + threads - 1) / threads), threads, 0, stream,
        x, heads, dim, tokenStride, headStride, rotation, pairs, out);
}

} // namespace moescope::kernels

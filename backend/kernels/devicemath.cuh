#pragma once
// Device helpers the decode kernels (kernels/*.cu) share: bf16 rounding, 16-byte dot products, warp and block sums,
// the decode RMSNorm's arithmetic, weight loads before a chained wait, the eager path's SiLU product and slot order,
// and the in-order combination of routed experts' outputs. Internal to the kernels; only included by .cu files.

#include "kernels/decodekernels.h"

#include <cstdint>
#include <cuda_bf16.h>

namespace moescope::kernels::device {

using bf16 = __nv_bfloat16;
constexpr int kWarpsPerBlock = 4;

__device__ __forceinline__ float roundBf16(float v)
{
    return __bfloat162float(__float2bfloat16(v));
}

// The 8 bf16 values of a 16-byte word as floats, and 8 floats rounded (to nearest even) into one.
__device__ __forceinline__ void unpack8(const uint4& v, float (&f)[8])
{
    const auto* pairs = reinterpret_cast<const __nv_bfloat162*>(&v);
#pragma unroll
    for (int j = 0; j < 4; ++j) {
        const float2 two = __bfloat1622float2(pairs[j]);
        f[2 * j] = two.x;
        f[2 * j + 1] = two.y;
    }
}
// The same for 4 values in 8 bytes.
__device__ __forceinline__ void unpack4(const uint2& v, float (&f)[4])
{
    const auto* pairs = reinterpret_cast<const __nv_bfloat162*>(&v);
    const float2 a = __bfloat1622float2(pairs[0]), b = __bfloat1622float2(pairs[1]);
    f[0] = a.x, f[1] = a.y, f[2] = b.x, f[3] = b.y;
}
__device__ __forceinline__ uint2 pack4(const float (&f)[4])
{
    uint2 v;
    auto* pairs = reinterpret_cast<__nv_bfloat162*>(&v);
    pairs[0] = __floats2bfloat162_rn(f[0], f[1]);
    pairs[1] = __floats2bfloat162_rn(f[2], f[3]);
    return v;
}
__device__ __forceinline__ uint4 pack8(const float (&f)[8])
{
    uint4 v;
    auto* pairs = reinterpret_cast<__nv_bfloat162*>(&v);
#pragma unroll
    for (int j = 0; j < 4; ++j)
        pairs[j] = __floats2bfloat162_rn(f[2 * j], f[2 * j + 1]);
    return v;
}

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

// d += A B on tensor cores: A 16 x 16 bf16 (row-major fragments a0-a3), B 16 x 8 bf16 (column fragments b0, b1),
// float32 sums (PTX mma.m16n8k16: lane l holds rows l / 4 and l / 4 + 8, columns 2 (l % 4) and 2 (l % 4) + 1 of d).
__device__ __forceinline__ void mma16816(float (&d)[4], std::uint32_t a0, std::uint32_t a1, std::uint32_t a2,
    std::uint32_t a3, std::uint32_t b0, std::uint32_t b1)
{
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                 "{%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
}

// Asynchronous copy of 16 bytes from global to shared memory that does not pass through registers (cp.async, sm_80
// and later), cached in L2 only (data read once). A thread's copies form a group at commitCopies(); after
// awaitCopies() the thread (only) sees the data of all its groups.
__device__ __forceinline__ void copyAsync16(uint4* shared, const uint4* global)
{
    const auto address = static_cast<std::uint32_t>(__cvta_generic_to_shared(shared));
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(address), "l"(global) : "memory");
}
__device__ __forceinline__ void commitCopies()
{
    asm volatile("cp.async.commit_group;\n" ::: "memory");
}
__device__ __forceinline__ void awaitCopies()
{
    asm volatile("cp.async.wait_all;\n" ::: "memory");
}
// Waits until at most `Pending` of the thread's latest groups are still in flight (the older ones have landed).
template <int Pending> __device__ __forceinline__ void awaitCopiesBut()
{
    asm volatile("cp.async.wait_group %0;\n" ::"n"(Pending) : "memory");
}

__device__ __forceinline__ float warpSum(float v)
{
#pragma unroll
    for (int o = 16; o > 0; o >>= 1)
        v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ float warpMax(float v)
{
#pragma unroll
    for (int o = 16; o > 0; o >>= 1)
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Online softmax over tiles of keys: a row's running sum of exp-weights and maximum after a tile that moved the
// maximum from `previous` to `largest` and summed `tileSum` (exp-weights against `largest`). Returns the factor that
// rescales what was summed before (0 after no tile).
__device__ __forceinline__ float foldTile(float previous, float largest, float tileSum, float& rowSum, float& rowMax)
{
    const float rescale = previous == -INFINITY ? 0.f : __expf(previous - largest);
    rowSum = rowSum * rescale + tileSum;
    rowMax = largest;
    return rescale;
}

// A warp's dot products of two weight rows with one vector (n a multiple of 8, 16-byte aligned rows).
__device__ __forceinline__ float2 dotTwoRows(
    const bf16* __restrict__ r0, const bf16* __restrict__ r1, const bf16* __restrict__ v, std::int64_t n, int lane)
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

__device__ __forceinline__ float dotRow(
    const bf16* __restrict__ r, const bf16* __restrict__ v, std::int64_t n, int lane)
{
    float a = 0.f;
#pragma unroll 4
    for (std::int64_t i = lane * 8; i < n; i += 32 * 8)
        a = dot8(__ldg(reinterpret_cast<const uint4*>(r + i)), *reinterpret_cast<const uint4*>(v + i), a);
    return warpSum(a);
}

// Block-wide sum; every thread gets the total. partial: 32 floats of shared memory. (The decode RMSNorm's order of
// sums: the kernels that normalise a row must all sum its squares through this.)
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

// blockSum of two values at once, as a block of N times this one's threads would sum each of them: thread t holds
// the values of that block's threads t + n * blockDim (n < N). For kernels that must sum in a wider kernel's order.
// partial: 32 float2 of shared memory; N * blockDim up to 1,024 threads, blockDim a multiple of 32.
template <int N> __device__ __forceinline__ float2 wideBlockSum2(const float2 (&v)[N], float2* partial)
{
    const int warps = blockDim.x / 32;
#pragma unroll
    for (int n = 0; n < N; ++n) {
        const float2 s = make_float2(warpSum(v[n].x), warpSum(v[n].y));
        if (threadIdx.x % 32 == 0)
            partial[n * warps + threadIdx.x / 32] = s;
    }
    __syncthreads();
    if (threadIdx.x < 32) {
        float2 s = threadIdx.x < N * warps ? partial[threadIdx.x] : make_float2(0.f, 0.f);
        s = make_float2(warpSum(s.x), warpSum(s.y));
        if (threadIdx.x == 0)
            partial[0] = s;
    }
    __syncthreads();
    return partial[0];
}

// bf16(a + b) of 8 values.
__device__ __forceinline__ uint4 add8(const uint4& a, const uint4& b)
{
    float fa[8], fb[8], o[8];
    unpack8(a, fa);
    unpack8(b, fb);
#pragma unroll
    for (int j = 0; j < 8; ++j)
        o[j] = fa[j] + fb[j];
    return pack8(o);
}

// w * bf16(x * scale), to be rounded to bf16: the eager rmsNorm's roundings.
__device__ __forceinline__ float normalizedValue(float x, float w, float scale)
{
    return w * roundBf16(x * scale);
}

// normalizedValue of 8 values, rounded.
__device__ __forceinline__ uint4 normalized8(const uint4& x, const uint4& w, float scale)
{
    float fx[8], fw[8], o[8];
    unpack8(x, fx);
    unpack8(w, fw);
#pragma unroll
    for (int j = 0; j < 8; ++j)
        o[j] = normalizedValue(fx[j], fw[j], scale);
    return pack8(o);
}

// A step's q/k norms over a token's whole projection sum its squares as normRopeStepKernel's blocks of
// kNormRopeThreads threads do (piece p of 8 values at thread p % kNormRopeThreads, up to kNormRopeMaxPieces a
// thread, then blockSum); the GQA step kernel sums in the same order (kernels/gqadecodekernels.cu).
constexpr int kNormRopeThreads = 256;
constexpr int kNormRopeMaxPieces = 4; // 16-byte pieces a thread: heads * dim <= 8192

// (x1, x2) rotated by (c, s): float32 without fused multiply-adds (the eager path rounds each product), else in bf16
// with the eager path's roundings.
__device__ __forceinline__ float2 rotateValues(float x1, float x2, float c, float s, bool float32)
{
    if (float32)
        return make_float2(
            __fsub_rn(__fmul_rn(x1, c), __fmul_rn(x2, s)), __fadd_rn(__fmul_rn(x2, c), __fmul_rn(x1, s)));
    c = roundBf16(c);
    s = roundBf16(s);
    return make_float2(
        roundBf16(roundBf16(x1 * c) - roundBf16(x2 * s)), roundBf16(roundBf16(x2 * c) + roundBf16(x1 * s)));
}

// Pair i of a head: its two elements' offsets in the input, then in the output.
__device__ __forceinline__ int2 pairOffsets(std::int64_t i, std::int64_t half, bool interleaved)
{
    return interleaved ? make_int2(static_cast<int>(2 * i), static_cast<int>(2 * i + 1))
                       : make_int2(static_cast<int>(i), static_cast<int>(i + half));
}

// Weight pieces (16 bytes a lane) a warp loads before its chained wait: no kernel of a step writes weights, so the
// first pieces of every resident warp's row stream in while the kernel before finishes. Two keep the one-token GEMV
// at 40 registers (12 blocks an SM: OLMoE's q, k and v rows all resident at once); four took 60.
constexpr int kEarlyPieces = 2;

// The first kEarlyPieces pieces of a warp's share of row r of n values: lane l reads pieces l, l + 32, ...
__device__ __forceinline__ void loadEarlyPieces(
    const bf16* __restrict__ r, std::int64_t n, int lane, uint4 (&early)[kEarlyPieces])
{
#pragma unroll
    for (int p = 0; p < kEarlyPieces; ++p) {
        const std::int64_t i = lane * 8 + p * 32 * 8;
        if (i < n)
            early[p] = __ldg(reinterpret_cast<const uint4*>(r + i));
    }
}

// A lane's partial dot product of row r (its first pieces in early) with v, its pieces added in order; the caller
// adds them over the warp.
__device__ __forceinline__ float dotRowFromEarly(const uint4 (&early)[kEarlyPieces], const bf16* __restrict__ r,
    const bf16* __restrict__ v, std::int64_t n, int lane)
{
    float acc = 0.f;
#pragma unroll
    for (int p = 0; p < kEarlyPieces; ++p) {
        const std::int64_t i = lane * 8 + p * 32 * 8;
        if (i < n)
            acc = dot8(early[p], *reinterpret_cast<const uint4*>(v + i), acc);
    }
#pragma unroll 4
    for (std::int64_t i = lane * 8 + kEarlyPieces * 32 * 8; i < n; i += 32 * 8)
        acc = dot8(__ldg(reinterpret_cast<const uint4*>(r + i)), *reinterpret_cast<const uint4*>(v + i), acc);
    return acc;
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

__device__ __forceinline__ bf16 siluProduct(float gate, float up)
{
    const float g = roundBf16(gate); // the eager path's product is bf16, and so are silu's and the product's results
    return __float2bfloat16(roundBf16(g / (1.f + expf(-g))) * roundBf16(up));
}

// The token's slots in ascending expert id (the order the eager path adds them in); k <= kMaxTopK.
__device__ __forceinline__ void slotsByExpert(
    const std::int64_t* __restrict__ ids, std::int64_t token, int k, int* order)
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

// V consecutive values of bf16 row data as floats (V = 8: one 16-byte load), and back.
template <int V>
__device__ __forceinline__ void loadFloats(const bf16* __restrict__ p, float (&v)[V])
{
    if constexpr (V == 8) {
        unpack8(*reinterpret_cast<const uint4*>(p), v);
    } else {
#pragma unroll
        for (int j = 0; j < V; ++j)
            v[j] = __bfloat162float(p[j]);
    }
}

// Slot s's routing weight as a float (SlotWeights says how it is stored).
__device__ __forceinline__ float slotWeight(const SlotWeights& weights, std::int64_t s)
{
    if (weights.bf16)
        return __bfloat162float(static_cast<const bf16*>(weights.data)[s]);
    const float w = static_cast<const float*>(weights.data)[s];
    return weights.roundToBf16 ? roundBf16(w) : w;
}

// A token's slots in ascending expert id, with their routing weights.
struct TokenSlots {
    std::int64_t slot[kMaxTopK];
    float weight[kMaxTopK];
};
__device__ __forceinline__ void findTokenSlots(
    const std::int64_t* __restrict__ ids, const SlotWeights& weights, std::int64_t token, int k, TokenSlots& t)
{
    int order[kMaxTopK];
    slotsByExpert(ids, token, k, order);
#pragma unroll
    for (int n = 0; n < kMaxTopK; ++n) {
        if (n >= k)
            break;
        t.slot[n] = token * k + order[n];
        t.weight[n] = slotWeight(weights, t.slot[n]);
    }
}

// findTokenSlots for a whole block into `shared` (in shared memory), ranked by its first warp (lane j ranks slot j
// against the others by shuffles, no serial sort); every thread of the block must call it.
__device__ __forceinline__ void rankTokenSlots(const std::int64_t* __restrict__ ids, const SlotWeights& weights,
    std::int64_t token, int k, TokenSlots& shared)
{
    if (threadIdx.x < 32) {
        const int j = threadIdx.x;
        const std::int64_t id = j < k ? ids[token * k + j] : 0;
        int rank = 0; // slots before j in ascending expert id, ties in slot order (the stable order)
#pragma unroll
        for (int i = 0; i < kMaxTopK; ++i) {
            const std::int64_t other = __shfl_sync(0xffffffffu, id, i);
            rank += i < k && (other < id || (other == id && i < j));
        }
        if (j < k) {
            shared.slot[rank] = token * k + j;
            shared.weight[rank] = slotWeight(weights, token * k + j);
        }
    }
    __syncthreads();
}

// rankTokenSlots, then every thread's copy in t.
__device__ __forceinline__ void findTokenSlotsInBlock(const std::int64_t* __restrict__ ids, const SlotWeights& weights,
    std::int64_t token, int k, TokenSlots& shared, TokenSlots& t)
{
    rankTokenSlots(ids, weights, token, k, shared);
#pragma unroll
    for (int n = 0; n < kMaxTopK; ++n) {
        if (n >= k)
            break;
        t.slot[n] = shared.slot[n];
        t.weight[n] = shared.weight[n];
    }
}

// Slot n (in ascending expert id) of a token's weighted sum: bf16(v * weight) added to acc with a bf16 rounding
// after the addition (slot 0 starts the sum), the eager path's order and roundings.
template <int V> __device__ __forceinline__ void addSlotTerm(float (&acc)[V], const float (&v)[V], float weight, int n)
{
#pragma unroll
    for (int j = 0; j < V; ++j) {
        const float value = roundBf16(v[j] * weight);
        acc[j] = n == 0 ? value : roundBf16(acc[j] + value);
    }
}

// The token's weighted sum of its slot outputs y [S, H] at columns col .. col + V: bf16(y[s] * weight) added in
// ascending expert id with a bf16 rounding after each addition (the eager path's order and roundings). Slot s's
// output is row s of y, or row rowOfSlot[s] when that is not null. All k loads are issued before the first add.
template <int V>
__device__ __forceinline__ void combineSlotValues(const bf16* __restrict__ y, const TokenSlots& t, int k,
    std::int64_t hidden, std::int64_t col, const std::int64_t* __restrict__ rowOfSlot, float (&acc)[V])
{
    const bf16* rows[kMaxTopK];
#pragma unroll
    for (int n = 0; n < kMaxTopK; ++n) {
        if (n >= k)
            break;
        rows[n] = y + (rowOfSlot ? rowOfSlot[t.slot[n]] : t.slot[n]) * hidden + col;
    }
#pragma unroll
    for (int n = 0; n < kMaxTopK; ++n) {
        if (n >= k)
            break;
        float v[V];
        loadFloats<V>(rows[n], v);
        addSlotTerm<V>(acc, v, t.weight[n], n);
    }
}

// Slots grouped by expert: starts [E + 1] (expert e's slots at slotList[starts[e] .. starts[e + 1])) and
// slotList [S] (defined in decodekernels.cu). With stackIndex ([E], QuantMatrices::stackIndex) slots are grouped by
// their experts' places in a stack; a slot whose place (or id) is negative is left out (another stack's expert).
void launchGroupSlots(const std::int64_t* ids, const std::int64_t* stackIndex, int slots, int experts, int* starts,
    int* slotList, cudaStream_t stream);

// kernels::launchCombineSlots with slot s's output in row rowOfSlot[s] of y (defined in decodekernels.cu).
void launchCombineSlotsAt(const bf16* y, const std::int64_t* rowOfSlot, const std::int64_t* ids, SlotWeights weights,
    std::int64_t tokens, int k, std::int64_t hidden, bf16* out, cudaStream_t stream);

} // namespace moescope::kernels::device

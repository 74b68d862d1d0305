// Attention of a GQA decode step over the key/value cache (kernels/decodekernels.h: launchGqaDecode), in two chained
// kernels: one block per (chunk of 64 keys, kv head, up to 8 of its query heads) computes the chunk's scores, their
// largest value, the exp-weights and the exp-weighted sum of the values in float32; a second kernel combines the
// chunks. SDPA's fused kernel for a one-token query and its reduction kernel took 9-14 us a layer at a span of
// 2,304 (3-4x the time of reading the cache) and cannot be chained with the kernels around them.
//
// What makes this faster than the split-KV kernels tried before (tests/gpu/results/split-attention-2026-11-29): the
// cache rows before the step's position were written by earlier steps, so every thread loads its keys and values
// into registers before waiting for the kernel before it (which writes this step's row and the queries): the cache
// is read while that kernel runs, and after the wait only the queries and the one new row are loaded. The products
// then run from registers: a thread holds 8 dims of a few keys (whole rows per warp load), the scores are summed
// over the dims' threads by a reduce-scatter of shuffles, the value sums over the keys' threads by shuffles. Large
// query groups are split over several blocks of one kv head so that a launch has enough blocks.
//
// The exp-weights that multiply the values are rounded to bf16, as SDPA's flash kernels round their probabilities;
// the normaliser sums them unrounded.

#include "kernels/chainedlaunch.cuh"
#include "kernels/devicemath.cuh"

#include <cmath>
#include <cstdint>

namespace moescope::kernels {

using namespace device;

namespace {
constexpr int kThreads = 128;
constexpr int kWarps = kThreads / 32;
constexpr int kChunkKeys = 64;
constexpr int kMaxHeadsPerBlock = 8;
// Blocks a launch should have: query heads of one kv head are split over more blocks (each reads the chunk again,
// from L2) until there are this many. Qwen3-30B-A3B at a span of 2,304 decoded at 297-298 tok/s with 128 or 256,
// 291-295 with 512, 284 with 1,024 (tests/gpu/results/gqa-decode-2026-11-30).
constexpr int kTargetBlocks = 256;
static_assert(kMaxGqaSpan <= static_cast<std::int64_t>(kMaxGqaChunks) * kChunkKeys, "spans fit the chunks");

// How a block of kThreads spreads one chunk over its threads for head dim D: thread t holds dims [8 g, 8 g + 8),
// g = t % kDimGroups, of keys s + kKeySets i (i < kKeysPerThread), s = t / kKeySets, of both the keys and the values,
// so that each 16-byte load of a warp reads whole rows.
template <int D> struct ChunkShape {
    static constexpr int kDimGroups = D / 8;
    static constexpr int kKeySets = kThreads / kDimGroups;
    static constexpr int kKeysPerThread = kChunkKeys / kKeySets;
    static_assert(kDimGroups == 2 * kKeysPerThread && kDimGroups <= 32, "head dims 16 to 128");
};

__device__ __forceinline__ std::int64_t visibleBegin(std::int64_t position, int window)
{
    return window > 0 ? max(std::int64_t(0), position - window + 1) : std::int64_t(0);
}

// Sums K partial dot products (one per key) over the 2K lanes of a dim group and leaves key (lane % 2K) / 2's total
// in s[0]: halving rounds pass half of the keys to the partner lane and keep the other half (K shuffles in all, not
// K log2(2K)).
template <int K> __device__ __forceinline__ float reduceScatter(float (&s)[K], int lane)
{
#pragma unroll
    for (int half = K / 2, o = K; half >= 1; half /= 2, o /= 2) {
        const bool upper = (lane & o) != 0;
#pragma unroll
        for (int j = 0; j < half; ++j) {
            const float send = upper ? s[j] : s[j + half];
            const float keep = upper ? s[j + half] : s[j];
            s[j] = keep + __shfl_xor_sync(0xffffffffu, send, o);
        }
    }
    return s[0] + __shfl_xor_sync(0xffffffffu, s[0], 1);
}

// sums [chunks, heads, D] and stats [chunks, heads, 2] (largest score, sum of exp-weights) of the block's query heads
// over its chunk. Chunks without visible keys write stats (-inf, 0) and no sums.
template <int D, int G> __global__ void __launch_bounds__(kThreads) gqaChunkKernel(
    GqaDecodeInputs in, float* __restrict__ sums, float* __restrict__ stats)
{
    using Shape = ChunkShape<D>;
    constexpr int K = Shape::kKeysPerThread;
    __shared__ __align__(16) float query[G][D];
    __shared__ float weight[G][kChunkKeys]; // scores, then bf16-rounded exp-weights
    __shared__ __align__(16) float warpSums[kWarps][G][D];
    const int group = in.heads / in.kvHeads;
    const int firstHead = blockIdx.y * group + blockIdx.z * G;
    const int heads = min(G, group - static_cast<int>(blockIdx.z) * G); // query heads of this block
    // The position was set before the step's kernels ran, and the rows before it by earlier steps: safe to read
    // before the wait (kernels/chainedlaunch.cuh). The row at the position is this step's.
    const std::int64_t position = in.positions[0];
    const std::int64_t chunkBegin = static_cast<std::int64_t>(blockIdx.x) * kChunkKeys;
    const std::int64_t lo = max(chunkBegin, visibleBegin(position, in.window));
    const std::int64_t hi = min(chunkBegin + kChunkKeys, min(position + 1, in.span));
    const std::int64_t keyStride = static_cast<std::int64_t>(in.kvHeads) * D;
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    const int dimGroup = threadIdx.x % Shape::kDimGroups, keySet = threadIdx.x / Shape::kDimGroups;
    auto keyOf = [&](int i) { return chunkBegin + keySet + Shape::kKeySets * i; };
    auto word = [&](const bf16* rows, int i) {
        return reinterpret_cast<const uint4*>(rows + keyOf(i) * keyStride + blockIdx.y * D) + dimGroup;
    };
    auto early = [&](std::int64_t key) { return key >= lo && key < hi && key != position; };
    auto late = [&](std::int64_t key) { return key == position && key >= lo && key < hi; };
    uint4 k[K], v[K];
#pragma unroll
    for (int i = 0; i < K; ++i) {
        k[i] = early(keyOf(i)) ? __ldg(word(in.keys, i)) : make_uint4(0, 0, 0, 0);
        v[i] = early(keyOf(i)) ? __ldg(word(in.values, i)) : make_uint4(0, 0, 0, 0);
    }

    awaitPreviousKernel();
    const std::int64_t statsRow = static_cast<std::int64_t>(blockIdx.x) * in.heads + firstHead;
    if (lo >= hi) {
        if (threadIdx.x < heads)
            reinterpret_cast<float2*>(stats)[statsRow + threadIdx.x] = make_float2(-INFINITY, 0.f);
        return;
    }
#pragma unroll
    for (int i = 0; i < K; ++i) {
        if (late(keyOf(i))) {
            k[i] = __ldg(word(in.keys, i));
            v[i] = __ldg(word(in.values, i));
        }
    }
    for (int o = threadIdx.x * 8; o < G * D; o += kThreads * 8) {
        const int h = o / D;
        float q[8] = {};
        if (h < heads)
            unpack8(*reinterpret_cast<const uint4*>(in.q + static_cast<std::int64_t>(firstHead) * D + o), q);
#pragma unroll
        for (int j = 0; j < 8; ++j)
            query[h][o % D + j] = q[j];
    }
    __syncthreads();

    // Scores: each lane's 8 dims of its K keys, summed over the dim group; lane pair (2 i, 2 i + 1) of the group
    // holds key i's score.
    const int scoredKey = keySet + Shape::kKeySets * (dimGroup / 2);
    const bool scoredVisible = chunkBegin + scoredKey >= lo && chunkBegin + scoredKey < hi;
#pragma unroll
    for (int h = 0; h < G; ++h) {
        const float4 qa = *reinterpret_cast<const float4*>(&query[h][8 * dimGroup]);
        const float4 qb = *reinterpret_cast<const float4*>(&query[h][8 * dimGroup + 4]);
        float s[K];
#pragma unroll
        for (int i = 0; i < K; ++i) {
            float key[8];
            unpack8(k[i], key);
            s[i] = fmaf(qa.x, key[0], fmaf(qa.y, key[1], fmaf(qa.z, key[2], fmaf(qa.w, key[3],
                fmaf(qb.x, key[4], fmaf(qb.y, key[5], fmaf(qb.z, key[6], qb.w * key[7])))))));
        }
        const float score = reduceScatter(s, lane);
        if (dimGroup % 2 == 0)
            weight[h][scoredKey] = scoredVisible ? score * in.scale : -INFINITY;
    }
    __syncthreads();

    for (int h = warp; h < G; h += kWarps) { // exp-weights against the chunk's largest score (some key is visible)
        const float a = weight[h][lane], b = weight[h][lane + 32];
        const float largest = warpMax(fmaxf(a, b));
        const float ea = __expf(a - largest), eb = __expf(b - largest);
        weight[h][lane] = roundBf16(ea);
        weight[h][lane + 32] = roundBf16(eb);
        const float total = warpSum(ea + eb);
        if (lane == 0 && h < heads)
            reinterpret_cast<float2*>(stats)[statsRow + h] = make_float2(largest, total);
    }
    __syncthreads();

    float acc[G][8] = {};
#pragma unroll
    for (int i = 0; i < K; ++i) {
        float value[8];
        unpack8(v[i], value);
#pragma unroll
        for (int h = 0; h < G; ++h) {
            const float p = weight[h][keySet + Shape::kKeySets * i];
#pragma unroll
            for (int d = 0; d < 8; ++d)
                acc[h][d] = fmaf(p, value[d], acc[h][d]);
        }
    }
#pragma unroll
    for (int o = Shape::kDimGroups; o < 32; o <<= 1) // the key sets of the warp
#pragma unroll
        for (int h = 0; h < G; ++h)
#pragma unroll
            for (int d = 0; d < 8; ++d)
                acc[h][d] += __shfl_xor_sync(0xffffffffu, acc[h][d], o);
    if (lane < Shape::kDimGroups) {
#pragma unroll
        for (int h = 0; h < G; ++h) {
            *reinterpret_cast<float4*>(&warpSums[warp][h][8 * dimGroup])
                = make_float4(acc[h][0], acc[h][1], acc[h][2], acc[h][3]);
            *reinterpret_cast<float4*>(&warpSums[warp][h][8 * dimGroup + 4])
                = make_float4(acc[h][4], acc[h][5], acc[h][6], acc[h][7]);
        }
    }
    __syncthreads();
    for (int o = threadIdx.x; o < heads * D; o += kThreads) {
        const int h = o / D, d = o % D;
        float s = 0.f;
#pragma unroll
        for (int w = 0; w < kWarps; ++w)
            s += warpSums[w][h][d];
        sums[(statsRow + h) * D + d] = s;
    }
}

// out row blockIdx.x (head h at [h * D]) from the chunks' sums, weighted by exp(largest_j - largest): the chunks'
// weights first, then every thread's loads of sums at once (4 dims of every splits-th chunk a thread).
__global__ void __launch_bounds__(kThreads) gqaCombineKernel(
    GqaDecodeInputs in, const float* __restrict__ sums, const float* __restrict__ stats, int chunks,
    bf16* __restrict__ out)
{
    __shared__ float chunkWeight[kMaxGqaChunks]; // exp(largest_j - largest), 0 for chunks without visible keys
    __shared__ float warpLargest[kWarps], warpTotal[kWarps];
    __shared__ float4 splitSums[kThreads];
    awaitPreviousKernel();
    const std::int64_t row = blockIdx.x;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    float largest = -INFINITY;
    for (int j = threadIdx.x; j < chunks; j += kThreads) {
        const float2 s = reinterpret_cast<const float2*>(stats)[j * in.heads + row];
        if (s.y > 0.f)
            largest = fmaxf(largest, s.x);
    }
    largest = warpMax(largest);
    if (lane == 0)
        warpLargest[warp] = largest;
    __syncthreads();
#pragma unroll
    for (int w = 0; w < kWarps; ++w)
        largest = fmaxf(largest, warpLargest[w]);
    float total = 0.f;
    for (int j = threadIdx.x; j < chunks; j += kThreads) {
        const float2 s = reinterpret_cast<const float2*>(stats)[j * in.heads + row];
        const float e = s.y > 0.f ? __expf(s.x - largest) : 0.f;
        chunkWeight[j] = e;
        total = fmaf(e, s.y, total);
    }
    total = warpSum(total);
    if (lane == 0)
        warpTotal[warp] = total;
    __syncthreads();
    total = 0.f;
#pragma unroll
    for (int w = 0; w < kWarps; ++w)
        total += warpTotal[w];
    const int quads = in.headDim / 4, quad = threadIdx.x % quads, split = threadIdx.x / quads;
    const int splits = kThreads / quads;
    constexpr int kBatch = 16;
    float4 value = make_float4(0.f, 0.f, 0.f, 0.f);
    for (int first = split; first < chunks; first += kBatch * splits) {
        float4 held[kBatch];
#pragma unroll
        for (int i = 0; i < kBatch; ++i) { // chunks without visible keys wrote no sums: not read
            const int j = first + i * splits;
            held[i] = j < chunks && chunkWeight[j] > 0.f
                ? *reinterpret_cast<const float4*>(sums + (j * in.heads + row) * in.headDim + 4 * quad)
                : make_float4(0.f, 0.f, 0.f, 0.f);
        }
#pragma unroll
        for (int i = 0; i < kBatch; ++i) {
            const int j = first + i * splits;
            const float w = j < chunks ? chunkWeight[j] : 0.f;
            value.x = fmaf(w, held[i].x, value.x);
            value.y = fmaf(w, held[i].y, value.y);
            value.z = fmaf(w, held[i].z, value.z);
            value.w = fmaf(w, held[i].w, value.w);
        }
    }
    splitSums[threadIdx.x] = value;
    __syncthreads();
    if (split != 0)
        return;
    for (int s = 1; s < splits; ++s) {
        const float4 v = splitSums[s * quads + quad];
        value.x += v.x, value.y += v.y, value.z += v.z, value.w += v.w;
    }
    const float scale = 1.f / total; // the position's own key is always visible: total > 0
    auto* to = reinterpret_cast<__nv_bfloat162*>(out + row * in.headDim + 4 * quad);
    to[0] = __floats2bfloat162_rn(value.x * scale, value.y * scale);
    to[1] = __floats2bfloat162_rn(value.z * scale, value.w * scale);
}

template <int D, int G> void launchChunks(const GqaDecodeInputs& in, dim3 grid, float* sums, float* stats,
    cudaStream_t stream)
{
    launchChained(gqaChunkKernel<D, G>, grid, kThreads, 0, stream, in, sums, stats);
}

template <int D> void launchChunksOfDim(const GqaDecodeInputs& in, int headsPerBlock, dim3 grid, float* sums,
    float* stats, cudaStream_t stream)
{
    switch (headsPerBlock) {
    case 1:
        return launchChunks<D, 1>(in, grid, sums, stats, stream);
    case 2:
        return launchChunks<D, 2>(in, grid, sums, stats, stream);
    case 4:
        return launchChunks<D, 4>(in, grid, sums, stats, stream);
    default:
        return launchChunks<D, 8>(in, grid, sums, stats, stream);
    }
}
} // namespace

bool gqaDecodeSupports(int heads, int kvHeads, int headDim, std::int64_t span)
{
    const bool dimOk = headDim == 16 || headDim == 32 || headDim == 64 || headDim == 128;
    return dimOk && kvHeads >= 1 && heads % kvHeads == 0 && span >= 1 && span <= kMaxGqaSpan;
}

GqaDecodeLayout gqaDecodeLayout(const GqaDecodeInputs& in)
{
    GqaDecodeLayout layout;
    const int group = in.heads / in.kvHeads;
    layout.keysPerChunk = kChunkKeys;
    layout.chunks = static_cast<int>((in.span + kChunkKeys - 1) / kChunkKeys);
    // Blocks hold 1, 2, 4 or 8 query heads (one kernel each; a group of 3 takes blocks of 4, one of 16 two of 8),
    // fewer while the launch has under kTargetBlocks blocks.
    auto blocks = [&](int headsPerBlock) {
        return static_cast<std::int64_t>(layout.chunks) * in.kvHeads * ((group + headsPerBlock - 1) / headsPerBlock);
    };
    layout.headsPerBlock = 1;
    while (layout.headsPerBlock < group && layout.headsPerBlock < kMaxHeadsPerBlock)
        layout.headsPerBlock *= 2;
    while (layout.headsPerBlock > 1 && blocks(layout.headsPerBlock) < kTargetBlocks)
        layout.headsPerBlock /= 2;
    layout.headGroups = (group + layout.headsPerBlock - 1) / layout.headsPerBlock;
    return layout;
}

void launchGqaDecode(const GqaDecodeInputs& in, float* sums, float* stats, bf16* out, cudaStream_t stream)
{
    const GqaDecodeLayout layout = gqaDecodeLayout(in);
    const dim3 grid(static_cast<unsigned>(layout.chunks), static_cast<unsigned>(in.kvHeads),
        static_cast<unsigned>(layout.headGroups));
    switch (in.headDim) {
    case 16:
        launchChunksOfDim<16>(in, layout.headsPerBlock, grid, sums, stats, stream);
        break;
    case 32:
        launchChunksOfDim<32>(in, layout.headsPerBlock, grid, sums, stats, stream);
        break;
    case 64:
        launchChunksOfDim<64>(in, layout.headsPerBlock, grid, sums, stats, stream);
        break;
    default:
        launchChunksOfDim<128>(in, layout.headsPerBlock, grid, sums, stats, stream);
        break;
    }
    launchChained(gqaCombineKernel, static_cast<unsigned>(in.heads), kThreads, 0, stream, in,
        static_cast<const float*>(sums), static_cast<const float*>(stats), layout.chunks, out);
}

} // namespace moescope::kernels

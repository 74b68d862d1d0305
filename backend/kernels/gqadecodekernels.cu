// Attention of a GQA decode step over the key/value cache (kernels/decodekernels.h: launchGqaDecode), split over
// the keys so that a step's few query rows keep every SM reading the cache: one block per (chunk of 64 keys, kv
// head, group of query rows) stages the chunk's keys and values in shared memory, computes its rows' scores (a
// thread per key), their largest value, the exp-weights and the weighted sum of the values (a thread per pair of
// dims) in float32 (the exp-weights rounded to bf16 for that sum, as SDPA's flash kernels round their
// probabilities, and summed unrounded for the normaliser); a second kernel combines the chunks. SDPA's fused
// kernels parallelise over heads and query rows, so a decode step of 16 heads ran on 16 SMs at a third of the
// bandwidth, and they cannot be chained (kernels/chainedlaunch.cuh) with the kernels around them.

#include "kernels/chainedlaunch.cuh"
#include "kernels/devicemath.cuh"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace moescope::kernels {

using namespace device;

namespace {
constexpr int kThreads = 128;
constexpr int kWarps = kThreads / 32;
constexpr int kMaxRows = 8; // query rows (token, head) of one block
constexpr int kKeysPerChunk = 64;
constexpr int kPitch = kMaxGqaHeadDim + 8; // bf16 row pitch of the staged keys: 16-byte reads on distinct banks
constexpr int kRowSets = kThreads / kKeysPerChunk; // scores: a thread per (key, every kRowSets-th row)
constexpr int kRowsPerThread = kMaxRows / 2; // the value sums: D / 2 <= kThreads / 2 threads per row
static_assert(kMaxGqaSpan <= static_cast<std::int64_t>(kMaxGqaChunks) * kKeysPerChunk, "spans fit the chunks");

__device__ __forceinline__ bool visible(std::int64_t key, std::int64_t position, int window)
{
    return key <= position && (window <= 0 || key > position - window);
}

// sums [chunks, T * heads, D] and stats [chunks, T * heads, 2] of the block's rows over its chunk of keys.
__global__ void __launch_bounds__(kThreads) gqaChunkKernel(
    GqaDecodeInputs in, int headsPerBlock, float* __restrict__ sums, float* __restrict__ stats)
{
    __shared__ __align__(16) bf16 keyTile[kKeysPerChunk][kPitch];
    __shared__ __align__(16) bf16 valueTile[kKeysPerChunk][kMaxGqaHeadDim];
    __shared__ __align__(16) float query[kMaxRows][kMaxGqaHeadDim];
    __shared__ float weight[kMaxRows][kKeysPerChunk]; // scores, then bf16-rounded exp-weights
    __shared__ std::int64_t tokenPosition[kMaxGemvTokens];
    const int dim = in.headDim;
    const int group = in.heads / in.kvHeads;
    const int rows = in.tokens * headsPerBlock;
    const std::int64_t rowsTotal = static_cast<std::int64_t>(in.tokens) * in.heads;
    // Row r: token r / headsPerBlock, head kvHead * group + blockIdx.z * headsPerBlock + r % headsPerBlock.
    auto inGroup = [&](int r) { return blockIdx.z * headsPerBlock + r % headsPerBlock < group; };
    auto rowOf = [&](int r) { // index into the [T * heads] rows of sums, stats and out
        return static_cast<std::int64_t>(r / headsPerBlock) * in.heads + blockIdx.y * group
            + blockIdx.z * headsPerBlock + r % headsPerBlock;
    };
    auto statsAt = [&](int r) { return reinterpret_cast<float2*>(stats + (blockIdx.x * rowsTotal + rowOf(r)) * 2); };
    awaitPreviousKernel();
    std::int64_t begin = in.span, end = 0; // keys some token of the step sees
    for (int t = 0; t < in.tokens; ++t) {
        const std::int64_t p = in.positions[t];
        if (threadIdx.x == 0)
            tokenPosition[t] = p;
        begin = min(begin, in.window > 0 ? max(std::int64_t(0), p - in.window + 1) : std::int64_t(0));
        end = max(end, min(p + 1, in.span));
    }
    const std::int64_t chunkBegin = static_cast<std::int64_t>(blockIdx.x) * kKeysPerChunk;
    const std::int64_t first = max(chunkBegin, begin);
    const int n = static_cast<int>(max(std::int64_t(0), min(chunkBegin + kKeysPerChunk, end) - first));
    if (n == 0) { // no key of the chunk is visible: an empty chunk for the combination
        for (int r = threadIdx.x; r < rows; r += kThreads)
            if (inGroup(r))
                *statsAt(r) = make_float2(-INFINITY, 0.f);
        return;
    }
    // Stage keys and values [first, first + n) of kv head blockIdx.y, 8 16-byte pieces of each a thread at once.
    const int pieces = dim / 8;
    const std::int64_t keyStride = static_cast<std::int64_t>(in.kvHeads) * dim;
    constexpr int kBatch = 8;
    for (int base = threadIdx.x; base < n * pieces; base += kThreads * kBatch) {
        uint4 k[kBatch], v[kBatch];
#pragma unroll
        for (int u = 0; u < kBatch; ++u) {
            const int o = base + u * kThreads;
            const std::int64_t at = (first + o / pieces) * keyStride + blockIdx.y * dim + 8 * (o % pieces);
            k[u] = o < n * pieces ? __ldg(reinterpret_cast<const uint4*>(in.keys + at)) : make_uint4(0, 0, 0, 0);
            v[u] = o < n * pieces ? __ldg(reinterpret_cast<const uint4*>(in.values + at)) : make_uint4(0, 0, 0, 0);
        }
#pragma unroll
        for (int u = 0; u < kBatch; ++u) {
            const int o = base + u * kThreads;
            if (o < n * pieces) {
                *reinterpret_cast<uint4*>(&keyTile[o / pieces][8 * (o % pieces)]) = k[u];
                *reinterpret_cast<uint4*>(&valueTile[o / pieces][8 * (o % pieces)]) = v[u];
            }
        }
    }
    for (int o = threadIdx.x; o < rows * dim; o += kThreads) {
        const int r = o / dim;
        query[r][o % dim] = inGroup(r) ? __bfloat162float(in.q[rowOf(r) * dim + o % dim]) : 0.f;
    }
    __syncthreads();
    { // scores: key j, rows rowSet + kRowSets i
        const int j = threadIdx.x % kKeysPerChunk, rowSet = threadIdx.x / kKeysPerChunk;
        if (j < n) {
            float score[kRowsPerThread] = {};
            for (int c = 0; c < dim; c += 8) {
                float key[8];
                unpack8(*reinterpret_cast<const uint4*>(&keyTile[j][c]), key);
#pragma unroll
                for (int i = 0; i < kRowsPerThread; ++i) {
                    const int r = rowSet + kRowSets * i;
                    if (r < rows) {
                        const float4 a = *reinterpret_cast<const float4*>(&query[r][c]);
                        const float4 b = *reinterpret_cast<const float4*>(&query[r][c + 4]);
                        score[i] = fmaf(a.x, key[0], fmaf(a.y, key[1], fmaf(a.z, key[2], fmaf(a.w, key[3],
                            fmaf(b.x, key[4], fmaf(b.y, key[5], fmaf(b.z, key[6], fmaf(b.w, key[7], score[i]))))))));
                    }
                }
            }
#pragma unroll
            for (int i = 0; i < kRowsPerThread; ++i) {
                const int r = rowSet + kRowSets * i;
                if (r < rows)
                    weight[r][j] = visible(first + j, tokenPosition[r / headsPerBlock], in.window)
                        ? score[i] * in.scale
                        : -INFINITY;
            }
        }
    }
    __syncthreads();
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    for (int r = warp; r < rows; r += kWarps) { // exp-weights against the chunk's largest score
        float largest = -INFINITY;
        for (int j = lane; j < n; j += 32)
            largest = fmaxf(largest, weight[r][j]);
        largest = warpMax(largest);
        float total = 0.f;
        for (int j = lane; j < n; j += 32) {
            const float e = largest == -INFINITY ? 0.f : __expf(weight[r][j] - largest);
            weight[r][j] = roundBf16(e);
            total += e;
        }
        total = warpSum(total);
        if (lane == 0 && inGroup(r))
            *statsAt(r) = make_float2(largest, total);
    }
    __syncthreads();
    // Weighted values: dims (2 p, 2 p + 1), rows rowSet + rowsPerPass i.
    const int pairs = dim / 2, pair = threadIdx.x % pairs, rowSet = threadIdx.x / pairs;
    const int rowsPerPass = kThreads / pairs;
    float2 acc[kRowsPerThread] = {};
    for (int j = 0; j < n; ++j) {
        const float2 v = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&valueTile[j][2 * pair]));
#pragma unroll
        for (int i = 0; i < kRowsPerThread; ++i) {
            const int r = rowSet + rowsPerPass * i;
            if (r < rows) {
                const float w = weight[r][j];
                acc[i].x = fmaf(w, v.x, acc[i].x);
                acc[i].y = fmaf(w, v.y, acc[i].y);
            }
        }
    }
#pragma unroll
    for (int i = 0; i < kRowsPerThread; ++i) {
        const int r = rowSet + rowsPerPass * i;
        if (r < rows && inGroup(r))
            *reinterpret_cast<float2*>(sums + (blockIdx.x * rowsTotal + rowOf(r)) * dim + 2 * pair) = acc[i];
    }
}

// out row blockIdx.x (token t, head h at [t, h * D]) from the chunks' sums, weighted by exp(largest_j - largest):
// the chunks' weights first, then every thread's loads of sums at once (4 dims of every splits-th chunk a thread).
__global__ void __launch_bounds__(kThreads) gqaCombineKernel(
    GqaDecodeInputs in, const float* __restrict__ sums, const float* __restrict__ stats, int chunks, bf16* __restrict__ out)
{
    __shared__ float chunkWeight[kMaxGqaChunks]; // exp(largest_j - largest), 0 for chunks without visible keys
    __shared__ float warpLargest[kWarps], warpTotal[kWarps];
    __shared__ float4 splitSums[kThreads];
    awaitPreviousKernel();
    const std::int64_t row = blockIdx.x;
    const std::int64_t rowsTotal = static_cast<std::int64_t>(in.tokens) * in.heads;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    constexpr int kPerThread = kMaxGqaChunks / kThreads;
    float2 chunkStats[kPerThread]; // chunks threadIdx.x + kThreads i, loaded at once
    float largest = -INFINITY;
#pragma unroll
    for (int i = 0; i < kPerThread; ++i) {
        const int j = threadIdx.x + kThreads * i;
        chunkStats[i] = j < chunks ? *reinterpret_cast<const float2*>(stats + (j * rowsTotal + row) * 2)
                                   : make_float2(-INFINITY, 0.f);
        if (chunkStats[i].y > 0.f)
            largest = fmaxf(largest, chunkStats[i].x);
    }
    largest = warpMax(largest);
    if (lane == 0)
        warpLargest[warp] = largest;
    __syncthreads();
#pragma unroll
    for (int w = 0; w < kWarps; ++w)
        largest = fmaxf(largest, warpLargest[w]);
    float total = 0.f;
#pragma unroll
    for (int i = 0; i < kPerThread; ++i) {
        const int j = threadIdx.x + kThreads * i;
        const float e = chunkStats[i].y > 0.f ? __expf(chunkStats[i].x - largest) : 0.f;
        if (j < chunks)
            chunkWeight[j] = e;
        total = fmaf(e, chunkStats[i].y, total);
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
        for (int i = 0; i < kBatch; ++i) { // chunks without visible keys wrote no sums: read, never used
            const int j = first + i * splits;
            held[i] = j < chunks ? *reinterpret_cast<const float4*>(sums + (j * rowsTotal + row) * in.headDim + 4 * quad)
                                 : make_float4(0.f, 0.f, 0.f, 0.f);
        }
#pragma unroll
        for (int i = 0; i < kBatch; ++i) {
            const int j = first + i * splits;
            const float w = j < chunks ? chunkWeight[j] : 0.f;
            if (w > 0.f) {
                value.x = fmaf(w, held[i].x, value.x);
                value.y = fmaf(w, held[i].y, value.y);
                value.z = fmaf(w, held[i].z, value.z);
                value.w = fmaf(w, held[i].w, value.w);
            }
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
    const float scale = total > 0.f ? 1.f / total : 0.f;
    auto* to = reinterpret_cast<__nv_bfloat162*>(out + row * in.headDim + 4 * quad);
    to[0] = __floats2bfloat162_rn(value.x * scale, value.y * scale);
    to[1] = __floats2bfloat162_rn(value.z * scale, value.w * scale);
}
} // namespace

GqaDecodeLayout gqaDecodeLayout(const GqaDecodeInputs& in)
{
    GqaDecodeLayout layout;
    const int group = in.heads / in.kvHeads;
    layout.headsPerBlock = std::clamp(kMaxRows / in.tokens, 1, group);
    layout.headGroups = (group + layout.headsPerBlock - 1) / layout.headsPerBlock;
    layout.keysPerChunk = kKeysPerChunk;
    layout.chunks = static_cast<int>((in.span + kKeysPerChunk - 1) / kKeysPerChunk);
    return layout;
}

void launchGqaDecode(const GqaDecodeInputs& in, float* sums, float* stats, bf16* out, cudaStream_t stream)
{
    const GqaDecodeLayout layout = gqaDecodeLayout(in);
    launchChained(gqaChunkKernel,
        dim3(static_cast<unsigned>(layout.chunks), static_cast<unsigned>(in.kvHeads),
            static_cast<unsigned>(layout.headGroups)),
        kThreads, 0, stream, in, layout.headsPerBlock, sums, stats);
    launchChained(gqaCombineKernel, static_cast<unsigned>(in.tokens * in.heads), kThreads, 0, stream, in,
        static_cast<const float*>(sums), static_cast<const float*>(stats), layout.chunks, out);
}

} // namespace moescope::kernels

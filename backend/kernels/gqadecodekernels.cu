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
// A step's queries and key can come straight from its projections (launchGqaDecodeStep): the chunk's block then
// normalises and rotates them itself (prepareStep), which saves the rotation kernel's place on the step's critical
// path.
//
// Long spans (a launch of more than 2 x kRangeBlocks such blocks) take gqaRangeKernel instead: a block per range of
// several 64-key tiles, so that the combining kernel has a few dozen chunks a head instead of hundreds.
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
// Long spans: blocks a launch of gqaRangeKernel should have, three per SM of an H200 (its shared memory allows
// three). Qwen3-30B-A3B at a span of 32,840 decoded at 192 tok/s with 264, 208 with 396, 202 with 792
// (tests/gpu/results/gqa-range-2026-11-30); spans under twice this many 64-key blocks keep gqaChunkKernel.
constexpr int kRangeBlocks = 396;

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

// The block's query heads (rows firstHead.., `heads` of them; zeros beyond) into shared memory as float32.
template <int D, int G> __device__ __forceinline__ void loadQueries(
    const GqaDecodeInputs& in, int firstHead, int heads, float (&query)[G][D])
{
    for (int o = threadIdx.x * 8; o < G * D; o += kThreads * 8) {
        const int h = o / D;
        float q[8] = {};
        if (h < heads)
            unpack8(*reinterpret_cast<const uint4*>(in.q + static_cast<std::int64_t>(firstHead) * D + o), q);
#pragma unroll
        for (int j = 0; j < 8; ++j)
            query[h][o % D + j] = q[j];
    }
}

// Scores of one 64-key chunk: each lane's 8 dims of its K keys, summed over the dim group; lane pair (2 i, 2 i + 1)
// of the group holds key i's score, which goes to weight[h][scoredKey] scaled (-inf where not visible).
template <int D, int G> __device__ __forceinline__ void scoreChunk(const uint4 (&k)[ChunkShape<D>::kKeysPerThread],
    const float (&query)[G][D], float (&weight)[G][kChunkKeys], int scoredKey, bool scoredVisible, float scale)
{
    constexpr int K = ChunkShape<D>::kKeysPerThread;
    const int lane = threadIdx.x % 32, dimGroup = threadIdx.x % ChunkShape<D>::kDimGroups;
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
            weight[h][scoredKey] = scoredVisible ? score * scale : -INFINITY;
    }
}

// acc[h][0..8) += the thread's K values weighted by weight[h][its keys].
template <int D, int G> __device__ __forceinline__ void accumulateValues(
    const uint4 (&v)[ChunkShape<D>::kKeysPerThread], const float (&weight)[G][kChunkKeys], float (&acc)[G][8])
{
    using Shape = ChunkShape<D>;
    const int keySet = threadIdx.x / Shape::kDimGroups;
#pragma unroll
    for (int i = 0; i < Shape::kKeysPerThread; ++i) {
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
}

// Sums acc over the block's key sets (shuffles within warps, then warpSums across them) into sums rows statsRow..
// (the block's `heads` query heads). Ends with the block synchronised after writing warpSums.
template <int D, int G> __device__ __forceinline__ void storeSums(float (&acc)[G][8],
    float (&warpSums)[kWarps][G][D], float* __restrict__ sums, std::int64_t statsRow, int heads)
{
    constexpr int kDimGroups = ChunkShape<D>::kDimGroups;
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, dimGroup = threadIdx.x % kDimGroups;
#pragma unroll
    for (int o = kDimGroups; o < 32; o <<= 1) // the key sets of the warp
#pragma unroll
        for (int h = 0; h < G; ++h)
#pragma unroll
            for (int d = 0; d < 8; ++d)
                acc[h][d] += __shfl_xor_sync(0xffffffffu, acc[h][d], o);
    if (lane < kDimGroups) {
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

// A step's projections through the chunk kernel (gqaChunkKernel<D, G, true>): the block's query heads and, in the
// block of the position's chunk, its kv head's key and value, normalised and rotated exactly as normRopeStepKernel
// or ropeStepKernel would (the same roundings and order of sums), so the step needs no kernel of its own for them.
// Everything it reads is loaded after the wait, in one round trip with the projections: loaded before it, the norm
// weights and rotation held registers that the chunk's keys and values need.

// Thread t's share of a whole projection's sum of squares, as normRopeStepKernel's threads t and t + kThreads hold
// theirs.
template <int D> __device__ __forceinline__ float projectionSquares(const RopeStepView& x, int half)
{
    constexpr int kPieces = D / 8;
    const int pieces = static_cast<int>(x.heads) * kPieces;
    float total = 0.f;
#pragma unroll
    for (int n = 0; n < kNormRopeMaxPieces; ++n) { // the pieces past the projection's end would add zeros
        const int p = threadIdx.x + half * kThreads + n * kNormRopeThreads;
        if (p >= pieces)
            break;
        const uint4 piece = *reinterpret_cast<const uint4*>(x.data + (p / kPieces) * x.headStride + p % kPieces * 8);
        total += dot8(piece, piece, 0.f);
    }
    return total;
}

// A head's norm scale from its pieces' squares (one piece a thread, a head's pieces on consecutive lanes).
template <int D> __device__ __forceinline__ float headNormScale(float squares, float eps)
{
#pragma unroll
    for (int o = D / 16; o > 0; o >>= 1)
        squares += __shfl_xor_sync(0xffffffffu, squares, o);
    return rsqrtf(squares / static_cast<float>(D) + eps);
}

// Pair i of a normalised head rotated and rounded to bf16 (the rotated projection's values).
__device__ __forceinline__ float2 rotatedPair(const bf16* head, int i, int half, const RopeRotation& rotation,
    float2 cs, int2& to)
{
    const int2 from = pairOffsets(i, half, rotation.interleaved);
    to = pairOffsets(i, half, rotation.keepInterleaved);
    const float2 o = rotateValues(__bfloat162float(head[from.x]), __bfloat162float(head[from.y]), cs.x, cs.y,
        rotation.float32);
    return make_float2(roundBf16(o.x), roundBf16(o.y));
}

// The block's rotated queries into `query` (zeros beyond `heads`) and, with keyHere, its kv head's rotated key and
// value into keyRow / valueRow, also written to the caches at the position by the first block of the kv head.
// Called after the wait by every thread; ends with the block synchronised.
template <int D, int G> __device__ __forceinline__ void prepareStep(const RopeStepInputs& step, int firstHead,
    int heads, bool keyHere, std::int64_t position, float (&query)[G][D], bf16 (&keyRow)[D], bf16 (&valueRow)[D])
{
    constexpr int kPieces = D / 8, kHalf = D / 2;
    static_assert(kThreads % kHalf == 0 && kMaxHeadsPerBlock * kPieces <= kThreads, "a thread a piece, one pair");
    __shared__ __align__(16) bf16 normed[G * D + D]; // the block's query heads, then the key
    __shared__ float2 partial[32];
    const int t = threadIdx.x;
    const int kvHead = static_cast<int>(blockIdx.y);
    const bool queryPiece = t < heads * kPieces, keyPiece = keyHere && t < kPieces;
    const uint4 zero = make_uint4(0, 0, 0, 0);
    const uint4 q = queryPiece ? *reinterpret_cast<const uint4*>(
                        step.q.data + (firstHead + t / kPieces) * step.q.headStride + t % kPieces * 8)
                               : zero;
    const uint4 k = keyPiece ? *reinterpret_cast<const uint4*>(step.k.data + kvHead * step.k.headStride + t * 8) : zero;
    const uint4 v = keyPiece ? *reinterpret_cast<const uint4*>(step.v.data + kvHead * step.v.headStride + t * 8) : zero;
    // The thread's pair is pair t % kHalf of every head (kThreads is a multiple of kHalf).
    const float2 cs = make_float2(step.rotation.cos[t % kHalf], step.rotation.sin[t % kHalf]);
    uint4 qNormed = q, kNormed = k;
    if (step.qNorm) {
        float qScale, kScale;
        if (step.perHeadNorm) {
            qScale = headNormScale<D>(dot8(q, q, 0.f), step.eps);
            kScale = headNormScale<D>(dot8(k, k, 0.f), step.eps);
        } else {
            float2 shares[2];
#pragma unroll
            for (int half = 0; half < 2; ++half)
                shares[half] = make_float2(projectionSquares<D>(step.q, half),
                    keyHere ? projectionSquares<D>(step.k, half) : 0.f);
            const float2 total = wideBlockSum2(shares, partial);
            qScale = rsqrtf(total.x / static_cast<float>(step.q.heads * D) + step.eps);
            kScale = rsqrtf(total.y / static_cast<float>(step.k.heads * D) + step.eps);
        }
        const uint4 qWeight = queryPiece ? *reinterpret_cast<const uint4*>(
                                  step.qNorm + (step.perHeadNorm ? t % kPieces : firstHead * kPieces + t) * 8)
                                         : zero;
        const uint4 kWeight = keyPiece
            ? *reinterpret_cast<const uint4*>(step.kNorm + (step.perHeadNorm ? t : kvHead * kPieces + t) * 8)
            : zero;
        qNormed = normalized8(q, qWeight, qScale);
        kNormed = normalized8(k, kWeight, kScale);
    }
    if (queryPiece)
        *reinterpret_cast<uint4*>(normed + t * 8) = qNormed;
    if (keyPiece) {
        *reinterpret_cast<uint4*>(normed + G * D + t * 8) = kNormed;
        *reinterpret_cast<uint4*>(valueRow + t * 8) = v;
    }
    __syncthreads();
    for (int p = t; p < G * kHalf; p += kThreads) {
        const int h = p / kHalf;
        int2 to = make_int2(p % kHalf, p % kHalf + kHalf);
        const float2 o = h < heads ? rotatedPair(normed + h * D, p % kHalf, kHalf, step.rotation, cs, to)
                                   : make_float2(0.f, 0.f);
        query[h][to.x] = o.x;
        query[h][to.y] = o.y;
    }
    if (keyHere && t < kHalf) {
        int2 to;
        const float2 o = rotatedPair(normed + G * D, t, kHalf, step.rotation, cs, to);
        keyRow[to.x] = __float2bfloat16(o.x);
        keyRow[to.y] = __float2bfloat16(o.y);
    }
    __syncthreads();
    if (keyPiece && blockIdx.z == 0) {
        const std::int64_t at = (position * step.k.heads + kvHead) * D + t * 8;
        *reinterpret_cast<uint4*>(step.cacheK + at) = *reinterpret_cast<const uint4*>(keyRow + t * 8);
        *reinterpret_cast<uint4*>(step.cacheV + at) = v;
    }
}

// sums [chunks, heads, D] and stats [chunks, heads, 2] (largest score, sum of exp-weights) of the block's query heads
// over its chunk. Chunks without visible keys write stats (-inf, 0) and no sums.
// With kStep, the step's queries, key and value come from its projections (prepareStep), not from in.q and the cache;
// held to 5 blocks an SM with one query head a block, as the plain kernel runs (OLMoE-1B-7B's 576 blocks a layer
// then fit at once; it spills 20 bytes at D = 128 instead of taking 128 registers).
template <int D, int G, bool kStep>
__global__ void __launch_bounds__(kThreads, kStep && G == 1 ? 5 : 1) gqaChunkKernel(
    GqaDecodeInputs in, RopeStepInputs step, float* __restrict__ sums, float* __restrict__ stats)
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
    if constexpr (kStep) {
        __shared__ __align__(16) bf16 keyRow[D], valueRow[D];
        prepareStep<D, G>(step, firstHead, heads, position >= lo && position < hi, position, query, keyRow, valueRow);
#pragma unroll
        for (int i = 0; i < K; ++i) {
            if (late(keyOf(i))) {
                k[i] = *reinterpret_cast<const uint4*>(keyRow + 8 * dimGroup);
                v[i] = *reinterpret_cast<const uint4*>(valueRow + 8 * dimGroup);
            }
        }
    } else {
#pragma unroll
        for (int i = 0; i < K; ++i) {
            if (late(keyOf(i))) {
                k[i] = __ldg(word(in.keys, i));
                v[i] = __ldg(word(in.values, i));
            }
        }
        loadQueries(in, firstHead, heads, query);
    }
    __syncthreads();

    const int scoredKey = keySet + Shape::kKeySets * (dimGroup / 2);
    const bool scoredVisible = chunkBegin + scoredKey >= lo && chunkBegin + scoredKey < hi;
    scoreChunk<D, G>(k, query, weight, scoredKey, scoredVisible, in.scale);
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
    accumulateValues<D, G>(v, weight, acc);
    storeSums<D, G>(acc, warpSums, sums, statsRow, heads);
}

// Long spans: the block's chunk is a range of `tiles` consecutive 64-key tiles, computed one after another as
// gqaChunkKernel computes its one, while the next tile's keys and values travel to shared memory by asynchronous
// copies (each thread copies exactly the 16-byte words it later reads, so the staging needs no barrier). Each tile
// folds into the range's running largest score, sum of exp-weights and weighted value sums as flash attention does:
// the exp-weights against the running largest score (rounded to bf16 as there), earlier sums rescaled when it grows.
// At a span of 32k on Qwen3-30B-A3B (H200) blocks of one 64-key chunk were ~2,000 a layer and left the combining
// kernel 513 chunks a head: 40.8 + 15.8 us a layer on the critical path; ranges of 6 tiles: 38.4 + 4.7 us. What is
// left is the products on the CUDA cores (~2.4x their issue time), not the reads (67 MB a layer, 17 us at 4 TB/s).
// Dynamic shared memory: 2 x 2 x K x kThreads uint4 (two tiles of keys and values), reused for warpSums at the end.
template <int D, int G> __global__ void __launch_bounds__(kThreads, 3) gqaRangeKernel(
    GqaDecodeInputs in, int tiles, float* __restrict__ sums, float* __restrict__ stats)
{
    using Shape = ChunkShape<D>;
    constexpr int K = Shape::kKeysPerThread;
    extern __shared__ uint4 staged[]; // [tile parity][keys, values][i][thread]
    __shared__ __align__(16) float query[G][D];
    __shared__ float weight[G][kChunkKeys]; // scores, then bf16-rounded exp-weights
    __shared__ float runLargest[G], runTotal[G], rescale[G];
    const int group = in.heads / in.kvHeads;
    const int firstHead = blockIdx.y * group + blockIdx.z * G;
    const int heads = min(G, group - static_cast<int>(blockIdx.z) * G);
    const std::int64_t position = in.positions[0]; // as in gqaChunkKernel: set before the step, safe before the wait
    const std::int64_t rangeBegin = static_cast<std::int64_t>(blockIdx.x) * tiles * kChunkKeys;
    const std::int64_t lo = max(rangeBegin, visibleBegin(position, in.window));
    const std::int64_t hi = min(rangeBegin + static_cast<std::int64_t>(tiles) * kChunkKeys, min(position + 1, in.span));
    const std::int64_t keyStride = static_cast<std::int64_t>(in.kvHeads) * D;
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    const int dimGroup = threadIdx.x % Shape::kDimGroups, keySet = threadIdx.x / Shape::kDimGroups;
    const std::int64_t statsRow = static_cast<std::int64_t>(blockIdx.x) * in.heads + firstHead;
    // Tiles [first, last) of the range hold its visible keys (every tile between the first and the last is whole).
    const int first = lo < hi ? static_cast<int>((lo - rangeBegin) / kChunkKeys) : 0;
    const int last = lo < hi ? static_cast<int>((hi - 1 - rangeBegin) / kChunkKeys) + 1 : 0;
    auto keyOf = [&](int tile, int i) {
        return rangeBegin + static_cast<std::int64_t>(tile) * kChunkKeys + keySet + Shape::kKeySets * i;
    };
    auto word = [&](const bf16* rows, std::int64_t key) {
        return reinterpret_cast<const uint4*>(rows + key * keyStride + blockIdx.y * D) + dimGroup;
    };
    auto slot = [&](int tile, int which, int i) { // which: 0 keys, 1 values
        return &staged[(((tile & 1) * 2 + which) * K + i) * kThreads + threadIdx.x];
    };
    auto early = [&](std::int64_t key) { return key >= lo && key < hi && key != position; };
    auto stage = [&](int tile) { // the tile's rows written by earlier steps
#pragma unroll
        for (int i = 0; i < K; ++i) {
            const std::int64_t key = keyOf(tile, i);
            if (early(key)) {
                copyAsync16(slot(tile, 0, i), word(in.keys, key));
                copyAsync16(slot(tile, 1, i), word(in.values, key));
            }
        }
        commitCopies();
    };
    if (first < last)
        stage(first);

    awaitPreviousKernel();
    if (first >= last) {
        if (threadIdx.x < heads)
            reinterpret_cast<float2*>(stats)[statsRow + threadIdx.x] = make_float2(-INFINITY, 0.f);
        return;
    }
    loadQueries(in, firstHead, heads, query);
    if (threadIdx.x < G) {
        runLargest[threadIdx.x] = -INFINITY;
        runTotal[threadIdx.x] = 0.f;
    }
    __syncthreads();

    float acc[G][8] = {};
    for (int tile = first; tile < last; ++tile) {
        if (tile + 1 < last) {
            stage(tile + 1);
            awaitCopiesBut<1>();
        } else {
            awaitCopiesBut<0>();
        }
        auto visible = [&](int i) { return keyOf(tile, i) >= lo && keyOf(tile, i) < hi; };
#pragma unroll
        for (int i = 0; i < K; ++i) { // this step's row at the position: from global memory into the thread's slots
            if (keyOf(tile, i) == position && visible(i)) {
                *slot(tile, 0, i) = __ldg(word(in.keys, position));
                *slot(tile, 1, i) = __ldg(word(in.values, position));
            }
        }
        uint4 k[K]; // values are read from the slots only when they are summed, to keep registers free
#pragma unroll
        for (int i = 0; i < K; ++i)
            k[i] = visible(i) ? *slot(tile, 0, i) : make_uint4(0, 0, 0, 0);
        const int scoredKey = keySet + Shape::kKeySets * (dimGroup / 2);
        const std::int64_t scored = keyOf(tile, 0) - keySet + scoredKey;
        scoreChunk<D, G>(k, query, weight, scoredKey, scored >= lo && scored < hi, in.scale);
        __syncthreads();

        for (int h = warp; h < G; h += kWarps) { // every tile in [first, last) holds a visible key
            const float a = weight[h][lane], b = weight[h][lane + 32];
            const float before = runLargest[h];
            const float largest = fmaxf(before, warpMax(fmaxf(a, b)));
            const float ea = __expf(a - largest), eb = __expf(b - largest);
            weight[h][lane] = roundBf16(ea);
            weight[h][lane + 32] = roundBf16(eb);
            const float total = warpSum(ea + eb);
            if (lane == 0)
                rescale[h] = foldTile(before, largest, total, runTotal[h], runLargest[h]);
        }
        __syncthreads();
#pragma unroll
        for (int h = 0; h < G; ++h) {
            const float shrink = rescale[h];
#pragma unroll
            for (int d = 0; d < 8; ++d)
                acc[h][d] *= shrink;
        }
        uint4 v[K];
#pragma unroll
        for (int i = 0; i < K; ++i)
            v[i] = visible(i) ? *slot(tile, 1, i) : make_uint4(0, 0, 0, 0);
        accumulateValues<D, G>(v, weight, acc);
        __syncthreads(); // weight and rescale are the next tile's
    }
    if (threadIdx.x < heads)
        reinterpret_cast<float2*>(stats)[statsRow + threadIdx.x]
            = make_float2(runLargest[threadIdx.x], runTotal[threadIdx.x]);
    // Every copy has landed and been read (the barrier above): the staging buffer holds warpSums now.
    storeSums<D, G>(acc, *reinterpret_cast<float(*)[kWarps][G][D]>(staged), sums, statsRow, heads);
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

// step: the step's projections when the chunk kernel normalises and rotates them (one-tile chunks only), else null.
template <int D, int G> void launchChunks(const GqaDecodeInputs& in, const RopeStepInputs* step,
    const GqaDecodeLayout& layout, dim3 grid, float* sums, float* stats, cudaStream_t stream)
{
    if (step)
        return launchChained(gqaChunkKernel<D, G, true>, grid, kThreads, 0, stream, in, *step, sums, stats);
    if (layout.tilesPerChunk == 1)
        return launchChained(gqaChunkKernel<D, G, false>, grid, kThreads, 0, stream, in, RopeStepInputs {}, sums,
            stats);
    constexpr std::size_t staging = 2 * 2 * ChunkShape<D>::kKeysPerThread * kThreads * sizeof(uint4);
    static_assert(staging >= sizeof(float) * kWarps * G * D, "the staging buffer holds warpSums at the end");
    static const bool sharedLimitRaised = [] { // more than the default 48 KB of dynamic shared memory
        return cudaFuncSetAttribute(gqaRangeKernel<D, G>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                   static_cast<int>(staging))
            == cudaSuccess;
    }();
    (void)sharedLimitRaised; // a failure shows as the launch's error
    launchChained(gqaRangeKernel<D, G>, grid, kThreads, staging, stream, in, layout.tilesPerChunk, sums, stats);
}

template <int D> void launchChunksOfDim(const GqaDecodeInputs& in, const RopeStepInputs* step,
    const GqaDecodeLayout& layout, dim3 grid, float* sums, float* stats, cudaStream_t stream)
{
    switch (layout.headsPerBlock) {
    case 1:
        return launchChunks<D, 1>(in, step, layout, grid, sums, stats, stream);
    case 2:
        return launchChunks<D, 2>(in, step, layout, grid, sums, stats, stream);
    case 4:
        return launchChunks<D, 4>(in, step, layout, grid, sums, stats, stream);
    default:
        return launchChunks<D, 8>(in, step, layout, grid, sums, stats, stream);
    }
}

// The chunks' kernel (with the step's projections when step is not null), then the combining kernel.
void launchAttention(const GqaDecodeInputs& in, const RopeStepInputs* step, const GqaDecodeLayout& layout,
    float* sums, float* stats, bf16* out, cudaStream_t stream)
{
    const dim3 grid(static_cast<unsigned>(layout.chunks), static_cast<unsigned>(in.kvHeads),
        static_cast<unsigned>(layout.headGroups));
    switch (in.headDim) {
    case 16:
        launchChunksOfDim<16>(in, step, layout, grid, sums, stats, stream);
        break;
    case 32:
        launchChunksOfDim<32>(in, step, layout, grid, sums, stats, stream);
        break;
    case 64:
        launchChunksOfDim<64>(in, step, layout, grid, sums, stats, stream);
        break;
    default:
        launchChunksOfDim<128>(in, step, layout, grid, sums, stats, stream);
        break;
    }
    launchChained(gqaCombineKernel, static_cast<unsigned>(in.heads), kThreads, 0, stream, in,
        static_cast<const float*>(sums), static_cast<const float*>(stats), layout.chunks, out);
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
    if (const auto oneTileBlocks = blocks(layout.headsPerBlock); oneTileBlocks >= 2 * kRangeBlocks) {
        // A long span: ranges of tiles, every block's heads as wide as allowed.
        layout.tilesPerChunk = static_cast<int>((oneTileBlocks + kRangeBlocks - 1) / kRangeBlocks);
        layout.chunks = (layout.chunks + layout.tilesPerChunk - 1) / layout.tilesPerChunk;
        layout.keysPerChunk = layout.tilesPerChunk * kChunkKeys;
    } else {
        while (layout.headsPerBlock > 1 && blocks(layout.headsPerBlock) < kTargetBlocks)
            layout.headsPerBlock /= 2;
    }
    layout.headGroups = (group + layout.headsPerBlock - 1) / layout.headsPerBlock;
    return layout;
}

void launchGqaDecode(const GqaDecodeInputs& in, float* sums, float* stats, bf16* out, cudaStream_t stream)
{
    launchAttention(in, nullptr, gqaDecodeLayout(in), sums, stats, out, stream);
}

void launchGqaDecodeStep(
    const GqaDecodeInputs& in, const RopeStepInputs& step, float* sums, float* stats, bf16* out, cudaStream_t stream)
{
    const GqaDecodeLayout layout = gqaDecodeLayout(in);
    if (layout.tilesPerChunk == 1)
        return launchAttention(in, &step, layout, sums, stats, out, stream);
    // Long spans (ranges of tiles): the step's own rotation kernel first.
    launchRopeStep(step, 1, stream);
    GqaDecodeInputs rotated = in;
    rotated.q = step.qOut;
    launchAttention(rotated, nullptr, layout, sums, stats, out, stream);
}

} // namespace moescope::kernels

// MLA attention of a decode step in the absorbed form, over the latent cache, in three kernels
// (kernels/decodekernels.h: launchMlaDecode): the queries absorbed into latent space, then one block per (chunk of
// keys, 16 query rows) with an online softmax over the chunk on tensor cores, then the chunks combined and projected
// to the values. The eager path's roundings are kept where they change values by more than the order of a sum: bf16
// absorbed queries, bf16 score halves and their bf16 sum, bf16 probabilities, a bf16 latent output.

#include "kernels/chainedlaunch.cuh"
#include "kernels/devicemath.cuh"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace moescope::kernels {

using namespace device;

namespace {
constexpr int kAbsorbColumns = 128; // latent columns of one absorbing block
constexpr int kAbsorbSplits = 8; // its threads split the no-rope dims in this many parts
constexpr int kRowsPerBlock = 16; // query rows (token, head) of one attention block
constexpr int kTileKeys = 32; // keys loaded into shared memory at once (one per lane in the softmax)
constexpr int kAttentionThreads = 256;
constexpr int kWeightPitch = kTileKeys + 8; // bf16 exp-weights row pitch: ldmatrix rows on disjoint banks
constexpr int kValueRowsPerBlock = 32;
constexpr int kCombineThreads = 1024;

// qLatent [T * H, c] = bf16(qNope_t,h . wUk_h): one block per (head, 128 latent columns); each thread owns 8
// columns for one eighth of the no-rope dims (rows split + 8 i), loading 16 rows at once, and the eighths are added
// in shared memory.
__global__ void __launch_bounds__(kAbsorbColumns / 8 * kAbsorbSplits) mlaAbsorbQueryKernel(
    MlaDecodeInputs in, bf16* __restrict__ qLatent)
{
    __shared__ float partial[kAbsorbSplits][kMaxGemvTokens][kAbsorbColumns];
    __shared__ float query[kMaxGemvTokens][kMaxMlaNope];
    const int head = blockIdx.x;
    const int group = threadIdx.x % (kAbsorbColumns / 8);
    const int split = threadIdx.x / (kAbsorbColumns / 8);
    const int column = blockIdx.y * kAbsorbColumns + group * 8;
    const bool active = column < in.latentDim;
    const bf16* w = in.kvB + static_cast<std::int64_t>(head) * (in.nope + in.valueDim) * in.latentDim + column;
    // Rows n = split + kAbsorbSplits i, kBatch at a time; the first batch is loaded before the wait (weights).
    constexpr int kBatch = 16;
    uint4 rows[kBatch];
    auto loadBatch = [&](int base) {
#pragma unroll
        for (int i = 0; i < kBatch; ++i) {
            const int n = base + i * kAbsorbSplits;
            rows[i] = active && n < in.nope
                ? __ldg(reinterpret_cast<const uint4*>(w + static_cast<std::int64_t>(n) * in.latentDim))
                : make_uint4(0, 0, 0, 0);
        }
    };
    loadBatch(split);
    awaitPreviousKernel();
    for (int o = threadIdx.x; o < in.tokens * in.nope; o += blockDim.x)
        query[o / in.nope][o % in.nope]
            = __bfloat162float(in.qNope[(o / in.nope) * in.qTokenStride + head * in.qHeadStride + o % in.nope]);
    __syncthreads();
    float acc[kMaxGemvTokens][8] = {};
    for (int base = split; base < in.nope; base += kBatch * kAbsorbSplits) {
        if (base != split)
            loadBatch(base);
#pragma unroll
        for (int i = 0; i < kBatch; ++i) {
            const int n = base + i * kAbsorbSplits;
            if (n >= in.nope)
                break;
            float wf[8];
            unpack8(rows[i], wf);
#pragma unroll
            for (int t = 0; t < kMaxGemvTokens; ++t)
                if (t < in.tokens)
#pragma unroll
                    for (int j = 0; j < 8; ++j)
                        acc[t][j] = fmaf(query[t][n], wf[j], acc[t][j]);
        }
    }
#pragma unroll
    for (int t = 0; t < kMaxGemvTokens; ++t)
        if (t < in.tokens)
#pragma unroll
            for (int j = 0; j < 8; ++j)
                partial[split][t][group * 8 + j] = acc[t][j];
    __syncthreads();
    for (int o = threadIdx.x; o < in.tokens * kAbsorbColumns; o += blockDim.x) {
        const int t = o / kAbsorbColumns, local = o % kAbsorbColumns;
        const int c = blockIdx.y * kAbsorbColumns + local;
        if (c >= in.latentDim)
            continue;
        float sum = 0.f;
#pragma unroll
        for (int s = 0; s < kAbsorbSplits; ++s)
            sum += partial[s][t][local];
        qLatent[(static_cast<std::int64_t>(t) * in.heads + head) * in.latentDim + c] = __float2bfloat16(sum);
    }
}

// Up to kRows rows [latent row (c wide) | rope row (rope wide)] on their way to shared memory (row pitch `pitch`):
// load() issues all of a thread's loads (one memory round trip; rows from `count` on are zeros), store() writes them.
template <int kRows, int kThreads> struct RowStage {
    static constexpr int kMaxPieces = (kRows * (kMaxMlaLatentDim + kMaxMlaRope) / 8 + kThreads - 1) / kThreads;
    uint4 held[kMaxPieces];

    __device__ __forceinline__ void load(
        int c, int rope, int count, const bf16* __restrict__ latentRows, const bf16* __restrict__ ropeRows)
    {
        const int pieces = (c + rope) / 8; // 16-byte pieces of a row
#pragma unroll
        for (int i = 0; i < kMaxPieces; ++i) {
            const int o = static_cast<int>(threadIdx.x) + i * kThreads;
            const std::int64_t r = o / pieces;
            const int at = o % pieces * 8;
            held[i] = make_uint4(0, 0, 0, 0);
            if (o < kRows * pieces && r < count)
                held[i] = at < c ? *reinterpret_cast<const uint4*>(latentRows + r * c + at)
                                 : *reinterpret_cast<const uint4*>(ropeRows + r * rope + (at - c));
        }
    }
    __device__ __forceinline__ void store(bf16* __restrict__ to, int pitch, int c, int rope) const
    {
        const int pieces = (c + rope) / 8;
#pragma unroll
        for (int i = 0; i < kMaxPieces; ++i) {
            const int o = static_cast<int>(threadIdx.x) + i * kThreads;
            if (o < kRows * pieces)
                *reinterpret_cast<uint4*>(to + (o / pieces) * pitch + o % pieces * 8) = held[i];
        }
    }
};

// Shared-memory row pitch (elements) of a key or query row of width d = c + rope: a multiple of 8 (16-byte loads)
// with pitch / 2 = 4 (mod 32) words, so that the 8 lanes of a 16-byte load's quarter warp hit disjoint banks.
__host__ __device__ __forceinline__ int mlaRowPitch(int d) { return (d + 63) / 64 * 64 + 8; }

__device__ __forceinline__ std::uint32_t sharedAddress(const void* p)
{
    return static_cast<std::uint32_t>(__cvta_generic_to_shared(p));
}

// Four 8 x 8 bf16 matrices from shared memory (lanes 8j .. 8j + 7 give matrix j's row addresses); `transposed`
// hands each lane a column pair instead of a row pair.
template <bool transposed>
__device__ __forceinline__ void loadMatrices(std::uint32_t (&r)[4], const bf16* rowAddress)
{
    if constexpr (transposed)
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
            : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
            : "r"(sharedAddress(rowAddress)));
    else
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
            : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
            : "r"(sharedAddress(rowAddress)));
}

// One block per (chunk of keys, 16 query rows): for each row, the chunk's largest score, the sum of exp(score -
// largest) and the exp-weighted sum of the latent rows, written to sums [chunks, T * H, c] and stats [chunks, T * H,
// 2]. Keys come in tiles of 32 through shared memory, concatenated [latent | rope key], as do the queries
// [qLatent | qPe]. Both products run on tensor cores (bf16 in, float32 sums): scores Q K^T with warps 0-3 on the
// latent part of 8 keys each and warps 4-7 on the rope part (the eager path rounds the two to bf16 apart), then a
// warp per two rows for the online softmax, whose exp-weights, rounded to bf16 as the eager path's probabilities
// are, multiply the tile's latent rows with each warp on c / 8 of the columns.
__global__ void __launch_bounds__(kAttentionThreads) mlaChunkKernel(MlaDecodeInputs in,
    const bf16* __restrict__ qLatent, int keysPerChunk, float* __restrict__ sums, float* __restrict__ stats)
{
    extern __shared__ uint4 sharedRaw[];
    const int c = in.latentDim, d = in.latentDim + in.rope, pitch = mlaRowPitch(d);
    bf16* keys = reinterpret_cast<bf16*>(sharedRaw); // [kTileKeys][pitch]
    bf16* queries = keys + kTileKeys * pitch; // [kRowsPerBlock][pitch]
    float* latentScore = reinterpret_cast<float*>(queries + kRowsPerBlock * pitch); // [kRowsPerBlock][kTileKeys]
    float* ropeScore = latentScore + kRowsPerBlock * kTileKeys; // [kRowsPerBlock][kTileKeys]
    bf16* weights = reinterpret_cast<bf16*>(ropeScore + kRowsPerBlock * kTileKeys); // [kRowsPerBlock][kWeightPitch]
    __shared__ float rowMax[kRowsPerBlock], rowSum[kRowsPerBlock], rowRescale[kRowsPerBlock];
    __shared__ std::int64_t rowPosition[kRowsPerBlock];

    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int group = lane / 4, quad = lane % 4; // an mma fragment's row (or column) and pair
    const int rowsTotal = in.tokens * in.heads;
    const int firstRow = blockIdx.y * kRowsPerBlock;
    const int rows = min(kRowsPerBlock, rowsTotal - firstRow);
    const int chunk = blockIdx.x;
    // Before the wait: the positions (set before the step) and the first tile of keys (the cache's rows, this step's
    // included, were written two kernels back at the latest: chainedlaunch.cuh).
    if (threadIdx.x < kRowsPerBlock) {
        const int r = threadIdx.x;
        rowPosition[r] = r < rows ? in.positions[(firstRow + r) / in.heads] : -1;
        rowMax[r] = -INFINITY;
        rowSum[r] = 0.f;
    }
    __syncthreads();
    std::int64_t lastPosition = -1; // keys after every row's position are not read
    for (int r = 0; r < rows; ++r)
        lastPosition = max(lastPosition, rowPosition[r]);
    const std::int64_t first = static_cast<std::int64_t>(chunk) * keysPerChunk;
    const std::int64_t end = min(min(first + keysPerChunk, in.span), lastPosition + 1);
    RowStage<kTileKeys, kAttentionThreads> tileStage;
    auto loadTile = [&](std::int64_t tile) {
        tileStage.load(c, in.rope, static_cast<int>(end - tile < kTileKeys ? end - tile : kTileKeys),
            in.latent + tile * c, in.kPe + tile * in.rope);
    };
    if (first < end)
        loadTile(first);
    awaitPreviousKernel();
    {
        RowStage<kRowsPerBlock, kAttentionThreads> queryStage;
        queryStage.load(c, in.rope, rows, qLatent + static_cast<std::int64_t>(firstRow) * c,
            in.qPe + static_cast<std::int64_t>(firstRow) * in.rope);
        queryStage.store(queries, pitch, c, in.rope);
    }

    // This warp's share of the value sums: columns [firstColumn, firstColumn + columnsPerWarp), 8 per mma.
    const int columnsPerWarp = c / (kAttentionThreads / 32);
    const int firstColumn = warp * columnsPerWarp;
    float out[kMaxMlaLatentDim / (kAttentionThreads / 32) / 8][4] = {};
    // ldmatrix row addresses: lane l gives row l % 8 (+ 8 for odd l / 8) of the 16-row operand, k offset 8 for l >= 16.
    const int matrixRow = lane % 8 + (lane / 8 % 2) * 8, matrixColumn = lane / 16 * 8;
    for (std::int64_t tile = first; tile < end; tile += kTileKeys) {
        __syncthreads(); // the previous tile's keys and weights are used up
        if (tile != first)
            loadTile(tile);
        tileStage.store(keys, pitch, c, in.rope);
        __syncthreads();
        { // scores: warp w < 4 the latent part of keys 8w .. 8w + 7, warp w >= 4 their rope part
            const int keyBlock = warp % 4 * 8;
            const bool ropePart = warp >= 4;
            const int from = ropePart ? c : 0, to = ropePart ? d : c;
            float acc[2][4] = {}; // alternate k-steps into two sums: shorter dependency chains
            // B (keys) from non-transposed matrices: lanes 0-7 keys of k offset 0, 8-15 offset 8, 16-23 offset 16...
            const bf16* keyRow = keys + (keyBlock + lane % 8) * pitch + lane / 8 * 8;
            const bf16* queryRow = queries + matrixRow * pitch + matrixColumn;
            for (int at = from; at < to; at += 32) {
                std::uint32_t b[4], a0[4], a1[4];
                loadMatrices<false>(b, keyRow + at);
                loadMatrices<false>(a0, queryRow + at);
                mma16816(acc[0], a0[0], a0[1], a0[2], a0[3], b[0], b[1]);
                if (at + 16 < to) {
                    loadMatrices<false>(a1, queryRow + at + 16);
                    mma16816(acc[1], a1[0], a1[1], a1[2], a1[3], b[2], b[3]);
                }
            }
            float* score = ropePart ? ropeScore : latentScore;
            const int key = keyBlock + 2 * quad;
            score[group * kTileKeys + key] = acc[0][0] + acc[1][0];
            score[group * kTileKeys + key + 1] = acc[0][1] + acc[1][1];
            score[(group + 8) * kTileKeys + key] = acc[0][2] + acc[1][2];
            score[(group + 8) * kTileKeys + key + 1] = acc[0][3] + acc[1][3];
        }
        __syncthreads();
#pragma unroll
        for (int i = 0; i < 2; ++i) { // online softmax: a warp per row, a lane per key
            const int r = 2 * warp + i;
            const std::int64_t key = tile + lane;
            const bool allowed = r < rows && key < end && key <= rowPosition[r];
            const float score = allowed
                ? roundBf16(roundBf16(latentScore[r * kTileKeys + lane]) + roundBf16(ropeScore[r * kTileKeys + lane]))
                    * in.scale
                : -INFINITY;
            const float previous = rowMax[r];
            const float largest = fmaxf(previous, warpMax(score));
            const bf16 e = __float2bfloat16(score == -INFINITY ? 0.f : __expf(score - largest));
            weights[r * kWeightPitch + lane] = e;
            const float tileSum = warpSum(__bfloat162float(e));
            if (lane == 0)
                rowRescale[r] = foldTile(previous, largest, tileSum, rowSum[r], rowMax[r]);
        }
        __syncthreads();
        { // value sums: out [16, this warp's columns] += weights [16, 32 keys] latent [32 keys, columns]
            const float low = rowRescale[group], high = rowRescale[group + 8];
#pragma unroll
            for (int n = 0; n < kMaxMlaLatentDim / (kAttentionThreads / 32) / 8; ++n)
                out[n][0] *= low, out[n][1] *= low, out[n][2] *= high, out[n][3] *= high;
#pragma unroll
            for (int k = 0; k < kTileKeys; k += 16) {
                std::uint32_t a[4];
                loadMatrices<false>(a, weights + matrixRow * kWeightPitch + k + matrixColumn);
                // B (latent rows) transposed: lanes 0-7 keys k .. k + 7, 8-15 keys k + 8 ..; columns + 8 for l >= 16
                const bf16* valueRow = keys + (k + matrixRow) * pitch + firstColumn + matrixColumn;
#pragma unroll
                for (int n = 0; n < kMaxMlaLatentDim / (kAttentionThreads / 32) / 8; n += 2) {
                    if (n * 8 >= columnsPerWarp)
                        break;
                    std::uint32_t b[4];
                    loadMatrices<true>(b, valueRow + n * 8);
                    mma16816(out[n], a[0], a[1], a[2], a[3], b[0], b[1]);
                    mma16816(out[n + 1], a[0], a[1], a[2], a[3], b[2], b[3]);
                }
            }
        }
    }
    // out[n]: rows group and group + 8, columns firstColumn + 8n + 2 quad (+1)
#pragma unroll
    for (int n = 0; n < kMaxMlaLatentDim / (kAttentionThreads / 32) / 8; ++n) {
        const int column = firstColumn + 8 * n + 2 * quad;
        if (8 * n >= columnsPerWarp)
            break;
#pragma unroll
        for (int half = 0; half < 2; ++half) {
            const int r = group + 8 * half;
            if (r < rows)
                *reinterpret_cast<float2*>(sums + (static_cast<std::int64_t>(chunk) * rowsTotal + firstRow + r) * c + column)
                    = make_float2(out[n][2 * half], out[n][2 * half + 1]);
        }
    }
    __syncthreads();
    if (threadIdx.x < rows) {
        float* s = stats + (static_cast<std::int64_t>(chunk) * rowsTotal + firstRow + threadIdx.x) * 2;
        s[0] = rowMax[threadIdx.x], s[1] = rowSum[threadIdx.x];
    }
}

// One block per (head, 32 value rows): the head's rows combined over the chunks into o [T, c] (bf16-rounded, as the
// eager product returns it), then a warp per value row: out [T, H * v] = bf16(o_t . wUv_h[row]). The
// combination splits the chunks over up to 4 threads per pair of columns, each loading its chunks' sums at once.
__global__ void __launch_bounds__(kCombineThreads) mlaCombineValuesKernel(MlaDecodeInputs in,
    const float* __restrict__ sums, const float* __restrict__ stats, int chunks, bf16* __restrict__ out)
{
    __shared__ float combined[kMaxGemvTokens][kMaxMlaLatentDim];
    __shared__ float chunkWeight[kMaxGemvTokens][kMaxMlaChunks];
    __shared__ float2 splitSums[kCombineThreads];
    const int head = blockIdx.x;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    constexpr int kWarps = kCombineThreads / 32;
    const int c = in.latentDim;
    // The warp's value rows v = first + warp + kWarps r of wUv, 4 columns a lane per piece: weights, loaded before
    // the wait.
    constexpr int kRowsPerWarp = kValueRowsPerBlock / kWarps;
    constexpr int kPieces = kMaxMlaLatentDim / (32 * 4);
    uint2 valueWeights[kRowsPerWarp][kPieces];
#pragma unroll
    for (int r = 0; r < kRowsPerWarp; ++r) {
        const int v = blockIdx.y * kValueRowsPerBlock + warp + kWarps * r;
        const bf16* w = in.kvB + (static_cast<std::int64_t>(head) * (in.nope + in.valueDim) + in.nope + v) * c;
#pragma unroll
        for (int i = 0; i < kPieces; ++i) {
            const int at = lane * 4 + 128 * i;
            valueWeights[r][i] = v < in.valueDim && at < c ? __ldg(reinterpret_cast<const uint2*>(w + at)) : make_uint2(0, 0);
        }
    }
    awaitPreviousKernel();
    const std::int64_t rowsTotal = static_cast<std::int64_t>(in.tokens) * in.heads;
    for (int t = warp; t < in.tokens; t += kWarps) { // chunk j's weight exp(max_j - max) / total
        const std::int64_t row = static_cast<std::int64_t>(t) * in.heads + head;
        constexpr int kPerLane = kMaxMlaChunks / 32;
        float2 chunkStats[kPerLane]; // (largest score, sum) of chunks lane + 32 i, all loaded at once
#pragma unroll
        for (int i = 0; i < kPerLane; ++i) {
            const int j = lane + 32 * i;
            chunkStats[i] = j < chunks ? *reinterpret_cast<const float2*>(stats + (j * rowsTotal + row) * 2)
                                       : make_float2(-INFINITY, 0.f);
        }
        float largest = -INFINITY;
#pragma unroll
        for (int i = 0; i < kPerLane; ++i)
            if (chunkStats[i].y > 0.f)
                largest = fmaxf(largest, chunkStats[i].x);
        largest = warpMax(largest);
        float e[kPerLane], total = 0.f;
#pragma unroll
        for (int i = 0; i < kPerLane; ++i) {
            e[i] = chunkStats[i].y > 0.f ? __expf(chunkStats[i].x - largest) : 0.f;
            total = fmaf(e[i], chunkStats[i].y, total);
        }
        total = warpSum(total);
#pragma unroll
        for (int i = 0; i < kPerLane; ++i)
            if (lane + 32 * i < chunks)
                chunkWeight[t][lane + 32 * i] = total > 0.f ? e[i] / total : 0.f;
    }
    __syncthreads();
    // Work items (token, column pair, split); every chunk wrote its sums (zeros where it had no keys).
    const int pairs = in.tokens * (c / 2);
    const int splits = max(1, min(4, kCombineThreads / pairs));
    for (int item = threadIdx.x; item < pairs * splits; item += blockDim.x) {
        const int split = item / pairs, pair = item % pairs;
        const int t = pair / (c / 2), column = pair % (c / 2) * 2;
        const float* base = sums + (static_cast<std::int64_t>(t) * in.heads + head) * c + column;
        float2 value = make_float2(0.f, 0.f);
        constexpr int kBatch = 18; // a DeepSeek-V2 step at 2k keys: 72 chunks, 18 a thread
        for (int first = split; first < chunks; first += kBatch * splits) {
            float2 held[kBatch];
#pragma unroll
            for (int i = 0; i < kBatch; ++i) {
                const int j = first + i * splits;
                held[i] = j < chunks ? *reinterpret_cast<const float2*>(base + j * rowsTotal * c) : make_float2(0.f, 0.f);
            }
#pragma unroll
            for (int i = 0; i < kBatch; ++i) {
                const int j = first + i * splits;
                const float w = j < chunks ? chunkWeight[t][j] : 0.f;
                value.x = fmaf(w, held[i].x, value.x);
                value.y = fmaf(w, held[i].y, value.y);
            }
        }
        if (splits == 1)
            combined[t][column] = roundBf16(value.x), combined[t][column + 1] = roundBf16(value.y);
        else
            splitSums[item] = value;
    }
    __syncthreads();
    if (splits > 1) {
        for (int pair = threadIdx.x; pair < pairs; pair += blockDim.x) {
            float2 value = splitSums[pair];
            for (int split = 1; split < splits; ++split)
                value.x += splitSums[split * pairs + pair].x, value.y += splitSums[split * pairs + pair].y;
            const int t = pair / (c / 2), column = pair % (c / 2) * 2;
            combined[t][column] = roundBf16(value.x), combined[t][column + 1] = roundBf16(value.y);
        }
        __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < kRowsPerWarp; ++r) {
        const int v = blockIdx.y * kValueRowsPerBlock + warp + kWarps * r;
        if (v >= in.valueDim)
            break;
        float acc[kMaxGemvTokens] = {};
#pragma unroll
        for (int i = 0; i < kPieces; ++i) { // contiguous loads; conflict-free shared reads
            const int at = lane * 4 + 128 * i;
            if (at >= c)
                break;
            const float2 w01 = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&valueWeights[r][i].x));
            const float2 w23 = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&valueWeights[r][i].y));
#pragma unroll
            for (int t = 0; t < kMaxGemvTokens; ++t) {
                if (t < in.tokens) {
                    const float4 o = *reinterpret_cast<const float4*>(&combined[t][at]);
                    acc[t] = fmaf(w01.x, o.x, fmaf(w01.y, o.y, fmaf(w23.x, o.z, fmaf(w23.y, o.w, acc[t]))));
                }
            }
        }
#pragma unroll
        for (int t = 0; t < kMaxGemvTokens; ++t) {
            if (t < in.tokens) {
                const float sum = warpSum(acc[t]);
                if (lane == 0)
                    out[static_cast<std::int64_t>(t) * in.heads * in.valueDim
                        + static_cast<std::int64_t>(head) * in.valueDim + v]
                        = __float2bfloat16(sum);
            }
        }
    }
}
} // namespace

MlaDecodeLayout mlaDecodeLayout(const MlaDecodeInputs& in)
{
    MlaDecodeLayout layout;
    layout.rowGroups = (in.tokens * in.heads + kRowsPerBlock - 1) / kRowsPerBlock;
    const auto tiles = static_cast<int>((in.span + kTileKeys - 1) / kTileKeys);
    // About two blocks per SM of an H100/H200 in all; fewer, longer chunks when there are many query rows.
    const int wanted = std::clamp(256 / layout.rowGroups, 1, kMaxMlaChunks);
    const int tilesPerChunk = std::max(1, (tiles + wanted - 1) / wanted);
    layout.keysPerChunk = tilesPerChunk * kTileKeys;
    layout.chunks = std::max(1, (tiles + tilesPerChunk - 1) / tilesPerChunk);
    return layout;
}

void launchMlaDecode(const MlaDecodeInputs& in, const MlaDecodeScratch& scratch, bf16* out, cudaStream_t stream)
{
    const MlaDecodeLayout layout = mlaDecodeLayout(in);
    launchChained(mlaAbsorbQueryKernel,
        dim3(static_cast<unsigned>(in.heads), static_cast<unsigned>((in.latentDim + kAbsorbColumns - 1) / kAbsorbColumns)),
        kAbsorbColumns / 8 * kAbsorbSplits, 0, stream, in, scratch.qLatent);
    const int pitch = mlaRowPitch(in.latentDim + in.rope);
    const std::size_t shared = static_cast<std::size_t>(kTileKeys + kRowsPerBlock) * pitch * sizeof(bf16)
        + 2 * kRowsPerBlock * kTileKeys * sizeof(float) + kRowsPerBlock * kWeightPitch * sizeof(bf16);
    static const bool sharedLimitRaised = [] { // more than the default 48 KB of dynamic shared memory
        return cudaFuncSetAttribute(mlaChunkKernel, cudaFuncAttributeMaxDynamicSharedMemorySize, 96 * 1024)
            == cudaSuccess;
    }();
    (void)sharedLimitRaised; // a failure shows as the launch's error
    launchChained(mlaChunkKernel,
        dim3(static_cast<unsigned>(layout.chunks), static_cast<unsigned>(layout.rowGroups)), kAttentionThreads, shared,
        stream, in, static_cast<const bf16*>(scratch.qLatent), layout.keysPerChunk, scratch.sums, scratch.stats);
    launchChained(mlaCombineValuesKernel,
        dim3(static_cast<unsigned>(in.heads),
            static_cast<unsigned>((in.valueDim + kValueRowsPerBlock - 1) / kValueRowsPerBlock)),
        kCombineThreads, 0, stream, in, static_cast<const float*>(scratch.sums),
        static_cast<const float*>(scratch.stats), layout.chunks, out);
}

} // namespace moescope::kernels

// MLA attention of a decode step in the absorbed form, over the latent cache, in three kernels
// (kernels/decodekernels.h: launchMlaDecode): the queries absorbed into latent space, then one block per (chunk of
// keys, 16 query rows) with an online softmax over the chunk, then the chunks combined and projected to the values.
// The eager path's roundings are kept where they change values by more than the order of a sum: bf16 absorbed
// queries, bf16 score halves and their bf16 sum, a bf16 latent output.

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
constexpr int kTileKeys = 32; // keys loaded into shared memory at once (one per lane)
constexpr int kAttentionThreads = 256;
constexpr int kValueRowsPerBlock = 64;
constexpr int kCombineThreads = 1024;

__device__ __forceinline__ float warpMax(float v)
{
#pragma unroll
    for (int o = 16; o > 0; o >>= 1)
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ void unpack8(const uint4& raw, float (&out)[8])
{
    const auto* p = reinterpret_cast<const __nv_bfloat162*>(&raw);
#pragma unroll
    for (int j = 0; j < 4; ++j) {
        const float2 f = __bfloat1622float2(p[j]);
        out[2 * j] = f.x, out[2 * j + 1] = f.y;
    }
}

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

// One block per (chunk of keys, 16 query rows): for each row, the chunk's largest score, the sum of exp(score -
// largest) and the exp-weighted sum of the latent rows, written to sums [chunks, T * H, c] and stats [chunks, T * H,
// 2]. Keys come in tiles of 32 through shared memory, concatenated [latent | rope key], as do the queries
// [qLatent | qPe]. Scores: a thread per (key, two rows); softmax: a warp per row; values: a thread per 2 columns.
__global__ void __launch_bounds__(kAttentionThreads) mlaChunkKernel(MlaDecodeInputs in,
    const bf16* __restrict__ qLatent, int keysPerChunk, float* __restrict__ sums, float* __restrict__ stats)
{
    extern __shared__ uint4 sharedRaw[];
    const int c = in.latentDim, d = in.latentDim + in.rope, pitch = mlaRowPitch(d);
    bf16* keys = reinterpret_cast<bf16*>(sharedRaw); // [kTileKeys][pitch]
    bf16* queries = keys + kTileKeys * pitch; // [kRowsPerBlock][pitch]
    float* weights = reinterpret_cast<float*>(queries + kRowsPerBlock * pitch); // [kTileKeys][kRowsPerBlock]
    __shared__ float rowMax[kRowsPerBlock], rowSum[kRowsPerBlock], rowRescale[kRowsPerBlock];
    __shared__ std::int64_t rowPosition[kRowsPerBlock];

    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
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

    const int column = 2 * threadIdx.x; // this thread's two latent columns in the value sums
    float acc[kRowsPerBlock][2] = {};
    for (std::int64_t tile = first; tile < end; tile += kTileKeys) {
        __syncthreads(); // the previous tile's keys and weights are used up
        if (tile != first)
            loadTile(tile);
        tileStage.store(keys, pitch, c, in.rope);
        __syncthreads();
        { // scores of key `lane` against rows warp and warp + 8, with the eager path's roundings
            const bf16* k = keys + lane * pitch;
            float latentDot[2][2] = {}, ropeDot[2] = {}; // [row][parity of the piece]: shorter dependency chains
            for (int at = 0; at < c; at += 16) {
                const uint4 k0 = *reinterpret_cast<const uint4*>(k + at);
                const uint4 k1 = *reinterpret_cast<const uint4*>(k + at + 8);
#pragma unroll
                for (int i = 0; i < 2; ++i) {
                    const bf16* q = queries + (warp + 8 * i) * pitch + at;
                    latentDot[i][0] = dot8(k0, *reinterpret_cast<const uint4*>(q), latentDot[i][0]);
                    latentDot[i][1] = dot8(k1, *reinterpret_cast<const uint4*>(q + 8), latentDot[i][1]);
                }
            }
            for (int at = c; at < d; at += 8) {
                const uint4 kv = *reinterpret_cast<const uint4*>(k + at);
#pragma unroll
                for (int i = 0; i < 2; ++i)
                    ropeDot[i] = dot8(kv, *reinterpret_cast<const uint4*>(queries + (warp + 8 * i) * pitch + at), ropeDot[i]);
            }
            const std::int64_t key = tile + lane;
#pragma unroll
            for (int i = 0; i < 2; ++i) {
                const int r = warp + 8 * i;
                const bool allowed = r < rows && key < end && key <= rowPosition[r];
                weights[lane * kRowsPerBlock + r] = allowed
                    ? roundBf16(roundBf16(latentDot[i][0] + latentDot[i][1]) + roundBf16(ropeDot[i])) * in.scale
                    : -INFINITY;
            }
        }
        __syncthreads();
#pragma unroll
        for (int i = 0; i < 2; ++i) { // online softmax: warp per row, lane per key
            const int r = warp + 8 * i;
            const float score = weights[lane * kRowsPerBlock + r];
            const float previous = rowMax[r];
            const float largest = fmaxf(previous, warpMax(score));
            const float e = score == -INFINITY ? 0.f : __expf(score - largest);
            weights[lane * kRowsPerBlock + r] = e;
            const float tileSum = warpSum(e);
            if (lane == 0) {
                const float rescale = previous == -INFINITY ? 0.f : __expf(previous - largest);
                rowRescale[r] = rescale;
                rowSum[r] = rowSum[r] * rescale + tileSum;
                rowMax[r] = largest;
            }
        }
        __syncthreads();
        if (column < c) {
#pragma unroll
            for (int r = 0; r < kRowsPerBlock; ++r)
                acc[r][0] *= rowRescale[r], acc[r][1] *= rowRescale[r];
            for (int s = 0; s < kTileKeys; ++s) {
                const float2 v = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(keys + s * pitch + column));
                const float4* w = reinterpret_cast<const float4*>(weights + s * kRowsPerBlock);
#pragma unroll
                for (int q = 0; q < kRowsPerBlock / 4; ++q) {
                    const float4 w4 = w[q];
                    const float ws[4] = { w4.x, w4.y, w4.z, w4.w };
#pragma unroll
                    for (int j = 0; j < 4; ++j) {
                        acc[4 * q + j][0] = fmaf(ws[j], v.x, acc[4 * q + j][0]);
                        acc[4 * q + j][1] = fmaf(ws[j], v.y, acc[4 * q + j][1]);
                    }
                }
            }
        }
    }
    __syncthreads();
#pragma unroll
    for (int r = 0; r < kRowsPerBlock; ++r) {
        if (r < rows && column < c) {
            float* out = sums + (static_cast<std::int64_t>(chunk) * rowsTotal + firstRow + r) * c + column;
            out[0] = acc[r][0], out[1] = acc[r][1];
        }
    }
    if (threadIdx.x < rows) {
        float* s = stats + (static_cast<std::int64_t>(chunk) * rowsTotal + firstRow + threadIdx.x) * 2;
        s[0] = rowMax[threadIdx.x], s[1] = rowSum[threadIdx.x];
    }
}

// One block per (head, 64 value rows): the head's rows combined over the chunks into o [T, c] (bf16-rounded, as the
// eager product returns it), then a warp per two value rows: out [T, H * v] = bf16(o_t . wUv_h[row]). The
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
        float largest = -INFINITY;
        for (int j = lane; j < chunks; j += 32) {
            const float* s = stats + (j * rowsTotal + row) * 2;
            if (s[1] > 0.f)
                largest = fmaxf(largest, s[0]);
        }
        largest = warpMax(largest);
        float total = 0.f;
        for (int j = lane; j < chunks; j += 32) {
            const float* s = stats + (j * rowsTotal + row) * 2;
            const float e = s[1] > 0.f ? __expf(s[0] - largest) : 0.f;
            chunkWeight[t][j] = e;
            total = fmaf(e, s[1], total);
        }
        total = warpSum(total);
        for (int j = lane; j < chunks; j += 32)
            chunkWeight[t][j] = total > 0.f ? chunkWeight[t][j] / total : 0.f;
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
    const std::size_t shared
        = static_cast<std::size_t>(kTileKeys + kRowsPerBlock) * pitch * sizeof(bf16) + kTileKeys * kRowsPerBlock * 4;
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

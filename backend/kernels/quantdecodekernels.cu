// Decode kernels of weight-only INT8 / INT4 / FP8 models: the codes are dequantized in registers as they stream past
// (kernels/decodekernels.h: launchQuantMoeDecode, launchQuantGemvTargets).
//
// INT4 matrices whose groups and columns are multiples of 128 go to the tensor-core kernels of int4mmakernels.cu;
// these CUDA-core kernels take INT8, FP8 E4M3 (per-channel or block scales) and the other INT4 layouts (groups of 32
// or 64, or inputs too large to stage).
//
// Decode reads each weight once, so these kernels must turn codes into products faster than memory delivers them:
// an INT4 model streams 4x more values per byte than bf16. Two things bring the instructions per value down to five or
// six (shift or permute, mask, subtract, multiply-add, a share of the input's conversion; SASS counted), from eight
// to ten:
// - codes become floats by placing them in the mantissa of 2^23 (one byte permute or shift + mask) and subtracting
//   2^23 + zero: exact, and at full rate, where an int-to-float conversion runs at a quarter of it;
// - a warp computes kRowsPerWarp rows at once, so the input's bf16 -> float conversion and its loads are shared by
//   those rows and each lane has that many 16-byte loads of codes in flight.

#include "kernels/chainedlaunch.cuh"
#include "kernels/devicemath.cuh"
#include "kernels/quantkernels.cuh"

#include <cstdint>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

namespace moescope::kernels {

using namespace device;

namespace {
constexpr int kRowsPerWarp = 4;
// At least this many blocks of kWarpsPerBlock warps per SM (<= 128 registers a thread): decode kernels wait on memory,
// and more resident warps keep more loads in flight.
constexpr int kMinBlocksPerSm = 4;
constexpr float kMantissaBase = 8388608.f; // 2^23: a float whose low mantissa bits are an integer's

// Columns one lane covers per step: one 16-byte load of codes.
template <QuantCodes F>
constexpr int kChunkCols = F == QuantCodes::Int4 ? 32 : 16;

// Rows [first, first + N) of matrix `matrix` in a quantized stack, clamped to its last row (a warp's rows past the
// end compute a copy of the last one and are not written).
template <int N>
struct RowSpan {
    const QuantMatrices* m;
    std::int64_t matrix;
    std::int64_t first;
    __device__ std::int64_t localRow(int n) const { return first + n < m->rows ? first + n : m->rows - 1; }
    __device__ std::int64_t row(int n) const { return matrix * m->rows + localRow(n); }
};

// x [i, i + 8) as floats.
__device__ __forceinline__ void loadInputs8(const bf16* __restrict__ x, std::int64_t i, float (&xf)[8])
{
    unpack8(*reinterpret_cast<const uint4*>(x + i), xf);
}

// sum over the 8 int8 codes of words w0, w1 of code * x. Each byte, offset by 128 to be unsigned, is permuted into
// the mantissa of 2^23 (value 2^23 + code + 128).
__device__ __forceinline__ float int8Dot8(std::uint32_t w0, std::uint32_t w1, const float* xf, float acc)
{
    const std::uint32_t words[2] = { w0 ^ 0x80808080u, w1 ^ 0x80808080u };
#pragma unroll
    for (int w = 0; w < 2; ++w) {
#pragma unroll
        for (int b = 0; b < 4; ++b) {
            // result bytes: the word's byte b, 0, 0, 0x4B (selector nibbles b, 4, 5, 7 over {word, 0x4B000000})
            const float v = __uint_as_float(__byte_perm(words[w], 0x4B000000u, 0x7540u | b)) - (kMantissaBase + 128.f);
            acc = fmaf(v, xf[4 * w + b], acc);
        }
    }
    return acc;
}

// sum over the 8 int4 codes of word u (column 2j in the low nibble of byte j) of (code - zero) * x, with
// offset = 2^23 + zero.
__device__ __forceinline__ float int4Dot8(std::uint32_t u, const float* xf, float offset, float acc)
{
#pragma unroll
    for (int j = 0; j < 8; ++j)
        acc = fmaf(__uint_as_float(((u >> (4 * j)) & 0xFu) | 0x4B000000u) - offset, xf[j], acc);
    return acc;
}

// sum over the 8 FP8 E4M3 codes of words w0, w1 (column j in byte j) of code * x. Hopper (and Ada) convert a pair of
// codes to a pair of halves in one instruction.
__device__ __forceinline__ float fp8Dot8(std::uint32_t w0, std::uint32_t w1, const float* xf, float acc)
{
    const std::uint32_t words[2] = { w0, w1 };
#pragma unroll
    for (int w = 0; w < 2; ++w) {
#pragma unroll
        for (int p = 0; p < 2; ++p) {
            const auto pair = static_cast<__nv_fp8x2_storage_t>(words[w] >> (16 * p));
            const float2 f = __half22float2(__half2(__nv_cvt_fp8x2_to_halfraw2(pair, __NV_E4M3)));
            acc = fmaf(f.x, xf[4 * w + 2 * p], acc);
            acc = fmaf(f.y, xf[4 * w + 2 * p + 1], acc);
        }
    }
    return acc;
}

// A warp's dot products of N rows of quantized stacks (Spans row spans of N / Spans rows each, all with the same
// columns and format) with the inputs of up to Tokens tokens (token t's x at x + t * xStride; `tokens` of them are
// real, the others repeat the last and are not used): out[t][n] on every lane. Each lane loads its codes for
// kLoadsAhead chunks of all N rows before multiplying, so a row of up to 32 * kLoadsAhead chunks costs one memory
// round trip, and the codes serve all the tokens.
// awaitInputs() runs once, after the first chunks' codes (and per-row scales) are asked for and before x is read:
// a kernel whose rows were chosen two or more kernels back passes its chained wait there (kernels/chainedlaunch.cuh),
// so that those codes stream in while the kernel before it ends (ChainedWait); one that waited already passes
// NoWait.
constexpr int kLoadsAhead = 2;
struct NoWait {
    __device__ void operator()() const { }
};
struct ChainedWait {
    __device__ void operator()() const { awaitPreviousKernel(); }
};
template <QuantCodes F, int N, int Spans, int Tokens, typename AwaitInputs>
__device__ void dotQuantRowsOfTokens(const RowSpan<N / Spans> (&spans)[Spans], const bf16* __restrict__ x,
    std::int64_t xStride, int tokens, int lane, float (&out)[Tokens][N], AwaitInputs awaitInputs)
{
    constexpr int C = kChunkCols<F>;
    constexpr int PerSpan = N / Spans;
    const std::int64_t cols = spans[0].m->cols;
    const std::int64_t rowBytes = F == QuantCodes::Int4 ? cols / 2 : cols;
    // INT4 groups and FP8 blocks (the same for every matrix of one call): the group of column i is i / groupSize,
    // taken once per chunk in 32 bits (a 64-bit division is a long software routine).
    const auto groupSize = static_cast<unsigned>(spans[0].m->groupSize);
    const std::int64_t groupsPerRow = F == QuantCodes::Int8 || groupSize == 0 ? 0 : (cols + groupSize - 1) / groupSize;
    // Scales per chunk (INT4 groups, FP8 blocks) rather than one per row (INT8, per-channel FP8).
    const bool chunkScales = F == QuantCodes::Int4 || (F == QuantCodes::Fp8 && groupSize > 0);
    const std::uint8_t* rowCodes[N];
    std::int64_t rows[N];
    std::int64_t scaleRows[N]; // the row's first entry in its scales: [.., rows, groups] or FP8's [.., rb, cb]
#pragma unroll
    for (int n = 0; n < N; ++n) {
        const auto& span = spans[n / PerSpan];
        rows[n] = span.row(n % PerSpan);
        rowCodes[n] = static_cast<const std::uint8_t*>(span.m->codes) + rows[n] * rowBytes;
        if constexpr (F == QuantCodes::Fp8) {
            const std::int64_t blockRows = groupSize ? (span.m->rows + groupSize - 1) / groupSize : 0;
            scaleRows[n] = groupSize
                ? (span.matrix * blockRows + static_cast<unsigned>(span.localRow(n % PerSpan)) / groupSize) * groupsPerRow
                : 0;
        } else {
            scaleRows[n] = rows[n] * groupsPerRow;
        }
    }
    const bf16* xs[Tokens];
#pragma unroll
    for (int t = 0; t < Tokens; ++t)
        xs[t] = t == 0 ? x : x + (t < tokens ? t : tokens - 1) * xStride;
    float acc[Tokens][N], rowScale[N]; // rowScale: INT8's and per-channel FP8's float32 scales [.., rows]
#pragma unroll
    for (int n = 0; n < N; ++n) {
#pragma unroll
        for (int t = 0; t < Tokens; ++t)
            acc[t][n] = 0.f;
        rowScale[n] = chunkScales ? 1.f : static_cast<const float*>(spans[n / PerSpan].m->scales)[rows[n]];
    }
    bool waited = false;
    for (std::int64_t i0 = lane * C; i0 < cols; i0 += kLoadsAhead * 32 * C) {
        uint4 codes[kLoadsAhead][N];
#pragma unroll
        for (int a = 0; a < kLoadsAhead; ++a) {
            const std::int64_t i = i0 + a * 32 * C;
#pragma unroll
            for (int n = 0; n < N; ++n)
                codes[a][n] = i < cols
                    ? __ldg(reinterpret_cast<const uint4*>(rowCodes[n] + (F == QuantCodes::Int4 ? i / 2 : i)))
                    : make_uint4(0, 0, 0, 0);
        }
        if (!waited) {
            awaitInputs();
            waited = true;
        }
#pragma unroll
        for (int a = 0; a < kLoadsAhead; ++a) {
            const std::int64_t i = i0 + a * 32 * C;
            if (i >= cols)
                break;
            float part[Tokens][N];
            float offset[N]; // INT4: 2^23 + the chunk's zero point
            float scale[N]; // INT4: the chunk's group scale; block FP8: its block's scale
            const unsigned groupOfChunk = chunkScales ? static_cast<unsigned>(i) / groupSize : 0;
#pragma unroll
            for (int n = 0; n < N; ++n) {
#pragma unroll
                for (int t = 0; t < Tokens; ++t)
                    part[t][n] = 0.f;
                const QuantMatrices& m = *spans[n / PerSpan].m;
                const std::int64_t g = scaleRows[n] + groupOfChunk; // a chunk lies in one group or block
                if constexpr (F == QuantCodes::Int4) {
                    offset[n] = kMantissaBase + (m.zeros ? static_cast<float>(m.zeros[g]) : 8.f);
                    scale[n] = __half2float(static_cast<const __half*>(m.scales)[g]);
                } else if constexpr (F == QuantCodes::Fp8) {
                    scale[n] = chunkScales ? static_cast<const float*>(m.scales)[g] : 1.f;
                }
            }
#pragma unroll
            for (int q = 0; q < C / 8; ++q) {
#pragma unroll
                for (int t = 0; t < Tokens; ++t) {
                    float xf[8];
                    loadInputs8(xs[t], i + 8 * q, xf);
#pragma unroll
                    for (int n = 0; n < N; ++n) {
                        const std::uint32_t w0 = word(codes[a][n], F == QuantCodes::Int4 ? q : 2 * q);
                        if constexpr (F == QuantCodes::Int8)
                            part[t][n] = int8Dot8(w0, word(codes[a][n], 2 * q + 1), xf, part[t][n]);
                        else if constexpr (F == QuantCodes::Fp8)
                            part[t][n] = fp8Dot8(w0, word(codes[a][n], 2 * q + 1), xf, part[t][n]);
                        else
                            part[t][n] = int4Dot8(w0, xf, offset[n], part[t][n]);
                    }
                }
            }
#pragma unroll
            for (int t = 0; t < Tokens; ++t)
#pragma unroll
                for (int n = 0; n < N; ++n) {
                    if constexpr (F == QuantCodes::Int8)
                        acc[t][n] += part[t][n];
                    else
                        acc[t][n] = fmaf(part[t][n], scale[n], acc[t][n]);
                }
        }
    }
    if (!waited) // no columns in this lane's share
        awaitInputs();
#pragma unroll
    for (int t = 0; t < Tokens; ++t)
#pragma unroll
        for (int n = 0; n < N; ++n) {
            out[t][n] = warpSum(acc[t][n]);
            if (!chunkScales)
                out[t][n] *= rowScale[n];
        }
}

// dotQuantRowsOfTokens for one token.
template <QuantCodes F, int N, int Spans, typename AwaitInputs>
__device__ __forceinline__ void dotQuantRows(const RowSpan<N / Spans> (&spans)[Spans], const bf16* __restrict__ x,
    int lane, float (&out)[N], AwaitInputs awaitInputs)
{
    dotQuantRowsOfTokens<F, N, Spans, 1>(spans, x, 0, 1, lane, reinterpret_cast<float(&)[1][N]>(out), awaitInputs);
}

// The first of the kRowsPerWarp rows this warp computes, along blockIdx.x.
__device__ __forceinline__ std::int64_t warpFirstRow(int rowsPerWarp)
{
    return (static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32) * rowsPerWarp;
}

// h[slot, j0 .. j0 + kRowsPerWarp / 2) of one slot: the warp's gate and up rows (spans) against its token's x.
template <QuantCodes F>
__device__ __forceinline__ void gateUpRowsOfSlot(const RowSpan<kRowsPerWarp / 2> (&spans)[2], const bf16* __restrict__ x,
    std::int64_t slot, int k, int lane, bf16* __restrict__ h)
{
    constexpr int Half = kRowsPerWarp / 2;
    const std::int64_t rows = spans[0].m->rows, j0 = spans[0].first;
    float dots[kRowsPerWarp];
    dotQuantRows<F, kRowsPerWarp, 2>(spans, x + (slot / k) * spans[0].m->cols, lane, dots, NoWait {});
    if (lane < Half && j0 + lane < rows) {
#pragma unroll
        for (int n = 0; n < Half; ++n)
            if (n == lane)
                h[slot * rows + j0 + n] = siluProduct(dots[n], dots[Half + n]);
    }
}

// h[slot, j] = silu(gate_e x) * (up_e x) for kRowsPerWarp / 2 rows j of gate and of up per warp.
template <QuantCodes F>
__global__ void __launch_bounds__(32 * kWarpsPerBlock, kMinBlocksPerSm) quantGateUpSiluKernel(const bf16* __restrict__ x, QuantMatrices gate, QuantMatrices up,
    const std::int64_t* __restrict__ ids, int k, bf16* __restrict__ h)
{
    awaitPreviousKernel();
    constexpr int Half = kRowsPerWarp / 2;
    const std::int64_t slot = blockIdx.y;
    const std::int64_t j0 = warpFirstRow(Half);
    const int lane = threadIdx.x % 32;
    if (j0 >= gate.rows)
        return;
    const std::int64_t e = stackExpert(gate, ids[slot]);
    if (e < 0) // another stack's slot (a mixed bank)
        return;
    const RowSpan<Half> spans[2] = { { &gate, e, j0 }, { &up, e, j0 } };
    gateUpRowsOfSlot<F>(spans, x, slot, k, lane, h);
}

// Writes lane n's row of a warp's kRowsPerWarp dot products (lanes past the matrix's rows write nothing).
__device__ __forceinline__ void writeRows(const float (&dots)[kRowsPerWarp], std::int64_t first, std::int64_t rows,
    const bf16* __restrict__ bias, bf16* __restrict__ y, int lane)
{
#pragma unroll
    for (int n = 0; n < kRowsPerWarp; ++n)
        if (n == lane && first + n < rows)
            y[first + n] = __float2bfloat16(bias ? dots[n] + __bfloat162float(bias[first + n]) : dots[n]);
}

// y [S, H] in bf16: kRowsPerWarp rows of each slot's quantized down projection per warp.
template <QuantCodes F>
__global__ void __launch_bounds__(32 * kWarpsPerBlock, kMinBlocksPerSm) quantDownSlotKernel(
    const bf16* __restrict__ h, QuantMatrices down, const std::int64_t* __restrict__ ids, bf16* __restrict__ y)
{
    const std::int64_t slot = blockIdx.y;
    const std::int64_t first = warpFirstRow(kRowsPerWarp);
    const int lane = threadIdx.x % 32;
    const std::int64_t e = stackExpert(down, ids[slot]);
    if (first >= down.rows || e < 0) { // e < 0: another stack's slot (a mixed bank)
        awaitPreviousKernel(); // the chain stays transitive: the kernel after this one relies on it
        return;
    }
    // The routing was written before the gate/up kernel just before this one: the expert's first codes load while
    // that kernel ends.
    const RowSpan<kRowsPerWarp> spans[1] = { { &down, e, first } };
    float dots[kRowsPerWarp];
    dotQuantRows<F, kRowsPerWarp, 1>(spans, h + slot * down.cols, lane, dots, ChainedWait {});
    writeRows(dots, first, down.rows, nullptr, y + slot * down.rows, lane);
}

// kRowsPerWarp rows of one target per warp for Tokens tokens (blockIdx.y: which Tokens of the `tokens`), so that the
// codes come from memory once for them (one token a block read them as many times as there are tokens).
template <QuantCodes F, int Tokens>
__global__ void __launch_bounds__(32 * kWarpsPerBlock, kMinBlocksPerSm) quantGemvKernel(
    const bf16* __restrict__ x, QuantGemvTargets targets, TargetBlocks blocks, int tokens)
{
    const int t = blocks.targetOf(blockIdx.x, targets.count);
    const QuantGemvTarget& target = targets.target[t];
    const QuantMatrices& w = target.weight;
    const int token0 = static_cast<int>(blockIdx.y) * Tokens;
    const int count = tokens - token0 < Tokens ? tokens - token0 : Tokens;
    const std::int64_t first
        = (static_cast<std::int64_t>(blockIdx.x - blocks.first[t]) * kWarpsPerBlock + threadIdx.x / 32) * kRowsPerWarp;
    const int lane = threadIdx.x % 32;
    if (first >= w.rows) {
        awaitPreviousKernel();
        return;
    }
    const RowSpan<kRowsPerWarp> spans[1] = { { &w, 0, first } };
    float dots[Tokens][kRowsPerWarp];
    // Weights: their first codes load before the wait, as the kernel before ends.
    dotQuantRowsOfTokens<F, kRowsPerWarp, 1, Tokens>(
        spans, x + token0 * w.cols, w.cols, count, lane, dots, ChainedWait {});
#pragma unroll
    for (int n = 0; n < Tokens; ++n)
        if (n < count)
            writeRows(dots[n], first, w.rows, target.bias, target.y + (token0 + n) * w.rows, lane);
}

// Batched decode, slots grouped by expert (starts / slotList as launchGroupSlots makes them): one warp per (expert,
// kRowsPerWarp / 2 rows of gate and of up) computes those rows for each of the expert's slots in turn, so the rows come
// from DRAM once and from L1 for the expert's other slots (per-slot blocks of one expert run at different times and
// read the rows again).
template <QuantCodes F>
__global__ void __launch_bounds__(32 * kWarpsPerBlock, kMinBlocksPerSm) quantGateUpGroupedKernel(
    const bf16* __restrict__ x, QuantMatrices gate, QuantMatrices up, const int* __restrict__ starts,
    const int* __restrict__ slotList, int k, bf16* __restrict__ h)
{
    awaitPreviousKernel();
    constexpr int Half = kRowsPerWarp / 2;
    const std::int64_t e = blockIdx.y;
    const int begin = starts[e], end = starts[e + 1];
    const std::int64_t j0 = warpFirstRow(Half);
    const int lane = threadIdx.x % 32;
    if (begin == end || j0 >= gate.rows)
        return;
    const RowSpan<Half> spans[2] = { { &gate, e, j0 }, { &up, e, j0 } };
    for (int s = begin; s < end; ++s)
        gateUpRowsOfSlot<F>(spans, x, slotList[s], k, lane, h);
}

// The down projection of slots grouped by expert: kRowsPerWarp rows of an expert per warp, for each of its slots.
template <QuantCodes F>
__global__ void __launch_bounds__(32 * kWarpsPerBlock, kMinBlocksPerSm) quantDownGroupedKernel(
    const bf16* __restrict__ h, QuantMatrices down, const int* __restrict__ starts, const int* __restrict__ slotList,
    bf16* __restrict__ y)
{
    awaitPreviousKernel();
    const std::int64_t e = blockIdx.y;
    const int begin = starts[e], end = starts[e + 1];
    const std::int64_t first = warpFirstRow(kRowsPerWarp);
    const int lane = threadIdx.x % 32;
    if (begin == end || first >= down.rows)
        return;
    const RowSpan<kRowsPerWarp> spans[1] = { { &down, e, first } };
    for (int s = begin; s < end; ++s) {
        const std::int64_t slot = slotList[s];
        float dots[kRowsPerWarp];
        dotQuantRows<F, kRowsPerWarp, 1>(spans, h + slot * down.cols, lane, dots, NoWait {});
        writeRows(dots, first, down.rows, nullptr, y + slot * down.rows, lane);
    }
}

unsigned blocksFor(std::int64_t rows, int rowsPerWarp)
{
    const std::int64_t perBlock = static_cast<std::int64_t>(kWarpsPerBlock) * rowsPerWarp;
    return static_cast<unsigned>((rows + perBlock - 1) / perBlock);
}

// The routed experts on the CUDA cores; slots grouped by expert when starts is not null.
template <QuantCodes F>
void launchQuantMoeDecodeAs(const bf16* x, const QuantMatrices& gate, const QuantMatrices& up,
    const QuantMatrices& down, const std::int64_t* ids, std::int64_t slots, int k, std::int64_t experts,
    const int* starts, const int* slotList, bf16* h, bf16* y, cudaStream_t stream)
{
    const dim3 block(32 * kWarpsPerBlock);
    const unsigned gateUpBlocks = blocksFor(gate.rows, kRowsPerWarp / 2), downBlocks = blocksFor(down.rows, kRowsPerWarp);
    if (starts) {
        const auto e = static_cast<unsigned>(experts);
        launchChained(
            quantGateUpGroupedKernel<F>, dim3(gateUpBlocks, e), block, 0, stream, x, gate, up, starts, slotList, k, h);
        launchChained(quantDownGroupedKernel<F>, dim3(downBlocks, e), block, 0, stream, h, down, starts, slotList, y);
        return;
    }
    const auto s = static_cast<unsigned>(slots);
    launchChained(quantGateUpSiluKernel<F>, dim3(gateUpBlocks, s), block, 0, stream, x, gate, up, ids, k, h);
    launchChained(quantDownSlotKernel<F>, dim3(downBlocks, s), block, 0, stream, h, down, ids, y);
}
} // namespace

void launchQuantSlotProducts(const bf16* in, const QuantMatrices& m, const std::int64_t* ids, std::int64_t slots,
    bf16* y, cudaStream_t stream)
{
    if (m.format == QuantCodes::Int4 && int4MmaApplies(m)) {
        launchInt4MmaDown(in, m, ids, slots, y, stream);
        return;
    }
    const dim3 grid(blocksFor(m.rows, kRowsPerWarp), static_cast<unsigned>(slots));
    const dim3 block(32 * kWarpsPerBlock);
    if (m.format == QuantCodes::Int8)
        launchChained(quantDownSlotKernel<QuantCodes::Int8>, grid, block, 0, stream, in, m, ids, y);
    else if (m.format == QuantCodes::Fp8)
        launchChained(quantDownSlotKernel<QuantCodes::Fp8>, grid, block, 0, stream, in, m, ids, y);
    else
        launchChained(quantDownSlotKernel<QuantCodes::Int4>, grid, block, 0, stream, in, m, ids, y);
}

void launchQuantMoeDecode(const bf16* x, const QuantMatrices& gate, const QuantMatrices& up, const QuantMatrices& down,
    const std::int64_t* ids, std::int64_t tokens, int k, std::int64_t experts, int* grouping, bf16* h, bf16* y,
    cudaStream_t stream)
{
    const std::int64_t slots = tokens * k;
    int* starts = grouping;
    int* slotList = grouping ? grouping + experts + 1 : nullptr;
    if (grouping)
        launchGroupSlots(ids, gate.stackIndex, static_cast<int>(slots), static_cast<int>(experts), starts, slotList,
            stream);
    if (gate.format == QuantCodes::Int4 && int4MmaApplies(gate) && int4MmaApplies(down)) {
        if (grouping) {
            launchInt4MmaGateUpGrouped(x, gate, up, starts, slotList, k, experts, h, stream);
            launchInt4MmaDownGrouped(h, down, starts, slotList, experts, y, stream);
        } else {
            launchInt4MmaGateUp(x, gate, up, ids, slots, k, h, stream);
            launchInt4MmaDown(h, down, ids, slots, y, stream);
        }
    } else if (gate.format == QuantCodes::Int8) {
        launchQuantMoeDecodeAs<QuantCodes::Int8>(x, gate, up, down, ids, slots, k, experts, starts, slotList, h, y,
            stream);
    } else if (gate.format == QuantCodes::Fp8) {
        launchQuantMoeDecodeAs<QuantCodes::Fp8>(x, gate, up, down, ids, slots, k, experts, starts, slotList, h, y,
            stream);
    } else {
        launchQuantMoeDecodeAs<QuantCodes::Int4>(x, gate, up, down, ids, slots, k, experts, starts, slotList, h, y,
            stream);
    }
}

namespace {
// Tokens a CUDA-core GEMV block takes at once: each adds kRowsPerWarp sums and partial sums a lane, and INT4 (with its
// zero points and group scales) and FP8 would spill past 2 at 128 registers. One or two tokens take blocks of their
// own size.
template <QuantCodes F>
constexpr int kQuantGemvTokens = F == QuantCodes::Int8 ? 4 : 2;

// quantGemvKernel<F, Tokens>: a row of blocks for every Tokens of the tokens.
template <QuantCodes F, int Tokens>
void launchQuantGemvOf(const bf16* x, const QuantGemvTargets& targets, const TargetBlocks& blocks, std::int64_t tokens,
    cudaStream_t stream)
{
    const dim3 grid(blocks.first[targets.count], static_cast<unsigned>((tokens + Tokens - 1) / Tokens));
    launchChained(quantGemvKernel<F, Tokens>, grid, dim3(32 * kWarpsPerBlock), 0, stream, x, targets, blocks,
        static_cast<int>(tokens));
}

template <QuantCodes F>
void launchQuantGemvAs(const bf16* x, const QuantGemvTargets& targets, const TargetBlocks& blocks, std::int64_t tokens,
    cudaStream_t stream)
{
    if (tokens == 1)
        launchQuantGemvOf<F, 1>(x, targets, blocks, tokens, stream);
    else if (tokens == 2)
        launchQuantGemvOf<F, 2>(x, targets, blocks, tokens, stream);
    else
        launchQuantGemvOf<F, kQuantGemvTokens<F>>(x, targets, blocks, tokens, stream);
}
} // namespace

bool quantGemvSuits(const QuantMatrices& m, std::int64_t tokens)
{
    return int4MmaApplies(m) || tokens <= kMaxGemvTokens;
}

void launchQuantGemvTargets(const bf16* x, const QuantGemvTargets& targets, std::int64_t tokens, cudaStream_t stream)
{
    bool mma = true;
    for (int t = 0; t < targets.count; ++t)
        mma = mma && int4MmaApplies(targets.target[t].weight);
    if (mma) {
        launchInt4MmaGemvTargets(x, targets, tokens, stream);
        return;
    }
    TargetBlocks blocks{};
    for (int t = 0; t < targets.count; ++t)
        blocks.first[t + 1] = blocks.first[t] + blocksFor(targets.target[t].weight.rows, kRowsPerWarp);
    if (targets.target[0].weight.format == QuantCodes::Int8)
        launchQuantGemvAs<QuantCodes::Int8>(x, targets, blocks, tokens, stream);
    else if (targets.target[0].weight.format == QuantCodes::Fp8)
        launchQuantGemvAs<QuantCodes::Fp8>(x, targets, blocks, tokens, stream);
    else
        launchQuantGemvAs<QuantCodes::Int4>(x, targets, blocks, tokens, stream);
}
} // namespace moescope::kernels

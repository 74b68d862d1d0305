// INT4 decode kernels on tensor cores (kernels/quantkernels.cuh). Dequantizing INT4 on the CUDA cores costs about
// five instructions a value (extract, convert, subtract, multiply-add), more than the memory time of half a byte,
// so a plain warp-per-row kernel ran at a fifth of the bandwidth. Here a pair of codes becomes a pair of bf16
// (128 + code) with a shift and one mask-and-or, and mma.sync multiplies a 16-row tile by the inputs (up to 8 tokens
// as the 8 columns) with float32 accumulation; the group scale multiplies each 128-column step's sum. The bias and
// the zero point come off one of two ways (TileProducts' BiasBySums):
// - per pair, one packed bf16 subtraction (exact) before the mma: the projections and the down projections;
// - once a step, sum((code - zero) x) = sum((128 + code) x) - (128 + zero) sum(x), with sum(x) per step and token
//   summed while the inputs are staged: a third fewer instructions a value, for a few more cycles of staging, which
//   pays where a warp multiplies the most (the gate/up kernels: routed experts 1.3x faster in all; the projections
//   and down kernels ran 1-3% slower this way; tests/gpu/results/int4-biased-codes-2026-11-30).
// Products of bf16 are exact in float32 and the sums float32, so either is as precise as the bf16 dequantizing path
// (the biased sums are ~30x the unbiased ones, which costs a few float32 ulps, far below bf16's).
//
// Layout of one step (128 columns of a 16-row tile): lane (g = lane / 4, t = lane % 4) loads 16 bytes (32 columns
// from 128 * step + 32 * t) of rows g and g + 8, and the 32 inputs of token g at the same columns. The order of the
// 16 products an mma sums over is free as long as A and B agree, so each lane pairs columns (c, c + 4) of its 8-column
// words: one mask of a code word gives the pair, and the inputs are staged in that pair order (each 8-column word as
// x0 x4 x1 x5 x2 x6 x3 x7), so a 16-byte load of them is the mma's B fragments as they are.
//
// Codes travel to shared memory by asynchronous copies (cp.async), not through registers: held in registers they
// took a third of a thread's 95-112, which left two gate/up blocks an SM, so a launch ran in two waves (in one wave,
// Qwen3-30B-A3B's INT4 decode is 7% faster; tests/gpu/results/int4-staged-codes-2026-11-29). Each lane copies and
// later reads only its own 16-byte slots, so no barrier is needed between the copies and the reads.

#include "kernels/chainedlaunch.cuh"
#include "kernels/devicemath.cuh"
#include "kernels/quantkernels.cuh"

#include <algorithm>
#include <cstdint>
#include <cuda_fp16.h>

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
#error "the tensor-core INT4 kernels need compute capability 8.0 or higher (CMAKE_CUDA_ARCHITECTURES)"
#endif

namespace moescope::kernels::device {

namespace {
constexpr int kTileRows = 16;
constexpr int kStepCols = 128;
constexpr int kSplitWarps = 4; // warps of a block that split one tile's columns
// The projections' kernel splits a tile's columns over twice as many warps when its launch has few tiles (fewer than
// two an SM, e.g. an output projection's 128): more warps share each row's chain of loads and products. With more
// tiles (OLMoE-1B-7B's and Qwen3-30B-A3B's q/k/v: 384 / 320) the 4 warps are faster
// (tests/gpu/results/int4-gemv-split-2026-11-30: DeepSeek-V2-Lite's q/kv_a, 228 tiles, 3.18 -> 3.02 us with 8;
// OLMoE's q/k/v 4.27 -> 4.36).
constexpr int kFewTilesSplitWarps = 8;
// Steps whose codes a lane loads before multiplying (a template parameter A where it varies): the projections' kernel
// loads all of a warp's steps before its wait for rows up to 4,096 columns wide (8 with 4 warps a tile), the other
// kernels take 4.
constexpr int kStepsAhead = 4;
constexpr int kWideStepsAhead = 8;
// A warp's staged codes in shared memory: A steps x rows A and B x 32 lanes of 16 bytes.
template <int A> constexpr int kStagedWordsPerWarp = A * 2 * 32;

// The dynamic shared memory of a block: each warp's staged codes, then the inputs x [n, cols] (stagedInputs), then
// their sums [steps][kMaxGemvTokens] (stagedSums).
template <int A = kStepsAhead> __device__ __forceinline__ uint4* warpCodes(uint4* shared, int warp)
{
    return shared + warp * kStagedWordsPerWarp<A>;
}
template <int A = kStepsAhead> __device__ __forceinline__ bf16* stagedInputs(uint4* shared)
{
    return reinterpret_cast<bf16*>(shared + (blockDim.x / 32) * kStagedWordsPerWarp<A>);
}
__device__ __forceinline__ float* stagedSums(bf16* xs, int n, std::int64_t cols)
{
    return reinterpret_cast<float*>(xs + n * cols);
}

// bf16 pair (128 + code of column m, 128 + code of column m + 4) of an 8-code word: exact, the codes are < 16.
__device__ __forceinline__ std::uint32_t biasedCodePair(std::uint32_t word, int m)
{
    return ((word >> (4 * m)) & 0x000F000Fu) | 0x43004300u;
}

// The zero point of group g (8 for symmetric codes).
__device__ __forceinline__ std::uint32_t zeroOf(const std::uint8_t* zeros, std::int64_t g)
{
    return zeros ? zeros[g] : 8u;
}

// bf16 pair (code of column m - zero, code of column m + 4 - zero) of an 8-code word; zeroPair: 128 + zero twice.
__device__ __forceinline__ std::uint32_t codePair(std::uint32_t word, int m, std::uint32_t zeroPair)
{
    const std::uint32_t biased = biasedCodePair(word, m);
    __nv_bfloat162 v = __hsub2(*reinterpret_cast<const __nv_bfloat162*>(&biased),
        *reinterpret_cast<const __nv_bfloat162*>(&zeroPair));
    return *reinterpret_cast<std::uint32_t*>(&v);
}

// The bf16 pair (128 + zero point j, the same) of four zero points packed in a word (byte j).
__device__ __forceinline__ std::uint32_t zeroPair(std::uint32_t zeros4, int j)
{
    return __byte_perm(zeros4, 0x43u, 0x4040u | j | (j << 8));
}

// 128 + zero point j of four packed in a word (byte j), as float32: what a biased code's sum carries beyond
// code - zero. One byte permute: the zero point lands in the float's mantissa next to 128's exponent (0x43).
__device__ __forceinline__ float biasOf(std::uint32_t zeros4, int j)
{
    return __uint_as_float(__byte_perm(zeros4, 0x43000000u, 0x7044u | (j << 8)));
}

// Stages the inputs of n rows (row i at rowOf(i), cols values; n <= kMaxGemvTokens) in shared memory for
// TileProducts::run: xs [n, cols] with each 8-column word in pair order (x0 x4 x1 x5 x2 x6 x3 x7), and sums
// [steps][kMaxGemvTokens], each row's float32 sum over each 128-column step (0 for rows n and beyond). Waits for the
// block. 16 consecutive threads load one step of a row (blockDim * 8 and cols are multiples of 128), so a step's sum is
// a shuffle tree over them; whole warps iterate together for the shuffles.
template <bool WithSums, typename RowOf>
__device__ __forceinline__ void stageInputs(RowOf rowOf, int n, std::int64_t cols, bf16* xs, float* sums)
{
    const std::int64_t steps = cols / kStepCols;
    if (WithSums)
        for (std::int64_t i = threadIdx.x; i < steps * kMaxGemvTokens; i += blockDim.x)
            if (i % kMaxGemvTokens >= n)
                sums[i] = 0.f;
    const std::int64_t count = n * cols;
    for (std::int64_t base = 0; base < count; base += blockDim.x * 8) {
        const std::int64_t i = base + threadIdx.x * 8;
        const std::int64_t row = i / cols, col = i % cols;
        const uint4 v = i < count ? *reinterpret_cast<const uint4*>(rowOf(row) + col) : make_uint4(0, 0, 0, 0);
        const auto* pairs = reinterpret_cast<const __nv_bfloat162*>(&v);
        float sum = 0.f;
        if (WithSums) {
#pragma unroll
            for (int j = 0; j < 4; ++j) {
                const float2 f = __bfloat1622float2(pairs[j]);
                sum += f.x + f.y;
            }
#pragma unroll
            for (int o = 8; o > 0; o >>= 1)
                sum += __shfl_xor_sync(0xffffffffu, sum, o);
        }
        if (i < count) {
            *reinterpret_cast<uint4*>(xs + i) = make_uint4(__byte_perm(v.x, v.z, 0x5410u),
                __byte_perm(v.x, v.z, 0x7632u), __byte_perm(v.y, v.w, 0x5410u), __byte_perm(v.y, v.w, 0x7632u));
            if (WithSums && threadIdx.x % 16 == 0)
                sums[col / kStepCols * kMaxGemvTokens + row] = sum;
        }
    }
    __syncthreads();
}

// One warp's share (steps kw, kw + Split, ...) of the products of rows [first, first + 16) of matrix `matrix`
// with x [tokens, cols]: acc[0..1] = row first + g, tokens 2t and 2t + 1; acc[2..3] = row first + g + 8. Rows past
// the end read the last row. load() starts the copies of the first A steps' codes into the warp's slots of
// shared memory and loads their scales, run() multiplies with x staged in shared memory: a block starts its codes'
// copies, then stages x while they are in flight. BiasBySums: the codes' bias and zero point come off through the
// inputs' step sums (stageInputs<true>) instead of by a subtraction per pair (see the top of the file).
template <int A, bool BiasBySums, int Split = kSplitWarps> struct TileProducts {
    // The matrices' fields, copied: a pointer to a kernel parameter makes the compiler keep it in local memory.
    const std::uint8_t* codeBytes;
    const __half* scales;
    const std::uint8_t* zeros;
    std::int64_t cols;
    int g, t, kw, steps, stepsPerGroup;
    std::int64_t rowA, rowB, groupsPerRow;
    uint4* codes; // this lane's slots: step j's codes of row A (first + g) at codes[64 j], of row B at codes[64 j + 32]
    float scaleA[A], scaleB[A];
    std::uint32_t zerosA[(A + 3) / 4], zerosB[(A + 3) / 4]; // step j's zero point in byte j % 4 of word j / 4

    // warpSlots: warpCodes() of the block's warp; splitWarp: its place (0 to Split - 1) among the warps of
    // this tile.
    __device__ void load(const QuantMatrices& matrices, std::int64_t matrix, std::int64_t first, uint4* warpSlots,
        int splitWarp, int lane)
    {
        codeBytes = static_cast<const std::uint8_t*>(matrices.codes);
        scales = static_cast<const __half*>(matrices.scales);
        zeros = matrices.zeros;
        cols = matrices.cols;
        const std::int64_t rows = matrices.rows;
        codes = warpSlots + lane;
        g = lane / 4;
        t = lane % 4;
        kw = splitWarp;
        rowA = matrix * rows + (first + g < rows ? first + g : rows - 1);
        rowB = matrix * rows + (first + g + 8 < rows ? first + g + 8 : rows - 1);
        steps = static_cast<int>(cols / kStepCols);
        stepsPerGroup = matrices.groupSize / kStepCols;
        groupsPerRow = cols / matrices.groupSize;
        loadRound(kw);
    }

    __device__ void loadRound(int s0)
    {
        const uint4* codesA = reinterpret_cast<const uint4*>(codeBytes + rowA * (cols / 2)) + t;
        const uint4* codesB = reinterpret_cast<const uint4*>(codeBytes + rowB * (cols / 2)) + t;
#pragma unroll
        for (int j = 0; j < A; ++j) {
            const int s = s0 + j * Split;
            if (s < steps) {
                copyAsync16(codes + 64 * j, codesA + s * (kStepCols / 32)); // 64 bytes of a row a step: 4 uint4
                copyAsync16(codes + 64 * j + 32, codesB + s * (kStepCols / 32));
                const std::int64_t group = s / stepsPerGroup;
                scaleA[j] = __half2float(scales[rowA * groupsPerRow + group]);
                scaleB[j] = __half2float(scales[rowB * groupsPerRow + group]);
                const int shift = 8 * (j % 4);
                zerosA[j / 4] = (j % 4 == 0 ? 0u : zerosA[j / 4]) | zeroOf(zeros, rowA * groupsPerRow + group) << shift;
                zerosB[j / 4] = (j % 4 == 0 ? 0u : zerosB[j / 4]) | zeroOf(zeros, rowB * groupsPerRow + group) << shift;
            }
        }
        commitCopies();
    }

    // xs, sums: x [tokens, cols] and its step sums, staged in shared memory by stageInputs.
    __device__ void run(const bf16* xs, const float* sums, int tokens, float (&acc)[4])
    {
        const bool hasInput = g < tokens;
        const bf16* xg = xs + (hasInput ? g : 0) * cols + 32 * t;
        const float* sumsT = sums + 2 * t; // tokens 2t and 2t + 1, the columns of this lane's products
#pragma unroll
        for (int i = 0; i < 4; ++i)
            acc[i] = 0.f;
        for (int s0 = kw;;) {
            awaitCopies();
#pragma unroll
            for (int j = 0; j < A; ++j) {
                const int s = s0 + j * Split;
                if (s >= steps)
                    break;
                const uint4 codesA = codes[64 * j], codesB = codes[64 * j + 32];
                float d[4] = { 0.f, 0.f, 0.f, 0.f };
#pragma unroll
                for (int w = 0; w < 4; ++w) { // 8 columns: 4 pairs a row, 2 mma of 2 pairs a row each
                    const uint4 x8 = hasInput ? *reinterpret_cast<const uint4*>(xg + s * kStepCols + 8 * w)
                                              : make_uint4(0, 0, 0, 0); // in pair order: word p is pair p
                    const std::uint32_t wa = word(codesA, w), wb = word(codesB, w);
                    if (BiasBySums) {
#pragma unroll
                        for (int p = 0; p < 4; p += 2)
                            mma16816(d, biasedCodePair(wa, p), biasedCodePair(wb, p), biasedCodePair(wa, p + 1),
                                biasedCodePair(wb, p + 1), word(x8, p), word(x8, p + 1));
                    } else {
                        const std::uint32_t za = zeroPair(zerosA[j / 4], j % 4), zb = zeroPair(zerosB[j / 4], j % 4);
#pragma unroll
                        for (int p = 0; p < 4; p += 2)
                            mma16816(d, codePair(wa, p, za), codePair(wb, p, zb), codePair(wa, p + 1, za),
                                codePair(wb, p + 1, zb), word(x8, p), word(x8, p + 1));
                    }
                }
                if (BiasBySums) {
                    const float2 sum = *reinterpret_cast<const float2*>(sumsT + s * kMaxGemvTokens);
                    const float biasA = biasOf(zerosA[j / 4], j % 4), biasB = biasOf(zerosB[j / 4], j % 4);
                    d[0] = fmaf(-biasA, sum.x, d[0]);
                    d[1] = fmaf(-biasA, sum.y, d[1]);
                    d[2] = fmaf(-biasB, sum.x, d[2]);
                    d[3] = fmaf(-biasB, sum.y, d[3]);
                }
                acc[0] = fmaf(d[0], scaleA[j], acc[0]);
                acc[1] = fmaf(d[1], scaleA[j], acc[1]);
                acc[2] = fmaf(d[2], scaleB[j], acc[2]);
                acc[3] = fmaf(d[3], scaleB[j], acc[3]);
            }
            s0 += A * Split;
            if (s0 >= steps)
                break;
            __syncwarp(); // this round's reads of the slots are done before the next round's copies land in them
            loadRound(s0); // rows longer than A * Split steps
        }
    }

    // Multiplies with x staged in xs (and its sums) and leaves this lane's products in partial[warp][lane] for the
    // block to sum (every thread of the block calls it; it waits for the block).
    __device__ void runStaged(const bf16* xs, const float* sums, int tokens, float (*partial)[32][4], int warp,
        int lane)
    {
        float acc[4];
        run(xs, sums, tokens, acc);
#pragma unroll
        for (int i = 0; i < 4; ++i)
            partial[warp][lane][i] = acc[i];
        __syncthreads();
    }

    // What the one-pass kernels do after load(): stages x [tokens, cols] (contiguous) in xs, then runStaged.
    __device__ void runThroughShared(const bf16* __restrict__ x, int tokens, bf16* xs, float (*partial)[32][4],
        int warp, int lane)
    {
        float* sums = stagedSums(xs, tokens, cols);
        const std::int64_t rowLength = cols;
        stageInputs<BiasBySums>(
            [x, rowLength](std::int64_t row) { return x + row * rowLength; }, tokens, cols, xs, sums);
        runStaged(xs, sums, tokens, partial, warp, lane);
    }

    // Before another run(): the first round's codes again when run() loaded later rounds over them.
    __device__ void rewind()
    {
        if (steps > A * Split) {
            __syncwarp();
            loadRound(kw);
        }
    }
};

// a or b as a value, field by field: selecting between references to two kernel parameters would make the compiler
// copy both to local memory.
__device__ __forceinline__ QuantMatrices eitherOf(bool first, const QuantMatrices& a, const QuantMatrices& b)
{
    QuantMatrices m;
    m.codes = first ? a.codes : b.codes;
    m.scales = first ? a.scales : b.scales;
    m.zeros = first ? a.zeros : b.zeros;
    m.groupSize = first ? a.groupSize : b.groupSize;
    m.rows = first ? a.rows : b.rows;
    m.cols = first ? a.cols : b.cols;
    return m;
}

// Sum over the Split warps starting at warp0 of element (row r, token n) of their tiles' products.
template <int Split = kSplitWarps>
__device__ __forceinline__ float tileSum(const float (*partial)[32][4], int warp0, int r, int n)
{
    const int lane = (r % 8) * 4 + n / 2;
    const int i = (r >= 8 ? 2 : 0) + n % 2;
    float sum = 0.f;
#pragma unroll
    for (int w = 0; w < Split; ++w)
        sum += partial[warp0 + w][lane][i];
    return sum;
}

// h[slot, j] for a 16-row tile of gate and of up: warps 0-3 gate, 4-7 up. Four blocks an SM (64 registers, a few
// bytes spilled) take a launch at OLMoE's, DeepSeek-V2-Lite's and Qwen3-30B-A3B's shapes in one wave.
__global__ void __launch_bounds__(64 * kSplitWarps, 4) int4MmaGateUpKernel(const bf16* __restrict__ x,
    QuantMatrices gate, QuantMatrices up, const std::int64_t* __restrict__ ids, int k, bf16* __restrict__ h)
{
    awaitPreviousKernel();
    extern __shared__ uint4 shared[];
    __shared__ float partial[2 * kSplitWarps][32][4];
    const std::int64_t slot = blockIdx.y;
    const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * kTileRows;
    const int warp = threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    const std::int64_t e = stackExpert(gate, ids[slot]);
    if (e < 0) // another stack's slot (a mixed bank): the whole block leaves
        return;
    TileProducts<kStepsAhead, true> tile;
    tile.load(eitherOf(warp < kSplitWarps, gate, up), e, first, warpCodes(shared, warp), warp % kSplitWarps, lane);
    tile.runThroughShared(x + (slot / k) * gate.cols, 1, stagedInputs(shared), partial, warp, lane);
    const int r = threadIdx.x;
    if (r < kTileRows && first + r < gate.rows)
        h[slot * gate.rows + first + r] = siluProduct(tileSum(partial, 0, r, 0), tileSum(partial, kSplitWarps, r, 0));
}

// y[slot, j] for a 16-row tile of the slot's expert's down projection.
__global__ void __launch_bounds__(32 * kSplitWarps) int4MmaDownKernel(
    const bf16* __restrict__ h, QuantMatrices down, const std::int64_t* __restrict__ ids, bf16* __restrict__ y)
{
    extern __shared__ uint4 shared[];
    __shared__ float partial[kSplitWarps][32][4];
    const std::int64_t slot = blockIdx.y;
    const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * kTileRows;
    const int warp = threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    const std::int64_t e = stackExpert(down, ids[slot]);
    if (e < 0) { // another stack's slot (a mixed bank); the wait keeps the chain transitive for the kernel after
        awaitPreviousKernel();
        return;
    }
    TileProducts<kStepsAhead, false> tile;
    // The routing was written before the gate/up kernel that comes just before this one: the expert's codes load
    // while that kernel ends.
    tile.load(down, e, first, warpCodes(shared, warp), warp, lane);
    awaitPreviousKernel();
    tile.runThroughShared(h + slot * down.cols, 1, stagedInputs(shared), partial, warp, lane);
    const int r = threadIdx.x;
    if (r < kTileRows && first + r < down.rows)
        y[slot * down.rows + first + r] = __float2bfloat16(tileSum(partial, 0, r, 0));
}

// Batched steps, slots grouped by expert (launchGroupSlots): a block loads a 16-row tile of expert blockIdx.y once
// and multiplies it by the expert's slots' inputs [begin, end), up to `chunk` (<= 8, the mma's columns) a pass:
// rowOf(slot) is a slot's input row, emit(slot, r, i) writes tile row r for the pass's i-th slot from the partial sums.
template <bool BiasBySums, typename RowOf, typename Emit>
__device__ __forceinline__ void runSlotPasses(TileProducts<kStepsAhead, BiasBySums>& tile,
    const int* __restrict__ slotList, int begin, int end, int chunk, std::int64_t cols, bf16* xs,
    float (*partial)[32][4], int warp, int lane, RowOf rowOf, Emit emit)
{
    for (int c = begin; c < end; c += chunk) {
        const int n = min(chunk, end - c);
        if (c != begin)
            tile.rewind();
        float* sums = stagedSums(xs, n, cols);
        stageInputs<BiasBySums>(
            [rowOf, slotList, c](std::int64_t i) { return rowOf(slotList[c + i]); }, n, cols, xs, sums);
        tile.runStaged(xs, sums, n, partial, warp, lane);
        for (int o = threadIdx.x; o < kTileRows * n; o += blockDim.x)
            emit(static_cast<std::int64_t>(slotList[c + o / kTileRows]), o % kTileRows, o / kTileRows);
        __syncthreads(); // the next pass reuses xs and partial
    }
}

// h for slots grouped by expert: warps 0-3 a tile of gate, 4-7 of up.
__global__ void __launch_bounds__(64 * kSplitWarps) int4MmaGateUpGroupedKernel(const bf16* __restrict__ x,
    QuantMatrices gate, QuantMatrices up, const int* __restrict__ starts, const int* __restrict__ slotList, int k,
    int chunk, bf16* __restrict__ h)
{
    awaitPreviousKernel();
    extern __shared__ uint4 shared[];
    __shared__ float partial[2 * kSplitWarps][32][4];
    const std::int64_t e = blockIdx.y;
    const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * kTileRows;
    const int warp = threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (starts[e] == starts[e + 1])
        return;
    TileProducts<kStepsAhead, true> tile;
    tile.load(eitherOf(warp < kSplitWarps, gate, up), e, first, warpCodes(shared, warp), warp % kSplitWarps, lane);
    const std::int64_t rows = gate.rows, cols = gate.cols;
    runSlotPasses(tile, slotList, starts[e], starts[e + 1], chunk, cols, stagedInputs(shared), partial, warp,
        lane, [x, k, cols](int slot) { return x + static_cast<std::int64_t>(slot / k) * cols; },
        [h, first, rows](std::int64_t slot, int r, int i) {
            if (first + r < rows)
                h[slot * rows + first + r]
                    = siluProduct(tileSum(partial, 0, r, i), tileSum(partial, kSplitWarps, r, i));
        });
}

// y for slots grouped by expert: a tile of the down projection.
__global__ void __launch_bounds__(32 * kSplitWarps) int4MmaDownGroupedKernel(const bf16* __restrict__ h,
    QuantMatrices down, const int* __restrict__ starts, const int* __restrict__ slotList, int chunk,
    bf16* __restrict__ y)
{
    awaitPreviousKernel();
    extern __shared__ uint4 shared[];
    __shared__ float partial[kSplitWarps][32][4];
    const std::int64_t e = blockIdx.y;
    const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * kTileRows;
    const int warp = threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (starts[e] == starts[e + 1])
        return;
    TileProducts<kStepsAhead, false> tile;
    tile.load(down, e, first, warpCodes(shared, warp), warp, lane);
    const std::int64_t rows = down.rows, cols = down.cols;
    runSlotPasses(tile, slotList, starts[e], starts[e + 1], chunk, cols, stagedInputs(shared), partial, warp,
        lane, [h, cols](int slot) { return h + static_cast<std::int64_t>(slot) * cols; },
        [y, first, rows](std::int64_t slot, int r, int i) {
            if (first + r < rows)
                y[slot * rows + first + r] = __float2bfloat16(tileSum(partial, 0, r, i));
        });
}

// A 16-row tile of one target for up to perBlock (<= 8, the mma's columns) tokens: blockIdx.y picks which of the
// `tokens`. A steps of a warp's codes load before the wait.
template <int A, int Split> __global__ void __launch_bounds__(32 * Split) int4MmaGemvKernel(
    const bf16* __restrict__ x, QuantGemvTargets targets, TargetBlocks tiles, int tokens, int perBlock)
{
    __shared__ float partial[Split][32][4];
    const int t = tiles.targetOf(blockIdx.x, targets.count);
    const QuantGemvTarget& target = targets.target[t];
    const QuantMatrices& w = target.weight;
    const std::int64_t first = static_cast<std::int64_t>(blockIdx.x - tiles.first[t]) * kTileRows;
    const int token0 = static_cast<int>(blockIdx.y) * perBlock;
    const int count = tokens - token0 < perBlock ? tokens - token0 : perBlock;
    const int warp = threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    extern __shared__ uint4 shared[];
    TileProducts<A, false, Split> tile;
    // Weights: their codes load before the wait, as the kernel before ends.
    tile.load(w, 0, first, warpCodes<A>(shared, warp), warp, lane);
    awaitPreviousKernel();
    tile.runThroughShared(x + token0 * w.cols, count, stagedInputs<A>(shared), partial, warp, lane);
    for (int o = threadIdx.x; o < kTileRows * count; o += blockDim.x) {
        const int r = o % kTileRows;
        const int n = o / kTileRows;
        if (first + r < w.rows) {
            const float sum = tileSum<Split>(partial, 0, r, n);
            target.y[(token0 + n) * w.rows + first + r]
                = __float2bfloat16(target.bias ? sum + __bfloat162float(target.bias[first + r]) : sum);
        }
    }
}

// x is staged in shared memory beside the warps' codes (4 KB a warp), its step sums and the kernels' own partial sums
// (up to 4 KB).
constexpr std::int64_t kMaxStagedBytes = 44 * 1024;
std::size_t inputBytes(std::int64_t cols, std::int64_t tokens)
{
    return static_cast<std::size_t>(cols * tokens) * sizeof(bf16);
}
// What stageInputs writes for them: the inputs and their step sums.
std::size_t stagedBytes(std::int64_t cols, std::int64_t tokens)
{
    return inputBytes(cols, tokens) + static_cast<std::size_t>(cols / kStepCols * kMaxGemvTokens) * sizeof(float);
}

// Launches an INT4 kernel of `threads` threads whose dynamic shared memory holds the warps' codes and then the
// staged inputs (stagedBytes). A block may only ask for more than 48 KB of shared memory in all once its kernel allows
// it.
template <int A = kStepsAhead, typename... Params, typename... Args>
void launchStaged(void (*kernel)(Params...), dim3 grid, int threads, std::size_t inputsBytes, cudaStream_t stream,
    Args&&... args)
{
    constexpr std::size_t kDefaultDynamicBytes = 44 * 1024; // 48 KB less the largest static partial sums
    const std::size_t bytes = threads / 32 * kStagedWordsPerWarp<A> * sizeof(uint4) + inputsBytes;
    if (bytes > kDefaultDynamicBytes)
        (void)cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes));
    launchChained(kernel, grid, threads, bytes, stream, std::forward<Args>(args)...);
}

// The current device's streaming multiprocessors (asked once: decode steps launch these kernels thousands of times).
unsigned multiprocessorCount()
{
    static const unsigned count = [] {
        int device = 0, sms = 0;
        (void)cudaGetDevice(&device);
        (void)cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
        return static_cast<unsigned>(sms > 0 ? sms : 1);
    }();
    return count;
}

unsigned tilesOf(std::int64_t rows)
{
    return static_cast<unsigned>((rows + kTileRows - 1) / kTileRows);
}
} // namespace

// Inputs (an expert's slots, a projection's tokens) per pass: the mma's 8 columns, fewer when their inputs would not
// fit the staging buffer.
int slotsPerPass(std::int64_t cols)
{
    return static_cast<int>(std::min<std::int64_t>(kMaxGemvTokens, kMaxStagedBytes / (cols * sizeof(bf16))));
}

bool int4MmaApplies(const QuantMatrices& m)
{
    return m.format == QuantCodes::Int4 && m.groupSize % kStepCols == 0 && m.cols % kStepCols == 0
        && slotsPerPass(m.cols) >= 1;
}

void launchInt4MmaGateUpGrouped(const bf16* x, const QuantMatrices& gate, const QuantMatrices& up, const int* starts,
    const int* slotList, int k, std::int64_t experts, bf16* h, cudaStream_t stream)
{
    const int chunk = slotsPerPass(gate.cols);
    const dim3 grid(tilesOf(gate.rows), static_cast<unsigned>(experts));
    launchStaged(int4MmaGateUpGroupedKernel, grid, 64 * kSplitWarps, stagedBytes(gate.cols, chunk), stream,
        x, gate, up, starts, slotList, k, chunk, h);
}

void launchInt4MmaDownGrouped(const bf16* h, const QuantMatrices& down, const int* starts, const int* slotList,
    std::int64_t experts, bf16* y, cudaStream_t stream)
{
    const int chunk = slotsPerPass(down.cols);
    const dim3 grid(tilesOf(down.rows), static_cast<unsigned>(experts));
    launchStaged(int4MmaDownGroupedKernel, grid, 32 * kSplitWarps, stagedBytes(down.cols, chunk), stream,
        h, down, starts, slotList, chunk, y);
}

void launchInt4MmaGateUp(const bf16* x, const QuantMatrices& gate, const QuantMatrices& up, const std::int64_t* ids,
    std::int64_t slots, int k, bf16* h, cudaStream_t stream)
{
    const dim3 grid(tilesOf(gate.rows), static_cast<unsigned>(slots));
    launchStaged(
        int4MmaGateUpKernel, grid, 64 * kSplitWarps, stagedBytes(gate.cols, 1), stream, x, gate, up, ids, k, h);
}

void launchInt4MmaDown(
    const bf16* h, const QuantMatrices& down, const std::int64_t* ids, std::int64_t slots, bf16* y, cudaStream_t stream)
{
    const dim3 grid(tilesOf(down.rows), static_cast<unsigned>(slots));
    launchStaged(int4MmaDownKernel, grid, 32 * kSplitWarps, stagedBytes(down.cols, 1), stream, h, down, ids, y);
}

void launchInt4MmaGemvTargets(const bf16* x, const QuantGemvTargets& targets, std::int64_t tokens, cudaStream_t stream)
{
    TargetBlocks tiles{}; // a block per 16-row tile (and perBlock tokens)
    for (int t = 0; t < targets.count; ++t)
        tiles.first[t + 1] = tiles.first[t] + tilesOf(targets.target[t].weight.rows);
    const std::int64_t cols = targets.target[0].weight.cols;
    // More tokens than a block stages: blocks of perBlock tokens (the tiles' codes come from DRAM for the first and
    // mostly from L2 for the others).
    const int perBlock = static_cast<int>(std::min<std::int64_t>(tokens, slotsPerPass(cols)));
    const std::size_t bytes = stagedBytes(cols, perBlock);
    const dim3 blocks(tiles.first[targets.count], static_cast<unsigned>((tokens + perBlock - 1) / perBlock));
    const int rows = static_cast<int>(tokens);
    // Rows of more than kStepsAhead steps a warp: up to kWideStepsAhead before the wait, all of a 4,096-column row's
    // (a second round of loads after the wait is a memory round trip on the step's critical path).
    if (blocks.x * blocks.y < 2 * multiprocessorCount()) {
        if (cols > kStepsAhead * kFewTilesSplitWarps * kStepCols)
            launchStaged<kWideStepsAhead>(int4MmaGemvKernel<kWideStepsAhead, kFewTilesSplitWarps>, blocks,
                32 * kFewTilesSplitWarps, bytes, stream, x, targets, tiles, rows, perBlock);
        else
            launchStaged(int4MmaGemvKernel<kStepsAhead, kFewTilesSplitWarps>, blocks, 32 * kFewTilesSplitWarps, bytes,
                stream, x, targets, tiles, rows, perBlock);
    } else if (cols > kStepsAhead * kSplitWarps * kStepCols) {
        launchStaged<kWideStepsAhead>(int4MmaGemvKernel<kWideStepsAhead, kSplitWarps>, blocks, 32 * kSplitWarps, bytes,
            stream, x, targets, tiles, rows, perBlock);
    } else {
        launchStaged(int4MmaGemvKernel<kStepsAhead, kSplitWarps>, blocks, 32 * kSplitWarps, bytes, stream, x, targets,
            tiles, rows, perBlock);
    }
}

} // namespace moescope::kernels::device

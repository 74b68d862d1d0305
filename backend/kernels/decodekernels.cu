// Decode kernels of bf16 models: routed experts (gate/up + SiLU, down projection per slot, in-order combination)
// and the dense projections' GEMV (kernels/decodekernels.h).

#include "core/envswitch.h"
#include "kernels/chainedlaunch.cuh"
#include "kernels/devicemath.cuh"

#include <algorithm>
#include <cstdint>

namespace moescope::kernels {

using namespace device;

namespace {
// One thread per (token, output row) of a few tokens (a decode step's): the token's slot outputs y [S, H] (bf16, as
// each expert's output is), scaled by their routing weights and added in ascending expert id with the eager path's
// roundings (combineSlotValues). The slots' order and weights are found before the wait: the router wrote them at
// least two kernels back (the experts' kernels come between), so only the loads of y (and of rowOfSlot, written just
// before) wait for the kernel before, all k of them in flight together.
__global__ void combineSlotsKernel(const bf16* __restrict__ y, const std::int64_t* __restrict__ ids,
    SlotWeights weights, std::int64_t tokens, int k, std::int64_t hidden, const std::int64_t* __restrict__ rowOfSlot,
    bf16* __restrict__ out)
{
    const std::int64_t index = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    const bool inside = index < tokens * hidden;
    const std::int64_t token = index / hidden;
    TokenSlots slots;
    if (inside)
        findTokenSlots(ids, weights, token, k, slots);
    awaitPreviousKernel();
    if (!inside)
        return;
    float acc[1];
    combineSlotValues<1>(y, slots, k, hidden, index % hidden, rowOfSlot, acc);
    out[index] = __float2bfloat16(acc[0]);
}

// One block per token of many (a prefill's, a large batch's): the token's slots are ranked by the first warp, which
// also finds each slot's output row (row rowOfSlot[s] of y, or row s), and every thread combines 8 columns at a time
// of the row from those (addSlotTerm, as combineSlotValues adds: the values are combineSlotsKernel's): the ranking and
// the row lookups happen once a token instead of once a thread. The ids and weights are read before the wait (the
// router wrote them two or more kernels back).
__global__ void combineTokenRowsKernel(const bf16* __restrict__ y, const std::int64_t* __restrict__ ids,
    SlotWeights weights, int k, std::int64_t hidden, const std::int64_t* __restrict__ rowOfSlot, bf16* __restrict__ out)
{
    __shared__ TokenSlots ranked;
    __shared__ const bf16* rows[kMaxTopK];
    const std::int64_t token = blockIdx.x;
    rankTokenSlots(ids, weights, token, k, ranked);
    awaitPreviousKernel();
    if (threadIdx.x < k) {
        const std::int64_t slot = ranked.slot[threadIdx.x];
        rows[threadIdx.x] = y + (rowOfSlot ? rowOfSlot[slot] : slot) * hidden;
    }
    __syncthreads();
    constexpr int kBatch = 8; // slots whose loads are in flight together (registers for 16 halved the blocks an SM)
    for (std::int64_t col = threadIdx.x * 8; col < hidden; col += blockDim.x * 8) {
        float acc[8];
        for (int first = 0; first < k; first += kBatch) {
            uint4 loaded[kBatch];
#pragma unroll
            for (int b = 0; b < kBatch; ++b)
                if (first + b < k)
                    loaded[b] = *reinterpret_cast<const uint4*>(rows[first + b] + col);
#pragma unroll
            for (int b = 0; b < kBatch; ++b) {
                const int n = first + b;
                if (n >= k)
                    break;
                float v[8];
                unpack8(loaded[b], v);
                addSlotTerm<8>(acc, v, ranked.weight[n], n);
            }
        }
        *reinterpret_cast<uint4*>(out + token * hidden + col) = pack8(acc);
    }
}

// One warp per (slot, intermediate row j): gate row j and up row j of the slot's expert (gate + e * expertStride,
// up + e * expertStride). ids null: one dense MLP (expert 0) and a slot per token (k = 1).
__global__ void gateUpSiluKernel(const bf16* __restrict__ x, const bf16* __restrict__ gate, const bf16* __restrict__ up,
    std::int64_t expertStride, const std::int64_t* __restrict__ ids, int k, std::int64_t hidden, std::int64_t inter,
    bf16* __restrict__ h)
{
    awaitPreviousKernel();
    const std::int64_t slot = blockIdx.y;
    const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (j >= inter)
        return;
    const std::int64_t offset = (ids ? ids[slot] : 0) * expertStride + j * hidden;
    const float2 gu = dotTwoRows(gate + offset, up + offset, x + (slot / k) * hidden, hidden, lane);
    if (lane == 0)
        h[slot * inter + j] = siluProduct(gu.x, gu.y);
}

// One warp per (slot, output row): y [S, H] = bf16(down_e h[s]), each row of each chosen expert read once. (One
// warp per slot and row, as gate/up: a warp per output row over all k slots left too few warps in flight.)
__global__ void downSlotKernel(const bf16* __restrict__ h, const bf16* __restrict__ down,
    const std::int64_t* __restrict__ ids, std::int64_t hidden, std::int64_t inter, bf16* __restrict__ y)
{
    awaitPreviousKernel();
    const std::int64_t slot = blockIdx.y;
    const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (row >= hidden)
        return;
    const float dot = dotRow(down + (ids[slot] * hidden + row) * inter, h + slot * inter, inter, lane);
    if (lane == 0)
        y[slot * hidden + row] = __float2bfloat16(dot);
}

// Slots grouped by expert (one block): starts [E + 1] (expert e's slots at slotList[starts[e] .. starts[e + 1])) and
// slotList [S]. The order within an expert does not matter: every slot writes its own outputs.
__global__ void groupSlotsKernel(const std::int64_t* __restrict__ ids, const std::int64_t* __restrict__ stackIndex,
    int slots, int experts, int* __restrict__ starts, int* __restrict__ slotList)
{
    const auto expertOf = [&](int s) {
        const auto id = ids[s];
        return stackIndex && id >= 0 ? stackIndex[id] : id;
    };
    awaitPreviousKernel();
    extern __shared__ int counts[]; // [2E]: counts, then cursors
    int* cursor = counts + experts;
    for (int e = threadIdx.x; e < experts; e += blockDim.x)
        counts[e] = 0;
    __syncthreads();
    for (int s = threadIdx.x; s < slots; s += blockDim.x)
        if (const auto e = expertOf(s); e >= 0) // negative: another stack's slot (a mixed quantized bank), unlisted
            atomicAdd(&counts[e], 1);
    __syncthreads();
    if (threadIdx.x == 0) {
        int acc = 0;
        for (int e = 0; e < experts; ++e) {
            starts[e] = cursor[e] = acc;
            acc += counts[e];
        }
        starts[experts] = acc;
    }
    __syncthreads();
    for (int s = threadIdx.x; s < slots; s += blockDim.x)
        if (const auto e = expertOf(s); e >= 0)
            slotList[atomicAdd(&cursor[e], 1)] = s;
}

// Slots of one expert a warp serves per pass over its row. Batched decode gives an expert 1-3 slots on average; a
// larger chunk needs more registers (the kernel allocates for its largest instance) and fewer warps fit.
constexpr int kGroupChunk = 4;

// gate and up row j against N slots' inputs: the sums in dotTwoRows' order, so the values equal gateUpSiluKernel's.
template <int N>
__device__ __forceinline__ void gateUpSlots(const bf16* __restrict__ x, const bf16* __restrict__ gateRow,
    const bf16* __restrict__ upRow, const int* __restrict__ slots, int k, std::int64_t hidden, std::int64_t inter,
    std::int64_t j, int lane, bf16* __restrict__ h)
{
    const bf16* xs[N];
    float g[N], u[N];
#pragma unroll
    for (int n = 0; n < N; ++n) {
        xs[n] = x + static_cast<std::int64_t>(slots[n] / k) * hidden;
        g[n] = u[n] = 0.f;
    }
#pragma unroll 4
    for (std::int64_t i = lane * 8; i < hidden; i += 32 * 8) {
        const uint4 gv = __ldg(reinterpret_cast<const uint4*>(gateRow + i));
        const uint4 uv = __ldg(reinterpret_cast<const uint4*>(upRow + i));
#pragma unroll
        for (int n = 0; n < N; ++n) {
            const uint4 xv = *reinterpret_cast<const uint4*>(xs[n] + i);
            g[n] = dot8(gv, xv, g[n]);
            u[n] = dot8(uv, xv, u[n]);
        }
    }
#pragma unroll
    for (int n = 0; n < N; ++n) {
        const float gate = warpSum(g[n]), up = warpSum(u[n]);
        if (lane == 0)
            h[static_cast<std::int64_t>(slots[n]) * inter + j] = siluProduct(gate, up);
    }
}

// Output rows of one expert a warp of downGroupedKernel computes. A down row is short (768 to 1,408 values: 3 to 6
// loads a lane), so with one row a warp the slots' lookups and the sums' shuffles came once per 1.5-2.8 KB read; the
// routed experts of 16 tokens took 225 / 257 / 236 us with one row (OLMoE-1B-7B / DeepSeek-V2-Lite / Qwen3-30B-A3B),
// 211 / 254 / 230 with the grouping read before the wait, 200 / 242 / 210 with two rows and 192 / 234 / 202 with
// four (128 registers; tests/gpu/results/batched-steps-2026-12-01/router-mla-down).
constexpr int kDownRowsPerWarp = 4;

// down rows [row, row + R) of an expert (hidden is a multiple of 8, so of R) against N slots' intermediate vectors,
// each row in dotRow's order (the values equal downSlotKernel's).
template <int N, int R>
__device__ __forceinline__ void downSlots(const bf16* __restrict__ h, const bf16* __restrict__ down,
    const int* __restrict__ slots, std::int64_t hidden, std::int64_t inter, std::int64_t row, int lane,
    bf16* __restrict__ y)
{
    const bf16* rows[R];
    const bf16* hs[N];
    float acc[N][R];
#pragma unroll
    for (int r = 0; r < R; ++r)
        rows[r] = down + (row + r) * inter;
#pragma unroll
    for (int n = 0; n < N; ++n) {
        hs[n] = h + static_cast<std::int64_t>(slots[n]) * inter;
#pragma unroll
        for (int r = 0; r < R; ++r)
            acc[n][r] = 0.f;
    }
#pragma unroll 2
    for (std::int64_t i = lane * 8; i < inter; i += 32 * 8) {
        uint4 wv[R];
#pragma unroll
        for (int r = 0; r < R; ++r)
            wv[r] = __ldg(reinterpret_cast<const uint4*>(rows[r] + i));
#pragma unroll
        for (int n = 0; n < N; ++n) {
            const uint4 hv = *reinterpret_cast<const uint4*>(hs[n] + i);
#pragma unroll
            for (int r = 0; r < R; ++r)
                acc[n][r] = dot8(wv[r], hv, acc[n][r]);
        }
    }
#pragma unroll
    for (int n = 0; n < N; ++n) {
#pragma unroll
        for (int r = 0; r < R; ++r) {
            const float sum = warpSum(acc[n][r]);
            if (lane == 0)
                y[static_cast<std::int64_t>(slots[n]) * hidden + row + r] = __float2bfloat16(sum);
        }
    }
}

// Calls f.template operator()<N>(first) for chunks of up to kGroupChunk slots of [begin, end), N the chunk's size:
// exact-size instances keep the per-slot sums in registers without per-slot branches.
template <typename F> __device__ __forceinline__ void forSlotChunks(int begin, int end, F&& f)
{
    for (int first = begin; first < end; first += kGroupChunk) {
        switch (min(kGroupChunk, end - first)) {
        case 1: f.template operator()<1>(first); break;
        case 2: f.template operator()<2>(first); break;
        case 3: f.template operator()<3>(first); break;
        default: f.template operator()<4>(first); break;
        }
    }
}

// One warp per (expert, intermediate row j): gate row j and up row j read once for all the expert's slots (up to
// kGroupChunk per pass).
__global__ void gateUpGroupedKernel(const bf16* __restrict__ x, const bf16* __restrict__ gateUp,
    const int* __restrict__ starts, const int* __restrict__ slotList, int k, std::int64_t hidden, std::int64_t inter,
    bf16* __restrict__ h)
{
    awaitPreviousKernel();
    const std::int64_t e = blockIdx.y;
    const int begin = starts[e], end = starts[e + 1];
    const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (begin == end || j >= inter)
        return;
    const bf16* gateRow = gateUp + (e * 2 * inter + j) * hidden;
    const bf16* upRow = gateRow + inter * hidden;
    forSlotChunks(begin, end, [&]<int N>(int first) {
        gateUpSlots<N>(x, gateRow, upRow, slotList + first, k, hidden, inter, j, lane, h);
    });
}

// One warp per (expert, kDownRowsPerWarp output rows): the down rows read once for all the expert's slots. The
// grouping is read before the wait (groupSlotsKernel wrote it two kernels back; gate/up comes between).
__global__ void downGroupedKernel(const bf16* __restrict__ h, const bf16* __restrict__ down,
    const int* __restrict__ starts, const int* __restrict__ slotList, std::int64_t hidden, std::int64_t inter,
    bf16* __restrict__ y)
{
    const std::int64_t e = blockIdx.y;
    const int begin = starts[e], end = starts[e + 1];
    awaitPreviousKernel();
    const std::int64_t row
        = (static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32) * kDownRowsPerWarp;
    const int lane = threadIdx.x % 32;
    if (begin == end || row >= hidden)
        return;
    const bf16* expertDown = down + e * hidden * inter;
    forSlotChunks(begin, end, [&]<int N>(int first) {
        downSlots<N, kDownRowsPerWarp>(h, expertDown, slotList + first, hidden, inter, row, lane, y);
    });
}

// One warp per output row of the targets' rows laid end to end, its first pieces loaded before the wait.
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
    const bf16* wr = found ? target.weight + row * in : nullptr;
    uint4 early[kEarlyPieces];
    if (found)
        loadEarlyPieces(wr, in, lane, early);
    awaitPreviousKernel();
    if (!found)
        return;
    const float sum = warpSum(dotRowFromEarly(early, wr, x, in, lane));
    if (lane == 0)
        target.y[row] = __float2bfloat16(target.bias ? sum + __bfloat162float(target.bias[row]) : sum);
}
} // namespace

void launchMoeDecode(const bf16* x, const bf16* gateUp, const bf16* down, const std::int64_t* ids,
    std::int64_t tokens, int k, std::int64_t experts, std::int64_t hidden, std::int64_t intermediate, int* grouping,
    bf16* h, bf16* y, cudaStream_t stream)
{
    const dim3 block(32 * kWarpsPerBlock);
    const auto gateUpBlocks = static_cast<unsigned>((intermediate + kWarpsPerBlock - 1) / kWarpsPerBlock);
    const auto downBlocks = static_cast<unsigned>((hidden + kWarpsPerBlock - 1) / kWarpsPerBlock);
    const auto slots = static_cast<int>(tokens * k);
    if (grouping) {
        const auto downWarps = (hidden + kDownRowsPerWarp - 1) / kDownRowsPerWarp;
        const auto downGroupedBlocks = static_cast<unsigned>((downWarps + kWarpsPerBlock - 1) / kWarpsPerBlock);
        int* starts = grouping;
        int* slotList = grouping + experts + 1;
        const auto e = static_cast<int>(experts);
        launchGroupSlots(ids, nullptr, slots, e, starts, slotList, stream);
        launchChained(gateUpGroupedKernel, dim3(gateUpBlocks, e), block, 0, stream,
            x, gateUp, starts, slotList, k, hidden, intermediate, h);
        launchChained(downGroupedKernel, dim3(downGroupedBlocks, e), block, 0, stream, h, down, starts, slotList,
            hidden, intermediate, y);
    } else {
        launchChained(gateUpSiluKernel, dim3(gateUpBlocks, slots), block, 0, stream, x, gateUp,
            gateUp + intermediate * hidden, 2 * intermediate * hidden, ids, k, hidden, intermediate, h);
        launchChained(downSlotKernel, dim3(downBlocks, slots), block, 0, stream, h, down, ids, hidden, intermediate, y);
    }
}

void launchGemvTargets(const bf16* x, const GemvTargets& targets, std::int64_t in, cudaStream_t stream)
{
    std::int64_t rows = 0;
    for (int t = 0; t < targets.count; ++t)
        rows += targets.target[t].rows;
    const dim3 grid(static_cast<unsigned>((rows + kWarpsPerBlock - 1) / kWarpsPerBlock));
    launchChained(gemvKernel, grid, dim3(32 * kWarpsPerBlock), 0, stream, x, targets, in);
}

void launchGatedGemv(const bf16* x, const bf16* gate, const bf16* up, std::int64_t tokens, std::int64_t hidden,
    std::int64_t intermediate, bf16* h, cudaStream_t stream)
{
    const auto blocks = static_cast<unsigned>((intermediate + kWarpsPerBlock - 1) / kWarpsPerBlock);
    launchChained(gateUpSiluKernel, dim3(blocks, static_cast<unsigned>(tokens)), 32 * kWarpsPerBlock, 0, stream, x,
        gate, up, std::int64_t { 0 }, static_cast<const std::int64_t*>(nullptr), 1, hidden, intermediate, h);
}

namespace device {
bool kernelsForHopper()
{
    // The loaded kernels must have been compiled for compute capability 9.0 or later: code for an older one (e.g. a
    // build for 8.0 only, its PTX compiled for a Hopper GPU at load time) has no grid dependency wait, and launched
    // chained it would run beside the kernel before it. All kernels share one architecture list.
    static const bool hopper = [] {
        cudaFuncAttributes attributes {};
        return cudaFuncGetAttributes(&attributes, combineSlotsKernel) == cudaSuccess && attributes.ptxVersion >= 90;
    }();
    return hopper;
}

bool chainedLaunchEnabled()
{
    static const bool enabled = !switchedOffByEnvironment("MOESCOPE_CHAINED_LAUNCH") && kernelsForHopper();
    return enabled;
}

void launchGroupSlots(const std::int64_t* ids, const std::int64_t* stackIndex, int slots, int experts, int* starts,
    int* slotList, cudaStream_t stream)
{
    launchChained(groupSlotsKernel, 1, 256, 2 * experts * sizeof(int), stream, ids, stackIndex, slots, experts, starts,
        slotList);
}

constexpr std::int64_t kMinVectorTokens = 64;

void launchCombineSlotsAt(const bf16* y, const std::int64_t* rowOfSlot, const std::int64_t* ids, SlotWeights weights,
    std::int64_t tokens, int k, std::int64_t hidden, bf16* out, cudaStream_t stream)
{
    constexpr int threads = 256;
    // A block a token, 8 values a thread, for a prefill's many tokens (rows of 16-byte multiples; y and out come from
    // the allocator, aligned); a decode step's few rows one value a thread, spread over more SMs.
    if (hidden % 8 == 0 && tokens >= kMinVectorTokens) {
        const auto width = std::min<std::int64_t>(threads, (hidden / 8 + 31) / 32 * 32);
        launchChained(combineTokenRowsKernel, static_cast<unsigned>(tokens), static_cast<unsigned>(width), 0, stream,
            y, ids, weights, k, hidden, rowOfSlot, out);
        return;
    }
    const auto blocks = static_cast<unsigned>((tokens * hidden + threads - 1) / threads);
    launchChained(combineSlotsKernel, blocks, threads, 0, stream, y, ids, weights, tokens, k, hidden, rowOfSlot,
        out);
}
} // namespace device

void launchCombineSlots(const bf16* y, const std::int64_t* ids, SlotWeights weights, std::int64_t tokens, int k,
    std::int64_t hidden, bf16* out, cudaStream_t stream)
{
    launchCombineSlotsAt(y, nullptr, ids, weights, tokens, k, hidden, out, stream);
}

} // namespace moescope::kernels

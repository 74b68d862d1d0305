// A decode step's first projections of a layer's input norm, with the norm's residual add of the MoE layer before
// it in the same launch (kernels/decodekernels.h: launchNormedGemvTargets): on Hopper, clusters of blocks share the
// work of the add + norm kernel through distributed shared memory instead of waiting for it at a kernel boundary.

#include "kernels/chainedlaunch.cuh"
#include "kernels/devicemath.cuh"

#include <algorithm>
#include <cooperative_groups.h>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

namespace moescope::kernels {

using namespace device;

namespace {
// The decode norm's block (rmsNormVectorKernel, combineAddRmsNormKernel) is 8 warps of 256 threads; a cluster of 8
// blocks holds one of those warps in each, so that their sums of squares and their pieces of the row are the norm
// kernel's, bit for bit.
constexpr int kNormWarps = 8;
constexpr int kNormThreads = 32 * kNormWarps;

// Pieces (8 values) of the normalised row a thread of a block writes into its shared memory: rows of up to
// kChunks * 256 pieces over the block's 32 * kWarpsPerBlock threads.
// Blocks an SM holds at once: the kernel at 40 registers (gemvKernel<1>'s), so that OLMoE-1B-7B's q, k and v rows
// (1,536 blocks) are all resident on an H200's 132 SMs.
constexpr int kNormedGemvBlocksPerSm = 12;

template <int kChunks> constexpr int kLocalPieces = kChunks * kNormThreads / (32 * kWarpsPerBlock);

// Up to 8 slots a token: a warp of a block loads those ranked warp, warp + kWarpsPerBlock, ... for its cluster's
// norm, so that no warp holds all k slots' loads in its registers.
constexpr int kNormedGemvMaxTopK = 8;

// A warp's output row among the targets' rows laid end to end (gemvKernel's order): the target's index (the targets
// stay in parameter space, indexed by constants only), the row within it and its weights.
struct TargetRow {
    int which = -1;
    std::int64_t row = 0;
    const bf16* weight = nullptr;
    __device__ bool found() const { return which >= 0; }
};
__device__ __forceinline__ TargetRow targetRow(const GemvTargets& targets, std::int64_t row, std::int64_t in)
{
    TargetRow out;
#pragma unroll
    for (int t = 0; t < kMaxGemvTargets; ++t) {
        if (out.which < 0 && t < targets.count) {
            if (row < targets.target[t].rows)
                out.which = t;
            else
                row -= targets.target[t].rows;
        }
    }
    out.row = row;
#pragma unroll
    for (int t = 0; t < kMaxGemvTargets; ++t)
        if (t == out.which)
            out.weight = targets.target[t].weight + row * in;
    return out;
}
// The row's product with the normalised row v (shared memory), as gemvKernel<1> computes and stores it.
__device__ __forceinline__ void writeTargetRow(const GemvTargets& targets, const TargetRow& out,
    const uint4 (&early)[kEarlyPieces], const bf16* v, std::int64_t in, int lane)
{
    float acc[1];
    dotRowFromEarly<1>(early, out.weight, v, in, lane, acc);
    const float sum = warpSum(acc[0]);
#pragma unroll
    for (int t = 0; t < kMaxGemvTargets; ++t) {
        const GemvTarget& target = targets.target[t];
        if (t == out.which && lane == 0)
            target.y[out.row] = __float2bfloat16(target.bias ? sum + __bfloat162float(target.bias[out.row]) : sum);
    }
}

// One token: targets' rows y_t = normed W_t^T (+ b_t), where normed = rmsNorm(x + addend) with weight normWeight
// (d = in values, the layout of combineAddRmsNormKernel<kChunks>: thread t's chunk c at (c * 256 + t) * 8), and
// sum = x + addend written by the first cluster. Block r of a cluster computes the norm kernel's warp r: its warps
// scale a share of the slots' pieces each, its warp 0 adds them in expert order, and the pieces of the sum and their
// sum of squares go to its shared memory; after a cluster barrier every block reads the 8 partial sums (added in
// blockSum's order) and the pieces it normalises into its own shared memory, and its warps then compute their rows
// as gemvKernel<1> does (the first pieces loaded before the wait), so every output is bit for bit the add + norm
// kernel followed by the GEMV. x, the ids, the routing weights and the norm's weights are read before the wait
// (written two or more kernels back, as for combineAddRmsNormKernel). Dynamic shared memory: the norm's weights (d / 8
// pieces), then the scaled slot pieces [k][kChunks][32], later the normalised row (d / 8 pieces) in their place.
template <int kChunks>
__global__ void __launch_bounds__(32 * kWarpsPerBlock, kNormedGemvBlocksPerSm) normedGemvKernel(const bf16* __restrict__ x,
    SlotAddend addend, const bf16* __restrict__ normWeight, float eps, std::int64_t d, GemvTargets targets,
    bf16* __restrict__ sumOut)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    namespace cg = cooperative_groups;
    const cg::cluster_group cluster = cg::this_cluster();
    constexpr int kLocal = kLocalPieces<kChunks>;
    constexpr int kSlotsPerWarp = (kNormedGemvMaxTopK + kWarpsPerBlock - 1) / kWarpsPerBlock;
    extern __shared__ uint4 dynamicShared[];
    __shared__ uint4 sumPieces[kChunks][32];
    __shared__ float squares;
    __shared__ TokenSlots ranked;
    const int rank = static_cast<int>(cluster.block_rank());
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const std::int64_t pieces = d / 8;
    uint4* weights = dynamicShared; // [pieces]
    uint4* scaled = weights + pieces; // [k][kChunks][32], read before normed is written
    uint4* normed = scaled; // [pieces]

    // This warp's output row, its first pieces in flight before the wait (gemvKernel's).
    const auto out = targetRow(targets, static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + warp, d);
    uint4 early[kEarlyPieces];
    if (out.found())
        loadEarlyPieces(out.weight, d, lane, early);
    // The norm's weights, and the residual's pieces for warp 0, copied to shared memory (no registers held).
#pragma unroll
    for (int j = 0; j < kLocal; ++j) {
        const std::int64_t p = threadIdx.x + j * 32 * kWarpsPerBlock;
        if (p < pieces)
            copyAsync16(weights + p, reinterpret_cast<const uint4*>(normWeight + p * 8));
    }
    // The block's lanes stand for the norm kernel's threads rank * 32 + lane (warp 0 also adds their sums).
    const std::int64_t normThread = rank * 32 + lane;
    auto column = [&](int c) { return (c * kNormThreads + normThread) * 8; };
#pragma unroll
    for (int c = 0; c < kChunks; ++c)
        if (warp == 0 && column(c) < d)
            copyAsync16(&sumPieces[c][lane], reinterpret_cast<const uint4*>(x + column(c)));
    commitCopies();
    rankTokenSlots(addend.ids, addend.weights, 0, addend.k, ranked);
    awaitPreviousKernel();

    uint4 loaded[kSlotsPerWarp][kChunks];
#pragma unroll
    for (int m = 0; m < kSlotsPerWarp; ++m) {
        const int n = warp + m * kWarpsPerBlock;
#pragma unroll
        for (int c = 0; c < kChunks; ++c)
            if (n < addend.k && column(c) < d)
                loaded[m][c] = *reinterpret_cast<const uint4*>(addend.y + ranked.slot[n] * d + column(c));
    }
#pragma unroll
    for (int m = 0; m < kSlotsPerWarp; ++m) {
        const int n = warp + m * kWarpsPerBlock;
#pragma unroll
        for (int c = 0; c < kChunks; ++c)
            if (n < addend.k && column(c) < d)
                scaled[(n * kChunks + c) * 32 + lane] = scaledSlot8(loaded[m][c], ranked.weight[n]);
    }
    __syncthreads();
    if (warp == 0) {
        awaitCopies();
        float sum = 0.f;
#pragma unroll
        for (int c = 0; c < kChunks; ++c) {
            const std::int64_t i = column(c);
            uint4 chunk = make_uint4(0, 0, 0, 0);
            if (i < d) {
                float acc[8], v[8];
                for (int n = 0; n < addend.k; ++n) { // combineSlotValues' additions, in expert order
                    unpack8(scaled[(n * kChunks + c) * 32 + lane], v);
#pragma unroll
                    for (int j = 0; j < 8; ++j)
                        acc[j] = n == 0 ? v[j] : roundBf16(acc[j] + v[j]);
                }
                chunk = finishSlotAddend8(sumPieces[c][lane], acc, addend.shared ? addend.shared + i : nullptr);
                if (blockIdx.x < kNormWarps)
                    *reinterpret_cast<uint4*>(sumOut + i) = chunk;
            }
            sumPieces[c][lane] = chunk;
            sum = dot8(chunk, chunk, sum);
        }
        sum = warpSum(sum);
        if (lane == 0)
            squares = sum;
    }
    awaitCopies(); // the norm's weights
    cluster.sync(); // every block's pieces and partial sum in its shared memory

    // The scale, as blockSum adds the 8 warps' partial sums.
    const float partial = lane < kNormWarps ? *cluster.map_shared_rank(&squares, lane) : 0.f;
    const float scale = rsqrtf(warpSum(partial) / static_cast<float>(d) + eps);
#pragma unroll
    for (int j = 0; j < kLocal; ++j) {
        const std::int64_t p = threadIdx.x + j * 32 * kWarpsPerBlock;
        if (p < pieces) {
            const int c = static_cast<int>(p / kNormThreads), from = static_cast<int>(p % kNormThreads);
            const uint4 piece = *cluster.map_shared_rank(&sumPieces[c][from % 32], from / 32);
            normed[p] = normalized8(piece, weights[p], scale);
        }
    }
    auto readOthers = cluster.barrier_arrive(); // done reading the other blocks' shared memory
    __syncthreads();
    if (out.found())
        writeTargetRow(targets, out, early, reinterpret_cast<const bf16*>(normed), d, lane);
    cluster.barrier_wait(std::move(readOthers)); // no block leaves while another may still read its shared memory
#endif
}

// Warps of a block of normedGemvWideKernel: the norm kernel's 8 and 8 more, so that a block's rows pay for the slot
// outputs it reads (k rows of the hidden size) over 16 rows; 3 blocks an SM at 40 registers.
constexpr int kWideWarps = 16;
constexpr int kWideBlocksPerSm = 3;

// normedGemvKernel without clusters: every block forms the whole norm itself in its first 256 threads, in the norm
// kernel's layout, each thread summing the squares of its own pieces and the block adding them through blockSum (the
// other warps add zeros, which leaves the sum's bits as the norm kernel's), after all its threads have loaded and
// scaled the slots' pieces into shared memory; then its 16 warps compute their rows. Rows of up to 2,048 values.
// Dynamic shared memory: the norm's weights and x (d / 8 pieces each), the scaled slot pieces [k][d / 8] (later the
// normalised row in their place).
__global__ void __launch_bounds__(32 * kWideWarps, kWideBlocksPerSm) normedGemvWideKernel(const bf16* __restrict__ x,
    SlotAddend addend, const bf16* __restrict__ normWeight, float eps, std::int64_t d, GemvTargets targets,
    bf16* __restrict__ sumOut)
{
    constexpr int kThreads = 32 * kWideWarps;
    constexpr int kItemsPerThread = kNormedGemvMaxTopK * kNormThreads / kThreads;
    extern __shared__ uint4 dynamicShared[];
    __shared__ TokenSlots ranked;
    __shared__ float partial[32];
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int pieces = static_cast<int>(d / 8);
    uint4* weights = dynamicShared; // [pieces]
    uint4* residual = weights + pieces; // [pieces]
    uint4* scaled = residual + pieces; // [k][pieces]
    uint4* normed = scaled; // [pieces]

    const auto out = targetRow(targets, static_cast<std::int64_t>(blockIdx.x) * kWideWarps + warp, d);
    uint4 early[kEarlyPieces];
    if (out.found())
        loadEarlyPieces(out.weight, d, lane, early);
    const int p = threadIdx.x; // the norm thread's piece
    if (p < pieces) {
        copyAsync16(weights + p, reinterpret_cast<const uint4*>(normWeight + p * 8));
        copyAsync16(residual + p, reinterpret_cast<const uint4*>(x + p * 8));
    }
    commitCopies();
    rankTokenSlots(addend.ids, addend.weights, 0, addend.k, ranked);
    awaitPreviousKernel();

    uint4 loaded[kItemsPerThread];
#pragma unroll
    for (int j = 0; j < kItemsPerThread; ++j) {
        const int item = threadIdx.x + j * kThreads, n = item / pieces;
        if (n < addend.k)
            loaded[j] = *reinterpret_cast<const uint4*>(addend.y + ranked.slot[n] * d + (item % pieces) * 8);
    }
#pragma unroll
    for (int j = 0; j < kItemsPerThread; ++j) {
        const int item = threadIdx.x + j * kThreads, n = item / pieces;
        if (n < addend.k)
            scaled[item] = scaledSlot8(loaded[j], ranked.weight[n]);
    }
    awaitCopies();
    __syncthreads();
    uint4 chunk = make_uint4(0, 0, 0, 0);
    if (p < pieces) {
        float acc[8], v[8];
        for (int n = 0; n < addend.k; ++n) { // combineSlotValues' additions, in expert order
            unpack8(scaled[n * pieces + p], v);
#pragma unroll
            for (int j = 0; j < 8; ++j)
                acc[j] = n == 0 ? v[j] : roundBf16(acc[j] + v[j]);
        }
        chunk = finishSlotAddend8(residual[p], acc, addend.shared ? addend.shared + p * 8 : nullptr);
        if (blockIdx.x == 0)
            *reinterpret_cast<uint4*>(sumOut + p * 8) = chunk;
    }
    const float scale = rsqrtf(blockSum(dot8(chunk, chunk, 0.f), partial) / static_cast<float>(d) + eps);
    if (p < pieces)
        normed[p] = normalized8(chunk, weights[p], scale);
    __syncthreads();
    if (out.found())
        writeTargetRow(targets, out, early, reinterpret_cast<const bf16*>(normed), d, lane);
}
} // namespace

bool normedGemvApplies(std::int64_t tokens, int k, std::int64_t d)
{
    // Rows the norm kernel covers with its full 256 threads and one or two chunks a thread.
    return tokens == 1 && k <= kNormedGemvMaxTopK && d % 8 == 0 && d > (kNormThreads - 32) * 8 && d <= 2 * kNormThreads * 8
        && kernelsForHopper();
}

void launchNormedGemvTargets(const bf16* x, const SlotAddend& addend, const bf16* normWeight, float eps,
    std::int64_t d, const GemvTargets& targets, bf16* sum, cudaStream_t stream)
{
    std::int64_t rows = 0;
    for (int t = 0; t < targets.count; ++t)
        rows += targets.target[t].rows;
    const auto pieces = d / 8;
    static const bool wide = std::getenv("MOESCOPE_NORMED_GEMV") && std::string(std::getenv("MOESCOPE_NORMED_GEMV")) == "wide";
    if (wide && d <= kNormThreads * 8) {
        const auto blocks = static_cast<unsigned>((rows + kWideWarps - 1) / kWideWarps);
        const auto sharedBytes = static_cast<std::size_t>((2 + addend.k) * pieces) * sizeof(uint4);
        launchChained(normedGemvWideKernel, blocks, 32 * kWideWarps, sharedBytes, stream, x, addend, normWeight, eps, d,
            targets, sum);
        return;
    }
    const auto blocks = (rows + kWarpsPerBlock - 1) / kWarpsPerBlock;
    const auto grid = static_cast<unsigned>((blocks + kNormWarps - 1) / kNormWarps * kNormWarps);
    const int chunks = d <= kNormThreads * 8 ? 1 : 2;
    const auto shared = static_cast<std::size_t>(pieces + std::max<std::int64_t>(pieces, addend.k * chunks * 32));
    const auto sharedBytes = shared * sizeof(uint4);
    if (chunks == 1)
        launchChainedClusters<normedGemvKernel<1>>(grid, kNormWarps, 32 * kWarpsPerBlock, sharedBytes, stream, x, addend,
            normWeight, eps, d, targets, sum);
    else
        launchChainedClusters<normedGemvKernel<2>>(grid, kNormWarps, 32 * kWarpsPerBlock, sharedBytes, stream, x, addend,
            normWeight, eps, d, targets, sum);
}

int normedGemvClustersAtOnce(std::int64_t d, int k)
{
    const int chunks = d <= kNormThreads * 8 ? 1 : 2;
    const auto pieces = d / 8;
    cudaLaunchAttribute attribute {};
    attribute.id = cudaLaunchAttributeClusterDimension;
    attribute.val.clusterDim.x = kNormWarps;
    attribute.val.clusterDim.y = 1;
    attribute.val.clusterDim.z = 1;
    cudaLaunchConfig_t config {};
    config.gridDim = dim3(kNormWarps * 1024);
    config.blockDim = dim3(32 * kWarpsPerBlock);
    config.dynamicSmemBytes = static_cast<std::size_t>(pieces + std::max<std::int64_t>(pieces, k * chunks * 32)) * 16;
    config.attrs = &attribute;
    config.numAttrs = 1;
    int clusters = 0;
    if (chunks == 1)
        cudaOccupancyMaxActiveClusters(&clusters, normedGemvKernel<1>, &config);
    else
        cudaOccupancyMaxActiveClusters(&clusters, normedGemvKernel<2>, &config);
    return clusters;
}

} // namespace moescope::kernels

// The MoE router of a decode step in two kernels: logits (optionally after the residual add and RMSNorm before the
// router), then scores, top-k, normalisation and scaling (kernels/decodekernels.h: launchRouter); one token's router
// after the add and norm in one launch of a cluster of blocks on Hopper (routerClusterKernel).

#include "core/envswitch.h"
#include "kernels/chainedlaunch.cuh"
#include "kernels/devicemath.cuh"

#include <cooperative_groups.h>
#include <cstdint>

namespace moescope::kernels {

using namespace device;

namespace {
// Warps per router block: they split one expert's row, so a row of up to kRouterWarps * 256 columns is read in one
// memory round trip (one warp per expert read 2048 columns in four, and the router took 7 us a layer).
constexpr int kRouterWarps = 8;

// 8 router weights from p (float32 or bf16) as floats.
template <typename Weight>
__device__ __forceinline__ void loadRouterWeights8(const Weight* __restrict__ p, float (&wv)[8])
{
    if constexpr (sizeof(Weight) == 4) {
        const float4 a = __ldg(reinterpret_cast<const float4*>(p));
        const float4 b = __ldg(reinterpret_cast<const float4*>(p + 4));
        wv[0] = a.x, wv[1] = a.y, wv[2] = a.z, wv[3] = a.w, wv[4] = b.x, wv[5] = b.y, wv[6] = b.z, wv[7] = b.w;
    } else {
        const uint4 a = __ldg(reinterpret_cast<const uint4*>(p));
        const auto* a2 = reinterpret_cast<const __nv_bfloat162*>(&a);
#pragma unroll
        for (int j = 0; j < 4; ++j) {
            const float2 f = __bfloat1622float2(a2[j]);
            wv[2 * j] = f.x, wv[2 * j + 1] = f.y;
        }
    }
}

// Expert e's logits from each thread's partial dot products acc: summed over the warp, then over the block's warps
// in order (bf16 weights: rounded to bf16, as a bf16 matmul returns the product).
template <typename Weight>
__device__ __forceinline__ void writeRouterLogits(const float (&acc)[kMaxGemvTokens],
    float (&partial)[kRouterWarps][kMaxGemvTokens], int warp, int lane, int e, int experts, int tokens,
    float* __restrict__ logits)
{
#pragma unroll
    for (int n = 0; n < kMaxGemvTokens; ++n) {
        if (n < tokens) {
            const float sum = warpSum(acc[n]);
            if (lane == 0)
                partial[warp][n] = sum;
        }
    }
    __syncthreads();
    if (threadIdx.x < tokens) {
        float sum = 0.f;
#pragma unroll
        for (int v = 0; v < kRouterWarps; ++v)
            sum += partial[v][threadIdx.x];
        logits[threadIdx.x * experts + e] = sizeof(Weight) == 4 ? sum : roundBf16(sum);
    }
}

// Router logits [T, E] float32 = x [T, H] W [E, H]^T for float32 or bf16 weights (bf16: the product rounded to
// bf16, as a bf16 matmul returns it). One block per expert for all T (<= kMaxGemvTokens) tokens. A thread's first 8
// weights are loaded before the wait (no kernel writes them; a hidden size up to 2,048 has no others), so that after
// it only x, from the kernel just before, is waited for.
template <typename Weight>
__global__ void routerLogitsKernel(const bf16* __restrict__ x, const Weight* __restrict__ w, int experts,
    std::int64_t hidden, int tokens, float* __restrict__ logits)
{
    __shared__ float partial[kRouterWarps][kMaxGemvTokens];
    const int e = blockIdx.x;
    const int warp = threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    const Weight* wr = w + e * hidden;
    const std::int64_t first = threadIdx.x * 8;
    float firstWeights[8] = {};
    if (first < hidden)
        loadRouterWeights8(wr + first, firstWeights);
    awaitPreviousKernel();
    float acc[kMaxGemvTokens];
#pragma unroll
    for (int n = 0; n < kMaxGemvTokens; ++n)
        acc[n] = 0.f;
    for (std::int64_t i = first; i < hidden; i += kRouterWarps * 32 * 8) {
        float wv[8];
        if (i == first) {
#pragma unroll
            for (int j = 0; j < 8; ++j)
                wv[j] = firstWeights[j];
        } else {
            loadRouterWeights8(wr + i, wv);
        }
#pragma unroll
        for (int n = 0; n < kMaxGemvTokens; ++n)
            if (n < tokens)
                acc[n] = dotDequant8(wv, *reinterpret_cast<const uint4*>(x + n * hidden + i), acc[n]);
    }
    writeRouterLogits<Weight>(acc, partial, warp, lane, e, experts, tokens, logits);
}

// Chunks of 8 a router thread covers with the add + norm: rows of up to 4 * 2,048 values.
constexpr int kAddNormChunks = 4;

// Row `base` (hidden values) of the residual add and RMSNorm before a router (RouterAddNorm) in rmsNormVectorKernel's
// layout and order of sums (thread t's chunk c at (c * blockDim + t) * 8, its squares summed through blockSum), so
// that any block gets that kernel's results bit for bit: normed[c] (zeros past the row's end); the writer block also
// stores the sum and the norm. Every thread of the block calls it.
template <int kChunks>
__device__ __forceinline__ void addAndNormRow(const bf16* __restrict__ x, const RouterAddNorm& addNorm,
    std::int64_t base, std::int64_t hidden, const uint4 (&normWeights)[kChunks], bool writer, float* sums,
    uint4 (&normed)[kChunks])
{
    uint4 v[kChunks];
    float squares = 0.f;
#pragma unroll
    for (int c = 0; c < kChunks; ++c) {
        const std::int64_t i = (static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8;
        v[c] = i < hidden ? add8(*reinterpret_cast<const uint4*>(x + base + i),
                                *reinterpret_cast<const uint4*>(addNorm.delta + base + i))
                          : make_uint4(0, 0, 0, 0);
        squares = dot8(v[c], v[c], squares);
    }
    const float scale = rsqrtf(blockSum(squares, sums) / static_cast<float>(hidden) + addNorm.eps);
#pragma unroll
    for (int c = 0; c < kChunks; ++c) {
        const std::int64_t i = (static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8;
        normed[c] = i < hidden ? normalized8(v[c], normWeights[c], scale) : make_uint4(0, 0, 0, 0);
        if (writer && i < hidden) {
            *reinterpret_cast<uint4*>(addNorm.sum + base + i) = v[c];
            *reinterpret_cast<uint4*>(addNorm.normed + base + i) = normed[c];
        }
    }
}

// routerLogitsKernel after the residual add and the RMSNorm (RouterAddNorm), one token at a time: a block's 256
// threads cover the whole row in rmsNormVectorKernel's layout (thread t's chunks at (c * 256 + t) * 8) and sum its
// squares through the same blockSum, so every block normalises the row bit for bit as that kernel does; block 0 writes
// the sum and the normalised row. The norm's and the router's weights are loaded before the wait.
template <typename Weight>
__global__ void routerAddNormLogitsKernel(const bf16* __restrict__ x, RouterAddNorm addNorm,
    const Weight* __restrict__ w, int experts, std::int64_t hidden, int tokens, float* __restrict__ logits)
{
    __shared__ float partial[kRouterWarps][kMaxGemvTokens];
    __shared__ float sums[32];
    const int e = blockIdx.x;
    const int warp = threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    const Weight* wr = w + e * hidden;
    float routerWeights[kAddNormChunks][8];
    uint4 normWeights[kAddNormChunks];
#pragma unroll
    for (int c = 0; c < kAddNormChunks; ++c) {
        const std::int64_t i = (static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8;
        if (i < hidden) {
            loadRouterWeights8(wr + i, routerWeights[c]);
            normWeights[c] = *reinterpret_cast<const uint4*>(addNorm.weight + i);
        }
    }
    awaitPreviousKernel();
    float acc[kMaxGemvTokens];
#pragma unroll
    for (int n = 0; n < kMaxGemvTokens; ++n)
        acc[n] = 0.f;
#pragma unroll
    for (int n = 0; n < kMaxGemvTokens; ++n) {
        if (n >= tokens)
            break;
        uint4 normed[kAddNormChunks];
        addAndNormRow(x, addNorm, n * hidden, hidden, normWeights, e == 0, sums, normed);
#pragma unroll
        for (int c = 0; c < kAddNormChunks; ++c) {
            if ((static_cast<std::int64_t>(c) * blockDim.x + threadIdx.x) * 8 < hidden)
                acc[n] = dotDequant8(routerWeights[c], normed[c], acc[n]);
        }
        __syncthreads(); // sums[0] is read by every thread before the next token's blockSum writes it
    }
    writeRouterLogits<Weight>(acc, partial, warp, lane, e, experts, tokens, logits);
}

// The scores, top-k and weights of one token from its logits (`logit` of expert e = threadIdx.x; -inf where e >=
// experts), by every thread of a block of at least `experts` threads: scores (softmax or sigmoid of the logits), the
// k experts of the highest scores (+ bias when given: the choice, not the weight) in descending order, ties to the
// lower id (as a sorted topk), their scores as weights, normalised to sum 1 if asked and scaled. Each expert's place
// in that order is the number of experts whose (choice, id) key is larger, counted by its own thread (a warp's
// repeated arg-max over all experts took k rounds of shuffles, ~1 us more). The softmax's sum and the weights' sum are
// added in the order and tree of the one-warp version this replaced (lane l adds experts l, l + 32, ...; then
// warpSum), so the results are bit for bit the same.
__device__ __forceinline__ void selectTopK(float logit, int experts, int k, bool sigmoid,
    const float* __restrict__ bias, bool normalize, float scaling, float* __restrict__ scores,
    std::int64_t* __restrict__ ids, float* __restrict__ weights)
{
    __shared__ float score[kMaxRouterExperts];
    __shared__ unsigned long long key[kMaxRouterExperts];
    __shared__ float warpLargest[kMaxRouterExperts / 32];
    __shared__ float total;
    __shared__ float chosenScore[kMaxTopK];
    __shared__ int chosenId[kMaxTopK];
    const int e = threadIdx.x, lane = e % 32, warp = e / 32;
    const bool real = e < experts;
    const float largestOfWarp = warpMax(logit);
    if (lane == 0)
        warpLargest[warp] = largestOfWarp;
    __syncthreads();
    float largest = -INFINITY; // a maximum: the same in any order
    for (int w = 0; w < static_cast<int>(blockDim.x / 32); ++w)
        largest = fmaxf(largest, warpLargest[w]);
    float own = 0.f;
    if (real) {
        own = sigmoid ? 1.f / (1.f + expf(-logit)) : expf(logit - largest);
        score[e] = own;
    }
    __syncthreads();
    if (warp == 0) {
        float sum = 0.f;
        for (int q = lane; q < experts; q += 32)
            sum += score[q];
        sum = warpSum(sum);
        if (lane == 0)
            total = sum;
    }
    __syncthreads();
    if (real) {
        if (!sigmoid)
            own /= total;
        scores[e] = own;
        const float choice = bias ? own + bias[e] : own;
        // The choice's bits made order-preserving as an unsigned integer, then the inverted id: ties to the lower id.
        const unsigned u = __float_as_uint(choice);
        const unsigned ordered = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
        key[e] = (static_cast<unsigned long long>(ordered) << 32) | (0xffffffffu - static_cast<unsigned>(e));
    }
    __syncthreads();
    if (real) {
        const unsigned long long mine = key[e];
        int above[4] = { 0, 0, 0, 0 }; // four counts: independent additions
        int j = 0;
        for (; j + 4 <= experts; j += 4)
#pragma unroll
            for (int t = 0; t < 4; ++t)
                above[t] += key[j + t] > mine ? 1 : 0;
        for (; j < experts; ++j)
            above[0] += key[j] > mine ? 1 : 0;
        const int place = above[0] + above[1] + above[2] + above[3];
        if (place < k) {
            chosenScore[place] = own;
            chosenId[place] = e;
        }
    }
    __syncthreads();
    if (warp != 0)
        return;
    const float myWeight = lane < k ? chosenScore[lane] : 0.f;
    const float sum = warpSum(myWeight);
    if (lane < k) {
        float w = normalize ? myWeight / (sum + 1e-20f) : myWeight;
        if (scaling != 1.f)
            w *= scaling;
        ids[lane] = chosenId[lane];
        weights[lane] = w;
    }
}

// One block per token, a thread per expert: selectTopK of the token's logits.
__global__ void routerTopKKernel(const float* __restrict__ logits, int experts, int k, bool sigmoid,
    const float* __restrict__ bias, bool normalize, float scaling, float* __restrict__ scores,
    std::int64_t* __restrict__ ids, float* __restrict__ weights)
{
    awaitPreviousKernel();
    const int token = blockIdx.x;
    const int e = threadIdx.x;
    const float logit = e < experts ? logits[token * experts + e] : -INFINITY;
    selectTopK(logit, experts, k, sigmoid, bias, normalize, scaling, scores + token * experts, ids + token * k,
        weights + token * k);
}

// One token's router in one launch (Hopper): a cluster of blocks of kRouterWarps warps, a warp per expert, each block
// normalising the row as routerAddNormLogitsKernel does (addAndNormRow; rows of exactly kRouterWarps * 256 values, one
// chunk a thread) and each warp summing its expert's logit in that kernel's order (lane l's piece p
// covers columns 256 p + 8 l, warp p's lane l there; the pieces' warp sums added in order), so the logits are that
// kernel's bit for bit. The first block then reads every block's logits from their shared memory and selects the
// top k (selectTopK): the separate top-k kernel and its place on the step's critical path are gone. A warp's whole
// weight row is loaded before the wait.
constexpr int kMaxRouterClusterBlocks = 16; // Hopper's largest (non-portable) cluster
template <typename Weight>
__global__ void __launch_bounds__(32 * kRouterWarps) routerClusterKernel(const bf16* __restrict__ x,
    RouterAddNorm addNorm, const Weight* __restrict__ w, int experts, int k, bool sigmoid,
    const float* __restrict__ bias, bool normalize, float scaling, float* __restrict__ logits,
    float* __restrict__ scores, std::int64_t* __restrict__ ids, float* __restrict__ weights)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    constexpr int hidden = kRouterWarps * 32 * 8;
    constexpr int kClusterPieces = hidden / 256; // a lane's 8-value pieces of a weight row
    namespace cg = cooperative_groups;
    const cg::cluster_group cluster = cg::this_cluster();
    __shared__ __align__(16) bf16 normedRow[hidden];
    __shared__ float blockLogits[kRouterWarps];
    __shared__ float sums[32];
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int expert = static_cast<int>(blockIdx.x) * kRouterWarps + warp;
    const int at = threadIdx.x * 8; // the thread's chunk of the row
    float rowWeights[kClusterPieces][8];
    if (expert < experts) {
#pragma unroll
        for (int p = 0; p < kClusterPieces; ++p)
            loadRouterWeights8(w + static_cast<std::int64_t>(expert) * hidden + 256 * p + 8 * lane, rowWeights[p]);
    }
    const uint4 normWeights[1] = { *reinterpret_cast<const uint4*>(addNorm.weight + at) };
    awaitPreviousKernel();
    uint4 normed[1];
    addAndNormRow(x, addNorm, 0, hidden, normWeights, blockIdx.x == 0, sums, normed);
    *reinterpret_cast<uint4*>(normedRow + at) = normed[0];
    __syncthreads();
    if (expert < experts) {
        float partial[kClusterPieces];
#pragma unroll
        for (int p = 0; p < kClusterPieces; ++p)
            partial[p] = warpSum(dotDequant8(
                rowWeights[p], *reinterpret_cast<const uint4*>(normedRow + 256 * p + 8 * lane), 0.f));
        float logit = 0.f;
#pragma unroll
        for (int p = 0; p < kClusterPieces; ++p)
            logit += partial[p];
        logit = sizeof(Weight) == 4 ? logit : roundBf16(logit);
        if (lane == 0) {
            blockLogits[warp] = logit;
            logits[expert] = logit;
        }
    }
    cluster.sync(); // every block's logits written
    const int e = threadIdx.x;
    float logit = -INFINITY;
    if (blockIdx.x == 0 && e < experts)
        logit = *cluster.map_shared_rank(&blockLogits[e % kRouterWarps], e / kRouterWarps);
    cluster.sync(); // read: the other blocks may end
    if (blockIdx.x != 0)
        return;
    selectTopK(logit, experts, k, sigmoid, bias, normalize, scaling, scores, ids, weights);
#endif
}
} // namespace

bool routerAddNormApplies(std::int64_t tokens, std::int64_t hidden)
{
    // A router block's 256 threads must be the decode norm's (rows of at least 256 chunks of 8), and cover the row.
    return tokens >= 1 && tokens <= kMaxGemvTokens && !rmsNormInAtenOrder(tokens, hidden) && hidden % 8 == 0
        && hidden >= kRouterWarps * 32 * 8 && hidden <= kAddNormChunks * kRouterWarps * 32 * 8;
}

void launchRouter(const bf16* x, const void* weight, bool float32Weight, std::int64_t tokens, std::int64_t hidden,
    int experts, int k, bool sigmoid, const float* bias, bool normalize, float scaling, float* logits, float* scores,
    std::int64_t* ids, float* weights, cudaStream_t stream, const RouterAddNorm* addNorm)
{
    const dim3 block(32 * kRouterWarps);
    const int clusterBlocks = (experts + kRouterWarps - 1) / kRouterWarps;
    // MOESCOPE_ROUTER_CLUSTER=0 keeps the two kernels (to measure what the one-launch router changes).
    static const bool clusterOff = switchedOffByEnvironment("MOESCOPE_ROUTER_CLUSTER");
    if (addNorm && tokens == 1 && hidden == kRouterWarps * 32 * 8 && clusterBlocks <= kMaxRouterClusterBlocks
        && !clusterOff && kernelsForHopper()) {
        if (float32Weight)
            launchChainedCluster<routerClusterKernel<float>>(static_cast<unsigned>(clusterBlocks), block, 0, stream, x,
                *addNorm, static_cast<const float*>(weight), experts, k, sigmoid, bias, normalize, scaling, logits,
                scores, ids, weights);
        else
            launchChainedCluster<routerClusterKernel<bf16>>(static_cast<unsigned>(clusterBlocks), block, 0, stream, x,
                *addNorm, static_cast<const bf16*>(weight), experts, k, sigmoid, bias, normalize, scaling, logits,
                scores, ids, weights);
        return;
    }
    const dim3 grid(static_cast<unsigned>(experts));
    const auto t = static_cast<int>(tokens);
    if (addNorm && float32Weight)
        launchChained(routerAddNormLogitsKernel<float>, grid, block, 0, stream, x, *addNorm,
            static_cast<const float*>(weight), experts, hidden, t, logits);
    else if (addNorm)
        launchChained(routerAddNormLogitsKernel<bf16>, grid, block, 0, stream, x, *addNorm,
            static_cast<const bf16*>(weight), experts, hidden, t, logits);
    else if (float32Weight)
        launchChained(routerLogitsKernel<float>, grid, block, 0, stream,
            x, static_cast<const float*>(weight), experts, hidden, t, logits);
    else
        launchChained(routerLogitsKernel<bf16>, grid, block, 0, stream,
            x, static_cast<const bf16*>(weight), experts, hidden, t, logits);
    launchRouterSelection(logits, tokens, experts, k, sigmoid, bias, normalize, scaling, scores, ids, weights, stream);
}

void launchRouterSelection(const float* logits, std::int64_t tokens, int experts, int k, bool sigmoid,
    const float* bias, bool normalize, float scaling, float* scores, std::int64_t* ids, float* weights,
    cudaStream_t stream)
{
    const auto threads = static_cast<unsigned>((experts + 31) / 32 * 32); // a thread per expert
    launchChained(routerTopKKernel, static_cast<unsigned>(tokens), threads, 0, stream, logits, experts, k, sigmoid,
        bias, normalize, scaling, scores, ids, weights);
}
} // namespace moescope::kernels

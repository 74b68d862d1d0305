// The routed experts' elementwise steps of a prefill (kernels/decodekernels.h: launchSiluProduct,
// launchCombineSortedSlots). Their products stay grouped GEMMs; what lies between them took the eager path ~15
// kernels per layer over [T * k, H] tensors (the SiLU of a strided half and its product, the weights' float32 scaling
// and its conversion back, a second sort, a gather and k - 1 additions). Each is one pass here, with the eager path's
// roundings, so prefill keeps matching it (and transformers) bit for bit.

#include "kernels/chainedlaunch.cuh"
#include "kernels/decodekernels.h"
#include "kernels/devicemath.cuh"

#include <cstdint>

namespace moescope::kernels {

using namespace device;

namespace {
// h [N, I] = bf16(bf16(silu(gate)) * up) for gateUp [N, 2I] (gate columns first): 8 columns a thread.
__global__ void siluProductKernel(const bf16* __restrict__ gateUp, std::int64_t rows, std::int64_t inter,
    bf16* __restrict__ h)
{
    awaitPreviousKernel();
    const std::int64_t index = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) * 8;
    if (index >= rows * inter)
        return;
    const std::int64_t row = index / inter, col = index % inter;
    const uint4 g = *reinterpret_cast<const uint4*>(gateUp + row * 2 * inter + col);
    const uint4 u = *reinterpret_cast<const uint4*>(gateUp + row * 2 * inter + inter + col);
    uint4 result;
    const auto* g2 = reinterpret_cast<const __nv_bfloat162*>(&g);
    const auto* u2 = reinterpret_cast<const __nv_bfloat162*>(&u);
    auto* r2 = reinterpret_cast<__nv_bfloat162*>(&result);
#pragma unroll
    for (int j = 0; j < 4; ++j) {
        const float2 gf = __bfloat1622float2(g2[j]), uf = __bfloat1622float2(u2[j]);
        r2[j] = __halves2bfloat162(siluProduct(gf.x, uf.x), siluProduct(gf.y, uf.y));
    }
    *reinterpret_cast<uint4*>(h + index) = result;
}

// rowOfSlot[order[p]] = p: where each slot's output lies in the sorted y.
__global__ void invertOrderKernel(const std::int64_t* __restrict__ order, std::int64_t slots,
    std::int64_t* __restrict__ rowOfSlot)
{
    awaitPreviousKernel();
    const std::int64_t p = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (p < slots)
        rowOfSlot[order[p]] = p;
}

constexpr int kThreads = 256;
unsigned blocksFor(std::int64_t threads)
{
    return static_cast<unsigned>((threads + kThreads - 1) / kThreads);
}
} // namespace

void launchSiluProduct(const bf16* gateUp, std::int64_t rows, std::int64_t intermediate, bf16* h, cudaStream_t stream)
{
    launchChained(siluProductKernel, blocksFor(rows * intermediate / 8), kThreads, 0, stream, gateUp, rows,
        intermediate, h);
}

void launchCombineSortedSlots(const bf16* y, const std::int64_t* order, const std::int64_t* ids, SlotWeights weights,
    std::int64_t tokens, int k, std::int64_t hidden, std::int64_t* rowOfSlot, bf16* out, cudaStream_t stream)
{
    launchChained(invertOrderKernel, blocksFor(tokens * k), kThreads, 0, stream, order, tokens * k, rowOfSlot);
    launchCombineSlots(y, ids, weights, tokens, k, hidden, out, stream, rowOfSlot);
}

} // namespace moescope::kernels

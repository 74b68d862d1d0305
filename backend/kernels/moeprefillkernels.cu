// The routed experts' elementwise steps of a prefill (kernels/decodekernels.h: launchSiluProduct,
// launchCombineSortedSlots), and MLA's heads put together for its expanded attention (launchConcatHeads). Their
// products stay grouped GEMMs; what lies between them took the eager path ~15 kernels per layer over [T * k, H] tensors
// (the SiLU of a strided half and its product, the weights' float32 scaling and its conversion back, a second sort, a
// gather and k - 1 additions). Each is one pass here, with the eager path's roundings, so prefill keeps matching it
// (and transformers) bit for bit.

#include "kernels/chainedlaunch.cuh"
#include "kernels/decodekernels.h"
#include "kernels/devicemath.cuh"

#include <cstdint>

namespace moescope::kernels {

using namespace device;

namespace {
// h [N, I] = bf16(bf16(silu(gate)) * up), gate and up rows rowStride apart: 8 columns a thread.
__global__ void siluProductKernel(const bf16* __restrict__ gateRows, const bf16* __restrict__ upRows,
    std::int64_t rowStride, std::int64_t rows, std::int64_t inter, bf16* __restrict__ h)
{
    awaitPreviousKernel();
    const std::int64_t index = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) * 8;
    if (index >= rows * inter)
        return;
    const std::int64_t row = index / inter, col = index % inter;
    float gate[8], up[8], product[8];
    unpack8(*reinterpret_cast<const uint4*>(gateRows + row * rowStride + col), gate);
    unpack8(*reinterpret_cast<const uint4*>(upRows + row * rowStride + col), up);
#pragma unroll
    for (int j = 0; j < 8; ++j)
        product[j] = __bfloat162float(siluProduct(gate[j], up[j])); // a bf16 value: packing it back is exact
    *reinterpret_cast<uint4*>(h + index) = pack8(product);
}

// out [N, H, a + b] from the heads' two parts: 8 values (16 bytes) a thread. ATen's cat of these strided and
// broadcast parts ran at ~0.9 TB/s (DeepSeek-V2-Lite: 1.25 ms of a 2,048-token prefill's 28).
__global__ void concatHeadsKernel(
    HeadPart first, HeadPart second, std::int64_t chunks, int heads, bf16* __restrict__ out)
{
    awaitPreviousKernel();
    const std::int64_t index = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (index >= chunks)
        return;
    const int chunksPerHead = (first.width + second.width) / 8;
    const std::int64_t rowHead = index / chunksPerHead;
    const int col = static_cast<int>(index - rowHead * chunksPerHead) * 8;
    const std::int64_t row = rowHead / heads, head = rowHead % heads;
    const bool inFirst = col < first.width;
    const HeadPart& part = inFirst ? first : second;
    const bf16* from = part.data + row * part.rowStride + head * part.headStride + (inFirst ? col : col - first.width);
    *reinterpret_cast<uint4*>(out + index * 8) = *reinterpret_cast<const uint4*>(from);
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

void launchSiluProduct(const bf16* gate, const bf16* up, std::int64_t rowStride, std::int64_t rows,
    std::int64_t intermediate, bf16* h, cudaStream_t stream)
{
    launchChained(siluProductKernel, blocksFor(rows * intermediate / 8), kThreads, 0, stream, gate, up, rowStride,
        rows, intermediate, h);
}

void launchConcatHeads(
    const HeadPart& first, const HeadPart& second, std::int64_t rows, int heads, bf16* out, cudaStream_t stream)
{
    const auto chunks = rows * heads * (first.width + second.width) / 8;
    launchChained(concatHeadsKernel, blocksFor(chunks), kThreads, 0, stream, first, second, chunks, heads, out);
}

void launchCombineSortedSlots(const bf16* y, const std::int64_t* order, const std::int64_t* ids, SlotWeights weights,
    std::int64_t tokens, int k, std::int64_t hidden, std::int64_t* rowOfSlot, bf16* out, cudaStream_t stream)
{
    launchChained(invertOrderKernel, blocksFor(tokens * k), kThreads, 0, stream, order, tokens * k, rowOfSlot);
    launchCombineSlotsAt(y, rowOfSlot, ids, weights, tokens, k, hidden, out, stream);
}

} // namespace moescope::kernels

// Decode kernels of weight-only INT8 / INT4 models: the codes are dequantized in registers as they stream past
// (kernels/decodekernels.h: launchQuantMoeDecode, launchQuantGemv).

#include "kernels/devicemath.cuh"

#include <cstdint>
#include <cuda_fp16.h>

namespace moescope::kernels {

using namespace device;

namespace {
// Columns one lane covers per chunk of a quantized row: one 16-byte load of codes.
__device__ __forceinline__ int quantChunkWidth(QuantCodes format)
{
    return format == QuantCodes::Int8 ? 16 : 32;
}

// One lane's scaled partial dot product of the chunk at column i of row r (matrix * rows + row) of a quantized
// stack with x. The dequantized values multiply in float32 (the dequantizing path rounds them to bf16 first: a
// difference far below the codes' step).
__device__ __forceinline__ float quantChunkDot(
    const QuantMatrices& m, std::int64_t r, std::int64_t i, const bf16* __restrict__ x)
{
    if (m.format == QuantCodes::Int8) {
        const auto* codes = static_cast<const std::int8_t*>(m.codes) + r * m.cols;
        const uint4 c = __ldg(reinterpret_cast<const uint4*>(codes + i));
        const auto* cb = reinterpret_cast<const std::int8_t*>(&c);
        float w[16];
#pragma unroll
        for (int j = 0; j < 16; ++j)
            w[j] = static_cast<float>(cb[j]);
        float part = dotDequant8(w, *reinterpret_cast<const uint4*>(x + i), 0.f);
        part = dotDequant8(w + 8, *reinterpret_cast<const uint4*>(x + i + 8), part);
        return part * static_cast<const float*>(m.scales)[r];
    }
    const auto* codes = static_cast<const std::uint8_t*>(m.codes) + r * (m.cols / 2);
    const std::int64_t groups = m.cols / m.groupSize;
    const std::int64_t g = r * groups + i / m.groupSize; // 32 values share one group (group % 32 == 0)
    const uint4 c = __ldg(reinterpret_cast<const uint4*>(codes + i / 2));
    const auto* cb = reinterpret_cast<const std::uint8_t*>(&c);
    const float zero = m.zeros ? static_cast<float>(m.zeros[g]) : 8.f;
    float w[32];
#pragma unroll
    for (int j = 0; j < 16; ++j) {
        w[2 * j] = static_cast<float>(cb[j] & 15) - zero;
        w[2 * j + 1] = static_cast<float>(cb[j] >> 4) - zero;
    }
    float part = 0.f;
#pragma unroll
    for (int q = 0; q < 4; ++q)
        part = dotDequant8(w + 8 * q, *reinterpret_cast<const uint4*>(x + i + 8 * q), part);
    return part * __half2float(static_cast<const __half*>(m.scales)[g]);
}

// A warp's dot product of row `row` of matrix `matrix` in a quantized stack with x [cols]. Unrolled so that each
// lane has several 16-byte loads in flight.
__device__ float dotQuantRow(
    const QuantMatrices& m, std::int64_t matrix, std::int64_t row, const bf16* __restrict__ x, int lane)
{
    const std::int64_t r = matrix * m.rows + row;
    const int width = quantChunkWidth(m.format);
    float acc = 0.f;
#pragma unroll 4
    for (std::int64_t i = lane * width; i < m.cols; i += 32 * width)
        acc += quantChunkDot(m, r, i, x);
    return warpSum(acc);
}

__global__ void quantGateUpSiluKernel(const bf16* __restrict__ x, QuantMatrices gate, QuantMatrices up,
    const std::int64_t* __restrict__ ids, int k, bf16* __restrict__ h)
{
    const std::int64_t slot = blockIdx.y;
    const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (j >= gate.rows)
        return;
    const std::int64_t e = ids[slot];
    const bf16* xt = x + (slot / k) * gate.cols;
    const float g = dotQuantRow(gate, e, j, xt, lane);
    const float u = dotQuantRow(up, e, j, xt, lane);
    if (lane == 0)
        h[slot * gate.rows + j] = siluProduct(g, u);
}

// One warp per (slot, output row) of quantized down projections: y [S, H] in bf16.
__global__ void quantDownSlotKernel(
    const bf16* __restrict__ h, QuantMatrices down, const std::int64_t* __restrict__ ids, bf16* __restrict__ y)
{
    const std::int64_t slot = blockIdx.y;
    const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (row >= down.rows)
        return;
    const float dot = dotQuantRow(down, ids[slot], row, h + slot * down.cols, lane);
    if (lane == 0)
        y[slot * down.rows + row] = __float2bfloat16(dot);
}

__global__ void quantGemvKernel(
    const bf16* __restrict__ x, QuantMatrices w, const bf16* __restrict__ bias, bf16* __restrict__ y)
{
    const std::int64_t token = blockIdx.y;
    const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (row >= w.rows)
        return;
    const float sum = dotQuantRow(w, 0, row, x + token * w.cols, lane);
    if (lane == 0)
        y[token * w.rows + row] = __float2bfloat16(bias ? sum + __bfloat162float(bias[row]) : sum);
}
} // namespace

void launchQuantMoeDecode(const bf16* x, const QuantMatrices& gate, const QuantMatrices& up, const QuantMatrices& down,
    const std::int64_t* ids, SlotWeights weights, std::int64_t tokens, int k, bf16* h, bf16* y, bf16* out,
    cudaStream_t stream)
{
    const dim3 block(32 * kWarpsPerBlock);
    const auto slots = static_cast<unsigned>(tokens * k);
    const dim3 gateUpGrid(static_cast<unsigned>((gate.rows + kWarpsPerBlock - 1) / kWarpsPerBlock), slots);
    quantGateUpSiluKernel<<<gateUpGrid, block, 0, stream>>>(x, gate, up, ids, k, h);
    const dim3 downGrid(static_cast<unsigned>((down.rows + kWarpsPerBlock - 1) / kWarpsPerBlock), slots);
    quantDownSlotKernel<<<downGrid, block, 0, stream>>>(h, down, ids, y);
    launchCombineSlots(y, ids, weights, tokens, k, down.rows, out, stream);
}

void launchQuantGemv(
    const bf16* x, const QuantMatrices& weight, const bf16* bias, std::int64_t tokens, bf16* y, cudaStream_t stream)
{
    const dim3 grid(
        static_cast<unsigned>((weight.rows + kWarpsPerBlock - 1) / kWarpsPerBlock), static_cast<unsigned>(tokens));
    quantGemvKernel<<<grid, dim3(32 * kWarpsPerBlock), 0, stream>>>(x, weight, bias, y);
}
} // namespace moescope::kernels

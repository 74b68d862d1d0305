// A warp per row, a lane per 8 consecutive values at a time: it loads their codes (4 bytes of INT4, 8 of INT8 or
// FP8) and their scale (and zero point), and stores 8 bf16 values (16 bytes). The ATen chain it replaces (unpack the
// nibbles, widen to float32, subtract, multiply, narrow to bf16, then copy into the stacked experts) passed the
// weights through float32 temporaries several times: an INT4 DeepSeek-V2-Lite prefill of 2,048 tokens took 263 ms,
// 8.8x its bf16.

#include "kernels/dequantkernels.h"

#include <algorithm>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

namespace moescope::kernels {

namespace {
constexpr int kWarps = 8; // rows a block, one warp a row
constexpr int kThreads = kWarps * 32;

__device__ __forceinline__ float fp8Value(std::uint8_t byte)
{
    __nv_fp8_e4m3 v;
    v.__x = byte;
    return static_cast<float>(v);
}

// Matrix blockIdx.y (and every gridDim.y-th after it) of the target, a warp a row, a lane 8 columns at a time. The
// indices come from the grid, not from dividing a flat index: 64-bit divisions per 8 values had made the kernel
// bound by instructions (Qwen3-30B-A3B's experts at ~1.8 TB/s).
__global__ void __launch_bounds__(kThreads) dequantizeKernel(QuantMatrices m, DequantTarget target)
{
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int eighths = static_cast<int>(m.cols / 8);
    const int groupSize = m.groupSize;
    const int groups = groupSize > 0 ? static_cast<int>((m.cols + groupSize - 1) / groupSize) : 0;
    const int blockRows = groupSize > 0 ? static_cast<int>((m.rows + groupSize - 1) / groupSize) : 0;
    for (std::int64_t i = blockIdx.y; i < target.count; i += gridDim.y) {
        const std::int64_t dst = target.dest ? target.dest[i] : i;
        if (target.slotCounts && target.slotCounts[dst] == 0)
            continue; // no slot multiplies by this matrix
        const std::int64_t src = target.source ? target.source[i] : i;
        for (std::int64_t r = static_cast<std::int64_t>(blockIdx.x) * kWarps + warp; r < m.rows;
             r += static_cast<std::int64_t>(gridDim.x) * kWarps) {
            const std::int64_t row = src * m.rows + r; // in the whole stack
            __nv_bfloat16* outRow = target.out + dst * target.outMatrixStride + r * target.outRowStride;
#pragma unroll 4
            for (int e = lane; e < eighths; e += 32) {
                const int col = e * 8;
                float v[8];
                if (m.format == QuantCodes::Int4) {
                    const std::int64_t at = row * groups + col / groupSize;
                    const float scale = __half2float(__ldg(static_cast<const __half*>(m.scales) + at));
                    const float zero = m.zeros ? static_cast<float>(__ldg(m.zeros + at)) : 8.f;
                    const std::uint32_t codes = __ldg(reinterpret_cast<const std::uint32_t*>(
                        static_cast<const std::uint8_t*>(m.codes) + row * ((m.cols + 1) / 2) + col / 2));
#pragma unroll
                    for (int j = 0; j < 4; ++j) { // column 2j in the low nibble, 2j + 1 in the high one
                        v[2 * j] = (static_cast<float>((codes >> (8 * j)) & 15u) - zero) * scale;
                        v[2 * j + 1] = (static_cast<float>((codes >> (8 * j + 4)) & 15u) - zero) * scale;
                    }
                } else {
                    const uint2 codes = __ldg(reinterpret_cast<const uint2*>(
                        static_cast<const std::uint8_t*>(m.codes) + row * m.cols + col));
                    const std::uint8_t* bytes = reinterpret_cast<const std::uint8_t*>(&codes);
                    float scale;
                    if (m.format == QuantCodes::Fp8 && groupSize > 0) { // blocks of groupSize x groupSize
                        scale = __ldg(static_cast<const float*>(m.scales)
                            + (src * blockRows + r / groupSize) * groups + col / groupSize);
                    } else {
                        scale = __ldg(static_cast<const float*>(m.scales) + row);
                    }
#pragma unroll
                    for (int j = 0; j < 8; ++j)
                        v[j] = (m.format == QuantCodes::Fp8 ? fp8Value(bytes[j])
                                                            : static_cast<float>(static_cast<std::int8_t>(bytes[j])))
                            * scale;
                }
                if (m.inputScale) { // activation-aware scaling divides each column's value, as ATen's chain does
                    const float4* s = reinterpret_cast<const float4*>(m.inputScale + src * m.cols + col);
                    const float4 lo = __ldg(s), hi = __ldg(s + 1);
                    const float scale[8] = { lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w };
#pragma unroll
                    for (int j = 0; j < 8; ++j)
                        v[j] = v[j] / scale[j];
                }
                __align__(16) __nv_bfloat16 out[8];
#pragma unroll
                for (int j = 0; j < 8; ++j)
                    out[j] = __float2bfloat16_rn(v[j]);
                *reinterpret_cast<uint4*>(outRow + col) = *reinterpret_cast<const uint4*>(out);
            }
        }
    }
}
} // namespace

bool dequantizeSupports(const QuantMatrices& m)
{
    if (m.rows < 1 || m.cols < 8 || m.cols % 8 != 0)
        return false;
    if (m.format == QuantCodes::Int4 || (m.format == QuantCodes::Fp8 && m.groupSize > 0))
        return m.groupSize % 8 == 0 && m.groupSize > 0;
    return m.format == QuantCodes::Int8 || m.format == QuantCodes::Fp8;
}

void launchDequantize(const QuantMatrices& m, const DequantTarget& target, cudaStream_t stream)
{
    if (target.count <= 0 || m.rows <= 0)
        return;
    const dim3 grid(static_cast<unsigned>(std::min<std::int64_t>((m.rows + kWarps - 1) / kWarps, 1 << 20)),
        static_cast<unsigned>(std::min<std::int64_t>(target.count, 65535)));
    dequantizeKernel<<<grid, kThreads, 0, stream>>>(m, target);
}

} // namespace moescope::kernels

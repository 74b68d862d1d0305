#pragma once
// What the wrappers around the project's CUDA kernels (nn/fuseddecode, quant/fusedquantdecode) share: the decode
// size limit, the checks every kernel input passes and the raw pointers and stream the launches take.
// Only included where MOESCOPE_HAVE_CUDA_KERNELS is defined.

#include "core/envswitch.h"
#include "kernels/decodekernels.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

#include <cstdint>

namespace moescope::kernelinputs {

// Rows (tokens) up to which a decode kernel serves a product; beyond, grouped GEMMs / dequantize + GEMM win.
constexpr std::int64_t kMaxDecodeTokens = 8;
// Tokens up to which the routed experts' decode kernels serve a step (batched decode of up to 64 sequences): with
// the slots grouped by expert they read each chosen expert once, where grouped GEMMs over groups of a few rows ran
// at half the bandwidth.
constexpr std::int64_t kMaxMoeDecodeTokens = 64;
// Once a step's slots cover half the experts, tokens share experts: the routed experts' kernels group the slots by
// expert and read each chosen expert once for all its slots.
inline bool groupSlotsByExpert(std::int64_t tokens, std::int64_t k, std::int64_t experts)
{
    return tokens > 1 && tokens * k * 2 >= experts;
}

// The kernels have no backward: never under autograd (training). MOESCOPE_FUSED_KERNELS=0 turns them off (to compare
// a run with the plain ATen path on the same build). They are built for compute capability 8.0 and up (bf16
// arithmetic, tensor-core mma; packaging/cmake/LibTorch.cmake): older GPUs take the ATen path.
inline bool kernelsMayRun()
{
    static const bool enabled = [] {
        int device = 0, major = 0;
        const bool capable = cudaGetDevice(&device) == cudaSuccess
            && cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) == cudaSuccess && major >= 8;
        return capable && !switchedOffByEnvironment("MOESCOPE_FUSED_KERNELS");
    }();
    return enabled && !at::GradMode::is_enabled();
}
inline bool cudaBf16(const at::Tensor& t) { return t.is_cuda() && t.scalar_type() == at::kBFloat16; }
// The kernels read 16 bytes at a time (8 for the norm of many rows).
inline bool aligned16(const at::Tensor& t) { return reinterpret_cast<std::uintptr_t>(t.data_ptr()) % 16 == 0; }
inline bool aligned8(const at::Tensor& t) { return reinterpret_cast<std::uintptr_t>(t.data_ptr()) % 8 == 0; }

inline const __nv_bfloat16* bf16Data(const at::Tensor& t)
{
    return reinterpret_cast<const __nv_bfloat16*>(t.data_ptr());
}
inline __nv_bfloat16* bf16Data(at::Tensor& t) { return reinterpret_cast<__nv_bfloat16*>(t.data_ptr()); }
// Routing weights [T, k] as the MoE kernels read them: bf16 or float32 as they are, other types as float32.
inline at::Tensor slotWeightsTensor(const at::Tensor& w)
{
    const bool readable = w.scalar_type() == at::kBFloat16 || w.scalar_type() == at::kFloat;
    return (readable ? w : w.to(at::kFloat)).contiguous();
}
inline kernels::SlotWeights slotWeightsOf(const at::Tensor& contiguousWeights)
{
    return { contiguousWeights.data_ptr(), contiguousWeights.scalar_type() == at::kBFloat16 };
}

inline cudaStream_t streamOf(const at::Tensor& t)
{
    return c10::cuda::getCurrentCUDAStream(t.device().index()).stream();
}

} // namespace moescope::kernelinputs

#pragma once
// Bytes staged from global into shared memory by Hopper's copy engine (cp.async.bulk), their arrival counted on an
// mbarrier. A chained kernel (kernels/chainedlaunch.cuh) issues the copies of its weights before its wait, so that
// they stream in while the kernel before it runs, however many of its threads' registers that would take; after the
// wait it only needs its inputs. Compute capability 9.0 and later (the callers launch these kernels only where chained
// launches run, which needs 9.0). Internal to the kernels; only included by .cu files.

#include <cstdint>

namespace moescope::kernels::device {

// Largest piece of one bulk copy; a block's copies are cut into pieces of this size so that the copy engine works on
// several at once.
constexpr unsigned kStagePieceBytes = 32 * 1024;

__device__ __forceinline__ unsigned sharedAddress(const void* p)
{
    return static_cast<unsigned>(__cvta_generic_to_shared(p));
}

// One thread: makes `barrier` (in shared memory) wait for `bytes` staged bytes. Every thread that waits on it must
// see it initialised first (a __syncthreads() after this call).
__device__ __forceinline__ void expectStagedBytes(std::uint64_t* barrier, unsigned bytes)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(sharedAddress(barrier)) : "memory");
    asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
    asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(sharedAddress(barrier)), "r"(bytes)
                 : "memory");
#endif
}

// Copies `bytes` (a multiple of 16; both addresses 16-byte aligned) from global src to shared dst in pieces of at
// most kStagePieceBytes, each counted on `barrier` when it lands.
__device__ __forceinline__ void stageBytes(void* dst, const void* src, std::uint64_t bytes, std::uint64_t* barrier)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    for (std::uint64_t done = 0; done < bytes; done += kStagePieceBytes) {
        const auto piece = static_cast<unsigned>(bytes - done < kStagePieceBytes ? bytes - done : kStagePieceBytes);
        asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];" ::"r"(
                         sharedAddress(static_cast<char*>(dst) + done)),
            "l"(static_cast<const char*>(src) + done), "r"(piece), "r"(sharedAddress(barrier))
                     : "memory");
    }
#endif
}

// Waits until every byte expectStagedBytes announced has landed.
__device__ __forceinline__ void awaitStagedBytes(std::uint64_t* barrier)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    unsigned landed = 0;
    while (!landed) {
        asm volatile("{\n .reg .pred p;\n mbarrier.try_wait.parity.shared::cta.b64 p, [%1], 0;\n selp.u32 %0, 1, 0, p;\n}"
                     : "=r"(landed)
                     : "r"(sharedAddress(barrier))
                     : "memory");
    }
#endif
}

} // namespace moescope::kernels::device

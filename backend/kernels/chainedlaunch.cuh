#pragma once
// Programmatic dependent launch (Hopper and later) for the decode kernels. A decode step is a chain of a few hundred
// small kernels, and a plain launch is not scheduled until the kernel before it has drained. Launched through
// launchChained, a kernel's blocks are scheduled while the kernel before it still runs, wait in
// awaitPreviousKernel() until it has finished and its writes are visible, and then let the next kernel be scheduled.
// CUDA graphs record these launches as programmatic edges, so recorded steps keep the overlap.
//
// Rule: every kernel launched with launchChained calls awaitPreviousKernel() in every block before it writes global
// memory or reads anything the kernel just before it may have written; most call it as their first statement. A
// kernel whose blocks finished without waiting would let its successor run beside its predecessor. Waiting is
// transitive: a kernel only starts once every block of the one before has waited for its own predecessor, so reads
// that cannot race may come before the wait, to overlap their latency with the previous kernel's end: weights (no
// kernel of a step writes them) and data written two or more kernels back (the MLA kernels do this). A kernel from
// outside the project never lets its successor start before it has finished.
// Internal to the kernels; only included by .cu files.

#include <cstddef>
#include <cuda_runtime.h>
#include <utility>

namespace moescope::kernels::device {

__device__ __forceinline__ void awaitPreviousKernel()
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
    asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
#endif
}

// True when the loaded kernels were compiled for compute capability 9.0 or later (so the device is one too);
// chainedLaunchEnabled() as well, unless MOESCOPE_CHAINED_LAUNCH=0 (for measuring the difference). Decided once per
// process (defined in decodekernels.cu).
bool kernelsForHopper();
bool chainedLaunchEnabled();

template <typename... Params, typename... Args>
void launchChained(
    void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t sharedBytes, cudaStream_t stream, Args&&... args)
{
    cudaLaunchAttribute attribute {};
    attribute.id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attribute.val.programmaticStreamSerializationAllowed = 1;
    cudaLaunchConfig_t config {};
    config.gridDim = grid;
    config.blockDim = block;
    config.dynamicSmemBytes = sharedBytes;
    config.stream = stream;
    config.attrs = &attribute;
    config.numAttrs = chainedLaunchEnabled() ? 1 : 0;
    // A failed launch is also the runtime's last error, which every wrapper checks after its launches.
    (void)cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...);
}

// launchChained of `kernel` as one cluster of `blocks` blocks (Hopper; kernelsForHopper()): they run at once and
// can read each other's shared memory. Clusters of more than 8 blocks are allowed for the kernel on its first launch.
template <auto kernel, typename... Args>
void launchChainedCluster(unsigned blocks, dim3 block, std::size_t sharedBytes, cudaStream_t stream, Args&&... args)
{
    static const bool largeClusters
        = cudaFuncSetAttribute(kernel, cudaFuncAttributeNonPortableClusterSizeAllowed, 1) == cudaSuccess;
    (void)largeClusters; // without it a cluster of more than 8 fails to launch, the launch's error
    cudaLaunchAttribute attributes[2] = {};
    attributes[0].id = cudaLaunchAttributeClusterDimension;
    attributes[0].val.clusterDim.x = blocks;
    attributes[0].val.clusterDim.y = 1;
    attributes[0].val.clusterDim.z = 1;
    attributes[1].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attributes[1].val.programmaticStreamSerializationAllowed = 1;
    cudaLaunchConfig_t config {};
    config.gridDim = dim3(blocks);
    config.blockDim = block;
    config.dynamicSmemBytes = sharedBytes;
    config.stream = stream;
    config.attrs = attributes;
    config.numAttrs = chainedLaunchEnabled() ? 2 : 1;
    (void)cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...);
}

} // namespace moescope::kernels::device

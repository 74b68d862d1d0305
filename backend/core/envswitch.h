#pragma once
// Run-time switches for measuring and ruling things out: MOESCOPE_CUDA_GRAPHS=0, MOESCOPE_FUSED_KERNELS=0,
// MOESCOPE_CHAINED_LAUNCH=0, MOESCOPE_NORM_ROPE_GROUPS=0, MOESCOPE_GQA_DECODE_KERNEL=0,
// MOESCOPE_SHARED_EXPERT_STREAM=0, MOESCOPE_GREEDY_STEP=0 (README, "run-time switches"). Plain C++, header only, so
// the CUDA sources can use it too.

#include <cstdlib>
#include <string_view>

namespace moescope {

// True when the environment variable `name` is set to "0": the feature it names is switched off.
inline bool switchedOffByEnvironment(const char* name)
{
    const char* value = std::getenv(name);
    return value && std::string_view(value) == "0";
}

} // namespace moescope

#pragma once
// What the CPU kernels written with AVX2 intrinsics share (nn/cpufloatgemv, quant/cpuquantgemv): whether the build
// can hold them (x86-64 with GCC or Clang: MOESCOPE_CPU_AVX2), whether the running CPU has the instructions, and the
// sum of a vector's lanes. Functions that use them carry __attribute__((target(...))), so the rest of the build needs
// no -mavx2.

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define MOESCOPE_CPU_AVX2 1

namespace moescope::cpuavx2 {

// AVX2 and FMA on the running CPU (decided once).
inline bool hasAvx2Fma()
{
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
}

// The sum of v's 8 lanes.
__attribute__((target("avx2,fma"))) inline float horizontalSum(__m256 v)
{
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 h = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(h, _mm_shuffle_ps(h, h, 1)));
}

} // namespace moescope::cpuavx2
#endif

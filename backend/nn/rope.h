#pragma once
// Rotary position embedding: default, linear, YaRN (with DeepSeek's mscale) and Llama-3 frequency scaling, applied to
// halves (Llama/Qwen/Mixtral/OLMoE) or to interleaved pairs (DeepSeek). Interleaved input comes out in half layout;
// queries and keys get the same permutation, so their dot products are unchanged.

#include "nn/fuseddecode.h"
#include "nn/modelspec.h"

#include <ATen/ATen.h>

namespace moescope {

class Rope {
public:
    Rope() = default;
    Rope(const RopeSpec& spec, const at::Device& device); // throws UnsupportedError for unknown scaling types

    // cos and sin for the given positions [T] (int64): [T, dim/2] float32, scaled by the attention factor. On CUDA
    // in one fused kernel (nn/fuseddecode), else through ATen (cosSinUnfused, the reference it is checked against).
    std::pair<at::Tensor, at::Tensor> cosSin(const at::Tensor& positions) const;
    std::pair<at::Tensor, at::Tensor> cosSinUnfused(const at::Tensor& positions) const;
    // x: [T, heads, dim] -> rotated, same shape and dtype.
    // Decode steps on CUDA take the fused kernel (nn/fuseddecode), everything else the plain ATen path.
    at::Tensor apply(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const;
    // A decode step's queries rotated (returned) while its keys, rotated, and values go into the caches at rows
    // `positions` in the same kernel (fused CUDA path); undefined where that kernel does not apply, and the caller
    // rotates and stores as usual. q [T, H, dim], k/v [T, Hkv, dim], caches [capacity, Hkv, dim].
    // With norms, q and k are RMS-normalised first, in the same kernel.
    at::Tensor applyStoringKeys(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cos,
        const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheK, at::Tensor& cacheV,
        const StepQkNorms& norms = {}) const;
    // applyStoringKeys for one token followed by its attention over the caches' first `span` rows (window and scale
    // as fusedGqaDecode takes them), fewer kernels than the two (fusedGqaDecodeStep): [1, H * dim], or undefined
    // where that kernel does not apply.
    at::Tensor applyAttendingStep(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cos,
        const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheK, at::Tensor& cacheV, std::int64_t span,
        const StepQkNorms& norms, int window, double scale) const;
    // An MLA decode step's counterpart (fused CUDA path): the queries' rope parts qPe [T, H, dim] rotated (returned)
    // while kv_a's output compressed [T, c + dim] goes into the caches at rows `positions`: its latent RMS-normalised
    // with normWeight into cacheLatent [capacity, c], its rope key rotated into cacheKPe [capacity, dim]. Undefined
    // where the kernel does not apply.
    at::Tensor applyStoringLatent(const at::Tensor& qPe, const at::Tensor& compressed, const at::Tensor& normWeight,
        double eps, const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheLatent,
        at::Tensor& cacheKPe) const;
    // The plain ATen path (the reference the fused kernel is checked against).
    at::Tensor applyUnfused(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) const;

    const at::Tensor& inverseFrequencies() const { return m_invFreq; }
    double attentionFactor() const { return m_attentionFactor; }

private:
    at::Tensor m_invFreq; // [dim/2] float32
    double m_attentionFactor = 1.0;
    bool m_interleaved = false;
    bool m_float32 = false;
};

// YaRN's magnitude correction, 0.1 * mscale * ln(scale) + 1 (1 for scale <= 1).
double yarnMscale(double scale, double mscale);

} // namespace moescope

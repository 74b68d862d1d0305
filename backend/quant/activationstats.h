#pragma once
// Per-module statistics of the inputs each weight matrix sees on calibration text: sum of x_j^2 and of |x_j| per
// input column, and the row count. Activation-aware quantization weights the reconstruction error by E[x_j^2] and
// scales columns by E|x_j|^alpha. Routed experts get one entry per expert and projection
// ("<mlp>experts.<e>.gate_proj", ..., "down_proj" for the intermediate activations) plus "<mlp>experts" for every
// token that reached the layer, the fallback for experts calibration never routed to.
// With `gram` on, each entry also keeps the full Gram matrix X^T X of its inputs for GPTQ (quant/gptq.h); a routed
// expert's gate and up projections see the same inputs and share one matrix. The tied LM head records its inputs
// under the embedding's name (it is the same matrix). Filled on the thread that runs the forward passes; read-only
// afterwards.

#include "nn/weightsource.h"

#include <ATen/ATen.h>

#include <initializer_list>
#include <map>
#include <memory>
#include <string>

namespace moescope {

struct ActivationStats {
    struct Entry {
        at::Tensor sumSquares; // float64 [in] on the CPU
        at::Tensor sumAbs; // float64 [in]
        std::int64_t count = 0; // rows seen
        at::Tensor gram; // float64 [in, in] on the CPU, sum of x x^T; only when `gram` is on
    };
    // The Gram matrices of a large model do not fit in memory (DeepSeek-V2-Lite: 64 experts x 26 layers x 2048^2);
    // collection stops with an UnsupportedError past this many bytes.
    static constexpr std::int64_t kMaxGramBytes = 8ll << 30;

    std::map<std::string, Entry> modules;
    std::int64_t tokens = 0; // calibration tokens run
    bool gram = false; // also collect X^T X per module
    std::int64_t gramBytes = 0; // held by all entries (a shared matrix counted once)

    // Adds rows x [..., in] to a module's entry.
    void add(const std::string& module, const at::Tensor& x);
    // Adds sums computed elsewhere (float64 [in] each).
    void addSums(const std::string& module, const at::Tensor& sumSquares, const at::Tensor& sumAbs,
        std::int64_t count);
    // Adds x^T x (float64 [in, in]) to the first module's Gram matrix; the others share that matrix.
    void addGram(std::initializer_list<std::string> modules, const at::Tensor& gram);
    const Entry* find(const std::string& module) const;
};

// A WeightSource decorator that wraps every projection and expert bank it loads so that forward passes record
// their inputs into stats. For calibration runs only (the recording costs a second pass through each MoE layer's
// gate/up products to see the intermediate activations).
class ActivationRecorder final : public WrappingWeightSource {
public:
    ActivationRecorder(WeightSource& inner, std::shared_ptr<ActivationStats> stats);

    Linear loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias) override;
    Linear loadEmbedding(const std::string& module, std::int64_t rows, std::int64_t cols) override;
    std::unique_ptr<ExpertBank> loadExperts(const std::string& mlpPrefix, const TensorNaming& naming,
        std::int64_t experts, std::int64_t hidden, std::int64_t intermediate) override;

private:
    std::shared_ptr<ActivationStats> m_stats;
};

} // namespace moescope

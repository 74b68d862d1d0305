#pragma once
// Where the blocks get their weights from: a checkpoint on disk (runtime/checkpointweights), random initialisation
// (benchmarks, training) or a quantized checkpoint. Every tensor arrives on the target device in the compute dtype,
// after its shape was checked against the one the configuration implies (ShapeError naming the tensor otherwise).

#include <cstdint>
#include "nn/linear.h"

#include <ATen/ATen.h>

#include <memory>
#include <string>

namespace moescope {

class ExpertBank;
struct TensorNaming;

class WeightSource {
public:
    virtual ~WeightSource() = default;

    virtual bool has(const std::string& name) const = 0;
    // A new tensor of the expected shape. keepFloat32: router weights and biases that the families compute in fp32.
    virtual at::Tensor load(const std::string& name, at::IntArrayRef expectedShape, bool keepFloat32 = false) = 0;
    // Copies the tensor into dst (a slice of a larger tensor, e.g. one expert of a stacked bank); shapes must match.
    virtual void loadInto(const std::string& name, at::Tensor dst) = 0;

    virtual at::TensorOptions options() const = 0; // device + compute dtype of the weights it produces

    // A projection "<module>.weight" [out, in] (+ "<module>.bias" [out]). Sources of quantized weights override it.
    virtual Linear loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias);
    // The routed experts of one MoE layer ("<mlpPrefix>experts.<e>.<proj>.weight", or stacked). Dense by default;
    // sources of quantized weights return a quantized bank.
    virtual std::unique_ptr<ExpertBank> loadExperts(const std::string& mlpPrefix, const TensorNaming& naming,
        std::int64_t experts, std::int64_t hidden, std::int64_t intermediate);
    // An embedding table "<module>.weight" [rows, cols], looked up by token id (and reused as a tied LM head).
    // Sources of quantized weights override it.
    virtual Linear loadEmbedding(const std::string& module, std::int64_t rows, std::int64_t cols);
    // A norm's scale "<module>.weight" [dim].
    at::Tensor loadNorm(const std::string& module, std::int64_t dim) { return load(module + ".weight", { dim }); }
};

// A source that wraps another (quantizing on load, recording activations, keeping a stored format) and passes the
// plain tensor requests on to it; the wrapper overrides what it changes.
class WrappingWeightSource : public WeightSource {
public:
    explicit WrappingWeightSource(WeightSource& inner)
        : m_inner(inner)
    {
    }

    bool has(const std::string& name) const override { return m_inner.has(name); }
    at::Tensor load(const std::string& name, at::IntArrayRef shape, bool keepFloat32 = false) override
    {
        return m_inner.load(name, shape, keepFloat32);
    }
    void loadInto(const std::string& name, at::Tensor dst) override { m_inner.loadInto(name, dst); }
    at::TensorOptions options() const override { return m_inner.options(); }

protected:
    WeightSource& m_inner;
};

} // namespace moescope

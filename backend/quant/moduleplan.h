#pragma once
// The weights a model is built from, in load order, found by constructing the model on LibTorch's meta device
// (shapes only, no memory): every projection (loadLinear), embedding table, routed-expert bank and plain tensor
// (norms, router weights, biases). The quantize command walks it to stream a checkpoint tensor by tensor, and memory
// estimates sum it under a policy, so both see exactly the matrices the runtime will ask for.

#include "nn/modelspec.h"
#include "quant/quantpolicy.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace moescope {

struct PlannedWeight {
    enum class Kind { Linear, Embedding, Experts, Tensor };
    Kind kind = Kind::Tensor;
    std::string name; // module for Linear/Embedding ("<m>.weight"), "<mlp prefix>" for Experts, tensor name else
    std::vector<std::int64_t> shape; // Linear/Embedding: [out, in]; Experts: [E, H, I]; Tensor: its shape
    bool bias = false; // Linear: "<m>.bias" [out] too
    bool fusedExperts = false; // Experts stored as "<prefix>experts.gate_up_proj" / "down_proj"
    ModuleLocation where;
};

struct ModulePlan {
    std::vector<PlannedWeight> weights;
    bool tiedHead = false; // the LM head reuses the embedding table

    // Bytes of the weights under a policy (fullElementBytes: bytes per element of unquantized matrices and tensors).
    std::int64_t weightBytes(const QuantPolicy& policy, int fullElementBytes) const;
    std::int64_t parameterCount() const;
};

// has: whether the checkpoint holds a tensor (decides tied heads and fused expert layouts).
ModulePlan planModules(const ModelSpec& spec, const std::function<bool(const std::string&)>& has);

} // namespace moescope

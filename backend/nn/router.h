#pragma once
// The MoE router of every supported family in one place: softmax or sigmoid scoring, plain, group-limited (V2) or
// bias-corrected group (V3 noaux_tc) selection, optional renormalisation and routed scaling. Scores and weights are
// float32; the logits' matmul runs in float32 or, where the family does so, in the model dtype.

#include <cstdint>
#include "nn/modelspec.h"

#include <ATen/ATen.h>

#include <string>

namespace moescope {

class WeightSource;
struct RouterChoice;

struct RoutingDecision {
    at::Tensor ids; // [T, k] int64
    at::Tensor weights; // [T, k] float32, as applied to the expert outputs
    at::Tensor logits; // [T, experts] float32
    at::Tensor scores; // [T, experts] float32 softmax or sigmoid of the logits (for load-balancing losses)
};

class Router {
public:
    Router() = default;
    Router(const RouterSpec& spec, const std::string& gatePrefix, std::int64_t hidden, WeightSource& weights);

    RoutingDecision route(const at::Tensor& x) const; // x [T, hidden]
    // route(rmsNorm(x + delta)) (normWeight [hidden], eps): returns (x + delta, the norm), the add and the norm done by
    // the router's own kernel where that applies (a decode step on CUDA).
    std::pair<at::Tensor, at::Tensor> addNormAndRoute(const at::Tensor& x, const at::Tensor& delta,
        const at::Tensor& normWeight, double eps, RoutingDecision& decision) const;

    const RouterSpec& spec() const { return m_spec; }
    std::int64_t weightBytes() const;
    // DeepSeek-V3 load balancing adjusts this bias between training steps (no gradient).
    at::Tensor& correctionBias() { return m_bias; }

private:
    bool fusedSelection() const; // the selection fusedRouter makes (plain top-k)
    RouterChoice fusedChoice() const; // the fused kernels' settings for this router's selection

    RouterSpec m_spec;
    at::Tensor m_weight; // [experts, hidden] float32, or the model dtype where the family computes in it
    at::Tensor m_bias; // [experts] float32 (V3) or undefined
};

} // namespace moescope

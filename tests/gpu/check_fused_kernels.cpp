// The fused CUDA decode kernels (nn/fuseddecode) against plain ATen reference computations on random inputs at real
// model shapes; prints one line per case and exits non-zero on any failure. Run on the GPU machine:
//   build/tests/gpu/check_fused_kernels
// Bounds (bf16 outputs, float32 accumulation in a different order than the reference's): max |a - b| <= 2% of the
// reference's largest magnitude (one or two bf16 ulps where a sum's rounding flips), no NaN or Inf.

#include "nn/expertbank.h"
#include "nn/fuseddecode.h"
#include "nn/rmsnorm.h"
#include "nn/rope.h"
#include "quant/fusedquantdecode.h"
#include "quant/quantizer.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <cstdio>

using namespace moescope;

namespace {
int failures = 0;

void report(const char* what, const at::Tensor& got, const at::Tensor& expected, double bound)
{
    const bool finite = at::isfinite(got).all().item<bool>();
    const double rel = ((got.to(at::kFloat) - expected.to(at::kFloat)).abs().max()
        / expected.to(at::kFloat).abs().max().clamp_min(1e-30))
                           .item<double>();
    const bool ok = finite && rel <= bound;
    failures += ok ? 0 : 1;
    std::printf("%-58s max rel diff %.2e (bound %.0e)%s  %s\n", what, rel, bound, finite ? "" : " NON-FINITE",
        ok ? "ok" : "FAILED");
}

void moeCase(std::int64_t tokens, std::int64_t experts, std::int64_t k, std::int64_t hidden, std::int64_t inter)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ tokens, hidden }, opts);
    const auto gateUp = at::randn({ experts, 2 * inter, hidden }, opts) * 0.02;
    const auto down = at::randn({ experts, hidden, inter }, opts) * 0.02;
    const auto ids = std::get<1>(at::rand({ tokens, experts }, opts.dtype(at::kFloat)).topk(k, -1)); // distinct
    const auto weights = at::softmax(at::randn({ tokens, k }, opts.dtype(at::kFloat)), -1);
    if (!fusedMoeDecodeApplies(x, k, gateUp, down)) {
        std::printf("fused MoE decode does not apply to T=%ld E=%ld k=%ld H=%ld I=%ld  FAILED\n", tokens, experts, k,
            hidden, inter);
        ++failures;
        return;
    }
    const auto got = fusedMoeDecode(x, ids, weights, gateUp, down);
    // Reference: the grouped path of the expert bank (sorted slots, grouped GEMMs, combination in expert order).
    const auto a = sortAssignments(ids, weights, experts);
    const auto xs = x.index_select(0, a.tokenOfSlot);
    const auto y = (expertSlotOutputs(xs, gateUp, down, a.groupEnds) * a.weightOfSlot.unsqueeze(1)).to(x.scalar_type());
    const auto expected = combineExpertSlots(x, a, y);
    char what[128];
    std::snprintf(what, sizeof what, "moe decode T=%ld E=%ld k=%ld H=%ld I=%ld", tokens, experts, k, hidden, inter);
    report(what, got, expected, 2e-2);
}

void normCase(std::int64_t rows, std::int64_t d)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ rows, d }, opts) * 3;
    const auto w = at::rand({ d }, opts) + 0.5;
    const auto expected = rmsNormUnfused(x, w, 1e-6);
    if (!fusedRmsNormApplies(x, w)) {
        std::printf("fused rmsnorm does not apply to %ld x %ld  FAILED\n", rows, d);
        ++failures;
        return;
    }
    char what[128];
    std::snprintf(what, sizeof what, "rmsnorm %ld x %ld", rows, d);
    report(what, fusedRmsNorm(x, w, 1e-6), expected, 2e-2);
}
void gemvCase(std::int64_t tokens, std::int64_t in, std::int64_t out, bool bias)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ tokens, in }, opts);
    const auto w = at::randn({ out, in }, opts) * 0.02;
    const auto b = bias ? at::randn({ out }, opts) : at::Tensor();
    char what[128];
    std::snprintf(what, sizeof what, "gemv T=%ld %ld -> %ld%s", tokens, in, out, bias ? " + bias" : "");
    if (!fusedGemvApplies(x, w, b)) {
        std::printf("%s: fused gemv does not apply  FAILED\n", what);
        ++failures;
        return;
    }
    report(what, fusedGemv(x, w, b), bias ? at::linear(x, w, b) : at::linear(x, w), 2e-2);
}

// Quantized experts on the GPU: the fused kernel against the grouped path over the dequantized (bf16) weights.
void quantMoeCase(const char* scheme, std::int64_t tokens, std::int64_t experts, std::int64_t k, std::int64_t hidden,
    std::int64_t inter)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto s = QuantScheme::parse(scheme);
    std::vector<QuantizedTensor> gate, up, down;
    for (std::int64_t e = 0; e < experts; ++e) {
        gate.push_back(quantizeWeight(at::randn({ inter, hidden }, opts) * 0.02, s));
        up.push_back(quantizeWeight(at::randn({ inter, hidden }, opts) * 0.02, s));
        down.push_back(quantizeWeight(at::randn({ hidden, inter }, opts) * 0.02, s));
    }
    const auto g = stackQuantized(gate), u = stackQuantized(up), d = stackQuantized(down);
    const auto x = at::randn({ tokens, hidden }, opts);
    const auto ids = std::get<1>(at::rand({ tokens, experts }, opts.dtype(at::kFloat)).topk(k, -1));
    const auto weights = at::softmax(at::randn({ tokens, k }, opts.dtype(at::kFloat)), -1);
    char what[128];
    std::snprintf(what, sizeof what, "%s moe decode T=%ld E=%ld k=%ld H=%ld I=%ld", scheme, tokens, experts, k, hidden,
        inter);
    if (!fusedQuantMoeDecodeApplies(x, k, g, u, d)) {
        std::printf("%s: fused kernel does not apply  FAILED\n", what);
        ++failures;
        return;
    }
    const auto gateUp = at::cat({ dequantizeWeight(g, at::kBFloat16), dequantizeWeight(u, at::kBFloat16) }, 1);
    const auto a = sortAssignments(ids, weights, experts);
    const auto y = (expertSlotOutputs(x.index_select(0, a.tokenOfSlot), gateUp, dequantizeWeight(d, at::kBFloat16),
                        a.groupEnds)
        * a.weightOfSlot.unsqueeze(1))
                       .to(at::kBFloat16);
    report(what, fusedQuantMoeDecode(x, ids, weights, g, u, d), combineExpertSlots(x, a, y), 2e-2);
}

void quantGemvCase(const char* scheme, std::int64_t tokens, std::int64_t in, std::int64_t out)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto q = quantizeWeight(at::randn({ out, in }, opts) * 0.02, QuantScheme::parse(scheme));
    const auto x = at::randn({ tokens, in }, opts);
    char what[128];
    std::snprintf(what, sizeof what, "%s gemv T=%ld %ld -> %ld", scheme, tokens, in, out);
    if (!fusedQuantGemvApplies(x, q, {})) {
        std::printf("%s: fused kernel does not apply  FAILED\n", what);
        ++failures;
        return;
    }
    report(what, fusedQuantGemv(x, q, {}), at::linear(x, dequantizeWeight(q, at::kBFloat16)), 2e-2);
}

// Queries [T, heads, nope + rope] whose rope part is a strided view, as MLA's are.
void ropeCase(const char* name, bool interleaved, bool float32, std::int64_t tokens, std::int64_t heads,
    std::int64_t dim)
{
    RopeSpec spec;
    spec.dim = static_cast<int>(dim);
    spec.interleaved = interleaved;
    spec.float32Rotation = float32;
    const Rope rope(spec, at::kCUDA);
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto q = at::randn({ tokens, heads, 128 + dim }, opts).narrow(2, 128, dim);
    const auto positions = at::arange(3000, 3000 + tokens, opts.dtype(at::kLong));
    const auto [cos, sin] = rope.cosSin(positions);
    if (!fusedRopeApplies(q, cos)) {
        std::printf("fused rope does not apply to %s  FAILED\n", name);
        ++failures;
        return;
    }
    report(name, rope.apply(q, cos, sin), rope.applyUnfused(q, cos, sin), 2e-2);
}
} // namespace

int main()
{
    if (!at::hasCUDA()) {
        std::printf("no CUDA device\n");
        return 1;
    }
    c10::InferenceMode inference;
    at::manual_seed(1);
    moeCase(1, 64, 8, 2048, 1024); // OLMoE-1B-7B
    moeCase(1, 64, 6, 2048, 1408); // DeepSeek-V2-Lite
    moeCase(1, 128, 8, 2048, 768); // Qwen3-30B-A3B
    moeCase(3, 64, 8, 2048, 1024); // a few tokens at once
    moeCase(1, 8, 2, 4096, 14336); // Mixtral-8x7B
    moeCase(2, 60, 4, 2048, 1408); // Qwen2-MoE-A2.7B
    quantMoeCase("int8", 1, 64, 8, 2048, 1024);
    quantMoeCase("int4-g128", 1, 64, 6, 2048, 1408);
    quantMoeCase("int4-g64-asym", 2, 128, 8, 2048, 768);
    quantMoeCase("int4-g32", 1, 64, 6, 320, 128); // the demo model's shapes
    quantGemvCase("int8", 1, 2048, 2048);
    quantGemvCase("int4-g128", 3, 2048, 512);
    quantGemvCase("int4-g64-asym", 1, 1536, 3072);
    gemvCase(1, 2048, 2048, false);
    gemvCase(3, 2048, 512, true);
    gemvCase(8, 7168, 1536, false);
    gemvCase(5, 1536, 24576, false);
    normCase(2, 100); // not a multiple of 8: the scalar kernel
    normCase(1, 2048);
    normCase(4, 7168);
    normCase(32, 128); // per-head q/k norms
    normCase(1, 512); // MLA's latent norm
    ropeCase("rope halves, bf16 (Qwen, Mixtral, OLMoE) 1 x 32 x 128", false, false, 1, 32, 128);
    ropeCase("rope interleaved to halves, bf16 (DeepSeek-V3) 2 x 16 x 64", true, false, 2, 16, 64);
    ropeCase("rope interleaved, float32 complex (DeepSeek-V2) 1 x 16 x 64", true, true, 1, 16, 64);
    ropeCase("rope halves, float32 1 x 8 x 128", false, true, 1, 8, 128);
    std::printf("%s\n", failures == 0 ? "all fused kernel checks passed" : "FUSED KERNEL CHECKS FAILED");
    return failures == 0 ? 0 : 1;
}

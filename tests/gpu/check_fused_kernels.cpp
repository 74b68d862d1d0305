// The fused CUDA decode kernels (nn/fuseddecode) against plain ATen reference computations on random inputs at real
// model shapes; prints one line per case and exits non-zero on any failure. Run on the GPU machine:
//   build/tests/gpu/check_fused_kernels
// Bounds (bf16 outputs, float32 accumulation in a different order than the reference's): max |a - b| <= 2% of the
// reference's largest magnitude (one or two bf16 ulps where a sum's rounding flips), no NaN or Inf. The prefill
// kernels (nn/fusedprefill) sum nothing in a new order and must be bit-identical to the eager path.

#include "nn/expertbank.h"
#include "nn/fuseddecode.h"
#include "nn/fusedprefill.h"
#include "nn/kernelinputs.h"
#include "nn/router.h"
#include "nn/rmsnorm.h"
#include "nn/rope.h"
#include "quant/fuseddequant.h"
#include "quant/fusedquantdecode.h"
#include "quant/quantizedexpertbank.h"
#include "quant/quantizedlinear.h"
#include "quant/quantizer.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

using namespace moescope;

namespace {
int failures = 0;

// A random [rows, cols] matrix (scale 0.02) quantized in SCHEME; "SCHEME+awq" adds random activation-aware scales in
// [0.5, 1.5) per column (the codes then stand for W * s, whatever s is: every path must divide it out as
// dequantizeWeight does).
QuantizedTensor randomQuantized(std::int64_t rows, std::int64_t cols, const std::string& scheme)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto plus = scheme.find("+awq");
    auto q = quantizeWeight(at::randn({ rows, cols }, opts) * 0.02, QuantScheme::parse(scheme.substr(0, plus)));
    if (plus != std::string::npos)
        q.inputScale = at::rand({ cols }, opts.dtype(at::kFloat)) + 0.5;
    return q;
}

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

// report() for one part of a named case's outputs.
void reportPart(const char* name, const char* part, const at::Tensor& got, const at::Tensor& expected, double bound)
{
    report((std::string(name) + ": " + part).c_str(), got, expected, bound);
}

// A case whose fused path declines its inputs fails (the shapes are ones it must serve).
bool applies(bool ok, const char* kernel, const char* name)
{
    if (!ok) {
        std::printf("%s does not apply to %s  FAILED\n", kernel, name);
        ++failures;
    }
    return ok;
}

// Random routed experts of a bf16 model and a routing of `tokens` tokens to k distinct experts each.
struct RandomMoe {
    at::Tensor x, gateUp, down, ids, weights;
    RandomMoe(std::int64_t tokens, std::int64_t experts, std::int64_t k, std::int64_t hidden, std::int64_t inter,
        at::ScalarType weightType)
    {
        const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
        x = at::randn({ tokens, hidden }, opts);
        gateUp = at::randn({ experts, 2 * inter, hidden }, opts) * 0.02;
        down = at::randn({ experts, hidden, inter }, opts) * 0.02;
        ids = std::get<1>(at::rand({ tokens, experts }, opts.dtype(at::kFloat)).topk(k, -1)); // distinct
        weights = at::softmax(at::randn({ tokens, k }, opts.dtype(at::kFloat)), -1).to(weightType);
    }
};

void moeCase(std::int64_t tokens, std::int64_t experts, std::int64_t k, std::int64_t hidden, std::int64_t inter,
    at::ScalarType weightType = at::kFloat)
{
    const RandomMoe m(tokens, experts, k, hidden, inter, weightType);
    const auto &x = m.x, &gateUp = m.gateUp, &down = m.down, &ids = m.ids, &weights = m.weights;
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
    std::snprintf(what, sizeof what, "moe decode T=%ld E=%ld k=%ld H=%ld I=%ld%s", tokens, experts, k, hidden, inter,
        weightType == at::kBFloat16 ? " (bf16 weights)" : "");
    report(what, got, expected, 2e-2);
    if (tokens == 1)
        return;
    // Several tokens (grouped by expert once they cover half the experts) give each token what it gets alone.
    std::vector<at::Tensor> alone;
    for (std::int64_t t = 0; t < tokens; ++t)
        alone.push_back(fusedMoeDecode(x.narrow(0, t, 1), ids.narrow(0, t, 1), weights.narrow(0, t, 1), gateUp, down));
    const bool same = at::equal(got, at::cat(alone, 0));
    failures += same ? 0 : 1;
    std::printf("%-58s %s\n", "  the same values as each token alone", same ? "ok" : "FAILED");
}

void reportIdentical(const std::string& what, const at::Tensor& got, const at::Tensor& expected)
{
    const bool same = got.sizes() == expected.sizes() && at::equal(got, expected);
    failures += same ? 0 : 1;
    std::printf("%-58s %s\n", what.c_str(), same ? "bit-identical  ok" : "differs  FAILED");
}

// A prefill's routed experts: the SiLU product and the combination of the sorted slots against the eager path.
// Slot outputs [tokens * k, d] of a decode step: k distinct experts of 64 a token (unsorted), softmax weights.
ExpertSlotOutputs randomSlotOutputs(std::int64_t tokens, std::int64_t k, std::int64_t d)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    ExpertSlotOutputs slots;
    slots.y = at::randn({ tokens * k, d }, opts);
    slots.ids = std::get<1>(at::rand({ tokens, 64 }, opts.dtype(at::kFloat)).topk(k, -1)); // distinct, unsorted
    slots.weights = at::softmax(at::randn({ tokens, k }, opts.dtype(at::kFloat)), -1);
    return slots;
}

void prefillMoeCase(std::int64_t tokens, std::int64_t experts, std::int64_t k, std::int64_t hidden, std::int64_t inter,
    at::ScalarType weightType = at::kFloat)
{
    const RandomMoe m(tokens, experts, k, hidden, inter, weightType);
    const auto &x = m.x, &ids = m.ids, &weights = m.weights;
    const auto a = sortAssignments(ids, weights, experts);
    const auto gu = groupedMatmul(x.index_select(0, a.tokenOfSlot), m.gateUp.transpose(1, 2), a.groupEnds); // [S, 2I]
    const auto name = "prefill T=" + std::to_string(tokens) + " E=" + std::to_string(experts) + " k="
        + std::to_string(k) + " H=" + std::to_string(hidden) + " I=" + std::to_string(inter)
        + (weightType == at::kBFloat16 ? " (bf16 weights)" : "");
    if (!applies(fusedSiluProductApplies(gu), "fused SiLU product", name.c_str())
        || !applies(fusedCombineSortedApplies(gu, ids), "fused combine", name.c_str()))
        return;
    const auto h = at::silu(gu.narrow(1, 0, inter)) * gu.narrow(1, inter, inter);
    reportIdentical(name + ": SiLU product", fusedSiluProduct(gu), h);
    const auto y = groupedMatmul(h, m.down.transpose(1, 2), a.groupEnds); // [S, H]
    const auto expected = combineExpertSlots(x, a, (y * a.weightOfSlot.unsqueeze(1)).to(x.scalar_type()));
    reportIdentical(name + ": combination", fusedCombineSorted(y, a.slotOrder, ids, weights), expected);
}

// The combination of many tokens' slot outputs (a block a token) gives what combining fewer tokens at a time does
// (a thread a value), bit for bit.
void combineManyTokensCase(std::int64_t tokens, std::int64_t k, std::int64_t hidden)
{
    const auto slots = randomSlotOutputs(tokens, k, hidden);
    std::vector<at::Tensor> parts;
    for (std::int64_t first = 0; first < tokens; first += 32) {
        const auto n = std::min<std::int64_t>(32, tokens - first);
        ExpertSlotOutputs part;
        part.y = slots.y.narrow(0, first * k, n * k);
        part.ids = slots.ids.narrow(0, first, n);
        part.weights = slots.weights.narrow(0, first, n);
        parts.push_back(fusedCombineSlots(part));
    }
    reportIdentical("combine " + std::to_string(tokens) + " tokens k=" + std::to_string(k) + " H="
            + std::to_string(hidden) + " = 32 tokens at a time",
        fusedCombineSlots(slots), at::cat(parts, 0));
}

// A dense MLP's SiLU product of its two projections' outputs (decode rows and a prefill), against the eager path.
void denseSiluProductCase(std::int64_t rows, std::int64_t inter)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto gate = at::randn({ rows, inter }, opts) * 4, up = at::randn({ rows, inter }, opts) * 4;
    const auto name = "dense SiLU product N=" + std::to_string(rows) + " I=" + std::to_string(inter);
    if (applies(fusedSiluProductApplies(gate, up), "fused SiLU product", name.c_str()))
        reportIdentical(name, fusedSiluProduct(gate, up), at::silu(gate) * up);
}

// MLA's heads for its expanded attention: queries (the no-rope part a slice of the projection, the rotated part its
// own tensor) and keys (kv_b's no-rope slices, one rotated part expanded over the heads, a slice of kv_a's output),
// bit for bit at::cat.
void concatHeadsCase(std::int64_t rows, std::int64_t heads, std::int64_t nope, std::int64_t rope, std::int64_t v)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto q = at::randn({ rows, heads, nope + rope }, opts);
    const auto qPe = at::randn({ rows, heads, rope }, opts);
    const auto kv = at::randn({ rows, heads, nope + v }, opts);
    const auto compressed = at::randn({ rows, 512 + rope }, opts); // kv_a's output: latent, then the rotated part
    const auto kPe = compressed.narrow(1, 512, rope).unsqueeze(1).expand({ rows, heads, rope });
    const auto name = "MLA heads N=" + std::to_string(rows) + " H=" + std::to_string(heads);
    const auto qNope = q.narrow(2, 0, nope), kNope = kv.narrow(2, 0, nope);
    if (applies(fusedConcatHeadsApplies(qNope, qPe), "fused head concatenation", name.c_str()))
        reportIdentical(name + ": queries", fusedConcatHeads(qNope, qPe), at::cat({ qNope, qPe }, 2));
    if (applies(fusedConcatHeadsApplies(kNope, kPe), "fused head concatenation", name.c_str()))
        reportIdentical(name + ": keys", fusedConcatHeads(kNope, kPe), at::cat({ kNope, kPe }, 2));
}

// A decode step's embedding lookup and first norm in one kernel: bit for bit the lookup, then the fused norm.
void embedNormCase(std::int64_t vocab, std::int64_t d, std::vector<std::int64_t> tokens)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto table = at::randn({ vocab, d }, opts);
    const auto w = at::rand({ d }, opts) + 0.5;
    const auto ids = at::tensor(tokens, at::kLong).to(at::kCUDA);
    const auto what = "embedding + norm " + std::to_string(tokens.size()) + " of " + std::to_string(vocab) + " x "
        + std::to_string(d);
    if (!applies(fusedEmbedRmsNormApplies(table, ids, w), "fused embedding + norm", what.c_str()))
        return;
    const auto [x, normed] = fusedEmbedRmsNorm(table, ids, w, 1e-6);
    const auto rows = at::embedding(table, ids);
    reportIdentical(what + ": rows", x, rows);
    reportIdentical(what + ": norm", normed, fusedRmsNorm(rows, w, 1e-6));
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
// One token's projection (several tokens' are cuBLAS's: the GEMV must not take them).
void gemvCase(std::int64_t in, std::int64_t out, bool bias)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ 1, in }, opts);
    const auto w = at::randn({ out, in }, opts) * 0.02;
    const auto b = bias ? at::randn({ out }, opts) : at::Tensor();
    char what[128];
    std::snprintf(what, sizeof what, "gemv %ld -> %ld%s", in, out, bias ? " + bias" : "");
    if (!fusedGemvApplies(x, w, b)) {
        std::printf("%s: fused gemv does not apply  FAILED\n", what);
        ++failures;
        return;
    }
    report(what, fusedGemv(x, w, b), bias ? at::linear(x, w, b) : at::linear(x, w), 2e-2);
    const bool leftToCublas = !fusedGemvApplies(at::cat({ x, x }), w, b);
    failures += leftToCublas ? 0 : 1;
    std::printf(
        "%-58s %s\n", (std::string(what) + ": two tokens left to cuBLAS").c_str(), leftToCublas ? "ok" : "FAILED");
}

// Several projections of one token's input in one launch (attention's q, k, v with biases as Qwen2's).
void gemvsCase(std::int64_t in, std::vector<std::int64_t> outs, bool bias)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ 1, in }, opts);
    std::vector<at::Tensor> weights, biases;
    for (const auto out : outs) {
        weights.push_back(at::randn({ out, in }, opts) * 0.02);
        biases.push_back(bias ? at::randn({ out }, opts) : at::Tensor());
    }
    if (!fusedGemvsApply(x, weights, biases)) {
        std::printf("fused projections do not apply  FAILED\n");
        ++failures;
        return;
    }
    const auto got = fusedGemvs(x, weights, biases);
    for (std::size_t i = 0; i < outs.size(); ++i) {
        char what[128];
        std::snprintf(what, sizeof what, "projections %ld -> %ld (%zu of %zu)%s", in, outs[i], i + 1, outs.size(),
            bias ? " + bias" : "");
        report(what, got[i], bias ? at::linear(x, weights[i], biases[i]) : at::linear(x, weights[i]), 2e-2);
    }
}

// Many rows (prefill) go through the kernel that sums in ATen's order: the eager norm's outputs bit for bit, with and
// without the residual add; per-head norms as [T, heads, dim].
void atenOrderNormCase(std::int64_t tokens, std::int64_t heads, std::int64_t d)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = (at::randn({ tokens, heads * d }, opts) * 3).view({ tokens, heads, d });
    const auto delta = at::randn({ tokens, heads, d }, opts);
    const auto w = at::rand({ d }, opts) + 0.5;
    char what[128];
    std::snprintf(what, sizeof what, "rmsnorm in ATen's order %ld x %ld x %ld", tokens, heads, d);
    if (!applies(fusedRmsNormApplies(x, w) && fusedAddRmsNormApplies(x, delta, w), "fused rmsnorm", what))
        return;
    reportIdentical(what, fusedRmsNorm(x, w, 1e-6), rmsNormUnfused(x, w, 1e-6));
    const auto [sum, normed] = fusedAddRmsNorm(x, delta, w, 1e-6);
    reportIdentical(std::string(what) + ": add, sum", sum, x + delta);
    reportIdentical(std::string(what) + ": add, norm", normed, rmsNormUnfused(x + delta, w, 1e-6));
}

// MLA's latent norm reads the first c columns of kv_a's output [T, c + rope]: a slice, normalised bit for bit too.
void atenOrderSliceNormCase(std::int64_t tokens, std::int64_t c, std::int64_t rope)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto latent = (at::randn({ tokens, c + rope }, opts) * 3).narrow(1, 0, c);
    const auto w = at::rand({ c }, opts) + 0.5;
    char what[128];
    std::snprintf(what, sizeof what, "rmsnorm in ATen's order, slice %ld x %ld of %ld", tokens, c, c + rope);
    if (applies(fusedRmsNormApplies(latent, w), "fused rmsnorm", what))
        reportIdentical(what, fusedRmsNorm(latent, w, 1e-6), rmsNormUnfused(latent, w, 1e-6));
}

void addNormCase(std::int64_t rows, std::int64_t d)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ rows, d }, opts) * 3;
    const auto delta = at::randn({ rows, d }, opts);
    const auto w = at::rand({ d }, opts) + 0.5;
    if (!fusedAddRmsNormApplies(x, delta, w)) {
        std::printf("fused add + rmsnorm does not apply to %ld x %ld  FAILED\n", rows, d);
        ++failures;
        return;
    }
    const auto [sum, normed] = fusedAddRmsNorm(x, delta, w, 1e-6);
    const auto expectedSum = x + delta;
    char what[128];
    std::snprintf(what, sizeof what, "add + rmsnorm %ld x %ld: sum (exact)", rows, d);
    report(what, sum, expectedSum, 0.0);
    std::snprintf(what, sizeof what, "add + rmsnorm %ld x %ld: norm", rows, d);
    report(what, normed, rmsNormUnfused(expectedSum, w, 1e-6), 2e-2);
}

// The residual add and RMSNorm before a router done by the router's logits kernel: bit for bit the add + norm kernel
// followed by the router's kernels (sum, norm, logits, scores, ids, weights).
void addNormRouterCase(const char* name, std::int64_t tokens, std::int64_t experts, std::int64_t k, std::int64_t hidden,
    bool float32Weight, bool sigmoid, bool withBias, bool normalize, double scaling)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ tokens, hidden }, opts) * 3;
    const auto delta = at::randn({ tokens, hidden }, opts);
    const auto normWeight = at::rand({ hidden }, opts) + 0.5;
    const auto w = (at::randn({ experts, hidden }, opts.dtype(at::kFloat)) * 0.05)
                       .to(float32Weight ? at::kFloat : at::kBFloat16);
    const auto bias = withBias ? at::randn({ experts }, opts.dtype(at::kFloat)) * 0.1 : at::Tensor();
    const auto what = std::string("add + norm + router ") + name;
    if (!applies(fusedAddNormRouterApplies(x, delta, normWeight, w, k), "fused add + norm + router", what.c_str()))
        return;
    RoutingDecision d;
    const RouterChoice choice { k, sigmoid, bias, normalize, scaling };
    const auto [sum, normed] = fusedAddNormRouter(x, delta, normWeight, 1e-6, w, choice, d);
    const auto [expectedSum, expectedNormed] = fusedAddRmsNorm(x, delta, normWeight, 1e-6);
    const auto expected = fusedRouter(expectedNormed, w, choice);
    reportIdentical(what + ": sum", sum, expectedSum);
    reportIdentical(what + ": norm", normed, expectedNormed);
    reportIdentical(what + ": logits", d.logits, expected.logits);
    reportIdentical(what + ": scores", d.scores, expected.scores);
    reportIdentical(what + ": ids", d.ids, expected.ids);
    reportIdentical(what + ": weights", d.weights, expected.weights);
}

// The greedy choice at the end of a decode step: at::argmax of the logits (the first of equal largest values, NaN
// above everything) and the position advanced by one. tie / nan: indices where the largest value (or NaN) is put.
void greedyNextCase(const char* name, std::int64_t vocab, std::vector<std::int64_t> ties,
    std::vector<std::int64_t> nans, at::ScalarType type = at::kFloat)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(type);
    auto logits = at::randn({ 1, vocab }, opts) * 4;
    for (const auto i : ties)
        logits.index_put_({ 0, i }, 30.f);
    for (const auto i : nans)
        logits.index_put_({ 0, i }, NAN);
    auto inputs = at::tensor({ std::int64_t { 5 }, std::int64_t { 2047 } }, at::kLong).to(at::kCUDA);
    const auto what = std::string("greedy choice ") + name;
    if (!applies(fusedGreedyNextApplies(logits, inputs), "greedy choice", what.c_str()))
        return;
    fusedGreedyNext(logits, inputs);
    const auto expected = at::cat({ logits.argmax(-1), at::full({ 1 }, 2048, inputs.options()) }); // [2]
    reportIdentical(what, inputs, expected);
}

// A decode step's MoE output added to the residual stream by the next norm's kernel (slot outputs combined in its
// pass): bit for bit the combination kernel (+ the shared output) followed by the add + norm kernel, and float32
// weights read as bf16 values give what weights converted to bf16 give.
void combineAddNormCase(std::int64_t tokens, std::int64_t k, std::int64_t d, bool roundWeights, bool shared)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ tokens, d }, opts) * 3;
    const auto w = at::rand({ d }, opts) + 0.5;
    auto slots = randomSlotOutputs(tokens, k, d);
    slots.roundWeightsToBf16 = roundWeights;
    if (shared)
        slots.shared = at::randn({ tokens, d }, opts);
    char what[160];
    std::snprintf(what, sizeof what, "combine + add + rmsnorm T=%ld k=%ld d=%ld%s%s", tokens, k, d,
        roundWeights ? " (weights as bf16)" : "", shared ? " + shared" : "");
    if (!applies(fusedCombineAddRmsNormApplies(x, slots, w), "fused combine + add + rmsnorm", what))
        return;
    const auto [sum, normed] = fusedCombineAddRmsNorm(x, slots, w, 1e-6);
    const auto combined = fusedCombineSlots(slots);
    const auto [expectedSum, expectedNormed] = fusedAddRmsNorm(x, combined, w, 1e-6);
    reportIdentical(std::string(what) + ": sum", sum, expectedSum);
    reportIdentical(std::string(what) + ": norm", normed, expectedNormed);
    if (roundWeights) {
        auto converted = slots;
        converted.weights = slots.weights.to(at::kBFloat16);
        converted.roundWeightsToBf16 = false;
        reportIdentical(std::string(what) + ": weights converted first", combined, fusedCombineSlots(converted));
    }
}

// A router decision's scores, ids and weights against plain ATen applied to its own logits.
void checkSelection(const char* name, const RoutingDecision& d, const RouterChoice& choice)
{
    const auto& [k, sigmoid, bias, normalize, scaling] = choice;
    char what[128];
    const auto scores = sigmoid ? at::sigmoid(d.logits) : at::softmax(d.logits, -1);
    std::snprintf(what, sizeof what, "router %s: scores", name);
    report(what, d.scores, scores, 1e-5);
    // Ties (bf16 logits tie often) go to the lower id, as a stable sort orders them.
    const auto ids
        = std::get<1>(at::sort(bias.defined() ? scores + bias : scores, true, -1, true)).narrow(-1, 0, k).contiguous();
    auto weights = scores.gather(1, ids);
    if (normalize)
        weights = weights / (weights.sum(-1, true) + 1e-20);
    weights = weights * scaling;
    const bool sameIds = at::equal(d.ids, ids);
    failures += sameIds ? 0 : 1;
    std::printf("%-58s %s\n", (std::string("router ") + name + ": expert ids, in order").c_str(),
        sameIds ? "identical  ok" : "DIFFER  FAILED");
    std::snprintf(what, sizeof what, "router %s: weights", name);
    report(what, d.weights, weights, 1e-5);
}

// The fused router in two parts: its logits against the plain product (bf16 weights round the product like a bf16
// matmul), and its selection, weights and scores against plain ATen applied to its own logits (so that a logit
// differing in the last bf16 place cannot flip a near-tie between the two and fail the check).
void routerCase(const char* name, std::int64_t tokens, std::int64_t experts, std::int64_t k, std::int64_t hidden,
    bool float32Weight, bool sigmoid, bool withBias, bool normalize, double scaling)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ tokens, hidden }, opts);
    const auto w = (at::randn({ experts, hidden }, opts.dtype(at::kFloat)) * 0.05).to(float32Weight ? at::kFloat : at::kBFloat16);
    const auto bias = withBias ? at::randn({ experts }, opts.dtype(at::kFloat)) * 0.1 : at::Tensor();
    if (!applies(fusedRouterApplies(x, w, k), "fused router", name))
        return;
    const RouterChoice choice { k, sigmoid, bias, normalize, scaling };
    const auto d = fusedRouter(x, w, choice);
    char what[128];
    std::snprintf(what, sizeof what, "router %s: logits", name);
    report(what, d.logits, at::linear(x.to(w.scalar_type()), w).to(at::kFloat), float32Weight ? 1e-5 : 1e-2);
    checkSelection(name, d, choice);
}

// The selection alone from logits a GEMM computed (a batched step's or a prefill's router), many tokens at once.
void routerSelectionCase(const char* name, std::int64_t tokens, std::int64_t experts, std::int64_t k, bool sigmoid,
    bool withBias, bool normalize, double scaling)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    // bf16 logits, as a bf16 router's product gives them: many ties.
    const auto logits = at::linear(at::randn({ tokens, 2048 }, opts), at::randn({ experts, 2048 }, opts) * 0.05)
                            .to(at::kFloat);
    const auto bias = withBias ? at::randn({ experts }, opts.dtype(at::kFloat)) * 0.1 : at::Tensor();
    if (!applies(fusedRouterSelectionApplies(logits, k), "fused router selection", name))
        return;
    const RouterChoice choice { k, sigmoid, bias, normalize, scaling };
    checkSelection(name, fusedRouterSelection(logits, choice), choice);
}

// Quantized experts on the GPU: the fused kernel against the grouped path over the dequantized (bf16) weights.
void quantMoeCase(const char* scheme, std::int64_t tokens, std::int64_t experts, std::int64_t k, std::int64_t hidden,
    std::int64_t inter)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    std::vector<QuantizedTensor> gate, up, down;
    for (std::int64_t e = 0; e < experts; ++e) {
        gate.push_back(randomQuantized(inter, hidden, scheme));
        up.push_back(randomQuantized(inter, hidden, scheme));
        down.push_back(randomQuantized(hidden, inter, scheme));
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
    // Slots of id -1 (another stack's, in a mixed bank) are skipped: every third slot's row keeps what it held, the
    // others are bit for bit the step's rows without skipping.
    const auto slots = fusedQuantMoeDecodeSlots(x, ids, g, u, d); // [S, H]
    const auto skipped = at::arange(tokens * k, ids.options()).remainder(3).eq(0); // [S]
    auto into = at::full({ tokens * k, hidden }, -7.0, opts);
    fusedQuantMoeDecodeSlots(x, ids.masked_fill(skipped.view(ids.sizes()), -1), g, u, d, into);
    reportIdentical(std::string(what) + ": slots of id -1 skipped", into.cpu(),
        at::where(skipped.unsqueeze(1), at::full_like(slots, -7.0), slots).cpu());
    // The model's ids through a stack index (a mixed bank's stack): the experts' places reversed, every third expert
    // another stack's (-1); bit for bit the step on the places looked up first.
    auto index = at::arange(experts - 1, -1, -1, ids.options()); // [E]
    index.masked_fill_(at::arange(experts, ids.options()).remainder(3).eq(0), -1);
    auto viaIndex = at::full({ tokens * k, hidden }, -7.0, opts), lookedUp = viaIndex.clone();
    fusedQuantMoeDecodeSlots(x, ids, g, u, d, viaIndex, index);
    fusedQuantMoeDecodeSlots(x, index.index_select(0, ids.reshape({ -1 })).view(ids.sizes()), g, u, d, lookedUp);
    reportIdentical(std::string(what) + ": model ids through a stack index", viaIndex.cpu(), lookedUp.cpu());
}

// A quantized projection of `tokens` rows: through the fused GEMV (viaGemv) or, past the tokens the CUDA-core GEMV
// suits (INT8, FP8, INT4 in groups other than 128), through the linear layer, which dequantizes into a GEMM.
void quantGemvCase(const char* scheme, std::int64_t tokens, std::int64_t in, std::int64_t out, bool viaGemv = true)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto q = randomQuantized(out, in, scheme);
    const auto x = at::randn({ tokens, in }, opts);
    char what[128];
    std::snprintf(what, sizeof what, "%s %s T=%ld %ld -> %ld", scheme, viaGemv ? "gemv" : "linear, dequantized",
        tokens, in, out);
    if (fusedQuantGemvApplies(x, q, {}) != viaGemv) {
        std::printf("%s: %s  FAILED\n", what, viaGemv ? "fused kernel does not apply" : "the CUDA-core GEMV takes it");
        ++failures;
        return;
    }
    const auto got = viaGemv ? fusedQuantGemv(x, q, {}) : QuantizedLinearWeights(q, {}, at::kBFloat16).forward(x);
    report(what, got, at::linear(x, dequantizeWeight(q, at::kBFloat16)), 2e-2);
}

// Several quantized projections of one x in one launch (attention's q, k and v), each against its own product.
void quantGemvsCase(const char* scheme, std::int64_t tokens, std::int64_t in, std::vector<std::int64_t> outs)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    std::vector<QuantizedTensor> qs;
    std::vector<at::Tensor> biases;
    for (std::size_t i = 0; i < outs.size(); ++i) {
        qs.push_back(quantizeWeight(at::randn({ outs[i], in }, opts) * 0.02, QuantScheme::parse(scheme)));
        biases.push_back(i == 0 ? at::randn({ outs[i] }, opts) : at::Tensor()); // the first with a bias
    }
    std::vector<const QuantizedTensor*> weights;
    for (const auto& q : qs)
        weights.push_back(&q);
    const auto x = at::randn({ tokens, in }, opts);
    if (!fusedQuantGemvsApply(x, weights, biases)) {
        std::printf("%s gemvs T=%ld: fused kernel does not apply  FAILED\n", scheme, tokens);
        ++failures;
        return;
    }
    const auto got = fusedQuantGemvs(x, weights, biases);
    for (std::size_t i = 0; i < outs.size(); ++i) {
        char what[128];
        std::snprintf(what, sizeof what, "%s gemvs T=%ld %ld -> %ld (target %zu of %zu)", scheme, tokens, in, outs[i],
            i + 1, outs.size());
        const auto w = dequantizeWeight(qs[i], at::kBFloat16);
        report(what, got[i], biases[i].defined() ? at::linear(x, w, biases[i]) : at::linear(x, w), 2e-2);
    }
}

// A rotary embedding on CUDA for dim rotated dims.
Rope cudaRope(std::int64_t dim, bool interleaved, bool float32)
{
    RopeSpec spec;
    spec.dim = static_cast<int>(dim);
    spec.interleaved = interleaved;
    spec.float32Rotation = float32;
    return Rope(spec, at::kCUDA);
}

// Queries [T, heads, nope + rope] whose rope part is a strided view, as MLA's are.
void ropeCase(const char* name, bool interleaved, bool float32, std::int64_t tokens, std::int64_t heads,
    std::int64_t dim)
{
    const Rope rope = cudaRope(dim, interleaved, float32);
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto q = at::randn({ tokens, heads, 128 + dim }, opts).narrow(2, 128, dim);
    const auto positions = at::arange(3000, 3000 + tokens, opts.dtype(at::kLong));
    const auto [cos, sin] = rope.cosSin(positions);
    if (float32 && tokens * heads > 128) { // prefill keeps the eager float32 rotation (it rounds differently)
        const bool declined = !fusedRopeApplies(q, cos, true);
        failures += declined ? 0 : 1;
        std::printf("%-58s %s\n", name, declined ? "left to the eager path  ok" : "fused  FAILED");
        return;
    }
    if (!applies(fusedRopeApplies(q, cos, float32), "fused rope", name))
        return;
    if (float32)
        report(name, rope.apply(q, cos, sin), rope.applyUnfused(q, cos, sin), 2e-2);
    else // elementwise with the same roundings: identical at any size
        reportIdentical(name, rope.apply(q, cos, sin), rope.applyUnfused(q, cos, sin));
}
// A rotary embedding's cos / sin in one kernel against the ATen expression, bit for bit: decode positions and a
// prompt's, far positions (float32 rounds them), YaRN's attention factor.
void ropeAnglesCase(const char* name, const RopeSpec& spec, std::int64_t first, std::int64_t tokens)
{
    const Rope rope(spec, at::Device(at::kCUDA));
    const auto positions = at::arange(first, first + tokens, at::TensorOptions().device(at::kCUDA).dtype(at::kLong));
    if (!applies(fusedRopeAnglesApply(positions, rope.inverseFrequencies()), "fused rope angles", name))
        return;
    const auto [cos, sin] = rope.cosSin(positions);
    const auto [expectedCos, expectedSin] = rope.cosSinUnfused(positions);
    reportIdentical(std::string(name) + ": cos", cos, expectedCos);
    reportIdentical(std::string(name) + ": sin", sin, expectedSin);
}

// A step's rotation and cache write in one kernel against rotating with the plain path and index_copy_ into the cache;
// the cache rows not written must stay as they were. With norms (per head, or over a token's whole projection), q
// and k are normalised first against the plain rmsNorm.
enum class StepNorm { None, PerHead, FullProjection };
// Random q/k norm weights of a step (none for StepNorm::None).
StepQkNorms randomStepNorms(StepNorm norm, std::int64_t heads, std::int64_t kvHeads, std::int64_t dim)
{
    StepQkNorms norms;
    if (norm == StepNorm::None)
        return norms;
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    norms.perHead = norm == StepNorm::PerHead;
    norms.eps = 1e-6;
    norms.q = at::rand({ norms.perHead ? dim : heads * dim }, opts) + 0.5;
    norms.k = at::rand({ norms.perHead ? dim : kvHeads * dim }, opts) + 0.5;
    return norms;
}
void ropeStepCase(const char* name, bool interleaved, std::int64_t tokens, std::int64_t heads, std::int64_t kvHeads,
    std::int64_t dim, StepNorm norm = StepNorm::None)
{
    const Rope rope = cudaRope(dim, interleaved, false);
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto qkv = at::randn({ tokens, (heads + 2 * kvHeads) * dim }, opts); // one projection's output, split
    const auto q = qkv.narrow(1, 0, heads * dim).view({ tokens, heads, dim });
    const auto k = qkv.narrow(1, heads * dim, kvHeads * dim).view({ tokens, kvHeads, dim });
    const auto v = qkv.narrow(1, (heads + kvHeads) * dim, kvHeads * dim).view({ tokens, kvHeads, dim });
    const auto positions = at::arange(700, 700 + tokens, opts.dtype(at::kLong));
    const auto [cos, sin] = rope.cosSin(positions);
    const StepQkNorms norms = randomStepNorms(norm, heads, kvHeads, dim);
    auto normed = [&](const at::Tensor& x, const at::Tensor& w) { // the plain path's norm of [T, heads, dim]
        if (norm == StepNorm::PerHead)
            return rmsNormUnfused(x, w, norms.eps);
        return rmsNormUnfused(x.reshape({ tokens, -1 }), w, norms.eps).view(x.sizes());
    };
    at::Tensor qIn = q, kIn = k;
    if (norm != StepNorm::None) {
        qIn = normed(q, norms.q);
        kIn = normed(k, norms.k);
    }
    auto cacheK = at::randn({ 1024, kvHeads, dim }, opts);
    auto cacheV = at::randn({ 1024, kvHeads, dim }, opts);
    auto expectedK = cacheK.clone().index_copy_(0, positions, rope.applyUnfused(kIn, cos, sin));
    auto expectedV = cacheV.clone().index_copy_(0, positions, v);
    const auto got = rope.applyStoringKeys(q, k, v, cos, sin, positions, cacheK, cacheV, norms);
    if (!applies(got.defined(), "fused rope + cache write", name))
        return;
    reportPart(name, "queries", got, rope.applyUnfused(qIn, cos, sin), 2e-2);
    reportPart(name, "key cache", cacheK, expectedK, 2e-2);
    reportPart(name, "value cache (exact)", cacheV, expectedV, 0.0);
}

// A dense MLP's gate, up and SiLU product in one kernel against the plain linear products and at::silu.
void gatedGemvCase(std::int64_t tokens, std::int64_t hidden, std::int64_t inter)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ tokens, hidden }, opts);
    const auto gate = (at::randn({ inter, hidden }, opts) * 0.05).to(at::kBFloat16);
    const auto up = (at::randn({ inter, hidden }, opts) * 0.05).to(at::kBFloat16);
    char what[96];
    std::snprintf(what, sizeof what, "gated gemv (SiLU) T=%lld %lld -> %lld", static_cast<long long>(tokens),
        static_cast<long long>(hidden), static_cast<long long>(inter));
    if (!applies(fusedGatedGemvApplies(x, gate, up), "fused gated gemv", what))
        return;
    report(what, fusedGatedGemv(x, gate, up), at::silu(at::linear(x, gate)) * at::linear(x, up), 2e-2);
}

// An MLA step's latent norm, rotations and cache write in one kernel against the plain norm, rotation and index_copy_;
// rows not written must stay as they were.
void mlaStepCase(const char* name, bool float32Rope, std::int64_t tokens, std::int64_t heads)
{
    const std::int64_t nope = 128, rope = 64, c = 512;
    const Rope r = cudaRope(rope, true, float32Rope);
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto projected = at::randn({ tokens, heads * (nope + rope) + c + rope }, opts); // q and kv_a in one output
    const auto qPe = projected.narrow(1, 0, heads * (nope + rope)).view({ tokens, heads, nope + rope }).narrow(2, nope, rope);
    const auto compressed = projected.narrow(1, heads * (nope + rope), c + rope);
    const auto normWeight = at::rand({ c }, opts) + 0.5;
    const auto positions = at::arange(300, 300 + tokens, opts.dtype(at::kLong));
    const auto [cos, sin] = r.cosSin(positions);
    auto cacheLatent = at::randn({ 512, c }, opts);
    auto cacheKPe = at::randn({ 512, rope }, opts);
    const auto expectedLatent
        = cacheLatent.clone().index_copy_(0, positions, rmsNormUnfused(compressed.narrow(1, 0, c), normWeight, 1e-6));
    const auto expectedKPe = cacheKPe.clone().index_copy_(
        0, positions, r.applyUnfused(compressed.narrow(1, c, rope).unsqueeze(1), cos, sin).squeeze(1));
    const auto got = r.applyStoringLatent(qPe, compressed, normWeight, 1e-6, cos, sin, positions, cacheLatent, cacheKPe);
    if (!applies(got.defined(), "fused MLA step", name))
        return;
    reportPart(name, "query rope parts", got, r.applyUnfused(qPe, cos, sin), 2e-2);
    reportPart(name, "latent cache", cacheLatent, expectedLatent, 2e-2);
    reportPart(name, "rope key cache", cacheKPe, expectedKPe, 2e-2);
}
// MLA attention of a decode step in latent space (one kernel chain) against nn/attention.cpp's absorbed ATen
// computation (bf16 products, float32 softmax) and a float32 reference. Inputs scaled so that the scores spread over
// a few units (softmax neither flat nor one-hot): a wrong mask, key or head shows. The float32 bound is looser: both
// bf16 computations round the scores' halves to bf16 before the softmax, and a raw score near 100 has an ulp of 0.5,
// ~0.04 after scaling, which moves a probability by ~4%.
void mlaCase(const char* name, std::int64_t tokens, std::int64_t heads, std::int64_t span, std::int64_t firstPosition)
{
    const std::int64_t nope = 128, rope = 64, v = 128, c = 512;
    const double scale = 1.0 / std::sqrt(static_cast<double>(nope + rope));
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto q = at::randn({ tokens, heads, nope + rope }, opts); // q_proj's output, split like the model splits it
    const auto qNope = q.narrow(2, 0, nope);
    const auto qPe = (at::randn({ tokens, heads, rope }, opts) * 0.5).to(at::kBFloat16);
    const auto kvB = (at::randn({ heads, nope + v, c }, opts) * 0.16).to(at::kBFloat16);
    const auto cacheLatent = at::randn({ 1024, c }, opts);
    const auto cacheKPe = (at::randn({ 1024, rope }, opts) * 0.5).to(at::kBFloat16);
    const auto latent = cacheLatent.narrow(0, 0, span);
    const auto kPe = cacheKPe.narrow(0, 0, span);
    const auto positions = at::arange(firstPosition, firstPosition + tokens, opts.dtype(at::kLong));
    if (!applies(fusedMlaDecodeApplies(qNope, qPe, kvB, v, latent, kPe), "fused MLA decode", name))
        return;
    const auto got = fusedMlaDecode(qNope, qPe, kvB, v, latent, kPe, positions, scale); // [T, H * v]
    const auto allowed = at::arange(span, positions.options()).unsqueeze(0) <= positions.unsqueeze(1); // [T, S]
    auto reference = [&](at::ScalarType type) {
        const auto wUk = kvB.narrow(1, 0, nope).to(type), wUv = kvB.narrow(1, nope, v).to(type); // [H, *, c]
        const auto qLatent = at::matmul(qNope.to(type).transpose(0, 1), wUk); // [H, T, c]
        auto scores = (at::matmul(qLatent, latent.to(type).t()) + at::matmul(qPe.to(type).transpose(0, 1), kPe.to(type).t()))
                          .to(at::kFloat) * scale; // [H, T, S]
        scores = scores.masked_fill(allowed.logical_not().unsqueeze(0), -std::numeric_limits<float>::infinity());
        const auto probs = at::softmax(scores, -1).to(type);
        const auto out = at::matmul(at::matmul(probs, latent.to(type)), wUv.transpose(1, 2)); // [H, T, v]
        return out.transpose(0, 1).reshape({ tokens, heads * v });
    };
    reportPart(name, "vs bf16 ATen path", got, reference(at::kBFloat16), 2e-2);
    reportPart(name, "vs float32", got, reference(at::kFloat), 1e-1);
}

// GQA attention of a one-token decode step over a cache of `span` keys at `position` (later keys, and window or more
// back, masked) against SDPA in bf16 (the eager path) and float32. The cache from the position on holds large
// values: a key read without its mask shows. The position's own row is written by the rope step's kernel just before
// the attention, as in a step (the attention loads every other row before waiting for that kernel); a read of the
// row before that write would see the large value.
// Also: the whole step from its projections in one kernel fewer (fusedGqaDecodeStep, with `norm`'s q/k norms) gives
// the rotation + cache write kernel's and the attention kernels' results bit for bit, caches included.
void gqaCase(const char* name, std::int64_t heads, std::int64_t kvHeads, std::int64_t dim, std::int64_t span,
    std::int64_t position, int window = 0, StepNorm norm = StepNorm::None)
{
    const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
    const Rope rope = cudaRope(dim, false, false);
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    auto cacheK = at::randn({ span + 64, kvHeads, dim }, opts);
    auto cacheV = at::randn({ span + 64, kvHeads, dim }, opts);
    cacheK.narrow(0, position, span + 64 - position).fill_(50.0);
    cacheV.narrow(0, position, span + 64 - position).fill_(50.0);
    const auto qkv = at::randn({ 1, (heads + 2 * kvHeads) * dim }, opts);
    const auto q = qkv.narrow(1, 0, heads * dim).view({ 1, heads, dim });
    const auto k = qkv.narrow(1, heads * dim, kvHeads * dim).view({ 1, kvHeads, dim });
    const auto v = qkv.narrow(1, (heads + kvHeads) * dim, kvHeads * dim).view({ 1, kvHeads, dim });
    const auto positions = at::full({ 1 }, position, opts.dtype(at::kLong));
    const auto [cos, sin] = rope.cosSin(positions);
    const StepQkNorms norms = randomStepNorms(norm, heads, kvHeads, dim);
    auto stepK = cacheK.clone(), stepV = cacheV.clone();
    const auto rotated = rope.applyStoringKeys(q, k, v, cos, sin, positions, cacheK, cacheV, norms);
    const auto keys = cacheK.narrow(0, 0, span), values = cacheV.narrow(0, 0, span);
    if (!applies(rotated.defined(), "fused rope + cache write", name)
        || !applies(fusedGqaDecodeApplies(rotated, keys, values), "fused GQA decode", name))
        return;
    const auto got = fusedGqaDecode(rotated, keys, values, positions, window, scale); // [1, H * D]
    const auto key = at::arange(span, positions.options()).unsqueeze(0), at = positions.unsqueeze(1);
    auto allowed = key <= at; // [1, S]
    if (window > 0)
        allowed = allowed.logical_and(key > at - window);
    auto reference = [&](at::ScalarType type) {
        auto heads4 = [&](const at::Tensor& t) { return t.to(type).transpose(0, 1).unsqueeze(0); }; // [1, H, *, D]
        return at::scaled_dot_product_attention(heads4(rotated), heads4(keys), heads4(values), allowed, 0.0, false,
            scale, true)
            .squeeze(0)
            .transpose(0, 1)
            .reshape({ 1, heads * dim });
    };
    const auto sdpaBf16 = reference(at::kBFloat16), sdpaFloat = reference(at::kFloat);
    reportPart(name, "vs bf16 SDPA", got, sdpaBf16, 2e-2);
    reportPart(name, "vs float32", got, sdpaFloat, 2e-2);
    reportPart(name, "(bf16 SDPA itself vs float32)", sdpaBf16, sdpaFloat, 2e-2);
    reportIdentical(std::string(name) + ": run twice", fusedGqaDecode(rotated, keys, values, positions, window, scale),
        got);
    const auto step = rope.applyAttendingStep(q, k, v, cos, sin, positions, stepK, stepV, span, norms, window, scale);
    if (!applies(step.defined(), "fused GQA step", name))
        return;
    reportIdentical(std::string(name) + ": step from its projections", step, got);
    reportIdentical(std::string(name) + ": step's key cache", stepK, cacheK);
    reportIdentical(std::string(name) + ": step's value cache", stepV, cacheV);
}

// A bank of a mixed per-expert policy (even experts INT8, odd ones INT4-g128: two groups of scattered experts)
// against a dense bank of its dequantized weights: decode steps through the fused kernels once per group, and a
// prefill chunk through the dequantization kernel into every expert's place (unchosen ones skipped).
void mixedBankCase(std::int64_t tokens, std::int64_t experts, std::int64_t k, std::int64_t hidden, std::int64_t inter,
    const std::string& options = "")
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    std::vector<QuantizedExpert> parts;
    for (std::int64_t e = 0; e < experts; ++e) {
        const auto s = (e % 2 == 0 ? "int8" : "int4-g128") + options;
        parts.push_back({ randomQuantized(inter, hidden, s), randomQuantized(inter, hidden, s),
            randomQuantized(hidden, inter, s) });
    }
    const auto bank = QuantizedExpertBank::fromExperts(std::move(parts), at::kBFloat16);
    const auto dense = bank->dequantized();
    const auto x = at::randn({ tokens, hidden }, opts);
    // A prefill chunk's tokens choose among the first half of the experts only, so that some are left unchosen.
    const auto choices = tokens > kernelinputs::kMaxMoeDecodeTokens ? experts / 2 : experts;
    const auto ids = std::get<1>(at::rand({ tokens, choices }, opts.dtype(at::kFloat)).topk(k, -1));
    const auto weights = at::softmax(at::randn({ tokens, k }, opts.dtype(at::kFloat)), -1);
    char what[128];
    std::snprintf(what, sizeof what, "mixed INT8/INT4%s bank T=%ld E=%ld k=%ld H=%ld I=%ld", options.c_str(), tokens,
        experts, k, hidden, inter);
    const auto expected = dense->forward(x, ids, weights);
    report(what, bank->forward(x, ids, weights), expected, 2e-2);
    if (tokens <= kernelinputs::kMaxMoeDecodeTokens) {
        const auto slots = bank->decodeSlotOutputs(x, ids);
        std::snprintf(what, sizeof what, "mixed INT8/INT4%s bank T=%ld: decode slots", options.c_str(), tokens);
        if (applies(slots.defined(), "fused quantized decode", what))
            report(what, fusedCombineSlots({ slots, ids, weights, false, {} }), expected, 2e-2);
    }
}

// The dequantization kernel (quant/fuseddequant.h) against the ATen chain it replaces, run on the CPU: a stack of
// `experts` matrices whole, and (stacks) selected in reverse order into a narrowed view, as the expert bank writes
// the gate half of its stacked gate/up weights. Bit-identical, and the rest of the view untouched.
void dequantCase(const char* scheme, std::int64_t experts, std::int64_t rows, std::int64_t cols)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    std::vector<QuantizedTensor> parts;
    for (std::int64_t e = 0; e < experts; ++e)
        parts.push_back(randomQuantized(rows, cols, scheme));
    const auto q = stackQuantized(parts);
    const std::string name = "dequantize " + std::string(scheme) + " " + std::to_string(experts) + " x "
        + std::to_string(rows) + " x " + std::to_string(cols);
    if (!applies(fusedDequantizeApplies(q, at::kBFloat16), "dequantization kernel", name.c_str()))
        return;
    const auto expected = dequantizeWeight(q.to(at::kCPU), at::kBFloat16); // [E, rows, cols]
    reportIdentical(name + ": vs the ATen chain", fusedDequantize(q).cpu(), expected);
    if (experts < 2)
        return;
    auto both = at::zeros({ experts, 2 * rows, cols }, opts);
    const auto index = at::TensorOptions().device(at::kCUDA).dtype(at::kLong);
    fusedDequantizeInto(q, at::arange(experts - 1, -1, -1, index), both.narrow(1, rows, rows),
        at::arange(experts, index));
    reportIdentical(name + ": reversed into a view", both.narrow(1, rows, rows).cpu(), expected.flip(0));
    reportIdentical(name + ": the rest untouched", both.narrow(1, 0, rows).cpu(), at::zeros_like(expected));
    fusedDequantizeInto(q, {}, both.narrow(1, 0, rows), {}); // the whole stack in order, no index tensors
    reportIdentical(name + ": whole stack into a view", both.narrow(1, 0, rows).cpu(), expected);
    // With slot counts: the matrices no slot reads (here every other one) keep what the target held.
    const auto counts = at::arange(experts, index).remainder(2) * 3; // [E]: 0, 3, 0, 3, ..
    const auto chosen = counts.cpu().gt(0).view({ experts, 1, 1 });
    auto target = at::full({ experts, rows, cols }, -7.0, opts);
    fusedDequantizeInto(q, {}, target, {}, counts);
    reportIdentical(name + ": the chosen ones of the whole stack", target.cpu(),
        at::where(chosen, expected, at::full_like(expected, -7.0)));
    target.fill_(-7.0);
    fusedDequantizeInto(q, at::arange(experts - 1, -1, -1, index), target, at::arange(experts, index), counts);
    reportIdentical(name + ": the chosen ones, reversed", target.cpu(),
        at::where(chosen, expected.flip(0), at::full_like(expected, -7.0)));
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
    moeCase(1, 64, 8, 2048, 1024, at::kBFloat16); // OLMoE applies its routing weights in bf16
    moeCase(1, 64, 6, 2048, 1408); // DeepSeek-V2-Lite
    moeCase(1, 128, 8, 2048, 768); // Qwen3-30B-A3B
    moeCase(3, 64, 8, 2048, 1024); // a few tokens at once
    moeCase(4, 64, 8, 2048, 1024); // batched decode: slots grouped by expert
    moeCase(16, 64, 8, 2048, 1024, at::kBFloat16);
    moeCase(16, 128, 8, 2048, 768);
    moeCase(64, 64, 6, 2048, 1408); // more than a chunk of slots per expert
    moeCase(1, 8, 2, 4096, 14336); // Mixtral-8x7B
    moeCase(2, 60, 4, 2048, 1408); // Qwen2-MoE-A2.7B
    dequantCase("int8", 4, 1408, 2048);
    dequantCase("int4-g128", 4, 1408, 2048);
    dequantCase("int4-g128", 1, 128, 320); // the demo model's last group cut by the row's end
    dequantCase("int4-g64-asym", 3, 768, 2048);
    dequantCase("int4-g32", 1, 2048, 1408);
    dequantCase("fp8", 2, 1024, 2048);
    dequantCase("fp8-b128", 2, 1000, 2048); // blocks cut by the rows' end
    // Activation-aware scaling (+awq): the dequantization divides each column by its scale
    dequantCase("int4-g128+awq", 4, 1408, 2048);
    dequantCase("int4-g128-asym+awq", 1, 128, 320);
    dequantCase("int8+awq", 2, 1024, 2048);
    dequantCase("fp8-b128+awq", 2, 1000, 2048);
    quantMoeCase("int8", 1, 64, 8, 2048, 1024);
    mixedBankCase(1, 128, 8, 2048, 768); // Qwen3-30B-A3B
    mixedBankCase(4, 64, 6, 2048, 1408); // DeepSeek-V2-Lite, a few tokens
    mixedBankCase(16, 64, 8, 2048, 1024); // batched decode: slots grouped by expert (OLMoE-1B-7B)
    mixedBankCase(300, 64, 8, 2048, 1024); // a prefill chunk (OLMoE-1B-7B)
    // Activation-aware scaling: decode divides each slot's inputs by its expert's scales, one product per matrix
    quantMoeCase("int4-g128+awq", 1, 64, 8, 2048, 1024);
    quantMoeCase("int8+awq", 4, 64, 6, 2048, 1408);
    quantMoeCase("int4-g32-asym+awq", 1, 16, 2, 320, 128); // the demo model's shapes, CUDA-core INT4
    quantMoeCase("fp8+awq", 16, 64, 8, 2048, 1024); // batched: still one product per slot
    mixedBankCase(1, 128, 8, 2048, 768, "+awq");
    mixedBankCase(300, 64, 8, 2048, 1024, "+awq");
    quantGemvCase("int4-g128+awq", 1, 2048, 2048);
    quantGemvCase("int8+awq", 3, 2048, 512);
    quantGemvCase("int4-g32+awq", 1, 320, 1000);
    quantMoeCase("int4-g128", 1, 64, 6, 2048, 1408);
    quantMoeCase("int4-g64-asym", 2, 128, 8, 2048, 768);
    quantMoeCase("int4-g32", 1, 64, 6, 320, 128); // the demo model's shapes
    quantMoeCase("int4-g128", 1, 16, 2, 320, 128); // the demo model in INT4-g128: 320 columns are 2.5 groups
    quantMoeCase("int4-g128-asym", 4, 16, 2, 320, 128);
    quantMoeCase("int4-g128", 1, 128, 8, 2048, 768); // Qwen3-30B-A3B's shapes
    quantMoeCase("int8", 4, 64, 6, 2048, 1408);
    quantMoeCase("int4-g128-asym", 3, 64, 8, 2048, 1024);
    quantGemvCase("int8", 1, 2048, 2048);
    quantGemvCase("int4-g128", 3, 2048, 512);
    quantGemvCase("int4-g64-asym", 1, 1536, 3072);
    quantGemvCase("int8", 8, 2048, 1000); // rows not a multiple of a block's 16: the last warp's rows clamped
    quantGemvCase("int4-g32", 2, 320, 8);
    quantGemvCase("int4-g32-asym", 1, 320, 1000);
    quantGemvCase("int4-g128", 1, 320, 8192); // the demo model's LM head in INT4-g128 (a group cut by the row's end)
    quantGemvCase("int4-g128", 1, 4096, 2048); // Qwen3-30B-A3B's output projection: every step loaded before the wait
    quantGemvCase("int4-g128", 2, 4096, 1000); // the same kernel for two tokens, rows cut short
    quantGemvCase("int8", 1, 4096, 2048);
    quantGemvsCase("int4-g128-asym", 3, 320, { 896, 896 });
    quantGemvsCase("int4-g128", 1, 2048, { 2048, 512, 512 });
    quantGemvCase("int4-g128-asym", 8, 2048, 1000); // tensor-core path: 8 tokens, the last tile's rows clamped
    quantGemvCase("int4-g128", 5, 1408, 2048);
    // The INT4 projections' kernel takes 8 warps a tile below two tiles an SM, 4 above (OLMoE-1B-7B's q/k/v as one
    // matrix), and rows longer than a round of loads with either.
    quantGemvCase("int4-g128", 2, 2048, 6144);
    quantGemvCase("int4-g128-asym", 1, 4096, 4608);
    quantGemvCase("int4-g128", 3, 5120, 1000);
    quantGemvsCase("int8", 3, 2048, { 1536, 576 });
    // FP8 E4M3, per channel and in DeepSeek-V3's 128 x 128 blocks
    quantMoeCase("fp8", 1, 64, 8, 2048, 1024);
    quantMoeCase("fp8-b128", 1, 64, 6, 2048, 1408);
    quantMoeCase("fp8-b128", 2, 16, 8, 7168, 2048); // DeepSeek-V3's expert shapes
    quantMoeCase("fp8-b128", 3, 8, 2, 320, 128); // blocks cut by the matrix edges (320 = 2.5 blocks)
    quantGemvCase("fp8", 1, 2048, 2048);
    quantGemvCase("fp8", 8, 2048, 1000);
    quantGemvCase("fp8-b128", 3, 7168, 576); // DeepSeek-V3's kv_a: 4.5 block rows
    quantGemvsCase("fp8-b128", 1, 7168, { 1536, 576 });
    // Batched decode of quantized models: more tokens than the tensor-core gemv takes at once
    quantMoeCase("int4-g128", 16, 64, 8, 2048, 1024);
    quantMoeCase("int8", 64, 64, 6, 2048, 1408);
    quantMoeCase("fp8-b128", 16, 128, 8, 2048, 768);
    quantMoeCase("int4-g32-asym", 8, 64, 6, 320, 128); // slots grouped by expert on the CUDA-core INT4 path
    quantMoeCase("int4-g128", 12, 8, 8, 2048, 1024); // 12 slots an expert: tensor-core passes of 8 and 4
    quantMoeCase("int4-g128-asym", 32, 8, 2, 4096, 1024); // passes of 6 slots over rows longer than one load round
    // Projections of more tokens: the tensor-core GEMV in blocks of 8 tokens, the CUDA-core one in blocks of 4 (INT8)
    // or 2 (INT4, FP8), each with a last block of fewer
    quantGemvCase("int4-g128", 16, 2048, 2048);
    quantGemvCase("int4-g128", 11, 2048, 512); // blocks of 8 and 3 tokens
    quantGemvCase("int4-g128-asym", 64, 2048, 1000); // the most a batched step has, rows cut short
    quantGemvsCase("int4-g128", 13, 2048, { 2048, 512, 512 });
    quantGemvCase("int4-g128", 9, 5120, 1000); // rows longer than one round of loads: blocks of 4, 4 and 1 tokens
    quantGemvCase("int4-g128", 8, 4096, 2048); // Qwen3-30B-A3B's output projection: blocks of 5 and 3
    quantGemvCase("int4-g128", 3, 10944, 2048); // DeepSeek-V2-Lite's dense down projection: blocks of 2 and 1
    quantGemvCase("int8", 8, 4096, 1000); // two blocks of 4
    quantGemvCase("int8", 7, 2048, 1000); // blocks of 4 and 3
    quantGemvCase("int8", 2, 4096, 2048);
    quantGemvsCase("int8", 6, 2048, { 1536, 576 });
    quantGemvsCase("int4-g64-asym", 8, 2048, { 2048, 512, 512 });
    quantGemvCase("int4-g32", 5, 320, 1000); // blocks of 2, 2 and 1
    quantGemvCase("fp8", 7, 2048, 1000);
    quantGemvCase("fp8-b128", 8, 7168, 576);
    // Past 8 tokens the CUDA-core formats are dequantized into a GEMM (kernels::quantGemvSuits)
    quantGemvCase("int8", 9, 2048, 1000, false);
    quantGemvCase("int8", 64, 2048, 512, false);
    quantGemvCase("fp8-b128", 16, 7168, 576, false);
    quantGemvCase("int4-g64-asym", 16, 2048, 2048, false);
    quantGemvCase("int8+awq", 16, 2048, 512, false);
    gemvCase(2048, 2048, false);
    gemvCase(2048, 512, true);
    gemvCase(7168, 1536, false);
    gemvCase(1536, 24576, false);
    gemvsCase(2048, { 2048, 2048, 2048 }, false); // OLMoE q, k, v
    gemvsCase(2048, { 2048, 256, 256 }, true); // Qwen2-MoE (q, k, v biases)
    gemvsCase(2048, { 1408, 1408 }, false); // a shared expert's gate and up
    gemvsCase(2048, { 4096, 512, 512 }, false); // Qwen3-30B-A3B q, k, v
    gemvCase(4096, 2048, false); // Qwen3-30B-A3B's output projection
    gemvsCase(2048, { 3072, 576 }, false); // DeepSeek-V2-Lite q, kv_a
    gemvsCase(320, { 320, 64, 64 }, true); // a small model's (the demo's shape) projections, rows cut short
    gemvCase(4096, 14336 + 3, true); // rows not a multiple of a block's
    gemvCase(2048, 65536, false); // an LM head
    addNormCase(1, 2048);
    addNormCase(3, 4096);
    addNormCase(2, 100); // the scalar kernel
    combineAddNormCase(1, 8, 2048, true, false); // OLMoE (weights applied in bf16), Qwen3
    combineAddNormCase(1, 6, 2048, false, true); // DeepSeek-V2-Lite (shared experts)
    combineAddNormCase(3, 4, 2048, true, true); // Qwen2-MoE, a few tokens
    combineAddNormCase(2, 2, 4096, false, false); // Mixtral: two 16-byte chunks a thread
    combineAddNormCase(8, 8, 7168, false, true); // DeepSeek-V3: four chunks a thread
    combineAddNormCase(1, 2, 320, false, false); // the demo model
    {
        const auto x = at::zeros({ 16, 2048 }, at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16));
        const bool declines = !slotSumsFitNorm(x); // 16 rows: the norm sums in ATen's order, which this one does not
        failures += declines ? 0 : 1;
        std::printf("%-58s %s\n", "combine + add + rmsnorm declines 16 rows", declines ? "ok" : "FAILED");
    }
    routerCase("OLMoE (softmax, bf16 weights) T=1 E=64 k=8", 1, 64, 8, 2048, false, false, false, false, 1.0);
    routerCase("Qwen3 (softmax, f32 weights, normalised) T=3 E=128 k=8", 3, 128, 8, 2048, true, false, false, true, 1.0);
    routerCase("DeepSeek-V2-Lite (softmax, f32 weights) T=1 E=64 k=6", 1, 64, 6, 2048, true, false, false, false, 1.0);
    routerCase("DeepSeek-V3 (sigmoid, bias, norm, x2.5) T=2 E=256 k=8", 2, 256, 8, 7168, true, true, true, true, 2.5);
    routerCase("Qwen2-MoE (60 experts) T=8 E=60 k=4", 8, 60, 4, 2048, true, false, false, false, 1.0);
    routerCase("DeepSeek-V3 (sigmoid, bias, norm, x2.5) T=1 E=256 k=8", 1, 256, 8, 7168, true, true, true, true, 2.5);
    routerSelectionCase("selection, batched step T=16 E=64 k=8", 16, 64, 8, false, false, false, 1.0);
    routerSelectionCase("selection, prefill (normalised) T=2048 E=128 k=8", 2048, 128, 8, false, false, true, 1.0);
    routerSelectionCase("selection, V3 (sigmoid, bias, x2.5) T=100 E=256 k=8", 100, 256, 8, true, true, true, 2.5);
    routerCase("Qwen3 (bf16 weights) T=1 E=128 k=8", 1, 128, 8, 2048, false, false, false, true, 1.0);
    addNormRouterCase("OLMoE T=1 E=64 k=8 H=2048 (bf16 weights)", 1, 64, 8, 2048, false, false, false, false, 1.0);
    addNormRouterCase("Qwen3 T=3 E=128 k=8 H=2048 (normalised)", 3, 128, 8, 2048, true, false, false, true, 1.0);
    addNormRouterCase("Qwen3 T=1 E=128 k=8 H=2048 (bf16 weights)", 1, 128, 8, 2048, false, false, false, true, 1.0);
    addNormRouterCase("DeepSeek-V2-Lite T=1 E=64 k=6 H=2048", 1, 64, 6, 2048, true, false, false, false, 1.0);
    // One token's router at H=2048 runs as one cluster of blocks of 8 experts (Hopper): a partial last block, one
    // block, the sigmoid with a bias, each bit for bit the two kernels' results.
    addNormRouterCase("Qwen2-MoE T=1 E=60 k=4 H=2048", 1, 60, 4, 2048, true, false, false, false, 1.0);
    addNormRouterCase("one block T=1 E=8 k=2 H=2048 (bf16 weights)", 1, 8, 2, 2048, false, false, false, true, 1.0);
    addNormRouterCase("T=1 E=96 k=8 H=2048 (sigmoid, bias)", 1, 96, 8, 2048, true, true, true, true, 2.5);
    addNormRouterCase("DeepSeek-V3 T=2 E=256 k=8 H=7168 (sigmoid, bias)", 2, 256, 8, 7168, true, true, true, true, 2.5);
    addNormRouterCase("Mixtral T=8 E=8 k=2 H=4096", 8, 8, 2, 4096, true, false, false, true, 1.0);
    addNormRouterCase("Mixtral T=1 E=8 k=2 H=4096", 1, 8, 2, 4096, true, false, false, true, 1.0);
    addNormRouterCase("DeepSeek-V3 T=1 E=256 k=8 H=7168 (sigmoid, bias)", 1, 256, 8, 7168, true, true, true, true, 2.5);
    greedyNextCase("OLMoE vocabulary", 50304, {}, {});
    greedyNextCase("DeepSeek-V2 vocabulary, a tie", 102400, { 70001, 1234 }, {});
    greedyNextCase("Qwen3 vocabulary, ties in one thread's share", 151936, { 151935, 3, 1027 }, {});
    greedyNextCase("demo vocabulary, NaN", 8192, { 17 }, { 8000, 4000 });
    greedyNextCase("one entry", 1, {}, {});
    greedyNextCase("fewer entries than threads", 300, { 299, 44 }, {});
    // A greedy decode step's logits stay in the model's dtype.
    greedyNextCase("Qwen3 vocabulary in bf16, ties", 151936, { 151935, 3, 1027 }, {}, at::kBFloat16);
    greedyNextCase("OLMoE vocabulary in bf16 (many equal values)", 50304, {}, {}, at::kBFloat16);
    greedyNextCase("demo vocabulary in bf16, NaN", 8192, { 17 }, { 8000, 4000 }, at::kBFloat16);
    {
        const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
        const auto x = at::zeros({ 1, 320 }, opts); // the demo model: a row of 40 chunks, normalised by 64 threads
        const bool declines = !fusedAddNormRouterApplies(x, x, at::ones({ 320 }, opts),
            at::zeros({ 16, 320 }, opts.dtype(at::kFloat)), 2);
        failures += declines ? 0 : 1;
        std::printf("%-58s %s\n", "add + norm + router declines a row of 320", declines ? "ok" : "FAILED");
    }
    denseSiluProductCase(1, 2816); // DeepSeek-V2-Lite's shared experts, a decode step
    concatHeadsCase(2048, 16, 128, 64, 128); // DeepSeek-V2-Lite's prefill
    concatHeadsCase(37, 128, 128, 64, 128); // DeepSeek-V3's heads, a few rows
    denseSiluProductCase(2048, 10944); // its dense first layer, a prefill
    embedNormCase(151936, 2048, { 151935 }); // Qwen3's table, its last row
    embedNormCase(50304, 2048, { 0, 7, 50303 });
    embedNormCase(32000, 4096, { 17 }); // Mixtral
    embedNormCase(8192, 320, { 5, 8191 }); // the demo model
    normCase(2, 100); // not a multiple of 8: the scalar kernel
    normCase(1, 2048);
    normCase(4, 7168);
    normCase(32, 128); // per-head q/k norms
    normCase(1, 512); // MLA's latent norm
    atenOrderNormCase(2048, 1, 2048); // OLMoE / Qwen3 / DeepSeek-V2-Lite hidden states, a prefill chunk
    atenOrderNormCase(2048, 32, 128); // Qwen3's per-head query norms
    atenOrderNormCase(777, 1, 512); // MLA's latent norm, an odd number of rows
    atenOrderNormCase(300, 1, 1536); // DeepSeek-V2's q_a norm
    atenOrderNormCase(64, 1, 7168); // DeepSeek-V3's hidden states
    atenOrderNormCase(16, 1, 4096); // the fewest rows ATen reduces a warp each
    atenOrderNormCase(100, 1, 4100); // a width that is not a multiple of 128
    atenOrderSliceNormCase(2048, 512, 64); // DeepSeek-V2-Lite's latent
    ropeCase("rope halves, bf16 (Qwen, Mixtral, OLMoE) 1 x 32 x 128", false, false, 1, 32, 128);
    ropeCase("rope interleaved to halves, bf16 (DeepSeek-V3) 2 x 16 x 64", true, false, 2, 16, 64);
    ropeCase("rope interleaved, float32 complex (DeepSeek-V2) 1 x 16 x 64", true, true, 1, 16, 64);
    ropeCase("rope halves, float32 1 x 8 x 128", false, true, 1, 8, 128);
    ropeCase("prefill rope halves, bf16 (OLMoE) 2048 x 16 x 128", false, false, 2048, 16, 128);
    ropeCase("prefill rope halves, bf16 (Qwen3 queries) 2048 x 32 x 128", false, false, 2048, 32, 128);
    ropeCase("prefill rope interleaved, float32 (DeepSeek-V2) 2048 x 16 x 64", true, true, 2048, 16, 64);
    ropeCase("prefill rope interleaved to halves (DeepSeek-V3) 2048 x 128 x 64", true, false, 2048, 128, 64);
    {
        RopeSpec qwen3;
        qwen3.theta = 1000000.0;
        qwen3.dim = 128;
        ropeAnglesCase("rope angles (Qwen3) a step at 2,300", qwen3, 2300, 1);
        ropeAnglesCase("rope angles (Qwen3) a prompt of 2,048", qwen3, 0, 2048);
        ropeAnglesCase("rope angles (Qwen3) far positions 131,000..", qwen3, 131000, 8);
        RopeSpec yarn; // DeepSeek-V2-Lite's
        yarn.type = RopeType::Yarn;
        yarn.dim = 64;
        yarn.factor = 40.0;
        yarn.originalMaxPositions = 4096;
        yarn.mscale = 0.707;
        yarn.mscaleAllDim = 0.707;
        yarn.interleaved = true;
        yarn.float32Rotation = true;
        ropeAnglesCase("rope angles (YaRN, DeepSeek-V2-Lite) a step at 5,000", yarn, 5000, 1);
        yarn.mscaleAllDim = 0.0; // an attention factor other than 1
        ropeAnglesCase("rope angles (YaRN, attention factor) 3 steps at 40,000", yarn, 40000, 3);
    }
    ropeStepCase("rope + cache, halves (OLMoE) 1 x 16/16 x 128", false, 1, 16, 16, 128);
    ropeStepCase("rope + cache, halves (Qwen3) 3 x 32/4 x 128", false, 3, 32, 4, 128);
    ropeStepCase("rope + cache, interleaved (Mixtral-like) 2 x 8/2 x 64", true, 2, 8, 2, 64);
    ropeStepCase("norms + rope + cache, whole projection (OLMoE) 1 x 16/16 x 128", false, 1, 16, 16, 128,
        StepNorm::FullProjection);
    ropeStepCase("norms + rope + cache, per head (Qwen3) 1 x 32/4 x 128", false, 1, 32, 4, 128, StepNorm::PerHead);
    ropeStepCase("norms + rope + cache, per head 1 x 64/8 x 128 (4 pieces a thread)", false, 1, 64, 8, 128,
        StepNorm::PerHead);
    ropeStepCase("norms + rope + cache, whole projection 2 x 8/2 x 64 interleaved", true, 2, 8, 2, 64,
        StepNorm::FullProjection);
    ropeStepCase("norms + rope + cache, per head 2 x 12/4 x 128 (groups of 8 and 4)", false, 2, 12, 4, 128,
        StepNorm::PerHead);
    ropeStepCase("norms + rope + cache, per head 1 x 20/2 x 64 (groups of 16 and 4)", false, 1, 20, 2, 64,
        StepNorm::PerHead);
    gatedGemvCase(1, 2048, 2816); // DeepSeek-V2-Lite's shared experts
    gatedGemvCase(3, 2048, 10944); // its dense first layer, a few tokens
    gatedGemvCase(1, 2048, 5632); // Qwen2-MoE's shared expert
    mlaStepCase("MLA step, float32 complex rope (DeepSeek-V2) 1 x 16", true, 1, 16);
    mlaStepCase("MLA step, bf16 interleaved rope 3 tokens x 42 heads", false, 3, 42);
    prefillMoeCase(2048, 64, 8, 2048, 1024, at::kBFloat16); // OLMoE-1B-7B
    prefillMoeCase(2048, 64, 6, 2048, 1408); // DeepSeek-V2-Lite
    prefillMoeCase(512, 128, 8, 2048, 768); // Qwen3-30B-A3B
    prefillMoeCase(300, 60, 4, 2048, 1408); // Qwen2-MoE: not every expert chosen
    prefillMoeCase(77, 8, 2, 4096, 14336); // Mixtral-8x7B
    prefillMoeCase(80, 256, 8, 7168, 256, at::kBFloat16); // DeepSeek-V3's rows: 896 pieces over 256 threads
    combineManyTokensCase(100, 8, 2048);
    combineManyTokensCase(70, 6, 7168);
    mlaCase("MLA absorbed (DeepSeek-V2-Lite) T=1 H=16 S=760", 1, 16, 760, 700);
    mlaCase("MLA absorbed, chunk edges T=3 H=16 S=96 (keys 64..66)", 3, 16, 96, 64);
    mlaCase("MLA absorbed (DeepSeek-V3 heads) T=2 H=128 S=1000", 2, 128, 1000, 997);
    mlaCase("MLA absorbed, first position T=1 H=16 S=1", 1, 16, 1, 0);
    mlaCase("MLA absorbed, 8 tokens T=8 H=16 S=1024 (many chunks)", 8, 16, 1024, 1000);
    gqaCase("GQA decode (OLMoE) 16/16 x 128 S=2304 at 2100", 16, 16, 128, 2304, 2100);
    gqaCase("GQA decode (Qwen3) 32/4 x 128 S=2304 at 2303 (last key)", 32, 4, 128, 2304, 2303);
    gqaCase("GQA decode, norms (OLMoE) 16/16 x 128 S=2304 at 2100", 16, 16, 128, 2304, 2100, 0,
        StepNorm::FullProjection);
    gqaCase("GQA decode, norms (Qwen3) 32/4 x 128 S=2304 at 2200", 32, 4, 128, 2304, 2200, 0, StepNorm::PerHead);
    gqaCase("GQA decode, norms, groups of 3 12/4 x 64 S=768 at 700", 12, 4, 64, 768, 700, 0, StepNorm::PerHead);
    gqaCase("GQA decode, norms, 4096-wide projection 32/8 x 128 S=512 at 130", 32, 8, 128, 512, 130, 0,
        StepNorm::FullProjection);
    gqaCase("GQA decode, norms (fixtures) 4/2 x 16 S=256 at 40", 4, 2, 16, 256, 40, 0, StepNorm::FullProjection);
    gqaCase("GQA decode, norms, long prompt (Qwen3) 32/4 x 128 S=32768 at 32000", 32, 4, 128, 32768, 32000, 0,
        StepNorm::PerHead);
    gqaCase("GQA decode (Mixtral, window 1024) 32/8 x 128 S=2560 at 2400", 32, 8, 128, 2560, 2400, 1024);
    gqaCase("GQA decode, window 40 in a chunk, 32/8 x 128 S=512 at 300", 32, 8, 128, 512, 300, 40);
    gqaCase("GQA decode, first position 16/16 x 128 S=256 at 0", 16, 16, 128, 256, 0);
    gqaCase("GQA decode, first key of a chunk 32/4 x 128 S=256 at 64", 32, 4, 128, 256, 64);
    gqaCase("GQA decode, last key of a chunk 32/4 x 128 S=256 at 63", 32, 4, 128, 256, 63);
    gqaCase("GQA decode, groups of 3 12/4 x 64 S=768 at 700", 12, 4, 64, 768, 700);
    gqaCase("GQA decode (Qwen3-235B heads) 64/4 x 128 S=1024 at 1000", 64, 4, 128, 1024, 1000);
    gqaCase("GQA decode, groups of 2 8/4 x 32 S=256 at 130", 8, 4, 32, 256, 130);
    gqaCase("GQA decode (fixtures) 4/2 x 16 S=256 at 40", 4, 2, 16, 256, 40);
    gqaCase("GQA decode (OLMoE fixture) 4/4 x 16 S=512 at 300", 4, 4, 16, 512, 300);
    gqaCase("GQA decode (Mixtral fixture, window 12) 4/2 x 16 S=512 at 300", 4, 2, 16, 512, 300, 12);
    gqaCase("GQA decode, long prompt 16/16 x 128 S=32768 at 32000", 16, 16, 128, 32768, 32000);
    gqaCase("GQA decode, long prompt (Qwen3) 32/4 x 128 S=32768 at 32767", 32, 4, 128, 32768, 32767);
    // Long spans run in ranges of several 64-key tiles (gqaRangeKernel): positions and windows inside a range.
    gqaCase("GQA decode, long prompt (Qwen3) 32/4 x 128 S=32840 at 16100 (mid-range)", 32, 4, 128, 32840, 16100);
    gqaCase("GQA decode, long prompt (Mixtral, window 4096) 32/8 x 128 S=32840 at 20001", 32, 8, 128, 32840, 20001,
        4096);
    gqaCase("GQA decode, long prompt, window 70 (two tiles) 32/4 x 128 S=32840 at 30000", 32, 4, 128, 32840, 30000,
        70);
    gqaCase("GQA decode, long prompt, groups of 3 12/4 x 64 S=40000 at 39990", 12, 4, 64, 40000, 39990);
    gqaCase("GQA decode, long prompt (fixtures) 4/2 x 16 S=65536 at 65000", 4, 2, 16, 65536, 65000);
    gqaCase("GQA decode, long prompt, first position 32/4 x 128 S=32840 at 0", 32, 4, 128, 32840, 0);
    std::printf("%s\n", failures == 0 ? "all fused kernel checks passed" : "FUSED KERNEL CHECKS FAILED");
    return failures == 0 ? 0 : 1;
}

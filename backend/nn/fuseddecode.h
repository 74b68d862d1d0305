#pragma once
// Decode steps on CUDA through the project's fused kernels (kernels/decodekernels.cu) instead of tens of ATen
// kernels each: the routed experts (gather the chosen experts' rows, gate/up, SiLU, down and the weighted sum in one
// pass over their weights) and RMSNorm. Used for a few rows at a time only (decode), so that prefill and scoring
// keep the eager path that matches transformers bit for bit, except where a kernel gives the eager path's bits (the
// RMSNorm of many rows, summed in ATen's order); *Applies() says when. Builds without MOESCOPE_WITH_CUDA_KERNELS
// never apply them.

#include <ATen/ATen.h>
#include <c10/core/Stream.h>

#include <functional>

#include <cstdint>
#include <utility>
#include <vector>

namespace moescope {

struct RoutingDecision;

// A decode step's routed-expert outputs before their weighted sum, as the expert kernels leave them: the next norm
// forms the sum in its own pass (fusedCombineAddRmsNorm), or fusedCombineSlots does.
struct ExpertSlotOutputs {
    at::Tensor y; // [T * k, H] bf16, unweighted; slot = token * k + choice
    at::Tensor ids; // [T, k] int64, contiguous
    at::Tensor weights; // [T, k] float32 or bf16, contiguous
    bool roundWeightsToBf16 = false; // float32 weights applied as their bf16 values (a family scaling in bf16)
    at::Tensor shared; // [T, H] bf16 (a shared expert's output, added after the sum) or undefined

    bool defined() const { return y.defined(); }
};

// x [T, H] bf16 on CUDA with T small, k experts per token, gateUp [E, 2I, H] and down [E, H, I] bf16, contiguous.
bool fusedMoeDecodeApplies(const at::Tensor& x, std::int64_t k, const at::Tensor& gateUp, const at::Tensor& down);
// ids [T, k] int64, weights [T, k] (any float type) -> [T, H] bf16
at::Tensor fusedMoeDecode(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights,
    const at::Tensor& gateUp, const at::Tensor& down);
// The unweighted slot outputs [T * k, H] of the same step (fusedMoeDecode without the sum).
at::Tensor fusedMoeDecodeSlots(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& gateUp,
    const at::Tensor& down);
// The weighted sum of the slot outputs (+ shared): [T, H], fusedMoeDecode's result.
at::Tensor fusedCombineSlots(const ExpertSlotOutputs& slots);
// Whether a norm can take the slot outputs of x [T, H]'s decode step as its residual (fusedCombineAddRmsNorm with
// x's shape and bf16 weights): where true, an MoE block leaves its sum to the next norm.
bool slotSumsFitNorm(const at::Tensor& x);
// (x + sum, rmsNorm(x + sum)) in one pass, sum = fusedCombineSlots(slots), bit for bit fusedAddRmsNorm of it; x, the
// ids and the weights must come from before the experts' kernels. Applies where slotSumsFitNorm(x) and the weight
// [H] is bf16, contiguous and 16-byte aligned.
bool fusedCombineAddRmsNormApplies(const at::Tensor& x, const ExpertSlotOutputs& slots, const at::Tensor& weight);
std::pair<at::Tensor, at::Tensor> fusedCombineAddRmsNorm(
    const at::Tensor& x, const ExpertSlotOutputs& slots, const at::Tensor& weight, double eps);

// x [..., in] bf16 on CUDA with one row (a token's), weight [out, in] bf16 contiguous, bias [out] bf16 or undefined.
bool fusedGemvApplies(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);
at::Tensor fusedGemv(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias); // [..., out]

// Several projections of one token's x in one launch: weights [out_i, in] bf16 contiguous (up to three), biases [out_i]
// or undefined. Returns the products [..., out_i].
bool fusedGemvsApply(const at::Tensor& x, const std::vector<at::Tensor>& weights, const std::vector<at::Tensor>& biases);
std::vector<at::Tensor> fusedGemvs(
    const at::Tensor& x, const std::vector<at::Tensor>& weights, const std::vector<at::Tensor>& biases);

// x [..., d] bf16 on CUDA with few rows, or with many (prefill) where kernels::rmsNormInAtenOrder holds and x is
// contiguous or a slice (bit-identical to rmsNormUnfused then), weight [d] bf16.
bool fusedRmsNormApplies(const at::Tensor& x, const at::Tensor& weight);
at::Tensor fusedRmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps);
// A decode step's embedding lookup and first norm in one pass: (x, rmsNorm(x)), x [T, d] = table [V, d] rows ids
// [T] (int64 on the same device), bit for bit the lookup followed by fusedRmsNorm.
bool fusedEmbedRmsNormApplies(const at::Tensor& table, const at::Tensor& ids, const at::Tensor& weight);
std::pair<at::Tensor, at::Tensor> fusedEmbedRmsNorm(
    const at::Tensor& table, const at::Tensor& ids, const at::Tensor& weight, double eps);
// (x + residual, rmsNorm(x + residual)) in one pass; residual like x.
bool fusedAddRmsNormApplies(const at::Tensor& x, const at::Tensor& residual, const at::Tensor& weight);
std::pair<at::Tensor, at::Tensor> fusedAddRmsNorm(
    const at::Tensor& x, const at::Tensor& residual, const at::Tensor& weight, double eps);

// RMS norms of a step's queries and keys before their rotation: per head (weights [D]) or over a token's whole
// projection (weights [H * D], [Hkv * D]); undefined weights: none.
struct StepQkNorms {
    at::Tensor q, k;
    double eps = 0.0;
    bool perHead = false;
};

// A GQA decode step's rotary embedding and cache write in one launch: q [T, H, D] rotated (returned, contiguous), k
// [T, Hkv, D] rotated into cacheK and v [T, Hkv, D] copied into cacheV at rows positions [T] (int64 on the device);
// q, k, v bf16 views with the last dim contiguous, caches [capacity, Hkv, D] bf16 contiguous. Flags as fusedRope.
// With norms, q and k are normalised first (the eager rmsNorm's roundings).
bool fusedRopeStepApplies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cos,
    const at::Tensor& cacheK, const at::Tensor& cacheV, const StepQkNorms& norms = {});
at::Tensor fusedRopeStep(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cos,
    const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheK, at::Tensor& cacheV, bool interleaved,
    bool float32, bool keepInterleaved, const StepQkNorms& norms = {});

// A dense MLP's gate and up projections with SiLU in one launch: x [T, H] bf16 on CUDA with few rows, gate and up
// [I, H] bf16 contiguous. Returns bf16(silu(gate x) * up x) [T, I] with the eager path's roundings.
bool fusedGatedGemvApplies(const at::Tensor& x, const at::Tensor& gate, const at::Tensor& up);
at::Tensor fusedGatedGemv(const at::Tensor& x, const at::Tensor& gate, const at::Tensor& up);

// How the fused router kernels choose and weight experts (nn/router.h's plain TopK selection): scores by softmax, or
// sigmoid, of the logits; the k best by score (+ bias [E] float32 when defined, for the choice only); their scores as
// weights, normalised to sum to 1 if asked, then times scaling.
struct RouterChoice {
    std::int64_t k = 1;
    bool sigmoid = false;
    at::Tensor bias;
    bool normalize = false;
    double scaling = 1.0;
};

// The router of a decode step (x [T, hidden] bf16 on CUDA, T small; weight [E, hidden] float32 or bf16; k experts):
// logits, scores and the choice.
bool fusedRouterApplies(const at::Tensor& x, const at::Tensor& weight, std::int64_t k);
RoutingDecision fusedRouter(const at::Tensor& x, const at::Tensor& weight, const RouterChoice& choice);

// fusedRouter's selection from logits [T, E] float32 on CUDA already computed (any T: a batched step's or a prefill's
// router, whose logits a GEMM computes): the decision with these logits.
bool fusedRouterSelectionApplies(const at::Tensor& logits, std::int64_t k);
RoutingDecision fusedRouterSelection(const at::Tensor& logits, const RouterChoice& choice);

// fusedRouter of rmsNorm(x + delta) with the residual add and the norm done by the router's logits kernel (one
// kernel fewer a decode step's MoE layer): x, delta [T, hidden] bf16 contiguous, normWeight [hidden] bf16. Returns
// (x + delta, its norm), bit for bit fusedAddRmsNorm's; the decision as fusedRouter gives it for that norm.
bool fusedAddNormRouterApplies(const at::Tensor& x, const at::Tensor& delta, const at::Tensor& normWeight,
    const at::Tensor& routerWeight, std::int64_t k);
std::pair<at::Tensor, at::Tensor> fusedAddNormRouter(const at::Tensor& x, const at::Tensor& delta,
    const at::Tensor& normWeight, double eps, const at::Tensor& routerWeight, const RouterChoice& choice,
    RoutingDecision& decision);

// A rotary embedding's (cos, sin) [T, half] float32 for positions [T] (int64 on CUDA) and invFreq [half] (float32 on
// the same device): cos(float(position) * invFreq) * factor and the same with sin, bit for bit the ATen expression's
// result in one kernel (kernels::launchRopeAngles).
bool fusedRopeAnglesApply(const at::Tensor& positions, const at::Tensor& invFreq);
std::pair<at::Tensor, at::Tensor> fusedRopeAngles(
    const at::Tensor& positions, const at::Tensor& invFreq, double factor);

// x [T, heads, dim] bf16 on CUDA (last dim contiguous), cos/sin [T, dim/2] float32. Rotating in bf16: any number of
// rows, bit for bit the eager rotation (prefill uses it too); in float32 (as fusedRope's flag): decode rows only.
bool fusedRopeApplies(const at::Tensor& x, const at::Tensor& cos, bool float32 = false);
// interleaved, float32, keepInterleaved: as kernels::launchRope. Returns [T, heads, dim] contiguous.
at::Tensor fusedRope(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, bool interleaved, bool float32,
    bool keepInterleaved);

// An MLA decode step's latent norm, rotations and cache write in one launch (kernels::launchMlaStep): compressed
// [T, c + rope] (kv_a's output, last dim contiguous), normWeight [c], qPe [T, H, rope] (last dim contiguous), caches
// [capacity, c] and [capacity, rope] contiguous, positions [T] int64 on the device. Returns qPe rotated, contiguous.
bool fusedMlaStepApplies(const at::Tensor& compressed, const at::Tensor& normWeight, const at::Tensor& qPe,
    const at::Tensor& cos, const at::Tensor& cacheLatent, const at::Tensor& cacheKPe);
at::Tensor fusedMlaStep(const at::Tensor& compressed, const at::Tensor& normWeight, double eps, const at::Tensor& qPe,
    const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheLatent,
    at::Tensor& cacheKPe, bool interleaved, bool float32, bool keepInterleaved);

// MLA attention of one sequence's decode step in the absorbed form (kernels::launchMlaDecode): qNope [T, H, nope]
// (last dim contiguous), qPe [T, H, rope] contiguous, kvBHeads [H, nope + valueDim, c] (kv_b_proj by head), latent
// [S, c] and kPe [S, rope] (the cache's first S rows), positions [T] int64 on the device (later keys masked).
// Returns [T, H * valueDim].
bool fusedMlaDecodeApplies(const at::Tensor& qNope, const at::Tensor& qPe, const at::Tensor& kvBHeads,
    std::int64_t valueDim, const at::Tensor& latent, const at::Tensor& kPe);
at::Tensor fusedMlaDecode(const at::Tensor& qNope, const at::Tensor& qPe, const at::Tensor& kvBHeads,
    std::int64_t valueDim, const at::Tensor& latent, const at::Tensor& kPe, const at::Tensor& positions, double scale);

// Attention of one sequence's GQA decode step of one token over its cache (kernels::launchGqaDecode): q [1, H, D]
// contiguous (rotated), keys and values [S, Hkv, D] (the cache's first S rows, this step's key and value written),
// positions [1] int64 on the device (later keys masked, and keys window or more positions back when window > 0).
// Returns [1, H * D] as SDPA does, within float32 rounding of it.
bool fusedGqaDecodeApplies(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values);
at::Tensor fusedGqaDecode(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values,
    const at::Tensor& positions, int window, double scale);

// A GQA decode step of one token from its projections: fusedRopeStep (q [1, H, D], k and v [1, Hkv, D] views, the
// caches [capacity, Hkv, D]), then fusedGqaDecode over the caches' first `span` rows, with the same results bit for
// bit, in one kernel fewer where the span allows (kernels::launchGqaDecodeStep). Returns [1, H * D].
// MOESCOPE_GQA_STEP_KERNEL=0 turns it off (to measure what it changes); so does MOESCOPE_GQA_DECODE_KERNEL=0, with
// the attention kernels themselves.
struct GqaStepOptions {
    bool interleaved = false;
    bool float32 = false;
    bool keepInterleaved = false;
    StepQkNorms norms;
    int window = 0;
    double scale = 1.0;
};
bool fusedGqaDecodeStepApplies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cos,
    const at::Tensor& cacheK, const at::Tensor& cacheV, std::int64_t span, const StepQkNorms& norms);
at::Tensor fusedGqaDecodeStep(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& cos,
    const at::Tensor& sin, const at::Tensor& positions, at::Tensor& cacheK, at::Tensor& cacheV, std::int64_t span,
    const GqaStepOptions& options);

// A branch of a decode step on a side stream of the device, beside the work the current stream goes on with (the
// shared expert beside the routed ones: its kernels need not wait for theirs). The side stream first waits for what
// the current stream has enqueued so far; join() makes the current stream wait for the branch. CUDA builds with the
// fused kernels only (fusedDecodeBranchApplies).
bool fusedDecodeBranchApplies(const at::Tensor& x);
class DecodeBranch {
public:
    explicit DecodeBranch(const at::Tensor& x); // x: on the device; read by the branch
    // Enqueues f's work on the side stream and returns its result (marked as used by the current stream).
    at::Tensor run(const std::function<at::Tensor()>& f);
    void join();

private:
    c10::Stream m_main, m_side;
};

// The greedy choice at the end of a decode step: logits [1, vocab] float32 or bf16 on CUDA, inputs [2] int64 on the
// same device = (token, position) -> (at::argmax(logits), position + 1), in one launch on Hopper, else two.
bool fusedGreedyNextApplies(const at::Tensor& logits, const at::Tensor& inputs);
void fusedGreedyNext(const at::Tensor& logits, at::Tensor& inputs);

} // namespace moescope

#pragma once
// Fused CUDA kernels for decode steps (a handful of tokens), where the eager path's many small kernels, not the
// weights' bytes, set the time. Plain pointers and sizes: the tensor checks live in nn/fuseddecode.cpp. bf16 data,
// float32 accumulation; results are rounded where the eager path rounds, so they differ from it only by the order of
// the float32 sums. Only built with MOESCOPE_WITH_CUDA_KERNELS.

#include <cstdint>

#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

namespace moescope::kernels {

constexpr int kMaxTopK = 16;

// The routing weight of each slot [S], float32 or bf16 (families that apply it in the model dtype). float32 weights
// with roundToBf16 are read as the bf16 values a conversion would give (such a family's weights without a conversion
// kernel).
struct SlotWeights {
    const void* data = nullptr;
    bool bf16 = false;
    bool roundToBf16 = false;
};

// Routed experts of T tokens with k experts each (S = T * k slots, ids [S] in the router's order):
//   h[s] = silu(gate_e x_t) * (up_e x_t)          gateUp [E, 2I, H] (gate rows first), h [S, I]
//   y[s] = bf16(down_e h[s])                        y [S, H]
// down [E, H, I]; h is scratch. launchCombineSlots then forms the tokens' weighted sums (or launchCombineAddRmsNorm
// in the next norm's pass). grouping null: one warp per (slot, row), each slot reading its expert's rows (one token).
// grouping [E + 1 + S] int32 scratch: the slots are first grouped by expert, then one warp per (expert, row) reads the
// row once for all the slots that chose the expert (several tokens sharing experts: batched decode). Both give the
// same values.
void launchMoeDecode(const __nv_bfloat16* x, const __nv_bfloat16* gateUp, const __nv_bfloat16* down,
    const std::int64_t* ids, std::int64_t tokens, int k, std::int64_t experts, std::int64_t hidden,
    std::int64_t intermediate, int* grouping, __nv_bfloat16* h, __nv_bfloat16* y, cudaStream_t stream);

// out[t] [T, H] = the sum over token t's slots (ids [T, k]) in ascending expert id of bf16(y[s] * weight[s]), with a
// bf16 rounding after each addition (the eager path's order): the routed experts' output from their slot outputs
// y [S, H].
void launchCombineSlots(const __nv_bfloat16* y, const std::int64_t* ids, SlotWeights weights, std::int64_t tokens,
    int k, std::int64_t hidden, __nv_bfloat16* out, cudaStream_t stream);

// A stack of weight-only quantized matrices [count, rows, cols] as quant/quantizedtensor.h stores them:
//   Int8: codes int8 [.., rows, cols], scales float32 [.., rows]; value = code * scale
//   Int4: codes uint8 [.., rows, cols / 2] (even column in the low nibble), scales float16 [.., rows, cols / group],
//         zeros uint8 (same shape) or null for the implicit 8; value = (code - zero) * scale
//   Fp8:  codes float8 E4M3 [.., rows, cols]; group 0: scales float32 [.., rows], else square blocks of `group`:
//         scales float32 [.., ceil(rows / group), ceil(cols / group)]; value = code * scale
// The kernels dequantize in registers and multiply in float32 (the dequantizing path rounds each value to bf16
// first). They need cols a multiple of 16 (Int8, Fp8 with a block a multiple of 16) or 32 (Int4, with group a
// multiple of 32).
enum class QuantCodes { Int8 = 1, Int4 = 2, Fp8 = 3 };
struct QuantMatrices {
    QuantCodes format = QuantCodes::Int8;
    const void* codes = nullptr;
    const void* scales = nullptr;
    const std::uint8_t* zeros = nullptr;
    int groupSize = 0;
    std::int64_t rows = 0;
    std::int64_t cols = 0;
    // Activation-aware scaling, read by the dequantization kernel only (dequantkernels.h): float32 [.., cols], the
    // codes representing W * inputScale per column; null when not used. The decode kernels take matrices without it
    // (quant/fusedquantdecode.cpp divides their inputs instead).
    const float* inputScale = nullptr;
    // A stack holding some of a layer's experts (a bank of a mixed per-expert policy): each of the layer's experts'
    // index in the stack, -1 for another stack's, so that the decode kernels take the model's expert ids and skip the
    // other stacks' slots. Null when the ids index the stack directly.
    const std::int64_t* stackIndex = nullptr;
};

// launchMoeDecode with quantized experts (gate, up: [E, I, H]; down: [E, H, I]), grouping as there (slots grouped by
// expert: a warp computes its rows for each of the expert's slots in turn, so they come from DRAM once). A slot
// whose id is negative, or whose expert's place in a stack with a stackIndex is, is skipped: its rows of h and y are
// not written (the slot of another stack's expert in a bank of a mixed policy, whose kernels write it).
void launchQuantMoeDecode(const __nv_bfloat16* x, const QuantMatrices& gate, const QuantMatrices& up,
    const QuantMatrices& down, const std::int64_t* ids, std::int64_t tokens, int k, std::int64_t experts,
    int* grouping, __nv_bfloat16* h, __nv_bfloat16* y, cudaStream_t stream);
// One product per slot with the slot's own input: y [S, rows] = m[ids[s]] in [s] for in [S, cols] (the kernels of
// launchQuantMoeDecode's down projection, for any stack); a slot whose id is negative is skipped.
void launchQuantSlotProducts(const __nv_bfloat16* in, const QuantMatrices& m, const std::int64_t* ids,
    std::int64_t slots, __nv_bfloat16* y, cudaStream_t stream);

// Up to kMaxGemvTargets projections of one token's x in one launch (e.g. attention's q, k and v), in a multiple of 8:
// y_t [rows_t] = W_t[rows_t, in] x [in] (+ b_t [rows_t]); one warp per output row. (Several tokens' products go to
// cuBLAS: a warp's row against T tokens on the CUDA cores took 1.3 / 2.0 / 3.7x cuBLAS's time at 2 / 4 / 8 tokens.)
constexpr int kMaxGemvTokens = 8; // the decode kernels' few tokens (router, MLA, quantized products)
constexpr int kMaxGemvTargets = 3;
struct GemvTarget {
    const __nv_bfloat16* weight = nullptr; // [rows, in]
    const __nv_bfloat16* bias = nullptr; // [rows] or null
    std::int64_t rows = 0;
    __nv_bfloat16* y = nullptr; // [rows]
};
struct GemvTargets {
    GemvTarget target[kMaxGemvTargets];
    int count = 0;
};
void launchGemvTargets(const __nv_bfloat16* x, const GemvTargets& targets, std::int64_t in, cudaStream_t stream);

// launchGemvTargets for quantized matrices of one format and the same cols (y_t [T, rows_t] = x [T, cols] W_t^T
// (+ b_t)): INT4 groups of 128 read each row once for every 8 tokens (tensor cores; fewer for rows of more than 2,816
// columns, as many as 44 KB of shared memory holds), the others once for every 4 (INT8) or 2 tokens (CUDA cores).
struct QuantGemvTarget {
    QuantMatrices weight;
    const __nv_bfloat16* bias = nullptr; // [rows] or null
    __nv_bfloat16* y = nullptr; // [T, rows]
};
struct QuantGemvTargets {
    QuantGemvTarget target[kMaxGemvTargets];
    int count = 0;
};
void launchQuantGemvTargets(
    const __nv_bfloat16* x, const QuantGemvTargets& targets, std::int64_t tokens, cudaStream_t stream);
// Whether launchQuantGemvTargets beats dequantizing m into bf16 for a GEMM at T tokens: always for the tensor-core
// INT4 kernel, up to 8 tokens for the CUDA-core ones (their multiply-adds, not the memory, set their time: INT8 q/k/v
// at 16 tokens took 23-35 us on an H200 against 14-21 us dequantized into cuBLAS; bench_decode_kernels,
// BENCH_SCHEMES=batched).
bool quantGemvSuits(const QuantMatrices& m, std::int64_t tokens);

// A dense MLP's gate and up projections of T <= kMaxGemvTokens tokens with SiLU: h [T, I] = bf16(silu(bf16(gate x))
// * bf16(up x)) (the eager path's roundings), gate and up [I, H] bf16 contiguous, H a multiple of 8; a warp per row
// of both, as the routed experts' kernel.
void launchGatedGemv(const __nv_bfloat16* x, const __nv_bfloat16* gate, const __nv_bfloat16* up, std::int64_t tokens,
    std::int64_t hidden, std::int64_t intermediate, __nv_bfloat16* h, cudaStream_t stream);

// Prefill of the routed experts (kernels/moeprefillkernels.cu): the elementwise steps around their grouped GEMMs,
// one pass each with the eager path's roundings (bit for bit its results), for any number of tokens.
// h [N, I] = bf16(bf16(silu(gate)) * up), gate and up rows rowStride elements apart (gateUp [N, 2I], gate columns
// first: up = gate + I, rowStride 2I; or two [N, I] tensors), I a multiple of 8, 16-byte aligned.
void launchSiluProduct(const __nv_bfloat16* gate, const __nv_bfloat16* up, std::int64_t rowStride, std::int64_t rows,
    std::int64_t intermediate, __nv_bfloat16* h, cudaStream_t stream);
// out [T, H] as launchMoeDecode combines: the slot outputs y [S, H] (S = T * k) lie in the order of a stable sort of
// the slots by expert (row p of y is slot order[p]; ids [S] and weights [S] in the router's order); rowOfSlot [S]
// is scratch.
void launchCombineSortedSlots(const __nv_bfloat16* y, const std::int64_t* order, const std::int64_t* ids,
    SlotWeights weights, std::int64_t tokens, int k, std::int64_t hidden, std::int64_t* rowOfSlot, __nv_bfloat16* out,
    cudaStream_t stream);

// MLA's expanded attention (prefill): out [N, H, a + b] = the two parts of each head side by side, what at::cat of
// them along the last dim writes (queries: their no-rope and rotated parts; keys: kv_b's no-rope part and the one
// rotated key part every head shares, a head stride of 0). Widths multiples of 8; strides multiples of 8 elements and
// data 16-byte aligned.
struct HeadPart {
    const __nv_bfloat16* data = nullptr;
    std::int64_t rowStride = 0;
    std::int64_t headStride = 0;
    int width = 0;
};
void launchConcatHeads(const HeadPart& first, const HeadPart& second, std::int64_t rows, int heads, __nv_bfloat16* out,
    cudaStream_t stream);

// out[r] = weight * bf16(v[r] * rsqrt(mean(v[r]^2) + eps)) for rows r of width d (the eager rmsNorm's roundings),
// v = x, or with a residual (not null) v = bf16(x + residual), also written to sum (the residual stream's add and
// the next norm in one pass).
// Rows for which rmsNormInAtenOrder holds are normalised bit for bit as the eager path's ATen kernels do (the mean of
// squares summed in ATen's reduction order; rows 8-byte aligned); others in one pass with the same roundings but
// another summation order.
void launchRmsNorm(const __nv_bfloat16* x, const __nv_bfloat16* residual, const __nv_bfloat16* weight,
    std::int64_t rows, std::int64_t d, float eps, __nv_bfloat16* sum, __nv_bfloat16* out, cudaStream_t stream);
bool rmsNormInAtenOrder(std::int64_t rows, std::int64_t d);
// An embedding lookup and the first norm in one pass: x [rows, d] = table rows ids [rows] (device int64), out = their
// norm, bit for bit launchRmsNorm of the gathered rows. For rows where gatherRmsNormApplies; 16-byte aligned rows.
bool gatherRmsNormApplies(std::int64_t rows, std::int64_t d);
void launchGatherRmsNorm(const __nv_bfloat16* table, const std::int64_t* ids, std::int64_t rows, std::int64_t d,
    const __nv_bfloat16* weight, float eps, __nv_bfloat16* x, __nv_bfloat16* out, cudaStream_t stream);

// What an MoE layer of a decode step adds to the residual stream, not yet added: its routed experts' slot outputs
// y [T * k, d] (launchMoeDecode's), combined as launchCombineSlots combines them, plus shared [T, d] (a shared
// expert's output; null: none) with one more bf16 rounding.
struct SlotAddend {
    const __nv_bfloat16* y = nullptr;
    const std::int64_t* ids = nullptr; // [T, k]
    SlotWeights weights;
    int k = 0;
    const __nv_bfloat16* shared = nullptr;
};
// launchRmsNorm with the residual x and the addend formed in the same pass (one kernel where a decode step took
// two): sum = bf16(x + addend), out = its norm, bit for bit launchCombineSlots (+ the shared add) followed by
// launchRmsNorm. For rows where combineAddRmsNormApplies; 16-byte aligned rows. x, the ids and the weights are read
// before the chained wait: they must have been written two or more kernels back (the experts' kernels come between).
bool combineAddRmsNormApplies(std::int64_t rows, std::int64_t d);
void launchCombineAddRmsNorm(const __nv_bfloat16* x, const SlotAddend& addend, const __nv_bfloat16* weight,
    std::int64_t rows, std::int64_t d, float eps, __nv_bfloat16* sum, __nv_bfloat16* out, cudaStream_t stream);

// The MoE router of T <= kMaxGemvTokens tokens over E <= kMaxRouterExperts experts (hidden a multiple of 8):
//   logits [T, E] = x W^T (W float32, or bf16 with the product rounded to bf16), scores [T, E] = softmax or
//   sigmoid(logits), ids [T, k] = the k highest scores (+ bias [E] when not null: DeepSeek-V3's choice), in
//   descending order, weights [T, k] = their scores, divided by their sum (+ 1e-20) if normalize, times scaling.
// Two kernels (logits, then the selection); on Hopper one token after the add + norm at hidden 2,048 and up to 128
// experts takes one launch of a cluster of blocks, with the same results bit for bit.
constexpr int kMaxRouterExperts = 256;
// The residual add and RMSNorm before a router, done by the router's logits kernel (each of its blocks normalises
// the whole row): x is then the residual stream, sum = bf16(x + delta) and normed = its norm with weight, bit for bit
// launchRmsNorm with a residual, and the logits are those of normed. Where routerAddNormApplies.
struct RouterAddNorm {
    const __nv_bfloat16* delta = nullptr; // [T, hidden]
    const __nv_bfloat16* weight = nullptr; // [hidden]
    float eps = 0.f;
    __nv_bfloat16* sum = nullptr; // [T, hidden]
    __nv_bfloat16* normed = nullptr; // [T, hidden]
};
bool routerAddNormApplies(std::int64_t tokens, std::int64_t hidden);
// launchRouter's selection alone, from logits [T, E] float32 computed elsewhere (any T >= 1; a block per token): a
// batched step's or a prefill's router, whose logits come from a GEMM.
void launchRouterSelection(const float* logits, std::int64_t tokens, int experts, int k, bool sigmoid,
    const float* bias, bool normalize, float scaling, float* scores, std::int64_t* ids, float* weights,
    cudaStream_t stream);
void launchRouter(const __nv_bfloat16* x, const void* weight, bool float32Weight, std::int64_t tokens,
    std::int64_t hidden, int experts, int k, bool sigmoid, const float* bias, bool normalize, float scaling,
    float* logits, float* scores, std::int64_t* ids, float* weights, cudaStream_t stream,
    const RouterAddNorm* addNorm = nullptr);

// How a rotary embedding rotates: cos/sin [T, dim/2] float32; pairs are (i, i + dim/2), or (2i, 2i + 1) when
// interleaved; float32: rotate in float32 and round once, else in bf16 with the eager path's roundings; interleaved
// pairs come out in half layout unless keepInterleaved (DeepSeek-V2's complex rotation keeps them in place).
struct RopeRotation {
    const float* cos = nullptr;
    const float* sin = nullptr;
    bool interleaved = false;
    bool float32 = false;
    bool keepInterleaved = false;
};

// A rotary embedding's cos / sin [T, half] float32 of positions [T] (device int64): cos(float(position) * invFreq[i])
// * factor, and the same with sin, bit for bit as ATen computes them (one kernel where ATen takes six).
void launchRopeAngles(const std::int64_t* positions, std::int64_t tokens, const float* invFreq, std::int64_t half,
    float factor, float* cos, float* sin, cudaStream_t stream);

// Rotary embedding of x [T, heads, dim] (last dim contiguous, strides in elements) into out [T, heads, dim]
// contiguous.
void launchRope(const __nv_bfloat16* x, std::int64_t tokens, std::int64_t heads, std::int64_t dim,
    std::int64_t tokenStride, std::int64_t headStride, const RopeRotation& rotation, __nv_bfloat16* out,
    cudaStream_t stream);

// A decode step's rotary embedding and cache write in one launch: q rotated into qOut [T, Hq, dim] contiguous, k
// rotated into cacheK and v copied into cacheV ([capacity, Hkv, dim] contiguous) at rows positions[T] (device int64).
// q, k and v are views [T, heads, dim] with the last dim contiguous.
struct RopeStepView {
    const __nv_bfloat16* data = nullptr;
    std::int64_t heads = 0;
    std::int64_t tokenStride = 0;
    std::int64_t headStride = 0;
};
struct RopeStepInputs {
    RopeStepView q, k, v;
    std::int64_t dim = 0;
    RopeRotation rotation;
    const std::int64_t* positions = nullptr;
    __nv_bfloat16* qOut = nullptr;
    __nv_bfloat16* cacheK = nullptr;
    __nv_bfloat16* cacheV = nullptr;
    // Optional RMS norms of q and k before the rotation (Qwen3's per head: weights [dim]; OLMoE's over a token's
    // whole projection: weights [heads * dim]), with launchRmsNorm's roundings; null: none. With norms, a token's
    // heads * dim must be at most 8192 and dim a multiple of 8 whose dim / 8 is a power of two up to 32.
    const __nv_bfloat16* qNorm = nullptr;
    const __nv_bfloat16* kNorm = nullptr;
    bool perHeadNorm = false;
    float eps = 0.f;
};
void launchRopeStep(const RopeStepInputs& inputs, std::int64_t tokens, cudaStream_t stream);

// An MLA decode step's cache write in one launch: kv_a's output compressed [T, c + rope] (row stride in elements)
// gives the latent, RMS-normalised with normWeight [c] (launchRmsNorm's roundings), and the rope key, rotated, written
// to cacheLatent [capacity, c] and cacheKPe [capacity, rope] at rows positions[T]; the queries' rope parts q [T, H,
// rope] (strides in elements, last dim contiguous) are rotated into qOut [T, H, rope] contiguous. c a multiple of 8 up
// to 2048, 16-byte aligned rows.
struct MlaStepInputs {
    const __nv_bfloat16* compressed = nullptr;
    std::int64_t compressedStride = 0;
    int latentDim = 0;
    const __nv_bfloat16* normWeight = nullptr;
    float eps = 0.f;
    RopeStepView q;
    int rope = 0;
    RopeRotation rotation;
    const std::int64_t* positions = nullptr;
    __nv_bfloat16* qOut = nullptr;
    __nv_bfloat16* cacheLatent = nullptr;
    __nv_bfloat16* cacheKPe = nullptr;
};
void launchMlaStep(const MlaStepInputs& inputs, std::int64_t tokens, cudaStream_t stream);

// MLA attention of a decode step in the absorbed form (DeepSeek-V2/V3) for one sequence of T <= kMaxGemvTokens
// tokens over its latent cache, with wUk_h = kvB[h, :nope] and wUv_h = kvB[h, nope:]:
//   qLatent [T, H, c] = bf16(qNope . wUk_h)
//   s = bf16(bf16(qLatent . latent_k) + bf16(qPe . kPe_k)) * scale for keys k <= the token's position, k < span
//   o [T, H, c] = bf16(softmax(s) . latent),  out [T, H * v] = bf16(o . wUv_h^T)
// (nn/attention.cpp's attendAbsorbed; its probabilities are bf16 here too, but the exp-weights of a chunk of keys
// before their normalisation). Needs c a multiple of 128 up to kMaxMlaLatentDim, nope up to kMaxMlaNope and rope a
// multiple of 16 up to kMaxMlaRope.
constexpr int kMaxMlaLatentDim = 512;
constexpr int kMaxMlaNope = 256;
constexpr int kMaxMlaRope = 128;
constexpr int kMaxMlaChunks = 256;
struct MlaDecodeInputs {
    const __nv_bfloat16* qNope = nullptr; // [T, H, nope], strides in elements, last dim contiguous
    std::int64_t qTokenStride = 0;
    std::int64_t qHeadStride = 0;
    const __nv_bfloat16* qPe = nullptr; // [T, H, rope] contiguous (rotated)
    const __nv_bfloat16* kvB = nullptr; // [H, nope + v, c] contiguous
    const __nv_bfloat16* latent = nullptr; // [>= span, c] contiguous
    const __nv_bfloat16* kPe = nullptr; // [>= span, rope] contiguous (rotated)
    const std::int64_t* positions = nullptr; // [T] on the device
    int tokens = 0;
    int heads = 0;
    int nope = 0;
    int rope = 0;
    int valueDim = 0;
    int latentDim = 0;
    std::int64_t span = 0;
    float scale = 1.f;
};
// How the keys are split: chunks of keysPerChunk keys, each handled for rowGroups groups of 16 query rows.
struct MlaDecodeLayout {
    int chunks = 1;
    int keysPerChunk = 0;
    int rowGroups = 1;
};
MlaDecodeLayout mlaDecodeLayout(const MlaDecodeInputs& in);
// Scratch: qLatent [T * H, c] bf16, sums [chunks, T * H, c] and stats [chunks, T * H, 2] float32.
struct MlaDecodeScratch {
    __nv_bfloat16* qLatent = nullptr;
    float* sums = nullptr;
    float* stats = nullptr;
};
void launchMlaDecode(
    const MlaDecodeInputs& in, const MlaDecodeScratch& scratch, __nv_bfloat16* out, cudaStream_t stream);

// Attention of one sequence's GQA decode step (one token) over its key/value cache:
//   o[h] = softmax_k(q[h] . K[k, h / G] * scale) . V[k, h / G]   for keys k < span with k <= position
//   (and k > position - window when window > 0), G = heads / kvHeads
// as one block per (chunk of keysPerChunk keys, kv head, headsPerBlock of its query heads) with float32 scores,
// exp-weights and sums, then the chunks combined into bf16 out [1, heads * D] (SDPA's layout). The cache holds this
// step's key and value at the position already. gqaDecodeSupports says which shapes it takes (D of 16, 32, 64 or
// 128; spans up to kMaxGqaSpan).
constexpr int kMaxGqaChunks = 2048;
constexpr std::int64_t kMaxGqaSpan = 131072;
struct GqaDecodeInputs {
    const __nv_bfloat16* q = nullptr; // [1, heads, D] contiguous (rotated)
    const __nv_bfloat16* keys = nullptr; // [>= span, kvHeads, D] contiguous, 16-byte aligned
    const __nv_bfloat16* values = nullptr; // [>= span, kvHeads, D] contiguous, 16-byte aligned
    const std::int64_t* positions = nullptr; // [1] on the device
    int heads = 0;
    int kvHeads = 0;
    int headDim = 0;
    int window = 0;
    std::int64_t span = 0;
    float scale = 1.f;
};
bool gqaDecodeSupports(int heads, int kvHeads, int headDim, std::int64_t span);
struct GqaDecodeLayout {
    int chunks = 1;
    int keysPerChunk = 0;
    int tilesPerChunk = 1; // 64-key tiles; > 1 for long spans
    int headsPerBlock = 1;
    int headGroups = 1;
};
GqaDecodeLayout gqaDecodeLayout(const GqaDecodeInputs& in);
// Scratch: sums [chunks, heads, D] and stats [chunks, heads, 2] (largest score, sum of exp-weights) float32.
void launchGqaDecode(const GqaDecodeInputs& in, float* sums, float* stats, __nv_bfloat16* out, cudaStream_t stream);
// launchRopeStep for one token, then launchGqaDecode over the cache it wrote, with in.q unused: for spans of one
// 64-key tile a chunk in the same kernel (the chunk's block normalises and rotates its query heads, the position's
// chunk also the key it writes to the cache; the results are those of the two launches, bit for bit), for longer
// ones in the two launches (step.qOut [heads, D] then holds the rotated queries). step's shapes as launchRopeStep
// takes them, with its q / k / v heads equal to in.heads / in.kvHeads and its dim to in.headDim.
void launchGqaDecodeStep(const GqaDecodeInputs& in, const RopeStepInputs& step, float* sums, float* stats,
    __nv_bfloat16* out, cudaStream_t stream);

// The greedy choice at the end of a decode step: logits [n] float32 or bf16 (n >= 1), step [2] int64 on the device =
// (token, position) -> (at::argmax(logits): the first of equal largest values, NaN above all; position + 1). On
// Hopper one launch of a cluster of blocks; else two kernels: the best of each of greedyNextScratchSlices() slices
// into the scratch ([slices] each), then the best of those.
int greedyNextScratchSlices();
void launchGreedyNext(const float* logits, std::int64_t n, float* scratchValues, std::int64_t* scratchIndices,
    std::int64_t* step, cudaStream_t stream);
void launchGreedyNext(const __nv_bfloat16* logits, std::int64_t n, float* scratchValues,
    std::int64_t* scratchIndices, std::int64_t* step, cudaStream_t stream);

} // namespace moescope::kernels

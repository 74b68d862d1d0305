#pragma once
// Decode steps of weight-only INT8 / INT4 / FP8 models on CUDA through the project's fused kernels
// (kernels/quantdecodekernels.cu, int4mmakernels.cu): the codes are dequantized in registers as they stream past, so
// a step reads the packed bytes instead of writing and re-reading a bf16 copy, and nothing synchronises with the host
// (the steps can be recorded as CUDA graphs). Used for decode steps of up to kMaxMoeDecodeTokens tokens (batched
// decode of up to 64 sequences) with bf16 activations; *Applies() says when. Beyond a few tokens a matrix is read
// once per token, mostly from L2, which still beats dequantizing it (with a host synchronisation for the experts in
// use) at batch 16 by far. Matrices with activation-aware scaling (+awq: the codes stand for W * s per column) take
// the same kernels on inputs divided by s; a bank's gate and up then run apart (their scales differ), one product per
// slot each. Builds without MOESCOPE_WITH_CUDA_KERNELS never apply them.

#include "quant/quantizedtensor.h"

#include <ATen/ATen.h>

#include <vector>

namespace moescope {

// x [T, H] bf16 on CUDA, T small; gate/up [E, I, H] and down [E, H, I] of one scheme, experts in order.
bool fusedQuantMoeDecodeApplies(const at::Tensor& x, std::int64_t k, const QuantizedTensor& gate,
    const QuantizedTensor& up, const QuantizedTensor& down);
// ids [T, k] int64, weights [T, k] (any float type) -> [T, H] bf16
at::Tensor fusedQuantMoeDecode(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights,
    const QuantizedTensor& gate, const QuantizedTensor& up, const QuantizedTensor& down);
// The unweighted slot outputs [T * k, H] of the same step (nn/fuseddecode.h: fusedMoeDecodeSlots). With `into`
// ([T * k, H] bf16, contiguous) they are written there and it is returned; a slot whose id is -1 is skipped and its
// row of `into` left as it was. With stackIndex ([E] int64 on the device: each of the layer's experts' index in this
// stack, -1 for another stack's) ids are the model's expert ids: a bank of a mixed policy runs each stack's kernels on
// its own experts' slots only, without looking the ids up first.
at::Tensor fusedQuantMoeDecodeSlots(const at::Tensor& x, const at::Tensor& ids, const QuantizedTensor& gate,
    const QuantizedTensor& up, const QuantizedTensor& down, const at::Tensor& into = {},
    const at::Tensor& stackIndex = {});

// x [..., in] bf16 on CUDA with few rows (up to 64 for INT4 in groups of 128, up to 8 for the other layouts, whose
// products of more rows run faster dequantized into a GEMM), weight one INT8, INT4 or FP8 matrix [out, in], bias
// [out] bf16 or undefined.
bool fusedQuantGemvApplies(const at::Tensor& x, const QuantizedTensor& weight, const at::Tensor& bias);
at::Tensor fusedQuantGemv(const at::Tensor& x, const QuantizedTensor& weight, const at::Tensor& bias); // [..., out]

// Up to three such products of the same x in one launch (attention's q, k and v): weights of one format (INT8, FP8,
// or INT4 of any group size) and the same in; biases one per weight (undefined for none).
bool fusedQuantGemvsApply(
    const at::Tensor& x, const std::vector<const QuantizedTensor*>& weights, const std::vector<at::Tensor>& biases);
std::vector<at::Tensor> fusedQuantGemvs(
    const at::Tensor& x, const std::vector<const QuantizedTensor*>& weights, const std::vector<at::Tensor>& biases);

} // namespace moescope

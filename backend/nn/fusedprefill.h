#pragma once
// The routed experts' elementwise steps of a prefill (and a dense MLP's SiLU product, MLA's heads) on CUDA through
// the project's kernels (kernels/moeprefillkernels.cu) instead of ~15 ATen kernels a layer: bit for bit the eager
// path's results, so prefill keeps matching transformers. Their grouped GEMMs stay ATen's. *Applies() says when; builds
// without MOESCOPE_WITH_CUDA_KERNELS never apply them.

#include <ATen/ATen.h>

namespace moescope {

// gateUp [N, 2I] bf16 on CUDA (gate columns first): bf16(bf16(silu(gate)) * up) [N, I], as at::silu(...) * up.
bool fusedSiluProductApplies(const at::Tensor& gateUp);
at::Tensor fusedSiluProduct(const at::Tensor& gateUp);
// The same of gate and up [N, I] apart (a dense MLP's two products; decode steps too: one chained kernel for ATen's
// two).
bool fusedSiluProductApplies(const at::Tensor& gate, const at::Tensor& up);
at::Tensor fusedSiluProduct(const at::Tensor& gate, const at::Tensor& up);

// y [T*k, H] bf16 on CUDA: the slots' expert outputs in the order of the stable sort of ids [T, k] by expert (row p
// is slot order[p]). Returns [T, H]: each token's outputs scaled by weights [T, k] (bf16(y * w) in the weights'
// type) and added in ascending expert id with a bf16 rounding after each addition (combineExpertSlots' order).
bool fusedCombineSortedApplies(const at::Tensor& y, const at::Tensor& ids);
at::Tensor fusedCombineSorted(const at::Tensor& y, const at::Tensor& order, const at::Tensor& ids,
    const at::Tensor& weights);

// MLA's expanded attention: at::cat({ first, second }, 2) of first [N, H, a] and second [N, H, b] (bf16 on CUDA, last
// dims contiguous; second may be a rotated key part expanded over the heads), in one pass.
bool fusedConcatHeadsApplies(const at::Tensor& first, const at::Tensor& second);
at::Tensor fusedConcatHeads(const at::Tensor& first, const at::Tensor& second);

} // namespace moescope

#pragma once
// The project's CUDA kernels' view of a stored quantized matrix or stack (kernels/decodekernels.h: QuantMatrices):
// codes and scales contiguous on CUDA in the types the quantizer stores, 16-byte aligned codes, no activation-aware
// scaling. Each kernel family adds its own shape limits. Only with MOESCOPE_HAVE_CUDA_KERNELS.

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
#include "kernels/decodekernels.h"
#include "quant/quantizedtensor.h"

#include <optional>

namespace moescope {

std::optional<kernels::QuantMatrices> quantKernelView(const QuantizedTensor& q);

} // namespace moescope
#endif

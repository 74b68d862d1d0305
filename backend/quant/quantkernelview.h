#pragma once
// The project's CUDA kernels' view of a stored quantized matrix or stack (kernels/decodekernels.h: QuantMatrices):
// codes and scales contiguous on CUDA in the types the quantizer stores, 16-byte aligned codes. Each kernel family adds
// its own shape limits. Only with MOESCOPE_HAVE_CUDA_KERNELS.

#ifdef MOESCOPE_HAVE_CUDA_KERNELS
#include "kernels/decodekernels.h"
#include "quant/quantizedtensor.h"

#include <optional>

namespace moescope {

// Activation-aware scaling: only the dequantization kernel reads it (readInputScale); other kernels get no view of a
// matrix that has it.
std::optional<kernels::QuantMatrices> quantKernelView(const QuantizedTensor& q, bool readInputScale = false);

} // namespace moescope
#endif

#pragma once
// Reading reference tensors (made by transformers, stored as safetensors) in tests that use LibTorch.

#include "io/safetensorsfile.h"
#include "runtime/checkpointweights.h"

#include <ATen/ATen.h>

#include <QString>

namespace moescope::test {

// The named tensor of a safetensors file as an owned CPU tensor; QFAIL-style exception when absent.
inline at::Tensor readTensor(const SafetensorsFile& file, const std::string& name)
{
    const auto* info = file.find(name);
    if (!info)
        throw std::runtime_error(file.path().string() + " has no tensor " + name);
    return viewTensor(TensorRef { &file, info }).clone();
}

} // namespace moescope::test

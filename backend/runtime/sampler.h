#pragma once
// Picks the next token from a row of logits: greedy (argmax) or temperature / top-k / top-p sampling from a seeded
// CPU generator, so a seed gives the same text on every device.

#include <cstdint>
#include "runtime/engine.h"

#include <ATen/ATen.h>

namespace moescope {

class Sampler {
public:
    explicit Sampler(const SamplingOptions& options);
    std::int32_t next(const at::Tensor& logits); // logits [vocab] float32, any device

private:
    SamplingOptions m_options;
    at::Generator m_generator;
};

} // namespace moescope

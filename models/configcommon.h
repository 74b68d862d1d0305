#pragma once
// Fields every family's config.json shares, read once: sizes, norms, token ids, and RoPE in both the hub style
// (rope_theta + rope_scaling) and the transformers-5 style (rope_parameters).

#include <cstdint>
#include "io/configreader.h"
#include "nn/modelspec.h"

namespace moescope::models {

// Vocabulary, hidden size, layers, eps, tied embeddings, token ids, dtype; checks hidden_act is SiLU.
void readCommonFields(const ConfigReader& config, ModelSpec& spec);
RopeSpec readRope(const ConfigReader& config, int rotaryDim, double defaultTheta);
// GQA attention shapes: heads, kv heads (defaults to heads), head_dim (defaults to hidden / heads).
void readGqaShape(const ConfigReader& config, ModelSpec& spec);
// The routed expert count, whichever of the names transformers and the hub use is present (0 when none is).
int readExpertCount(const ConfigReader& config);
// Fails with a FormatError naming the field when value is not positive.
int positive(const ConfigReader& config, const std::string& key, std::int64_t value);

} // namespace moescope::models

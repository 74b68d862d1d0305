#pragma once
// The quantize command's engine: streams a full-precision checkpoint tensor by tensor from its memory mapping,
// quantizes the matrices a policy selects and writes the quantized checkpoint (see quant/quantizedcheckpoint.h)
// shard by shard into a temporary folder that is renamed into place at the end, so a failed or cancelled run
// leaves nothing behind. Memory: one matrix in float32 (one expert bank for fused checkpoints) plus the shard being
// written; tensors kept as they are are written straight from the mapping.

#include "core/cancellation.h"
#include "nn/modelspec.h"
#include "quant/activationstats.h"
#include "quant/quantpolicy.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stop_token>
#include <string>

namespace moescope {

struct CheckpointQuantizeOptions {
    QuantPolicy policy;
    std::shared_ptr<const ActivationStats> stats; // required when policy.needsCalibration() (with Grams for GPTQ)
    std::string device = "cpu"; // where matrices are quantized ("cuda" for large models)
    std::uint64_t shardBytes = 4ull << 30; // a new shard starts past this size
};

struct CheckpointQuantizeReport {
    std::string label; // the scheme label written to config.json
    std::int64_t matricesQuantized = 0;
    std::int64_t tensorsCopied = 0;
    std::int64_t tensorsDropped = 0; // tensors of the source the runtime never loads (e.g. multi-token prediction)
    std::uint64_t sourceBytes = 0;
    std::uint64_t outputBytes = 0; // all safetensors shards
    std::int64_t parameters = 0; // of the matrices and tensors the runtime loads
    int shards = 0;
    double seconds = 0;
};

// progress: planned weights done of total. Throws InvalidArgumentError when out exists and is not empty.
CheckpointQuantizeReport quantizeCheckpoint(const std::filesystem::path& source, const ModelSpec& spec,
    const std::filesystem::path& out, const CheckpointQuantizeOptions& options, std::stop_token stop = {},
    const ProgressCallback& progress = {});

} // namespace moescope

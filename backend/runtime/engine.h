#pragma once
// The inference engine: one loaded model on one device, with prefill, incremental decode, scoring and generation.
// No LibTorch types in this header (Qt code includes it). Not thread-safe: one thread owns an Engine (the GUI's
// InferenceService thread, or the CLI's main thread); cancellation arrives through std::stop_token, polled between
// layers and tokens.

#include "core/cancellation.h"
#include "nn/modelspec.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

namespace moescope {

class ForwardObserver;
class Transformer;
class WeightSource;

struct EngineOptions {
    std::string device = "auto"; // auto | cpu | cuda | cuda:N
    std::string dtype = "auto"; // auto (bf16 on CUDA, f32 on CPU) | f32 | bf16
    std::int64_t prefillChunk = 2048; // tokens per forward pass when prefilling long inputs
    // Quantize on load (backend/quant): "int8", "int4-g128", "int4-g64-asym", "fp8", "bf16", ..., "SCHEME+minmax",
    // or "mixed:POLICY.json"; empty loads the weights as stored. Saved quantized checkpoints are recognised from
    // their config.json and need nothing here.
    std::string quantization {};
    // Advanced: wraps the weight source the model is built from (quantization with calibration statistics,
    // activation capture); called once during load.
    std::function<std::unique_ptr<WeightSource>(WeightSource& inner)> wrapWeights {};
};

struct ModelSummary {
    std::string path;
    std::string modelType;
    std::string family;
    std::string device;
    std::string computeDtype; // "f32" | "bf16"
    std::string checkpointDtype; // as stored: "bf16", "f32", "fp8-e4m3", ...
    std::string quantization = "none";
    int layers = 0;
    std::vector<int> moeLayers;
    int hiddenSize = 0;
    int vocabSize = 0;
    int experts = 0;
    int expertsPerToken = 0;
    int sharedExperts = 0; // number of shared experts (DeepSeek n_shared_experts; 1 for Qwen2-MoE's shared expert)
    int contextLength = 0;
    std::int64_t paramsTotal = 0;
    std::int64_t paramsActive = 0;
    std::int64_t weightBytes = 0; // bytes of the weights: as stored for a summary, on the device once loaded
};

// What a model folder holds, from config.json and the safetensors headers alone (no weights read).
ModelSummary summarizeCheckpoint(const std::filesystem::path& dir, const ModelSpec& spec);

struct SamplingOptions {
    int maxNewTokens = 64;
    bool greedy = true;
    double temperature = 1.0;
    double topP = 1.0;
    int topK = 0; // 0: no top-k cut
    std::uint64_t seed = 0;
    std::vector<std::int32_t> stopTokens; // empty: the model's EOS tokens
};

// One of several prompts generated together (Engine::generateBatch).
struct GenerationRequest {
    std::vector<std::int32_t> prompt;
    SamplingOptions options;
};

struct GenerationResult {
    std::vector<std::int32_t> tokens; // new tokens only (the stop token included when one ended generation)
    std::string stopReason; // "stop_token" | "max_tokens" | "cancelled"
    double prefillSeconds = 0;
    double decodeSeconds = 0;
};

class Engine {
public:
    // Loads the checkpoint in dir (config already mapped to spec by the models registry). Throws IoError,
    // FormatError, ShapeError, UnsupportedError, OutOfMemoryError (naming the bytes needed), CancelledError.
    static std::unique_ptr<Engine> load(const std::filesystem::path& dir, const ModelSpec& spec,
        const EngineOptions& options = {}, std::stop_token stop = {}, const ProgressCallback& progress = {});
    ~Engine();

    const ModelSummary& summary() const;
    const ModelSpec& spec() const;
    std::vector<std::int32_t> eosTokens() const;

    // Logits of every position, row-major [ids.size(), vocab].
    std::vector<float> logits(std::span<const std::int32_t> ids, ForwardObserver* observer = nullptr,
        std::stop_token stop = {});
    // log p(ids[i] | ids[0..i)) for every i in [scoreFrom, ids.size()); scoreFrom >= 1.
    std::vector<float> scoreTokens(std::span<const std::int32_t> ids, std::size_t scoreFrom = 1,
        ForwardObserver* observer = nullptr, std::stop_token stop = {});
    // Prefills the prompt and decodes up to maxNewTokens; onToken sees each new token as it is chosen.
    GenerationResult generate(std::span<const std::int32_t> prompt, const SamplingOptions& options,
        const std::function<void(std::int32_t)>& onToken = {}, ForwardObserver* observer = nullptr,
        std::stop_token stop = {});

    // Generates several requests together (continuous batching, up to `slots` sequences per decode step; see
    // BatchGenerator). Results in request order; onToken(request index, token) sees each new token, onFinished(request
    // index) each completed request. Every request needs a prompt; the stop request ends the unfinished ones as
    // "cancelled".
    std::vector<GenerationResult> generateBatch(std::span<const GenerationRequest> requests, int slots,
        const std::function<void(std::size_t, std::int32_t)>& onToken = {}, std::stop_token stop = {},
        const std::function<void(std::size_t)>& onFinished = {});

    // For backend code that works on tensors (evaluation, quantization, benchmarks).
    Transformer& transformer();

private:
    Engine();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace moescope

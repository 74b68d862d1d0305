#include <cstdint>
#include "runtime/engine.h"

#include "core/error.h"
#include "io/configreader.h"
#include "io/safetensorscheckpoint.h"
#include "nn/transformer.h"
#include "quant/quantizedcheckpoint.h"
#include "quant/quantloading.h"
#include "runtime/batchgenerator.h"
#include "runtime/checkpointweights.h"
#include "runtime/devices.h"
#include "runtime/sampler.h"
#include "runtime/stepdecoder.h"
#include "runtime/tensorerrors.h"

#include <c10/core/InferenceMode.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

namespace moescope {

struct Engine::Impl {
    ModelSpec spec;
    ModelSummary summary;
    at::Device device { at::kCPU };
    at::ScalarType dtype = at::kFloat;
    std::int64_t prefillChunk = 2048;
    std::vector<std::int32_t> eos;
    std::unique_ptr<SafetensorsCheckpoint> checkpoint;
    std::unique_ptr<Transformer> model;

    at::Tensor idsTensor(std::span<const std::int32_t> ids) const
    {
        for (auto id : ids)
            if (id < 0 || id >= spec.vocabSize)
                throw InvalidArgumentError("token id " + std::to_string(id) + " is outside the vocabulary (0.."
                    + std::to_string(spec.vocabSize - 1) + ")");
        return at::tensor(std::vector<std::int64_t>(ids.begin(), ids.end()), at::kLong).to(device); // [T]
    }

    // Runs ids through the model in chunks, appending to cache; calls onChunk(hidden [t, hidden], offset).
    template <typename OnChunk>
    void prefill(const at::Tensor& ids, KvCache& cache, ForwardObserver* observer, std::stop_token stop,
        OnChunk&& onChunk)
    {
        const auto n = ids.size(0);
        for (std::int64_t begin = 0; begin < n; begin += prefillChunk) {
            const auto len = std::min(prefillChunk, n - begin);
            const auto hidden = model->forwardHidden(ids.narrow(0, begin, len), &cache, observer, stop);
            onChunk(hidden, begin);
        }
    }

    // Prefills a prompt into cache; returns the last position's hidden state [1, hidden] (what generation starts from).
    at::Tensor prefillLast(
        std::span<const std::int32_t> prompt, KvCache& cache, ForwardObserver* observer, std::stop_token stop)
    {
        at::Tensor last;
        prefill(idsTensor(prompt), cache, observer, stop,
            [&](const at::Tensor& hidden, std::int64_t) { last = hidden.narrow(0, hidden.size(0) - 1, 1); });
        return last;
    }
};

namespace {
    std::string dtypeLabel(at::ScalarType t) { return t == at::kBFloat16 ? "bf16" : "f32"; }

    std::string storedDtypeLabel(const SafetensorsCheckpoint& ckpt)
    {
        std::map<std::string, std::uint64_t> bytes;
        for (const auto& f : ckpt.files())
            for (const auto& t : f->tensors())
                bytes[std::string(dtypeName(t.dtype))] += t.byteSize();
        std::string best;
        std::uint64_t most = 0;
        for (const auto& [name, b] : bytes)
            if (b > most) {
                most = b;
                best = name;
            }
        if (best == "F8_E4M3")
            return "fp8-e4m3";
        for (auto& c : best)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return best;
    }

    std::vector<std::int32_t> generationEos(const std::filesystem::path& dir, const ModelSpec& spec)
    {
        std::vector<std::int64_t> ids = spec.eosTokenIds;
        std::error_code ec;
        if (std::filesystem::exists(dir / "generation_config.json", ec)) {
            const auto g = ConfigReader::fromFile(dir / "generation_config.json").getIntList("eos_token_id");
            if (!g.empty())
                ids = g;
        }
        return { ids.begin(), ids.end() };
    }
} // namespace

ModelSummary summarizeCheckpoint(const std::filesystem::path& dir, const ModelSpec& spec)
{
    const SafetensorsCheckpoint checkpoint(dir);
    const auto params = countParameters(spec);
    ModelSummary s;
    s.path = dir.string();
    s.modelType = spec.modelType;
    s.family = spec.family;
    s.checkpointDtype = storedDtypeLabel(checkpoint);
    s.layers = spec.numLayers;
    s.moeLayers = spec.moeLayerIndices();
    s.hiddenSize = spec.hiddenSize;
    s.vocabSize = spec.vocabSize;
    s.experts = s.moeLayers.empty() ? 0 : spec.moe.router.numExperts;
    s.expertsPerToken = s.moeLayers.empty() ? 0 : spec.moe.router.topK;
    s.sharedExperts = spec.moe.sharedIntermediate > 0 && spec.moe.expertIntermediate > 0
        ? std::max(1, spec.moe.sharedIntermediate / spec.moe.expertIntermediate)
        : 0;
    s.contextLength = spec.maxPositions;
    s.paramsTotal = params.total;
    s.paramsActive = params.active;
    s.weightBytes = static_cast<std::int64_t>(checkpoint.totalBytes());
    s.quantization = quantizationLabel(dir);
    return s;
}

Engine::Engine()
    : m_impl(std::make_unique<Impl>())
{
}

Engine::~Engine() = default;

std::unique_ptr<Engine> Engine::load(const std::filesystem::path& dir, const ModelSpec& spec,
    const EngineOptions& options, std::stop_token stop, const ProgressCallback& progress)
{
    std::unique_ptr<Engine> engine(new Engine());
    auto& d = *engine->m_impl;
    d.spec = spec;
    const auto deviceName = resolveDevice(options.device);
    d.device = at::Device(deviceName);
    if (options.dtype == "auto")
        d.dtype = d.device.is_cuda() ? at::kBFloat16 : at::kFloat;
    else if (options.dtype == "f32" || options.dtype == "float32")
        d.dtype = at::kFloat;
    else if (options.dtype == "bf16" || options.dtype == "bfloat16")
        d.dtype = at::kBFloat16;
    else
        throw InvalidArgumentError("unsupported compute dtype '" + options.dtype + "' (expected auto, f32 or bf16)");
    if (options.prefillChunk <= 0)
        throw InvalidArgumentError("prefill chunk must be positive");
    d.prefillChunk = options.prefillChunk;

    d.checkpoint = std::make_unique<SafetensorsCheckpoint>(dir);
    const auto params = countParameters(spec);
    const std::uint64_t needed = estimateLoadedBytes(dir, spec, *d.checkpoint, options.quantization,
        static_cast<int>(at::elementSize(d.dtype)));
    const auto free = queryDevice(deviceName).freeMemory;
    if (free > 0 && needed > free)
        throw OutOfMemoryError("not enough memory on " + deviceName + " to load " + dir.string() + ": the weights need "
            + formatBytes(needed) + " in " + dtypeLabel(d.dtype) + ", " + formatBytes(free) + " are free");

    spdlog::info("loading {} ({}, {} parameters) onto {} in {}", dir.string(), spec.family, params.total, deviceName,
        dtypeLabel(d.dtype));
    std::string quantization;
    guardTensorErrors("loading " + dir.string() + " onto " + deviceName, [&] {
        c10::InferenceMode inference;
        CheckpointWeights weights(*d.checkpoint, d.device, d.dtype, fp8BlockSizeOf(dir).value_or(kDefaultFp8Block));
        // Quantized checkpoints, quantize on load and caller wrappers (backend/quant/quantloading.h).
        auto loading = prepareWeightLoading(weights, dir, spec, options.quantization, options.wrapWeights);
        quantization = loading.label;
        d.model = std::make_unique<Transformer>(spec, *loading.top, stop, progress);
        if (auto unused = weights.unusedTensors(); !unused.empty())
            spdlog::warn("{}: {} checkpoint tensors are not used by the {} architecture (first: {})", dir.string(),
                unused.size(), spec.family, unused.front());
    });

    d.summary = summarizeCheckpoint(dir, spec);
    d.summary.device = deviceName;
    d.summary.computeDtype = dtypeLabel(d.dtype);
    d.summary.weightBytes = d.model->weightBytes();
    d.summary.quantization = quantization;
    d.eos = generationEos(dir, spec);
    return engine;
}

const ModelSummary& Engine::summary() const { return m_impl->summary; }

const ModelSpec& Engine::spec() const { return m_impl->spec; }

std::vector<std::int32_t> Engine::eosTokens() const { return m_impl->eos; }

Transformer& Engine::transformer() { return *m_impl->model; }

std::vector<float> Engine::logits(std::span<const std::int32_t> ids, ForwardObserver* observer, std::stop_token stop)
{
    auto& d = *m_impl;
    std::vector<float> out;
    guardTensorErrors("computing logits", [&] {
        c10::InferenceMode inference;
        const auto vocab = d.spec.vocabSize;
        out.resize(ids.size() * static_cast<std::size_t>(vocab));
        if (ids.empty())
            return;
        auto cache = d.model->makeCache();
        d.prefill(d.idsTensor(ids), cache, observer, stop, [&](const at::Tensor& hidden, std::int64_t offset) {
            const auto rows = d.model->logits(hidden).to(at::kCPU).contiguous(); // [t, vocab]
            std::memcpy(out.data() + offset * vocab, rows.data_ptr<float>(), rows.numel() * sizeof(float));
        });
    });
    return out;
}

std::vector<float> Engine::scoreTokens(std::span<const std::int32_t> ids, std::size_t scoreFrom,
    ForwardObserver* observer, std::stop_token stop)
{
    auto& d = *m_impl;
    if (scoreFrom < 1)
        throw InvalidArgumentError("the first token has no context to be scored from");
    std::vector<float> out;
    if (ids.size() <= scoreFrom)
        return out;
    out.reserve(ids.size() - scoreFrom);
    guardTensorErrors("scoring tokens", [&] {
        c10::InferenceMode inference;
        const auto all = d.idsTensor(ids);
        auto cache = d.model->makeCache();
        d.prefill(all, cache, observer, stop, [&](const at::Tensor& hidden, std::int64_t offset) {
            // Position p predicts token p + 1; keep the predictions of tokens in [scoreFrom, n).
            const auto n = static_cast<std::int64_t>(ids.size());
            const auto first = std::max<std::int64_t>(offset, static_cast<std::int64_t>(scoreFrom) - 1);
            const auto last = std::min<std::int64_t>(offset + hidden.size(0), n - 1); // exclusive
            if (first >= last)
                return;
            const auto logProbs = at::log_softmax(d.model->logits(hidden.narrow(0, first - offset, last - first)), -1);
            const auto targets = all.narrow(0, first + 1, last - first).unsqueeze(1); // [t, 1]
            const auto picked = logProbs.gather(1, targets).squeeze(1).to(at::kCPU).contiguous(); // [t]
            out.insert(out.end(), picked.data_ptr<float>(), picked.data_ptr<float>() + picked.numel());
        });
    });
    return out;
}

GenerationResult Engine::generate(std::span<const std::int32_t> prompt, const SamplingOptions& options,
    const std::function<void(std::int32_t)>& onToken, ForwardObserver* observer, std::stop_token stop)
{
    auto& d = *m_impl;
    if (prompt.empty())
        throw InvalidArgumentError("generation needs at least one prompt token");
    if (options.maxNewTokens < 0)
        throw InvalidArgumentError("max new tokens must not be negative");
    GenerationResult result;
    const auto stops = options.stopTokens.empty() ? d.eos : options.stopTokens;
    Sampler sampler(options);
    guardTensorErrors("generating", [&] {
        c10::InferenceMode inference;
        auto cache = d.model->makeCache();
        cache.reserve(static_cast<std::int64_t>(prompt.size()) + options.maxNewTokens);
        using Clock = std::chrono::steady_clock;
        auto t0 = Clock::now();
        const auto last = d.prefillLast(prompt, cache, observer, stop); // [1, hidden]
        auto t1 = Clock::now();
        result.prefillSeconds = std::chrono::duration<double>(t1 - t0).count();
        result.stopReason = "max_tokens";
        // On CUDA each new token is one replay of a recorded step (StepDecoder) rather than ~1,000 kernel launches.
        std::unique_ptr<StepDecoder> decoder;
        if (StepDecoder::graphsAvailable(d.device) && options.maxNewTokens > 1)
            decoder = std::make_unique<StepDecoder>(*d.model, cache,
                static_cast<std::int64_t>(prompt.size()) + options.maxNewTokens, true, observer, options.greedy);
        const bool greedySteps = decoder && decoder->choosesGreedily();
        auto logits = d.model->logits(last); // [1, vocab]
        std::optional<std::int32_t> chosen; // a greedy step's choice (the sampler's, made on the device)
        for (int i = 0; i < options.maxNewTokens; ++i) {
            if (stop.stop_requested()) {
                result.stopReason = "cancelled";
                break;
            }
            const auto token = chosen ? *chosen : sampler.next(logits.squeeze(0));
            result.tokens.push_back(token);
            if (onToken)
                onToken(token);
            if (std::find(stops.begin(), stops.end(), token) != stops.end()) {
                result.stopReason = "stop_token";
                break;
            }
            if (i + 1 == options.maxNewTokens)
                break;
            if (greedySteps) {
                chosen = static_cast<std::int32_t>(decoder->stepGreedy(token));
                continue;
            }
            if (decoder) {
                logits = decoder->step(token);
                continue;
            }
            const auto next = at::full({ 1 }, static_cast<std::int64_t>(token), at::TensorOptions(at::kLong).device(d.device));
            logits = d.model->logits(d.model->forwardHidden(next, &cache, observer, stop)); // [1, vocab]
        }
        result.decodeSeconds = std::chrono::duration<double>(Clock::now() - t1).count();
    });
    return result;
}

std::vector<GenerationResult> Engine::generateBatch(std::span<const GenerationRequest> requests, int slots,
    const std::function<void(std::size_t, std::int32_t)>& onToken, std::stop_token stop,
    const std::function<void(std::size_t)>& onFinished)
{
    auto& d = *m_impl;
    std::vector<GenerationResult> results;
    guardTensorErrors("generating a batch", [&] {
        c10::InferenceMode inference;
        BatchGenerator generator(*d.model, slots, true);
        const auto prefill = [&](std::span<const std::int32_t> prompt, KvCache& cache) {
            return d.prefillLast(prompt, cache, nullptr, stop);
        };
        results = generator.run(requests, prefill, d.eos, onToken, stop, onFinished);
    });
    return results;
}

} // namespace moescope

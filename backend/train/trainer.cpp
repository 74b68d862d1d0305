#include <cstdint>
#include "train/trainer.h"

#include "core/cancellation.h"
#include "core/error.h"
#include "io/jsonfile.h"
#include "io/safetensorsfile.h"
#include "io/safetensorswriter.h"
#include "nn/transformer.h"
#include "runtime/checkpointweights.h"
#include "runtime/devices.h"
#include "runtime/tensorerrors.h"
#include "train/trainableweights.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>
#include <ATen/core/grad_mode.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <numbers>

namespace moescope {

namespace fs = std::filesystem;

double learningRateAt(const TrainingOptions& o, std::int64_t step)
{
    if (step < o.warmupSteps)
        return o.learningRate * static_cast<double>(step + 1) / static_cast<double>(o.warmupSteps);
    const double span = std::max<std::int64_t>(1, o.steps - o.warmupSteps);
    const double progress = std::min(1.0, static_cast<double>(step - o.warmupSteps) / span);
    const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
    return o.learningRate * (o.minLearningRateRatio + (1.0 - o.minLearningRateRatio) * cosine);
}

namespace {
    using Clock = std::chrono::steady_clock;

    // Turns autocast on for the scope (CUDA, bf16) and clears its weight cast cache afterwards.
    class AutocastScope {
    public:
        explicit AutocastScope(bool on)
            : m_on(on)
        {
            if (m_on) {
                at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
                at::autocast::set_autocast_enabled(at::kCUDA, true);
            }
        }
        ~AutocastScope()
        {
            if (m_on) {
                at::autocast::set_autocast_enabled(at::kCUDA, false);
                at::autocast::clear_cache();
            }
        }

    private:
        bool m_on;
    };

    std::vector<std::byte> tensorBytes(const at::Tensor& t)
    {
        const auto c = t.contiguous().to(at::kCPU);
        std::vector<std::byte> out(static_cast<std::size_t>(c.nbytes()));
        std::memcpy(out.data(), c.data_ptr(), out.size());
        return out;
    }
} // namespace

struct Trainer::Impl {
    ModelSpec spec;
    TrainingOptions options;
    const TokenizedCorpus& corpus;
    fs::path checkpointDir;
    at::Device device { at::kCPU };
    bool autocast = false;
    std::unique_ptr<TrainableWeights> weights;
    std::unique_ptr<Transformer> model;
    std::vector<at::Tensor> params, decayParams, plainParams;
    std::vector<at::Tensor> expAvg, expAvgSq, stepCounts; // optimiser state, parallel to params
    std::int64_t step = 0;
    std::vector<TrainingProgress> curve;

    Impl(const ModelSpec& s, const TrainingOptions& o, const TokenizedCorpus& c, fs::path dir)
        : spec(s)
        , options(o)
        , corpus(c)
        , checkpointDir(std::move(dir))
    {
        device = at::Device(resolveDevice(o.device));
        autocast = device.is_cuda() && o.bf16Autocast;
        const auto window = o.sequenceLength + 1;
        if (static_cast<std::int64_t>(corpus.train.size()) < window * 2)
            throw InvalidArgumentError("the training corpus has " + std::to_string(corpus.train.size())
                + " tokens, too few for sequences of " + std::to_string(o.sequenceLength));
        if (o.batchSize <= 0 || o.sequenceLength <= 1 || o.steps <= 0 || o.warmupSteps < 0)
            throw InvalidArgumentError("batch size, sequence length and steps must be positive");
        weights = std::make_unique<TrainableWeights>(device, o.initStd, spec.numLayers, spec.tieWordEmbeddings, o.seed);
        model = std::make_unique<Transformer>(spec, *weights);
        for (const auto& [name, t] : weights->parameters()) {
            params.push_back(t);
            expAvg.push_back(at::zeros_like(t).detach());
            expAvgSq.push_back(at::zeros_like(t).detach());
            stepCounts.push_back(at::zeros({}, at::TensorOptions().dtype(at::kFloat).device(device)));
        }
        std::int64_t n = 0;
        for (const auto& t : params)
            n += t.numel();
        spdlog::info("training {} ({} parameters) on {}{}", spec.family, n, device.str(), autocast ? ", bf16 autocast" : "");
    }

    // Batch of random windows for a step, reproducible from (seed, step): inputs and targets [B, T].
    std::pair<at::Tensor, at::Tensor> batch(const std::vector<std::int32_t>& tokens, std::uint64_t salt,
        std::int64_t index, std::int64_t rows) const
    {
        auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed * 1000003ull + salt * 7919ull
            + static_cast<std::uint64_t>(index));
        const auto window = options.sequenceLength + 1;
        const auto maxStart = static_cast<std::int64_t>(tokens.size()) - window;
        const auto starts = at::randint(0, maxStart + 1, { rows }, gen, at::kLong);
        auto data = at::empty({ rows, window }, at::kLong); // [B, T+1]
        auto* d = data.data_ptr<std::int64_t>();
        const auto* s = starts.data_ptr<std::int64_t>();
        for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t j = 0; j < window; ++j)
                d[r * window + j] = tokens[static_cast<std::size_t>(s[r] + j)];
        data = data.to(device);
        return { data.narrow(1, 0, options.sequenceLength), data.narrow(1, 1, options.sequenceLength) };
    }

    // DeepSeek-V2 expert-level balance loss: alpha * sum_i f_i * P_i, f_i the load relative to uniform, P_i the
    // mean router probability. Also the max/mean load over layers for the progress line.
    std::pair<at::Tensor, at::Tensor> balance(const std::vector<RoutingDecision>& decisions) const
    {
        auto loss = at::zeros({}, at::TensorOptions().dtype(at::kFloat).device(device));
        at::Tensor imbalance = at::zeros({}, loss.options());
        if (decisions.empty())
            return { loss, imbalance };
        const auto experts = spec.moe.router.numExperts;
        const auto k = spec.moe.router.topK;
        for (const auto& d : decisions) {
            const auto tokens = d.ids.size(0);
            const auto counts = at::zeros({ experts }, loss.options()).index_add_(0, d.ids.reshape({ -1 }),
                at::ones({ tokens * k }, loss.options())); // [E]
            const auto f = counts * (static_cast<double>(experts) / static_cast<double>(tokens * k)); // [E]
            const auto p = d.scores.mean(0); // [E]
            loss = loss + (f.detach() * p).sum();
            imbalance = at::maximum(imbalance, counts.max() / counts.mean());
        }
        return { loss * options.auxLossAlpha / static_cast<double>(decisions.size()), imbalance };
    }

    double validationLoss()
    {
        if (corpus.validation.size() < static_cast<std::size_t>(options.sequenceLength + 2))
            return -1;
        at::NoGradGuard noGrad;
        AutocastScope scope(autocast);
        double total = 0;
        for (std::int64_t b = 0; b < options.evalBatches; ++b) {
            auto [x, y] = batch(corpus.validation, 2, b, options.batchSize);
            const auto logits = model->logits(model->forwardHidden(x, nullptr)); // [B*T, V]
            total += at::cross_entropy_loss(logits, y.reshape({ -1 })).item<double>();
        }
        return total / static_cast<double>(options.evalBatches);
    }

    void optimizerStep(double lr)
    {
        std::vector<at::Tensor> grads;
        for (auto& p : params)
            grads.push_back(p.mutable_grad().defined() ? p.mutable_grad() : at::zeros_like(p));
        // Global norm clipping without a host synchronisation: scale = min(1, clip / (norm + eps)).
        const auto norms = at::_foreach_norm(grads, 2);
        const auto total = at::stack(norms).norm();
        const auto scale = at::clamp_max(options.gradientClip / (total + 1e-6), 1.0);
        at::_foreach_mul_(grads, scale);
        std::vector<at::Tensor> dp, dg, dm, dv, ds, pp, pg, pm, pv, ps;
        const auto& named = weights->parameters();
        for (std::size_t i = 0; i < params.size(); ++i) {
            const bool decay = TrainableWeights::decays(named[i].first);
            (decay ? dp : pp).push_back(params[i]);
            (decay ? dg : pg).push_back(grads[i]);
            (decay ? dm : pm).push_back(expAvg[i]);
            (decay ? dv : pv).push_back(expAvgSq[i]);
            (decay ? ds : ps).push_back(stepCounts[i]);
        }
        at::NoGradGuard noGrad;
        at::_foreach_add_(stepCounts, 1.0); // the fused kernel reads the step count; it does not advance it
        if (!dp.empty())
            at::_fused_adamw_(dp, dg, dm, dv, {}, ds, lr, options.beta1, options.beta2, options.weightDecay,
                options.epsilon, false, false);
        if (!pp.empty())
            at::_fused_adamw_(pp, pg, pm, pv, {}, ps, lr, options.beta1, options.beta2, 0.0, options.epsilon, false,
                false);
        for (auto& p : params)
            p.mutable_grad().reset();
    }

    void saveCheckpoint() const
    {
        fs::create_directories(checkpointDir);
        SafetensorsWriter w;
        const auto& named = weights->parameters();
        for (std::size_t i = 0; i < params.size(); ++i) {
            const auto& name = named[i].first;
            const auto shape = params[i].sizes().vec();
            w.addOwned("param." + name, DType::F32, shape, tensorBytes(params[i].detach()));
            w.addOwned("adam.m." + name, DType::F32, shape, tensorBytes(expAvg[i]));
            w.addOwned("adam.v." + name, DType::F32, shape, tensorBytes(expAvgSq[i]));
            w.addOwned("adam.step." + name, DType::F32, {}, tensorBytes(stepCounts[i]));
        }
        w.write(checkpointDir / "state.safetensors");
        nlohmann::json state = { { "step", step }, { "steps", options.steps }, { "seed", options.seed } };
        for (const auto& row : curve)
            state["curve"].push_back({ row.step, row.loss, row.auxLoss, row.validationLoss, row.learningRate,
                row.tokensPerSecond, row.loadImbalance });
        writeTextFileAtomic(checkpointDir / "trainer.json", state.dump(1));
    }

    bool loadCheckpoint()
    {
        if (!fs::exists(checkpointDir / "trainer.json") || !fs::exists(checkpointDir / "state.safetensors"))
            return false;
        const auto state = readJsonFile(checkpointDir / "trainer.json");
        const SafetensorsFile file(checkpointDir / "state.safetensors");
        auto read = [&](const std::string& name, at::Tensor& dst) {
            const auto* info = file.find(name);
            if (!info || at::IntArrayRef(info->shape) != dst.sizes())
                throw FormatError((checkpointDir / "state.safetensors").string() + ": checkpoint lacks '" + name
                    + "' of the model's shape (a different configuration?)");
            at::NoGradGuard noGrad;
            dst.copy_(viewTensor(TensorRef { &file, info }));
        };
        const auto& named = weights->parameters();
        for (std::size_t i = 0; i < params.size(); ++i) {
            read("param." + named[i].first, params[i]);
            read("adam.m." + named[i].first, expAvg[i]);
            read("adam.v." + named[i].first, expAvgSq[i]);
            read("adam.step." + named[i].first, stepCounts[i]);
        }
        step = state.at("step").get<std::int64_t>();
        if (state.contains("steps"))
            options.steps = state.at("steps").get<std::int64_t>(); // the schedule the run was started with
        curve.clear();
        if (state.contains("curve"))
            for (const auto& r : state["curve"])
                curve.push_back({ r[0].get<std::int64_t>(), options.steps, r[1], r[2], r[3], r[4], r[5], 0, r[6] });
        spdlog::info("resuming training at step {} of {}", step, options.steps);
        return true;
    }
};

Trainer::Trainer(const ModelSpec& spec, const TrainingOptions& options, const TokenizedCorpus& corpus,
    fs::path checkpointDir)
    : m_impl(std::make_unique<Impl>(spec, options, corpus, std::move(checkpointDir)))
{
    m_impl->loadCheckpoint();
}

Trainer::~Trainer() = default;

const TrainingOptions& Trainer::options() const { return m_impl->options; }

TrainingReport Trainer::run(std::stop_token stop, const std::function<void(const TrainingProgress&)>& onProgress)
{
    auto& d = *m_impl;
    auto& o = d.options;
    TrainingReport report;
    const auto tokensPerStep = o.batchSize * o.sequenceLength;
    const auto runStart = Clock::now();
    auto windowStart = Clock::now();
    std::int64_t windowSteps = 0;
    const std::int64_t calibrationEnd = d.step + 15;
    bool calibrated = o.timeBudgetSeconds <= 0;
    double stepSeconds = 0;

    guardTensorErrors("training", [&] {
        while (d.step < o.steps) {
            if (stop.stop_requested())
                break;
            const double lr = learningRateAt(o, d.step);
            auto [x, y] = d.batch(d.corpus.train, 1, d.step, o.batchSize);
            at::Tensor ce, aux, imbalance;
            {
                AutocastScope scope(d.autocast);
                std::vector<RoutingDecision> decisions;
                const auto hidden = d.model->forwardHidden(x, nullptr, nullptr, stop, &decisions); // [B*T, H]
                ce = at::cross_entropy_loss(d.model->logits(hidden), y.reshape({ -1 }));
                std::tie(aux, imbalance) = d.balance(decisions);
            }
            (ce + aux).backward();
            d.optimizerStep(lr);
            ++d.step;
            ++windowSteps;

            if (!calibrated && d.step == calibrationEnd - 10)
                windowStart = Clock::now(), windowSteps = 0; // skip the first steps (allocator, kernel selection)
            if (!calibrated && d.step == calibrationEnd) {
                (void)ce.item<double>(); // wait for the device
                stepSeconds = std::chrono::duration<double>(Clock::now() - windowStart).count() / windowSteps;
                const double elapsed = std::chrono::duration<double>(Clock::now() - runStart).count();
                const auto affordable
                    = static_cast<std::int64_t>((o.timeBudgetSeconds - elapsed) / (stepSeconds * 1.08)) + d.step;
                if (affordable < o.steps) {
                    spdlog::info("time budget {:.0f} s at {:.1f} ms/step: {} steps instead of {}", o.timeBudgetSeconds,
                        stepSeconds * 1e3, affordable, o.steps);
                    o.steps = std::max(affordable, d.step + 1);
                    o.warmupSteps = std::min(o.warmupSteps, o.steps / 10);
                }
                calibrated = true;
            }

            const bool last = d.step == o.steps;
            if (d.step % o.logEvery == 0 || last) {
                TrainingProgress p;
                p.step = d.step;
                p.steps = o.steps;
                p.loss = ce.item<double>(); // synchronises: only every logEvery steps
                p.auxLoss = aux.item<double>();
                p.loadImbalance = imbalance.item<double>();
                p.learningRate = lr;
                const double seconds = std::chrono::duration<double>(Clock::now() - windowStart).count();
                p.tokensPerSecond = windowSteps * tokensPerStep / std::max(seconds, 1e-9);
                p.etaSeconds = (o.steps - d.step) * seconds / std::max<std::int64_t>(windowSteps, 1);
                if (d.step % o.evalEvery == 0 || last)
                    p.validationLoss = d.validationLoss();
                d.curve.push_back(p);
                report.curve = d.curve;
                if (onProgress)
                    onProgress(p);
                windowStart = Clock::now();
                windowSteps = 0;
            }
            if (d.step % o.checkpointEvery == 0 && !last)
                d.saveCheckpoint();
        }
        d.saveCheckpoint();
    });
    report.steps = d.step;
    report.tokens = d.step * tokensPerStep;
    report.seconds = std::chrono::duration<double>(Clock::now() - runStart).count();
    report.curve = d.curve;
    if (!d.curve.empty()) {
        report.finalLoss = d.curve.back().loss;
        for (auto it = d.curve.rbegin(); it != d.curve.rend(); ++it)
            if (it->validationLoss >= 0) {
                report.finalValidationLoss = it->validationLoss;
                break;
            }
    }
    return report;
}

void Trainer::exportWeights(const fs::path& file, const std::string& dtype) const
{
    const auto& d = *m_impl;
    const auto target = dtype == "bf16" ? at::kBFloat16 : at::kFloat;
    const auto stored = dtype == "bf16" ? DType::BF16 : DType::F32;
    SafetensorsWriter w;
    auto add = [&](const std::string& name, const at::Tensor& t) {
        w.addOwned(name, stored, t.sizes().vec(), tensorBytes(t.detach().to(target)));
    };
    const auto inter = d.spec.moe.expertIntermediate;
    const auto& naming = d.spec.naming;
    for (const auto& [name, t] : d.weights->parameters()) {
        // Stacked banks are named "<mlp>.experts.gate_up_proj" / "<mlp>.experts.down_proj" (no ".weight").
        const std::string gateUp = ".experts.gate_up_proj", down = ".experts.down_proj";
        const bool isGateUp = name.size() > gateUp.size() && name.ends_with(gateUp);
        const bool isDown = name.size() > down.size() && name.ends_with(down);
        if (isGateUp) { // [E, 2I, H] -> experts.e.gate_proj / up_proj
            const auto prefix = name.substr(0, name.size() - gateUp.size()) + ".experts.";
            for (std::int64_t e = 0; e < t.size(0); ++e) {
                add(prefix + std::to_string(e) + "." + naming.gateProj + ".weight", t[e].narrow(0, 0, inter));
                add(prefix + std::to_string(e) + "." + naming.upProj + ".weight", t[e].narrow(0, inter, inter));
            }
        } else if (isDown) { // [E, H, I] -> experts.e.down_proj
            const auto prefix = name.substr(0, name.size() - down.size()) + ".experts.";
            for (std::int64_t e = 0; e < t.size(0); ++e)
                add(prefix + std::to_string(e) + "." + naming.downProj + ".weight", t[e]);
        } else {
            add(name, t);
        }
    }
    w.setMetadata("format", "pt");
    w.write(file);
}

} // namespace moescope

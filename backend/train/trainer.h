#pragma once
// Pretraining of a model built from a ModelSpec with the same nn blocks inference uses: AdamW (fused), warmup +
// cosine schedule, bf16 autocast on CUDA, global gradient clipping, the DeepSeek-V2 expert-level load-balance loss,
// validation on held-out documents, periodic checkpoints (parameters + optimiser state) and resumption.
// Runs on the calling thread; stop through the stop token (a checkpoint is written before returning).

#include <cstdint>
#include "nn/modelspec.h"
#include "train/trainingcorpus.h"
#include "train/trainingoptions.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

namespace moescope {

struct TrainingProgress {
    std::int64_t step = 0; // steps done
    std::int64_t steps = 0;
    double loss = 0; // cross-entropy of the last step (nats/token)
    double auxLoss = 0;
    double validationLoss = -1; // < 0 when not measured at this step
    double learningRate = 0;
    double tokensPerSecond = 0;
    double etaSeconds = 0;
    double loadImbalance = 0; // max / mean expert load over MoE layers in the last step
};

struct TrainingReport {
    std::int64_t steps = 0;
    std::int64_t tokens = 0;
    double seconds = 0;
    double finalLoss = 0;
    double finalValidationLoss = -1; // < 0: never measured (no held-out documents)
    std::vector<TrainingProgress> curve; // one row per logged step
};

class Trainer {
public:
    // checkpointDir holds parameters + optimiser state; when it already holds a checkpoint, training resumes there.
    Trainer(const ModelSpec& spec, const TrainingOptions& options, const TokenizedCorpus& corpus,
        std::filesystem::path checkpointDir);
    ~Trainer();

    TrainingReport run(std::stop_token stop, const std::function<void(const TrainingProgress&)>& onProgress);

    // Hub-layout weights of the current model: per-expert tensors, in the given dtype ("bf16" | "f32").
    void exportWeights(const std::filesystem::path& file, const std::string& dtype) const;
    const TrainingOptions& options() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace moescope

#pragma once
// Hyper-parameters of a pretraining run (the "training" section of the training config; CLI flags override).

#include <cstdint>
#include <string>

namespace moescope {

struct TrainingOptions {
    std::string device = "auto";
    std::int64_t batchSize = 32; // sequences per step
    std::int64_t sequenceLength = 1024;
    std::int64_t steps = 2000; // total optimiser steps (the schedule's length)
    std::int64_t warmupSteps = 200;
    double learningRate = 2e-3; // peak
    double minLearningRateRatio = 0.1; // cosine decays to peak x this
    double weightDecay = 0.1;
    double beta1 = 0.9;
    double beta2 = 0.95;
    double epsilon = 1e-8;
    double gradientClip = 1.0; // max global L2 norm
    double auxLossAlpha = 0.01; // DeepSeek-V2 expert-level load-balance loss weight
    double initStd = 0.02;
    bool bf16Autocast = true; // CUDA only: compute in bf16, keep float32 master weights
    std::int64_t logEvery = 10;
    std::int64_t evalEvery = 250;
    std::int64_t evalBatches = 8;
    std::int64_t checkpointEvery = 500;
    std::uint64_t seed = 1234;
    // > 0: after a short calibration, shorten `steps` so that training ends within this many seconds.
    double timeBudgetSeconds = 0;
};

// Learning rate at a step: linear warmup, then cosine decay to min ratio at the last step.
double learningRateAt(const TrainingOptions& options, std::int64_t step);

} // namespace moescope

#pragma once
// Side-by-side comparison of a model with quantized variants of itself over the same token windows of a text,
// in the manner of llama.cpp's `llama-perplexity --kl-divergence`, plus routing drift, memory and speed.
//
// Windows: `window` tokens with a stride of window/2; every token after the first is scored exactly once, with at
// least window/2 tokens of context except in the first window (as eval/perplexity.h). All models run the same
// windows, one after another per window (the baseline and every variant are loaded at once).
// Statistics (per scored token t with true next token y):
//   ppl = exp(mean NLL); 95% CI exp(mean +- 1.96 sd/sqrt(n)) (normal approximation over per-token NLL; tokens of a
//   text are correlated, so the interval is optimistic).
//   ppl_ratio = exp(mean(NLL_v - NLL_b)); 95% CI from the paired per-token differences (much tighter than the ratio
//   of two intervals, since the models err on the same tokens).
//   KL_t = sum_x p_b(x) (log p_b(x) - log p_v(x)) in float64; mean, median, p90, p99 (linear interpolation between
//   ranks), max. top-1 agreement: argmax p_b == argmax p_v; also on the tokens the baseline decides, whose top-1
//   probability leads its second by at least decidedMargin (a near-tie flips under any rounding: the demo model's
//   bf16 compute alone changes 2% of its top-1 tokens). Δp_t = p_v(y) - p_b(y): mean and RMS.
//   routing: per MoE layer, the share of scored positions whose top-k expert set differs from the baseline's and
//   the mean Jaccard similarity of the sets.
//   weight_bytes: the loaded model's weights on the device; peak_bytes: weight_bytes + the largest transient tensor
//   memory of one forward pass (window or decode step) as LibTorch's allocators report it (see MemoryTracker).
//   prefill tok/s: window tokens forwarded per second (logits included); decode tok/s: greedy decode steps per
//   second after a short prompt (KV cache, one token per step).
// No LibTorch types in this header.

#include "core/cancellation.h"
#include "nn/modelspec.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

namespace moescope {

// The lead of the baseline's top-1 probability over its second from which a token counts as decided (default).
constexpr double kDecidedMargin = 0.1;

struct ComparisonOptions {
    std::string device = "auto";
    std::string dtype = "auto"; // the baseline's compute dtype (auto: bf16 on CUDA, f32 on CPU); variants share it
    std::int64_t window = 512;
    std::int64_t maxTokens = 0; // only the first maxTokens tokens of the text (0: all)
    int decodeTokens = 32; // greedy decode steps timed per model (0: skip)
    std::vector<std::int32_t> calibrationIds; // text for "+awq" variants' activation statistics
    double decidedMargin = kDecidedMargin; // in [0, 1)
};

struct VariantResult {
    std::string name; // as requested ("int4-g128", "mixed:policy.json", "dir:PATH"); "baseline" for the baseline
    std::string quantization; // the loaded model's label
    double ppl = 0, pplLow = 0, pplHigh = 0;
    double pplRatio = 1, pplRatioLow = 1, pplRatioHigh = 1;
    double klMean = 0, klMedian = 0, klP90 = 0, klP99 = 0, klMax = 0;
    double top1Agreement = 1;
    double top1AgreementDecided = 1; // on the tokens whose baseline margin is at least decidedMargin (NaN: none)
    double deltaPMean = 0, deltaPRms = 0;
    std::vector<int> moeLayers;
    std::vector<double> routingChanged; // per MoE layer (moeLayers order)
    std::vector<double> routingJaccard;
    std::int64_t weightBytes = 0;
    std::int64_t peakBytes = 0;
    std::int64_t loadPeakBytes = 0; // the largest tensor memory while loading (quantize-on-load temporaries included)
    double prefillTokensPerSecond = 0;
    double decodeTokensPerSecond = 0;
    // Per scored token, aligned with ComparisonResult::positions (empty vs-baseline arrays for the baseline).
    std::vector<float> nll;
    std::vector<float> kl;
    std::vector<float> deltaP;
    std::vector<std::uint8_t> top1Agree;
    std::vector<std::uint8_t> layersRerouted; // MoE layers whose top-k set changed at this token
};

struct ComparisonResult {
    std::string model; // folder
    std::string device;
    std::string computeDtype;
    std::int64_t window = 0;
    std::int64_t stride = 0;
    std::int64_t textTokens = 0; // tokens of the text considered
    std::int64_t bf16WeightBytes = 0; // the model's weights in bf16 (the reference for memory ratios)
    std::vector<std::int64_t> positions; // index in the text of each scored token
    std::vector<std::int32_t> targets; // the scored tokens
    // The baseline's top-1 probability minus its second's at each scored token (positions order).
    std::vector<float> baselineMargin;
    double decidedMargin = kDecidedMargin;
    double decidedShare = 1; // of the scored tokens, those with a baseline margin of at least decidedMargin
    // Byte span in the text of each scored token (positions order), for overlays on the document; filled by callers
    // that tokenized with offsets (the GUI's comparison job), empty otherwise.
    std::vector<std::uint32_t> tokenBegin;
    std::vector<std::uint32_t> tokenEnd;
    VariantResult baseline;
    std::vector<VariantResult> variants;
    double seconds = 0;
};

using ComparisonProgress = std::function<void(const std::string& stage, std::int64_t done, std::int64_t total)>;

// variants: "bf16", "int8", "int4-g128", "int4-g64-asym", "fp8", "SCHEME+minmax", "SCHEME+awq",
// "mixed:POLICY.json" (quantized on load from dir) or "dir:PATH" (a saved quantized checkpoint of the same model).
ComparisonResult runComparison(const std::filesystem::path& dir, const ModelSpec& spec,
    std::span<const std::int32_t> ids, const std::vector<std::string>& variants, const ComparisonOptions& options,
    std::stop_token stop = {}, const ComparisonProgress& progress = {});

} // namespace moescope

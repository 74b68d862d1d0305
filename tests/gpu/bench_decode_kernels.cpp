// Times the one-token decode kernels of the routed experts and the dense projections on their own, at the real
// shapes of OLMoE-1B-7B, DeepSeek-V2-Lite and Qwen3-30B-A3B, in bf16, INT8 and INT4-g128: each measurement is a CUDA
// graph of 64 calls (chained launches, as in a recorded decode step) over 8 banks of random weights with a new random
// routing per call, so the chosen experts come from DRAM as in a step (8 layers' banks are far larger than L2). Prints
// microseconds a call and the bytes read per call over that time. Run on the GPU machine:
//   build/tests/gpu/bench_decode_kernels
// BENCH_MODELS and BENCH_SCHEMES (substrings of the model names and scheme names, comma-separated) pick some of them
// (for a profiler run over a few launches); the scheme "batched" is a batched step's bf16 experts (4, 8 and 16
// tokens) and its q/k/v projection of 1 to 16 rows through the GEMV and through cuBLAS (INT8 and INT4-g128: the
// quantized GEMV, and dequantizing into cuBLAS).
// The kernels' correctness is check_fused_kernels' job; this only measures.

#include "nn/fuseddecode.h"
#include "quant/fuseddequant.h"
#include "quant/fusedquantdecode.h"
#include "quant/quantizer.h"

#include <ATen/ATen.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/core/InferenceMode.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

using namespace moescope;

namespace {
constexpr int kBanks = 8; // distinct weight sets, one per simulated layer
constexpr int kCallsPerGraph = 64;
constexpr int kReplays = 20;

struct ModelShape {
    const char* name;
    std::int64_t experts, k, hidden, inter, qkvOut; // qkvOut: rows of the fused q/k/v projection
};

const ModelShape kShapes[] = {
    { "OLMoE-1B-7B", 64, 8, 2048, 1024, 3 * 2048 },
    { "DeepSeek-V2-Lite", 64, 6, 2048, 1408, 3072 + 576 },
    { "Qwen3-30B-A3B", 128, 8, 2048, 768, 4096 + 512 + 512 },
};

// A stack of `count` random [rows, cols] matrices in `scheme` (quantized as one tall matrix, then viewed as a stack:
// every quantized field is per row).
QuantizedTensor randomStack(std::int64_t count, std::int64_t rows, std::int64_t cols, const std::string& scheme)
{
    const auto w = at::randn({ count * rows, cols }, at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16)) * 0.02;
    QuantizeOptions options;
    options.rangeSearch = false;
    auto q = quantizeWeight(w, QuantScheme::parse(scheme), options);
    auto stacked = [&](const at::Tensor& t) {
        if (!t.defined())
            return t;
        std::vector<std::int64_t> shape { count, rows };
        for (std::int64_t d = 1; d < t.dim(); ++d)
            shape.push_back(t.size(d));
        return t.view(shape);
    };
    q.rows = rows;
    q.data = stacked(q.data);
    q.scales = stacked(q.scales);
    q.zeros = stacked(q.zeros);
    return q;
}

// One random [rows, cols] matrix in `scheme` (not a stack of one).
QuantizedTensor randomMatrix(std::int64_t rows, std::int64_t cols, const std::string& scheme)
{
    auto q = randomStack(1, rows, cols, scheme);
    q.data = q.data.squeeze(0);
    q.scales = q.scales.squeeze(0);
    return q;
}

// Microseconds a call of `call(i)` (i = 0 .. kCallsPerGraph - 1) recorded as one graph and replayed.
double timeCalls(const std::function<void(int)>& call)
{
    auto stream = c10::cuda::getStreamFromPool();
    c10::cuda::CUDAStreamGuard guard(stream);
    for (int i = 0; i < kCallsPerGraph; ++i) // warm-up: kernel attributes, allocator
        call(i);
    stream.synchronize();
    at::cuda::CUDAGraph graph;
    graph.capture_begin();
    for (int i = 0; i < kCallsPerGraph; ++i)
        call(i);
    graph.capture_end();
    graph.replay();
    stream.synchronize();
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    cudaEventRecord(start, stream.stream());
    for (int r = 0; r < kReplays; ++r)
        graph.replay();
    cudaEventRecord(stop, stream.stream());
    cudaEventSynchronize(stop);
    float ms = 0.f;
    cudaEventElapsedTime(&ms, start, stop);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    return 1000.0 * ms / (kReplays * kCallsPerGraph);
}

void printRow(const ModelShape& shape, const char* what, const std::string& scheme, double us, double bytes)
{
    std::printf("%-17s %-22s %-10s %8.2f us  %7.2f MB  %6.2f TB/s\n", shape.name, what, scheme.c_str(), us, bytes / 1e6,
        bytes / us / 1e6);
    std::fflush(stdout);
}

// Random expert ids [tokens, k] for each call: distinct experts per token, a new draw per call.
std::vector<at::Tensor> randomRoutings(const ModelShape& shape, std::int64_t tokens = 1)
{
    std::vector<at::Tensor> ids;
    for (int i = 0; i < kCallsPerGraph; ++i)
        ids.push_back(
            std::get<1>(at::rand({ tokens, shape.experts }, at::TensorOptions().device(at::kCUDA)).topk(shape.k, -1))
                .contiguous());
    return ids;
}

// The experts a call's routing reads, on average over the calls.
double meanDistinctExperts(const std::vector<at::Tensor>& ids)
{
    double sum = 0;
    for (const auto& t : ids)
        sum += static_cast<double>(std::get<0>(at::_unique(t.flatten())).numel());
    return sum / static_cast<double>(ids.size());
}

void benchExperts(const ModelShape& shape, const std::string& scheme)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ 1, shape.hidden }, opts);
    const auto ids = randomRoutings(shape);
    auto into = at::empty({ shape.k, shape.hidden }, opts);
    double bytesPerExpert = 0;
    std::function<void(int)> call;
    if (scheme == "bf16") {
        std::vector<at::Tensor> gateUp, down;
        for (int b = 0; b < kBanks; ++b) {
            gateUp.push_back(at::randn({ shape.experts, 2 * shape.inter, shape.hidden }, opts) * 0.02);
            down.push_back(at::randn({ shape.experts, shape.hidden, shape.inter }, opts) * 0.02);
        }
        bytesPerExpert = 3.0 * shape.inter * shape.hidden * 2;
        call = [=](int i) { (void)fusedMoeDecodeSlots(x, ids[i], gateUp[i % kBanks], down[i % kBanks]); };
    } else {
        std::vector<QuantizedTensor> gate, up, down;
        for (int b = 0; b < kBanks; ++b) {
            gate.push_back(randomStack(shape.experts, shape.inter, shape.hidden, scheme));
            up.push_back(randomStack(shape.experts, shape.inter, shape.hidden, scheme));
            down.push_back(randomStack(shape.experts, shape.hidden, shape.inter, scheme));
        }
        bytesPerExpert = static_cast<double>(gate[0].bytes() + up[0].bytes() + down[0].bytes()) / shape.experts;
        call = [=](int i) mutable {
            const int b = i % kBanks;
            fusedQuantMoeDecodeSlots(x, ids[i], gate[b], up[b], down[b], into);
        };
    }
    printRow(shape, "routed experts", scheme, timeCalls(call), bytesPerExpert * shape.k);
}

// A batched step's routed experts (bf16): `tokens` tokens' slots, grouped by expert where the kernels group them,
// each chosen expert read once; the bytes are those of the experts a call's tokens chose.
void benchBatchedExperts(const ModelShape& shape, std::int64_t tokens)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ tokens, shape.hidden }, opts);
    const auto ids = randomRoutings(shape, tokens);
    std::vector<at::Tensor> gateUp, down;
    for (int b = 0; b < kBanks; ++b) {
        gateUp.push_back(at::randn({ shape.experts, 2 * shape.inter, shape.hidden }, opts) * 0.02);
        down.push_back(at::randn({ shape.experts, shape.hidden, shape.inter }, opts) * 0.02);
    }
    const double bytesPerExpert = 3.0 * shape.inter * shape.hidden * 2;
    const auto call = [=](int i) { (void)fusedMoeDecodeSlots(x, ids[i], gateUp[i % kBanks], down[i % kBanks]); };
    const auto what = "routed experts x" + std::to_string(tokens);
    printRow(shape, what.c_str(), "bf16", timeCalls(call), bytesPerExpert * meanDistinctExperts(ids));
}

// The q/k/v projection (bf16) of `tokens` rows: the fused GEMV where it applies, and cuBLAS (at::linear).
void benchProjectionRows(const ModelShape& shape, std::int64_t tokens)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ tokens, shape.hidden }, opts);
    std::vector<at::Tensor> w;
    for (int b = 0; b < kBanks; ++b)
        w.push_back(at::randn({ shape.qkvOut, shape.hidden }, opts) * 0.02);
    const auto bytes = static_cast<double>(w[0].nbytes());
    const auto rows = "x" + std::to_string(tokens);
    if (fusedGemvApplies(x, w[0], {}))
        printRow(shape, ("q/k/v GEMV " + rows).c_str(), "bf16",
            timeCalls([=](int i) { (void)fusedGemv(x, w[i % kBanks], {}); }), bytes);
    printRow(shape, ("q/k/v cuBLAS " + rows).c_str(), "bf16",
        timeCalls([=](int i) { (void)at::linear(x, w[i % kBanks]); }), bytes);
}

void benchProjection(const ModelShape& shape, const std::string& scheme)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ 1, shape.hidden }, opts);
    std::function<void(int)> call;
    double bytes = 0;
    if (scheme == "bf16") {
        std::vector<at::Tensor> w;
        for (int b = 0; b < kBanks; ++b)
            w.push_back(at::randn({ shape.qkvOut, shape.hidden }, opts) * 0.02);
        bytes = static_cast<double>(w[0].nbytes());
        call = [=](int i) { (void)fusedGemv(x, w[i % kBanks], {}); };
    } else {
        std::vector<QuantizedTensor> w;
        for (int b = 0; b < kBanks; ++b)
            w.push_back(randomMatrix(shape.qkvOut, shape.hidden, scheme));
        bytes = static_cast<double>(w[0].bytes());
        call = [=](int i) { (void)fusedQuantGemv(x, w[i % kBanks], {}); };
    }
    printRow(shape, "q/k/v projection", scheme, timeCalls(call), bytes);
}
// A quantized q/k/v projection of `tokens` rows: the quantized GEMV kernels (INT4-g128's tensor-core tiles read a row
// once for every 8 tokens, INT8's CUDA-core blocks once for every 4), and dequantizing into bf16 followed by cuBLAS.
// The bytes are the quantized weights'.
void benchQuantProjectionRows(const ModelShape& shape, const std::string& scheme, std::int64_t tokens)
{
    const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
    const auto x = at::randn({ tokens, shape.hidden }, opts);
    std::vector<QuantizedTensor> w;
    for (int b = 0; b < kBanks; ++b)
        w.push_back(randomMatrix(shape.qkvOut, shape.hidden, scheme));
    const auto bytes = static_cast<double>(w[0].bytes());
    const auto rows = " x" + std::to_string(tokens);
    if (fusedQuantGemvApplies(x, w[0], {}))
        printRow(shape, ("q/k/v GEMV" + rows).c_str(), scheme,
            timeCalls([=](int i) { (void)fusedQuantGemv(x, w[i % kBanks], {}); }), bytes);
    if (fusedDequantizeApplies(w[0], at::kBFloat16))
        printRow(shape, ("q/k/v deq+cuBLAS" + rows).c_str(), scheme,
            timeCalls([=](int i) { (void)at::linear(x, fusedDequantize(w[i % kBanks])); }), bytes);
}

// Whether `name` contains one of the comma-separated parts of environment variable `var` (all names when unset).
bool picked(const char* var, const std::string& name)
{
    const char* value = std::getenv(var);
    if (!value || !*value)
        return true;
    const std::string list = value;
    for (std::size_t begin = 0; begin <= list.size();) {
        const auto end = std::min(list.find(',', begin), list.size());
        if (end > begin && name.find(list.substr(begin, end - begin)) != std::string::npos)
            return true;
        begin = end + 1;
    }
    return false;
}
} // namespace

int main()
{
    c10::InferenceMode inference;
    at::manual_seed(0);
    for (const auto& shape : kShapes) {
        if (!picked("BENCH_MODELS", shape.name))
            continue;
        for (const char* scheme : { "bf16", "int8", "int4-g128" }) {
            if (!picked("BENCH_SCHEMES", scheme))
                continue;
            benchExperts(shape, scheme);
            benchProjection(shape, scheme);
        }
        if (!picked("BENCH_SCHEMES", "batched"))
            continue;
        for (const std::int64_t tokens : { 4, 8, 16 })
            benchBatchedExperts(shape, tokens);
        for (const std::int64_t tokens : { 1, 2, 4, 8, 16, 32 }) {
            benchProjectionRows(shape, tokens);
            for (const char* scheme : { "int8", "int4-g128" })
                benchQuantProjectionRows(shape, scheme, tokens);
        }
    }
    return 0;
}

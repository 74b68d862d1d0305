#include <cstdint>
#include "commands.h"

#include "eval/routingagreement.h"
#include "io/safetensorswriter.h"
#include "models/modelloader.h"

#include <cstring>
#include <iostream>

namespace moescope::cli {

namespace {
    template <typename T>
    std::vector<std::byte> bytesOf(const std::vector<T>& v)
    {
        std::vector<std::byte> out(v.size() * sizeof(T));
        std::memcpy(out.data(), v.data(), out.size());
        return out;
    }
} // namespace

int runLogits(Args& args)
{
    const auto dir = args.required("--model");
    const auto ids = parseIdList(args.required("--ids"), "--ids");
    const auto outPath = args.required("--out");
    EngineOptions options;
    options.device = args.value("--device", "auto");
    options.dtype = args.value("--dtype", "auto");
    args.finish();

    auto engine = loadModel(dir, options);
    RoutingCapture routing; // every MoE layer's expert choices and weights, by position
    const auto logits = engine->logits(ids, &routing);
    const auto n = static_cast<std::int64_t>(ids.size());

    SafetensorsWriter writer;
    writer.addOwned("logits", DType::F32, { n, engine->summary().vocabSize }, bytesOf(logits));
    for (const auto& [layer, r] : routing.layers()) {
        const auto prefix = "routing." + std::to_string(layer);
        writer.addOwned(prefix + ".ids", DType::I32, { n, r.k }, bytesOf(r.ids));
        writer.addOwned(prefix + ".weights", DType::F32, { n, r.k }, bytesOf(r.weights));
    }
    writer.setMetadata("model", dir);
    writer.setMetadata("device", engine->summary().device);
    writer.setMetadata("dtype", engine->summary().computeDtype);
    writer.write(outPath);
    return 0;
}

} // namespace moescope::cli

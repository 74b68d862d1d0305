#include <cstdint>
#include "commands.h"

#include "io/safetensorswriter.h"
#include "models/modelloader.h"
#include "runtime/forwardobserver.h"

#include <cstring>
#include <iostream>
#include <map>

namespace moescope::cli {

namespace {
    // Collects every MoE layer's expert choice, in token order.
    class RoutingCollector final : public ForwardObserver {
    public:
        bool wantsRouting(int) const override { return true; }
        void onRouting(const RoutingEvent& e) override
        {
            auto& l = m_layers[e.layer];
            l.k = e.k;
            l.ids.insert(l.ids.end(), e.expertIds, e.expertIds + e.tokens * e.k);
            l.weights.insert(l.weights.end(), e.weights, e.weights + e.tokens * e.k);
        }
        struct Layer {
            int k = 0;
            std::vector<std::int32_t> ids;
            std::vector<float> weights;
        };
        std::map<int, Layer> m_layers;
    };

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
    RoutingCollector routing;
    const auto logits = engine->logits(ids, &routing);
    const auto n = static_cast<std::int64_t>(ids.size());

    SafetensorsWriter writer;
    writer.addOwned("logits", DType::F32, { n, engine->summary().vocabSize }, bytesOf(logits));
    for (const auto& [layer, r] : routing.m_layers) {
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

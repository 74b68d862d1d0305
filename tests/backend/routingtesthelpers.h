#pragma once
// Synthetic routing traces for the routing tests and benchmark: distinct random experts per token with a skewed
// popularity (so counts differ between experts) and random positive weights.

#include "eval/routingtrace.h"

#include <algorithm>
#include <random>

namespace moescope::test {

inline RoutingTrace makeRandomTrace(std::size_t tokens, std::vector<int> layers, int k, int experts, unsigned seed,
    int vocab = 1000, bool routerEntropy = false)
{
    std::mt19937 rng(seed);
    std::vector<std::int32_t> ids(tokens);
    std::vector<TextSpan> offsets(tokens);
    std::uint32_t at = 0;
    for (std::size_t i = 0; i < tokens; ++i) {
        ids[i] = std::int32_t(std::min<std::uint32_t>(rng() % std::uint32_t(vocab), rng() % std::uint32_t(vocab)));
        const std::uint32_t len = 1 + rng() % 6;
        offsets[i] = { at, at + len };
        at += len;
    }
    RoutingTrace trace(layers, k, experts, std::move(ids), std::move(offsets), routerEntropy);
    trace.info().routerEntropyKind = routerEntropy ? RouterEntropyKind::Softmax : RouterEntropyKind::None;
    std::vector<std::int32_t> chosen(tokens * std::size_t(k));
    std::vector<float> weights(chosen.size());
    std::vector<float> entropy(tokens);
    for (int slot = 0; slot < trace.layerCount(); ++slot) {
        for (std::size_t t = 0; t < tokens; ++t) {
            std::int32_t* ids = chosen.data() + t * std::size_t(k);
            for (int j = 0; j < k; ++j) {
                std::int32_t e;
                // Persistence: often keep the previous token's first expert.
                if (j == 0 && t > 0 && rng() % 3 == 0)
                    e = chosen[(t - 1) * std::size_t(k)];
                else
                    do // skewed popularity: low ids more often; distinct within the token
                        e = std::int32_t(std::min(rng() % std::uint32_t(experts), rng() % std::uint32_t(experts)));
                    while (std::find(ids, ids + j, e) != ids + j);
                ids[j] = e;
                weights[t * std::size_t(k) + std::size_t(j)] = float(1 + rng() % 1000) / 1000.0f;
            }
            entropy[t] = float(rng() % 6000) / 1000.0f;
        }
        trace.setRouting(slot, 0, tokens, chosen.data(), weights.data());
        if (routerEntropy)
            trace.setRouterEntropy(slot, 0, tokens, entropy.data());
    }
    return trace;
}

} // namespace moescope::test

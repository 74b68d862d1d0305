#pragma once
// Routing drift between two runs over the same token ids (e.g. bf16 against an int4 quantization of one model): per
// MoE layer, the share of tokens whose top-k expert set changed, the mean Jaccard similarity of the sets and the
// share whose top-1 changed; per token, how far its routing moved over all layers. Plain values, any thread.

#include "eval/routingtrace.h"

#include <cstdint>
#include <stop_token>
#include <vector>

namespace moescope {

struct LayerDrift {
    int layer = 0;
    double changedShare = 0; // tokens whose top-k set differs
    double meanJaccard = 1; // mean over tokens of |A ∩ B| / |A ∪ B|
    double top1ChangedShare = 0; // tokens whose largest-weight expert differs
};

struct TokenDrift {
    std::size_t token = 0;
    std::int32_t tokenId = 0;
    TextSpan span;
    int layersChanged = 0; // MoE layers whose top-k set differs
    double meanJaccard = 1; // over the compared layers
};

struct RoutingDrift {
    std::size_t tokens = 0;
    std::vector<LayerDrift> layers; // the MoE layers both runs have, ascending
    std::vector<float> tokenDrift; // [tokens] 1 - mean Jaccard over layers: 0 = same routing everywhere
    std::vector<TokenDrift> mostChanged; // largest drift first (ties: more layers changed, then token order)
    double changedShare = 0; // over all compared (token, layer) pairs
    double meanJaccard = 1;
};

// Throws InvalidArgumentError when the runs differ in token count or token ids (naming the first position that
// differs) or share no MoE layer. topTokens: how many of the most changed tokens to list.
RoutingDrift computeRoutingDrift(
    const RoutingTrace& a, const RoutingTrace& b, std::size_t topTokens = 50, std::stop_token stop = {});

} // namespace moescope

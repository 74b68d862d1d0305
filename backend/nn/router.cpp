#include <cstdint>
#include "nn/router.h"

#include "nn/fuseddecode.h"
#include "nn/rmsnorm.h"
#include "nn/weightsource.h"

#include <c10/core/impl/LocalDispatchKeySet.h>

namespace moescope {

Router::Router(const RouterSpec& spec, const std::string& gatePrefix, std::int64_t hidden, WeightSource& w)
    : m_spec(spec)
{
    m_weight = w.load(gatePrefix + "weight", { spec.numExperts, hidden }, /*keepFloat32=*/!spec.logitsInModelDtype);
    if (spec.correctionBias)
        m_bias = w.load(gatePrefix + "e_score_correction_bias", { spec.numExperts }, true);
}

namespace {
    // Zeroes (or -inf's) every expert outside the topKGroups best groups; groupScore ranks groups.
    at::Tensor keepBestGroups(const at::Tensor& scores, const at::Tensor& groupScore, int topKGroups, double fill)
    {
        const auto tokens = scores.size(0);
        const auto groups = groupScore.size(1);
        const auto groupIdx = std::get<1>(at::topk(groupScore, topKGroups, -1, true, false)); // [T, topKGroups]
        const auto groupMask = at::zeros_like(groupScore).scatter_(1, groupIdx, 1.0); // [T, G]
        const auto expertMask = groupMask.unsqueeze(-1)
                                    .expand({ tokens, groups, scores.size(1) / groups })
                                    .reshape({ tokens, -1 }); // [T, E]
        return scores.masked_fill(expertMask.logical_not(), fill);
    }
} // namespace

bool Router::fusedSelection() const
{
    // Group-limited selection with every group allowed is plain top-k (DeepSeek-V2-Lite's single group).
    const bool allGroups = m_spec.numGroups <= 1 || m_spec.topKGroups >= m_spec.numGroups;
    return m_spec.selection == ExpertSelection::TopK || allGroups;
}

RouterChoice Router::fusedChoice() const
{
    RouterChoice choice;
    choice.k = m_spec.topK;
    choice.sigmoid = m_spec.scoring == RouterScoring::Sigmoid;
    if (m_spec.selection == ExpertSelection::NoAuxTopKGroups)
        choice.bias = m_bias;
    choice.normalize = m_spec.normalizeTopK;
    choice.scaling = m_spec.routedScalingFactor;
    return choice;
}

std::pair<at::Tensor, at::Tensor> Router::addNormAndRoute(const at::Tensor& x, const at::Tensor& delta,
    const at::Tensor& normWeight, double eps, RoutingDecision& decision) const
{
    if (fusedSelection() && fusedAddNormRouterApplies(x, delta, normWeight, m_weight, m_spec.topK))
        return fusedAddNormRouter(x, delta, normWeight, eps, m_weight, fusedChoice(), decision);
    auto sumAndNorm = addRmsNorm(x, delta, normWeight, eps);
    decision = route(sumAndNorm.second);
    return sumAndNorm;
}

RoutingDecision Router::route(const at::Tensor& x) const
{
    const auto k = m_spec.topK;
    if (fusedSelection() && fusedRouterApplies(x, m_weight, k))
        return fusedRouter(x, m_weight, fusedChoice());

    RoutingDecision d;
    const auto tokens = x.size(0);
    {
        // Routing decides which weights run: keep it out of autocast so training routes as inference does.
        c10::impl::ExcludeDispatchKeyGuard noAutocast(c10::autocast_dispatch_keyset);
        d.logits = at::linear(x.to(m_weight.scalar_type()), m_weight).to(at::kFloat); // [T, E]
    }
    // On CUDA the selection in one kernel (ATen's softmax, top-k and sort took 13-20 us a layer at 16 tokens).
    if (fusedSelection() && fusedRouterSelectionApplies(d.logits, k))
        return fusedRouterSelection(d.logits, fusedChoice());
    if (m_spec.scoring == RouterScoring::Softmax)
        d.scores = at::softmax(d.logits, -1); // [T, E]
    else
        d.scores = at::sigmoid(d.logits); // [T, E]

    const auto groups = m_spec.numGroups;
    switch (m_spec.selection) {
    case ExpertSelection::TopK: {
        auto [w, ids] = at::topk(d.scores, k, -1); // [T, k]
        d.weights = w;
        d.ids = ids;
        break;
    }
    case ExpertSelection::GroupLimitedGreedy: {
        const auto groupMax = std::get<0>(d.scores.view({ tokens, groups, -1 }).max(-1)); // [T, G]
        const auto masked = keepBestGroups(d.scores, groupMax, m_spec.topKGroups, 0.0); // [T, E]
        auto [w, ids] = at::topk(masked, k, -1); // [T, k]
        d.weights = w;
        d.ids = ids;
        break;
    }
    case ExpertSelection::NoAuxTopKGroups: {
        const auto choice = m_bias.defined() ? d.scores + m_bias : d.scores; // [T, E]
        const auto groupScore
            = std::get<0>(at::topk(choice.view({ tokens, groups, -1 }), 2, -1)).sum(-1); // [T, G]
        const auto masked
            = keepBestGroups(choice, groupScore, m_spec.topKGroups, -std::numeric_limits<double>::infinity());
        d.ids = std::get<1>(at::topk(masked, k, -1)); // [T, k]
        d.weights = d.scores.gather(1, d.ids); // [T, k]
        break;
    }
    }
    if (m_spec.normalizeTopK)
        d.weights = d.weights / (d.weights.sum(-1, true) + 1e-20);
    if (m_spec.routedScalingFactor != 1.0)
        d.weights = d.weights * m_spec.routedScalingFactor;
    return d;
}

std::int64_t Router::weightBytes() const
{
    return m_weight.nbytes() + (m_bias.defined() ? m_bias.nbytes() : 0);
}

} // namespace moescope

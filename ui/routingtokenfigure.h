#pragma once
// The routing token view as a figure and a table, for Export: the tokens of a stretch of the document drawn as text
// on their colours (top-1 expert or top-k weight entropy of one layer) with a title naming the model, layer, page and
// tokens, and the colour legend; and a CSV of a token range with each token's routing in that layer. Plain values
// (no Qt widgets): any thread.

#include "eval/chartscene.h"
#include "eval/chartstyle.h"
#include "eval/routingtrace.h"
#include "services/workbenchtypes.h"
#include "ui/routingtokencolors.h"

#include <filesystem>
#include <string>

namespace moescope {

struct RoutingTokenFigureSpec {
    int slot = 0;
    RoutingTokenColoring coloring = RoutingTokenColoring::TopExpert;
    std::size_t tokenBegin = 0, tokenEnd = 0; // trace tokens of one page, drawn from the first
    int maxLines = 45; // text lines drawn at most (the subtitle says which tokens are shown)
    std::string modelName;
    ChartTheme theme = ChartTheme::light();
};

// Throws InvalidArgumentError for a token range outside the trace or a document whose offsets do not fit.
ChartScene routingTokenChart(const RoutingTrace& trace, const DocumentData& document, const RoutingTokenFigureSpec& s);

// One row per token of [tokenBegin, tokenEnd): token, token_id, page (1-based), byte_begin, byte_end, text, layer,
// top1_expert, top1_weight, topk_entropy_bits, experts, weights (the layer's k choices in the router's order,
// space-separated). Written atomically; throws IoError.
void writeRoutingTokenCsv(const RoutingTrace& trace, const DocumentData& document, int slot, std::size_t tokenBegin,
    std::size_t tokenEnd, const std::filesystem::path& file);

} // namespace moescope

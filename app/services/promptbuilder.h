#pragma once
// Builds the conversations MoEScope sends to an instruct/chat model, rendered with the model's own chat template and
// kept within its context: a question over retrieved passages (best first, as many as fit, each tagged [p. N] with
// 1-based page numbers so the answer can cite them), and the map and reduce steps of report summaries.
// Stateless apart from the tokenizer (thread-safe); used on the InferenceService thread.

#include "services/workbenchtypes.h"
#include "tokenizer/tokenizer.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

class PromptBuilder {
public:
    // budget: the most tokens a rendered prompt may have (the model's context minus the tokens to generate).
    PromptBuilder(const Tokenizer& tokenizer, std::size_t budget);

    std::size_t budget() const { return m_budget; }
    std::size_t countTokens(std::string_view text) const;

    // The rendered prompt for a question; passagesUsed tells how many passages fit. Throws InvalidArgumentError when
    // not even the question fits.
    std::string questionPrompt(const RetrievalContext& context, int* passagesUsed = nullptr) const;
    // The rendered prompt asking for a summary of text (what: "Item 7 - Management's Discussion ...").
    std::string summaryPrompt(std::string_view what, std::string_view text) const;
    // The rendered prompt asking to merge partial summaries into one.
    std::string mergePrompt(std::string_view what, const std::vector<std::string>& summaries) const;

    // Splits text at paragraph or line breaks into consecutive pieces whose summary prompts fit the budget.
    std::vector<std::string> splitToFit(std::string_view what, std::string_view text) const;
    // Greedy groups of consecutive summaries whose merge prompts fit the budget (at least one per group).
    std::vector<std::vector<std::string>> groupToFit(
        std::string_view what, const std::vector<std::string>& summaries) const;

    static std::string formatFigure(const KeyFigure& figure);

private:
    std::string render(const std::string& system, const std::string& user) const;
    bool fits(const std::string& prompt) const { return countTokens(prompt) <= m_budget; }

    const Tokenizer& m_tokenizer;
    std::size_t m_budget;
};

} // namespace moescope

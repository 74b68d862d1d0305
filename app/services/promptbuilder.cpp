#include "promptbuilder.h"

#include "core/error.h"
#include "docs/textutil.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace moescope {

namespace {
const char* kQuestionSystem
    = "You are a careful financial analyst. Answer the question using only the excerpts from the report below. "
      "Cite the page of every fact you use as [p. N], exactly as the excerpts are labelled. If the excerpts do "
      "not contain the answer, say so.";
const char* kSummarySystem
    = "You are a careful financial analyst. Summarize the text from an annual report in a few sentences: the "
      "main facts, figures and risks. Do not add facts that are not in the text.";

std::string figureName(const std::string& name)
{
    std::string s = name;
    std::replace(s.begin(), s.end(), '_', ' ');
    if (!s.empty())
        s[0] = char(std::toupper(static_cast<unsigned char>(s[0])));
    if (s == "Diluted eps")
        s = "Diluted EPS";
    return s;
}
} // namespace

PromptBuilder::PromptBuilder(const Tokenizer& tokenizer, std::size_t budget)
    : m_tokenizer(tokenizer)
    , m_budget(budget)
{
}

std::size_t PromptBuilder::countTokens(std::string_view text) const
{
    return m_tokenizer.encode(text, false).size();
}

std::string PromptBuilder::render(const std::string& system, const std::string& user) const
{
    const std::vector<ChatMessage> messages { { "system", system }, { "user", user } };
    // Reasoning models (Qwen3, DeepSeek-R1 templates) answer directly when thinking is off.
    return m_tokenizer.applyChatTemplate(messages, true, { { "enable_thinking", false } });
}

std::string PromptBuilder::formatFigure(const KeyFigure& f)
{
    const std::string unit = f.unit.empty() ? "" : " (" + f.unit + ")";
    return fmt::format("{} {}: {:.2f}{} [p. {}]", figureName(f.name), f.year, f.value, unit, f.page + 1);
}

std::string PromptBuilder::questionPrompt(const RetrievalContext& context, int* passagesUsed) const
{
    std::string figures;
    for (const auto& f : context.figures)
        figures += "- " + formatFigure(f) + "\n";
    const std::string question = context.question.toStdString();
    auto build = [&](std::size_t passages, bool withFigures) {
        std::string user = "Excerpts:\n";
        for (std::size_t i = 0; i < passages; ++i) {
            const auto& p = context.passages[i];
            user += fmt::format(
                "[p. {}]{} {}\n\n", p.page + 1, p.section.empty() ? "" : " (Item " + p.section + ")", p.text);
        }
        if (withFigures && !figures.empty())
            user += "Key figures from the financial statements:\n" + figures + "\n";
        user += "Question: " + question;
        return render(kQuestionSystem, user);
    };
    for (bool withFigures : { true, false })
        for (std::size_t n = context.passages.size() + 1; n-- > 0;) {
            std::string prompt = build(n, withFigures);
            if (fits(prompt)) {
                if (passagesUsed)
                    *passagesUsed = int(n);
                return prompt;
            }
        }
    throw InvalidArgumentError(fmt::format("the question does not fit the model's context ({} tokens)", m_budget));
}

std::string PromptBuilder::summaryPrompt(std::string_view what, std::string_view text) const
{
    return render(kSummarySystem, fmt::format("Text ({}):\n{}\n\nSummary:", what, text));
}

std::string PromptBuilder::mergePrompt(std::string_view what, const std::vector<std::string>& summaries) const
{
    std::string user = fmt::format("Partial summaries of {}:\n", what);
    for (const auto& s : summaries)
        user += "- " + s + "\n";
    user += "\nCombine them into one summary of " + std::string(what) + ".";
    return render(kSummarySystem, user);
}

std::vector<std::string> PromptBuilder::splitToFit(std::string_view what, std::string_view text) const
{
    const std::size_t overhead = countTokens(summaryPrompt(what, ""));
    if (overhead + 16 >= m_budget)
        throw InvalidArgumentError(fmt::format("the model's context ({} tokens) is too small for a summary", m_budget));
    std::vector<std::string> pieces;
    std::size_t pos = 0;
    // Characters per piece, first guessed from the text's token density, then shrunk until the prompt fits.
    const std::size_t total = std::max<std::size_t>(1, countTokens(text));
    const double charsPerToken = double(text.size()) / double(total);
    const auto guess = std::max<std::size_t>(64, std::size_t(double(m_budget - overhead) * charsPerToken * 0.9));
    while (pos < text.size()) {
        std::size_t length = std::min(guess, text.size() - pos);
        for (;;) {
            std::size_t end = pos + length;
            if (end < text.size()) {
                // Prefer a paragraph, then a line, then a word break in the piece's last third.
                const std::string_view window = text.substr(pos, length);
                for (const char* sep : { "\n\n", "\n", " " }) {
                    const auto cut = window.rfind(sep);
                    if (cut != std::string_view::npos && cut > length * 2 / 3) {
                        end = pos + cut + std::string_view(sep).size();
                        break;
                    }
                }
                end = std::max(pos + 1, utf8Floor(text, end));
            }
            const std::string piece = collapseWhitespace(text.substr(pos, end - pos));
            if (fits(summaryPrompt(what, piece)) || length <= 64) {
                if (!piece.empty())
                    pieces.push_back(piece);
                pos = end;
                break;
            }
            length = length * 3 / 4;
        }
    }
    return pieces;
}

std::vector<std::vector<std::string>> PromptBuilder::groupToFit(
    std::string_view what, const std::vector<std::string>& summaries) const
{
    std::vector<std::vector<std::string>> groups;
    std::vector<std::string> current;
    for (const auto& s : summaries) {
        current.push_back(s);
        if (current.size() > 1 && !fits(mergePrompt(what, current))) {
            current.pop_back();
            groups.push_back(std::move(current));
            current = { s };
        }
    }
    if (!current.empty())
        groups.push_back(std::move(current));
    return groups;
}

} // namespace moescope

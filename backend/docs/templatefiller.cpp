#include "docs/templatefiller.h"

#include "core/error.h"
#include "docs/reportformat.h"

#include <vector>

namespace moescope {

namespace {
std::string excerpt(std::string_view text)
{
    std::string out(1, '\'');
    out.append(text.substr(0, 60));
    out.push_back('\'');
    return out;
}
} // namespace

const std::string& TemplateFiller::get(const std::string& key) const
{
    const auto it = m_vars.find(key);
    if (it == m_vars.end())
        throw InvalidArgumentError("sample report template variable '" + key + "' is not set");
    return it->second;
}

std::string TemplateFiller::fill(std::string_view text)
{
    // Pass 1: choose alternatives.
    std::string chosen;
    chosen.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ']' || text[i] == '|') {
            if (text[i] == ']')
                throw InvalidArgumentError(std::string("unbalanced ']' in template ") + excerpt(text));
            chosen.push_back(text[i]);
            continue;
        }
        if (text[i] != '[') {
            chosen.push_back(text[i]);
            continue;
        }
        const auto close = text.find(']', i);
        if (close == std::string_view::npos)
            throw InvalidArgumentError(std::string("unbalanced '[' in template ") + excerpt(text));
        std::vector<std::string_view> options;
        std::size_t start = i + 1;
        for (std::size_t j = i + 1; j <= close; ++j)
            if (j == close || text[j] == '|') {
                options.push_back(text.substr(start, j - start));
                start = j + 1;
            }
        chosen += options[static_cast<std::size_t>(m_rng.integer(0, static_cast<int>(options.size()) - 1))];
        i = close;
    }
    // Pass 2: variables.
    std::string out;
    out.reserve(chosen.size() + 64);
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        if (chosen[i] != '{') {
            out.push_back(chosen[i]);
            continue;
        }
        const auto close = chosen.find('}', i);
        if (close == std::string::npos)
            throw InvalidArgumentError(std::string("unbalanced '{' in template ") + excerpt(text));
        std::string key = chosen.substr(i + 1, close - i - 1);
        const bool cap = !key.empty() && key[0] == '^';
        if (cap)
            key.erase(0, 1);
        const auto it = m_vars.find(key);
        if (it == m_vars.end())
            throw InvalidArgumentError(
                "sample report template variable '" + key + "' is not set (template " + excerpt(text) + ")");
        out += cap ? capitalized(it->second) : it->second;
        i = close;
    }
    return out;
}

std::string TemplateFiller::pick(std::span<const std::string_view> bank, int k)
{
    std::string out;
    for (int i : m_rng.orderedSubset(static_cast<int>(bank.size()), k)) {
        if (!out.empty())
            out.push_back(' ');
        out += fill(bank[static_cast<std::size_t>(i)]);
    }
    return out;
}

std::string TemplateFiller::one(std::span<const std::string_view> bank)
{
    return fill(bank[static_cast<std::size_t>(m_rng.integer(0, static_cast<int>(bank.size()) - 1))]);
}

} // namespace moescope

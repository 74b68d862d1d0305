#pragma once
// Fills the sample report's sentence templates: "{key}" is replaced by a variable, "{^key}" by the variable with a
// capital first letter, and "[one|two|three]" by one alternative chosen by the seed. Alternatives are chosen
// first, so they may contain variables; they do not nest. Not thread-safe (owns its random stream).

#include "docs/samplerng.h"

#include <map>
#include <span>
#include <string>
#include <string_view>

namespace moescope {

class TemplateFiller {
public:
    explicit TemplateFiller(SampleRng rng)
        : m_rng(rng)
    {
    }

    void set(const std::string& key, std::string value) { m_vars[key] = std::move(value); }
    bool has(const std::string& key) const { return m_vars.count(key) != 0; }
    const std::string& get(const std::string& key) const;

    // Throws InvalidArgumentError naming the template for an unknown variable or unbalanced brackets.
    std::string fill(std::string_view text);
    // k templates of bank (all if k exceeds its size), in the bank's order, filled and joined by spaces.
    std::string pick(std::span<const std::string_view> bank, int k);
    // One template of bank, filled.
    std::string one(std::span<const std::string_view> bank);

    SampleRng& rng() { return m_rng; }

private:
    SampleRng m_rng;
    std::map<std::string, std::string, std::less<>> m_vars;
};

} // namespace moescope

#pragma once
// Command-line arguments of one subcommand. Options are looked up by name as the command needs them
// ("--model DIR" or "--model=DIR"); finish() then rejects anything the command did not ask for, so a typo is an
// error rather than a silently ignored option.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moescope::cli {

class Args {
public:
    explicit Args(std::vector<std::string> tokens);

    std::optional<std::string> option(const std::string& name);
    std::string required(const std::string& name);
    std::string value(const std::string& name, const std::string& fallback);
    std::int64_t intValue(const std::string& name, std::int64_t fallback);
    double doubleValue(const std::string& name, double fallback);
    bool flag(const std::string& name);
    // Tokens not taken by option()/flag(); call after all options were read.
    std::vector<std::string> positionals();
    void finish();

private:
    std::vector<std::string> m_tokens;
    std::vector<bool> m_used;
};

// "1,2,3" -> {1,2,3}; throws InvalidArgumentError naming the option on anything else.
std::vector<std::int32_t> parseIdList(const std::string& text, const std::string& option);

} // namespace moescope::cli

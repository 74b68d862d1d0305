#pragma once
// A compiled pattern for Split/Replace components: a PCRE2 regular expression (UTF + UCP, JIT-compiled) with
// Oniguruma's meaning of \s (HF tokenizers compiles tokenizer.json patterns with Oniguruma), or a literal string.
// Matching is const and thread-safe; each thread keeps its own match data and JIT stack.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace moescope::tok {

struct RegexMatch {
    std::size_t begin;
    std::size_t end;
};

class Regex {
public:
    // pattern is a regular expression, or with literal = true a plain string to find. Throws FormatError (naming
    // the pattern and the position of the error) when it does not compile.
    Regex(std::string_view pattern, bool literal);
    ~Regex();
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;

    // Appends the non-overlapping matches in text (valid UTF-8), left to right, as Oniguruma's find_iter reports
    // them (an empty match right after the previous match is skipped).
    void findAll(std::string_view text, std::vector<RegexMatch>& out) const;
    const std::string& pattern() const { return m_pattern; }

    // The pattern with Oniguruma-only escapes rewritten for PCRE2 (exposed for tests).
    static std::string translateOnigurumaPattern(std::string_view pattern);

private:
    std::string m_pattern;
    bool m_literal;
    struct Compiled;
    std::unique_ptr<Compiled> m_compiled;
};

} // namespace moescope::tok

#include "tokenizer/regex.h"

#include "core/error.h"
#include "tokenizer/unicode/unicode.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

namespace moescope::tok {

namespace {

// Oniguruma's \s is Unicode White_Space; PCRE2's \s with UCP omits U+0085 (NEL).
constexpr std::string_view kSpaceClassBody = "\\t-\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}"
                                             "\\x{202F}\\x{205F}\\x{3000}";

// Per-thread matching state: PCRE2 match data (one ovector pair: we only need group 0) and a JIT stack large enough
// for long whitespace/letter runs.
struct Scratch {
    pcre2_match_data* matchData = nullptr;
    pcre2_match_context* context = nullptr;
    pcre2_jit_stack* jitStack = nullptr;
    Scratch()
    {
        matchData = pcre2_match_data_create(1, nullptr);
        context = pcre2_match_context_create(nullptr);
        jitStack = pcre2_jit_stack_create(64 * 1024, 16 * 1024 * 1024, nullptr);
        if (context && jitStack)
            pcre2_jit_stack_assign(context, nullptr, jitStack);
        // Bounds for the interpreter when JIT is unavailable: fail with an error instead of running away.
        if (context) {
            pcre2_set_match_limit(context, 100'000'000);
            pcre2_set_depth_limit(context, 10'000'000);
        }
    }
    ~Scratch()
    {
        pcre2_jit_stack_free(jitStack);
        pcre2_match_context_free(context);
        pcre2_match_data_free(matchData);
    }
};

Scratch& scratch()
{
    thread_local Scratch s;
    return s;
}

} // namespace

struct Regex::Compiled {
    pcre2_code* code = nullptr;
    bool jit = false;
    ~Compiled() { pcre2_code_free(code); }
};

std::string Regex::translateOnigurumaPattern(std::string_view p)
{
    std::string out;
    out.reserve(p.size() + 16);
    int classDepth = 0; // inside [...]; POSIX [:alpha:] nests
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            const char n = p[i + 1];
            if (n == 's' || n == 'S') {
                if (classDepth > 0 && n == 's') {
                    out += kSpaceClassBody;
                } else if (classDepth > 0) {
                    out += "\\S"; // rare: a negated space inside a class keeps PCRE2's meaning
                } else {
                    out += n == 's' ? "[" : "[^";
                    out += kSpaceClassBody;
                    out += "]";
                }
                ++i;
                continue;
            }
            if (n == 'h' || n == 'H') { // Oniguruma: hexadecimal digit
                out += classDepth > 0 ? (n == 'h' ? "0-9a-fA-F" : "\\H") : (n == 'h' ? "[0-9a-fA-F]" : "[^0-9a-fA-F]");
                ++i;
                continue;
            }
            out += c;
            out += n;
            ++i;
            continue;
        }
        if (c == '[') {
            if (classDepth > 0 && i + 1 < p.size() && p[i + 1] == ':') {
                // POSIX class inside a bracket: copy through the closing ":]"
                const auto close = p.find(":]", i + 2);
                if (close != std::string_view::npos) {
                    out.append(p.substr(i, close + 2 - i));
                    i = close + 1;
                    continue;
                }
            }
            ++classDepth;
            out += c;
            // A ']' right after '[' or '[^' is a literal.
            if (i + 1 < p.size() && p[i + 1] == '^') {
                out += '^';
                ++i;
            }
            if (i + 1 < p.size() && p[i + 1] == ']') {
                out += ']';
                ++i;
            }
            continue;
        }
        if (c == ']' && classDepth > 0)
            --classDepth;
        out += c;
    }
    return out;
}

Regex::Regex(std::string_view pattern, bool literal)
    : m_pattern(pattern)
    , m_literal(literal)
{
    if (literal) {
        if (pattern.empty())
            throw FormatError("empty string pattern");
        return;
    }
    if (findInvalidUtf8(pattern) != std::string_view::npos)
        throw FormatError(fmt::format("regex pattern is not valid UTF-8: {}", m_pattern));
    const std::string translated = translateOnigurumaPattern(pattern);
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    m_compiled = std::make_unique<Compiled>();
    // Oniguruma's Ruby syntax makes ^ and $ line anchors.
    m_compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
        PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE, &errorCode, &errorOffset, nullptr);
    if (!m_compiled->code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(errorCode, message, sizeof(message));
        throw FormatError(fmt::format(
            "bad regex pattern '{}' at offset {}: {}", m_pattern, errorOffset, reinterpret_cast<const char*>(message)));
    }
    m_compiled->jit = pcre2_jit_compile(m_compiled->code, PCRE2_JIT_COMPLETE) == 0;
}

Regex::~Regex() = default;

void Regex::findAll(std::string_view text, std::vector<RegexMatch>& out) const
{
    if (m_literal) {
        std::size_t pos = 0;
        while ((pos = text.find(m_pattern, pos)) != std::string_view::npos) {
            out.push_back({ pos, pos + m_pattern.size() });
            pos += m_pattern.size();
        }
        return;
    }
    Scratch& s = scratch();
    if (!s.matchData || !s.context)
        throw Error("out of memory for regex matching");
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    std::size_t start = 0;
    std::size_t lastMatchEnd = std::string_view::npos;
    while (start <= text.size()) {
        const int rc = m_compiled->jit
            ? pcre2_jit_match(m_compiled->code, subject, text.size(), start, 0, s.matchData, s.context)
            : pcre2_match(m_compiled->code, subject, text.size(), start, PCRE2_NO_UTF_CHECK, s.matchData, s.context);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0) {
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(rc, message, sizeof(message));
            throw Error(fmt::format("regex '{}' failed on a text of {} bytes: {}", m_pattern, text.size(),
                reinterpret_cast<char*>(message)));
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(s.matchData);
        const std::size_t b = ov[0];
        const std::size_t e = ov[1];
        if (b == e && b == lastMatchEnd) {
            // Empty match right after the previous one: retry one character further.
            if (start >= text.size())
                break;
            start += utf8SequenceLength(static_cast<unsigned char>(text[start]));
            continue;
        }
        out.push_back({ b, e });
        lastMatchEnd = e;
        start = e; // after an empty match the next round steps over one character
    }
}

} // namespace moescope::tok

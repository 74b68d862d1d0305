#pragma once
// Where on the page a quantized variant departs from the baseline: each scored token of a comparison is classed by
// its own text (number, word, punctuation/whitespace) and by the kind of line it sits on (a table row or prose), and
// the per-token KL and top-1 disagreement are summed per class; the most damaged lines are the "passages".
//
// Token class (from the token's bytes in the text): any ASCII digit -> Number ("1,234", " 12", "Q3"); otherwise any
// letter (ASCII, or a non-ASCII character other than Latin-1 symbols and General Punctuation) -> Word; otherwise
// (spaces, punctuation, symbols) -> Punctuation. Line kind: a line of the stored page text is a table row when at least
// two of its fields are numbers, fields being separated by runs of two or more spaces or a tab (the column layout of
// PDF text), a number being optional signs / currency / parentheses (spaces allowed), digits with ',' or '.', and an
// optional '%' or
// ')'. A token belongs to the line holding its first non-whitespace byte (its first byte when it is all whitespace).
// Passages: the document's lines holding at least kMinPassageTokens scored tokens, ranked by their KL sum (total
// departure, so a long damaged table row outranks one odd token). Plain C++, any thread.

#include "eval/comparison.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

enum class TokenClass { Number, Word, Punctuation };
enum class LineKind { Table, Prose };
enum class DamageMeasure { Kl, AbsDeltaP, Top1Disagreement };

TokenClass classifyToken(std::string_view tokenText);
const char* tokenClassName(TokenClass c);
bool isNumberField(std::string_view field);
bool isTableLine(std::string_view line);

// The value of a measure at scored token i of a variant: KL in nats, |Δp| as a probability (0..1), or 1 where the
// variant's top-1 token differs from the baseline's. NaN when the variant has no per-token arrays.
double damageValue(const VariantResult& variant, std::size_t token, DamageMeasure measure);

struct DamageGroup {
    std::string name; // "numbers", "words", "punctuation/space", "table rows", "prose"
    std::int64_t tokens = 0;
    double klSum = 0;
    double klMean = 0; // nats/token (NaN when empty)
    double top1Disagreement = 0; // share of the group's tokens (NaN when empty)
    double klShare = 0; // of the variant's total KL over all classified tokens
};

struct DamagePassage {
    int page = 0; // 0-based
    std::size_t begin = 0, end = 0; // byte span of the line in the joined text
    std::int64_t tokens = 0;
    double klSum = 0, klMean = 0;
    double top1Disagreement = 0;
    bool tableRow = false;
    std::string text; // the line, whitespace runs collapsed, at most kPassageChars bytes (UTF-8 safe)
};

struct DamageBreakdown {
    std::string variant;
    std::int64_t tokens = 0; // scored tokens with a text span
    double klTotal = 0;
    std::vector<DamageGroup> byClass; // Number, Word, Punctuation order
    std::vector<DamageGroup> byLine; // Table, Prose order
    std::vector<DamagePassage> passages; // most damaged first
};

constexpr std::size_t kMinPassageTokens = 3;
constexpr std::size_t kPassageChars = 160;

// text: the joined document text the result's token spans refer to (pages joined by '\f'); pageOffsets: each page's
// byte offset in it. Throws InvalidArgumentError when the result has no token spans or the variant index is out of
// range or its arrays do not match the positions.
DamageBreakdown damageBreakdown(const ComparisonResult& result, std::size_t variant, std::string_view text,
    std::span<const std::size_t> pageOffsets, std::size_t topPassages = 20);

} // namespace moescope

#include "eval/damagebreakdown.h"

#include "core/error.h"
#include "docs/textutil.h"

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
bool isDigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}
bool isSpace(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool isLetter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

struct Line {
    std::size_t begin = 0, end = 0; // [begin, end) in the joined text, without the terminator
    bool table = false;
};

// Lines split at '\n' and '\f' (page breaks).
std::vector<Line> splitLines(std::string_view text)
{
    std::vector<Line> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i)
        if (i == text.size() || text[i] == '\n' || text[i] == '\f') {
            out.push_back({ start, i, isTableLine(text.substr(start, i - start)) });
            start = i + 1;
        }
    return out;
}

// The line with whitespace runs collapsed, cut at kPassageChars bytes without splitting a UTF-8 sequence.
std::string collapsed(std::string_view s)
{
    std::string out = collapseWhitespace(s.substr(0, 4 * kPassageChars));
    out.resize(utf8Floor(out, std::min(out.size(), kPassageChars)));
    return out;
}

struct Accumulator {
    std::int64_t tokens = 0, disagree = 0;
    double kl = 0;
    void add(double k, bool agree)
    {
        ++tokens;
        kl += k;
        disagree += agree ? 0 : 1;
    }
    DamageGroup group(std::string name, double total) const
    {
        DamageGroup g;
        g.name = std::move(name);
        g.tokens = tokens;
        g.klSum = kl;
        g.klMean = tokens ? kl / static_cast<double>(tokens) : NAN;
        g.top1Disagreement = tokens ? static_cast<double>(disagree) / static_cast<double>(tokens) : NAN;
        g.klShare = total > 0 ? kl / total : 0.0;
        return g;
    }
};
} // namespace

TokenClass classifyToken(std::string_view s)
{
    bool letter = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (isDigit(c))
            return TokenClass::Number;
        if (c >= 0x80) {
            // Non-ASCII counts as a letter except the Latin-1 symbols (U+00A0-U+00BF: no-break space, ©, °, ±) and
            // General Punctuation (U+2000-U+206F: dashes, curly quotes, bullets), frequent in reports.
            const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
            const bool symbol
                = (c == 0xC2 && next >= 0xA0 && next <= 0xBF) || (c == 0xE2 && (next == 0x80 || next == 0x81));
            if (!symbol && c >= 0xC0)
                letter = true;
            continue;
        }
        letter = letter || isLetter(c);
    }
    return letter ? TokenClass::Word : TokenClass::Punctuation;
}

const char* tokenClassName(TokenClass c)
{
    switch (c) {
    case TokenClass::Number:
        return "numbers";
    case TokenClass::Word:
        return "words";
    case TokenClass::Punctuation:
        break;
    }
    return "punctuation/space";
}

bool isNumberField(std::string_view f)
{
    std::size_t i = 0, n = f.size();
    while (n > 0 && isSpace(static_cast<unsigned char>(f[n - 1])))
        --n;
    while (i < n && isSpace(static_cast<unsigned char>(f[i])))
        ++i;
    while (i < n && (f[i] == '$' || f[i] == '(' || f[i] == '-' || f[i] == '+' || f[i] == ' '))
        ++i; // "$ 1,234": reports often set the currency sign apart
    while (n > i && (f[n - 1] == ')' || f[n - 1] == '%'))
        --n;
    if (i >= n || !isDigit(static_cast<unsigned char>(f[i])))
        return false;
    for (std::size_t k = i; k < n; ++k) {
        const auto c = static_cast<unsigned char>(f[k]);
        if (!isDigit(c) && c != ',' && c != '.')
            return false;
    }
    return isDigit(static_cast<unsigned char>(f[n - 1]));
}

bool isTableLine(std::string_view line)
{
    int numbers = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= line.size();) {
        const bool end = i == line.size();
        const bool tab = !end && line[i] == '\t';
        const bool run = !end && line[i] == ' ' && i + 1 < line.size() && line[i + 1] == ' ';
        if (end || tab || run) {
            if (isNumberField(line.substr(start, i - start)))
                ++numbers;
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
                ++i;
            start = i;
            if (end)
                break;
            continue;
        }
        ++i;
    }
    return numbers >= 2;
}

double damageValue(const VariantResult& v, std::size_t i, DamageMeasure measure)
{
    switch (measure) {
    case DamageMeasure::Kl:
        return i < v.kl.size() ? double(v.kl[i]) : NAN;
    case DamageMeasure::AbsDeltaP:
        return i < v.deltaP.size() ? std::abs(double(v.deltaP[i])) : NAN;
    case DamageMeasure::Top1Disagreement:
        return i < v.top1Agree.size() ? (v.top1Agree[i] ? 0.0 : 1.0) : NAN;
    }
    return NAN;
}

DamageBreakdown damageBreakdown(const ComparisonResult& r, std::size_t variant, std::string_view text,
    std::span<const std::size_t> pageOffsets, std::size_t topPassages)
{
    if (variant >= r.variants.size())
        throw InvalidArgumentError("comparison has no variant " + std::to_string(variant));
    const auto& v = r.variants[variant];
    const std::size_t n = r.positions.size();
    if (r.tokenBegin.size() != n || r.tokenEnd.size() != n)
        throw InvalidArgumentError("the comparison has no token spans in the text (it was run without offsets)");
    if (v.kl.size() != n || v.top1Agree.size() != n)
        throw InvalidArgumentError("variant " + v.name + " has no per-token KL / top-1 arrays for its positions");

    const auto lines = splitLines(text);
    std::vector<Accumulator> perLine(lines.size());
    Accumulator classes[3], kinds[2];
    DamageBreakdown out;
    out.variant = v.name;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t b = r.tokenBegin[i], e = std::min<std::size_t>(r.tokenEnd[i], text.size());
        if (e <= b || b >= text.size())
            continue;
        const auto tokenText = text.substr(b, e - b);
        std::size_t anchor = b;
        while (anchor < e && isSpace(static_cast<unsigned char>(text[anchor])))
            ++anchor;
        if (anchor == e)
            anchor = b;
        // The last line starting at or before the anchor (a token on a line break belongs to the line it ends).
        const auto next = std::upper_bound(
            lines.begin(), lines.end(), anchor, [](std::size_t a, const Line& l) { return a < l.begin; });
        const std::size_t line = next == lines.begin() ? 0 : std::size_t(next - lines.begin()) - 1;
        const double kl = std::isfinite(v.kl[i]) ? double(v.kl[i]) : 0.0;
        const bool agree = v.top1Agree[i] != 0;
        classes[static_cast<int>(classifyToken(tokenText))].add(kl, agree);
        kinds[lines[line].table ? 0 : 1].add(kl, agree);
        perLine[line].add(kl, agree);
        ++out.tokens;
        out.klTotal += kl;
    }
    for (const auto c : { TokenClass::Number, TokenClass::Word, TokenClass::Punctuation })
        out.byClass.push_back(classes[static_cast<int>(c)].group(tokenClassName(c), out.klTotal));
    out.byLine.push_back(kinds[0].group("table rows", out.klTotal));
    out.byLine.push_back(kinds[1].group("prose", out.klTotal));

    std::vector<std::size_t> order;
    for (std::size_t l = 0; l < lines.size(); ++l)
        if (perLine[l].tokens >= std::int64_t(kMinPassageTokens) && perLine[l].kl > 0)
            order.push_back(l);
    const std::size_t keep = std::min(topPassages, order.size());
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(keep), order.end(),
        [&](std::size_t a, std::size_t b) { return perLine[a].kl > perLine[b].kl; });
    for (std::size_t k = 0; k < keep; ++k) {
        const auto& l = lines[order[k]];
        const auto& acc = perLine[order[k]];
        DamagePassage p;
        const auto page = std::upper_bound(pageOffsets.begin(), pageOffsets.end(), l.begin);
        p.page = page == pageOffsets.begin() ? 0 : int(page - pageOffsets.begin()) - 1;
        p.begin = l.begin;
        p.end = l.end;
        p.tokens = acc.tokens;
        p.klSum = acc.kl;
        p.klMean = acc.kl / static_cast<double>(acc.tokens);
        p.top1Disagreement = static_cast<double>(acc.disagree) / static_cast<double>(acc.tokens);
        p.tableRow = l.table;
        p.text = collapsed(text.substr(l.begin, l.end - l.begin));
        out.passages.push_back(std::move(p));
    }
    return out;
}

} // namespace moescope

#include "docs/tablerow.h"

#include "docs/textutil.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace moescope {

namespace {

std::vector<std::string_view> tokens(std::string_view line)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start)
            out.push_back(line.substr(start, i - start));
    }
    return out;
}

bool isDashToken(std::string_view t)
{
    return t == "-" || t == "\xE2\x80\x94" || t == "\xE2\x80\x93" || t == "\xE2\x80\x92" || t == "--" || t == "—%";
}

} // namespace

std::optional<double> parseAmount(std::string_view t, bool* isDash)
{
    if (isDash)
        *isDash = false;
    while (!t.empty() && t.front() == '$')
        t.remove_prefix(1);
    while (!t.empty() && (t.back() == '$' || t.back() == '%'))
        t.remove_suffix(1);
    if (isDashToken(t)) {
        if (isDash)
            *isDash = true;
        return 0.0;
    }
    bool negative = false;
    if (!t.empty() && t.front() == '(') {
        negative = true;
        t.remove_prefix(1);
        while (!t.empty() && t.front() == '$')
            t.remove_prefix(1);
        if (!t.empty() && t.back() == ')')
            t.remove_suffix(1);
        else if (t.empty())
            return std::nullopt;
    } else if (!t.empty() && t.back() == ')') {
        return std::nullopt; // "13)" of "(see Note 13)"
    }
    if (!t.empty() && t.front() == '-' && t.size() > 1) {
        negative = !negative;
        t.remove_prefix(1);
    }
    if (t.empty() || !std::isdigit(static_cast<unsigned char>(t.front())))
        return std::nullopt;
    std::string digits;
    bool dot = false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (std::isdigit(static_cast<unsigned char>(c))) {
            digits += c;
        } else if (c == ',' && !dot && !digits.empty()) {
            // A thousands separator: exactly three digits follow, then the end, another separator or the decimals.
            for (std::size_t k = 1; k <= 3; ++k)
                if (i + k >= t.size() || !std::isdigit(static_cast<unsigned char>(t[i + k])))
                    return std::nullopt;
            if (i + 4 < t.size() && t[i + 4] != ',' && t[i + 4] != '.')
                return std::nullopt;
        } else if (c == '.' && !dot && i + 1 < t.size()) {
            dot = true;
            digits += '.';
        } else {
            return std::nullopt;
        }
    }
    const double v = std::strtod(digits.c_str(), nullptr);
    return negative ? -v : v;
}

std::string normalizeLabel(std::string_view label)
{
    std::string s = collapseWhitespace(label);
    // Straighten curly apostrophes and dashes to ASCII.
    for (std::string_view from : { "\xE2\x80\x99", "\xE2\x80\x98" }) {
        for (std::size_t p; (p = s.find(from)) != std::string::npos;)
            s.replace(p, from.size(), "'");
    }
    for (std::string_view from : { "\xE2\x80\x94", "\xE2\x80\x93" }) {
        for (std::size_t p; (p = s.find(from)) != std::string::npos;)
            s.replace(p, from.size(), "-");
    }
    s = toLowerAscii(s);
    // Footnote markers: "(a)", "(1)", "*" at the end.
    for (;;) {
        while (!s.empty() && (s.back() == ' ' || s.back() == ':' || s.back() == '*' || s.back() == '$'))
            s.pop_back();
        if (s.size() >= 3 && s.back() == ')' && s[s.size() - 3] == '('
            && std::isalnum(static_cast<unsigned char>(s[s.size() - 2])))
            s.resize(s.size() - 3);
        else
            break;
    }
    return s;
}

TableRow parseTableRow(std::string_view line)
{
    const std::vector<std::string_view> toks = tokens(line);
    TableRow row;
    std::size_t labelEnd = toks.size();
    bool pendingClose = false;
    std::vector<std::pair<double, bool>> values;
    while (labelEnd > 0) {
        std::string_view t = toks[labelEnd - 1];
        if (t == "$" || t == "%" || t == "$(") {
            --labelEnd;
            continue;
        }
        if (t == ")" || t == ")%") {
            pendingClose = true;
            --labelEnd;
            continue;
        }
        std::string joined(t);
        if (pendingClose && !joined.empty() && joined.front() == '(' && joined.back() != ')')
            joined += ')';
        bool dash = false;
        const auto v = parseAmount(joined, &dash);
        if (!v)
            break;
        pendingClose = false;
        values.emplace_back(*v, dash);
        --labelEnd;
    }
    std::reverse(values.begin(), values.end());
    for (auto& [v, d] : values) {
        row.values.push_back(v);
        row.dashes.push_back(d);
    }
    std::string label;
    for (std::size_t i = 0; i < labelEnd; ++i) {
        if (i)
            label += ' ';
        label += toks[i];
    }
    while (!label.empty() && (label.back() == ':' || label.back() == ' '))
        label.pop_back();
    row.label = std::move(label);
    return row;
}

std::vector<int> parseYearHeader(std::string_view line)
{
    const std::vector<std::string_view> toks = tokens(line);
    std::vector<int> years;
    for (std::size_t i = toks.size(); i > 0; --i) {
        const std::string_view t = toks[i - 1];
        if (t.size() != 4
            || !std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            break;
        const int y = std::atoi(std::string(t).c_str());
        if (y < 1950 || y > 2100)
            break;
        years.push_back(y);
    }
    if (years.size() < 2)
        return {};
    std::reverse(years.begin(), years.end());
    return years;
}

} // namespace moescope

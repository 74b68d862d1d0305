#include "docs/columnlayout.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace moescope {

namespace {

constexpr int kMinColumnLines = 8;

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

// Prose: mostly letters, several words.
bool looksLikeProse(std::string_view s)
{
    int letters = 0, digits = 0, words = 0;
    bool inWord = false;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalpha(u) || u >= 0x80)
            ++letters;
        else if (std::isdigit(u))
            ++digits;
        const bool w = !isBlank(c);
        if (w && !inWord)
            ++words;
        inWord = w;
    }
    return words >= 2 && letters >= 6 && letters >= 4 * digits;
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && isBlank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isBlank(s.back()))
        s.remove_suffix(1);
    return s;
}

} // namespace

std::string reorderTwoColumnPage(std::string_view pageText)
{
    std::vector<std::string_view> lines;
    std::size_t width = 0;
    for (std::size_t start = 0; start <= pageText.size();) {
        std::size_t end = pageText.find('\n', start);
        if (end == std::string_view::npos)
            end = pageText.size();
        lines.push_back(pageText.substr(start, end - start));
        width = std::max(width, end - start);
        start = end + 1;
    }
    if (lines.size() < std::size_t(kMinColumnLines) || width < 60)
        return std::string(pageText);

    // A gutter at column c: a blank at c-1, c, c+1 on lines that have text on both sides.
    auto gapAt = [](std::string_view l, std::size_t c) {
        return c + 1 < l.size() && isBlank(l[c - 1]) && isBlank(l[c]) && isBlank(l[c + 1]);
    };
    std::size_t bestColumn = 0;
    int bestBoth = 0;
    for (std::size_t c = width * 3 / 10; c <= width * 7 / 10; ++c) {
        int both = 0, crossing = 0, textLines = 0;
        for (auto l : lines) {
            if (trimmed(l).empty())
                continue;
            ++textLines;
            if (c + 1 >= l.size())
                continue;
            if (gapAt(l, c)) {
                if (!trimmed(l.substr(0, c)).empty() && !trimmed(l.substr(c)).empty())
                    ++both;
            } else if (!isBlank(l[c])) {
                ++crossing;
            }
        }
        if (both >= kMinColumnLines && crossing * 5 <= textLines && both > bestBoth) {
            bestBoth = both;
            bestColumn = c;
        }
    }
    if (!bestColumn)
        return std::string(pageText);

    int prose = 0, both = 0;
    for (auto l : lines) {
        if (bestColumn + 1 >= l.size() || !gapAt(l, bestColumn))
            continue;
        auto left = trimmed(l.substr(0, bestColumn)), right = trimmed(l.substr(bestColumn));
        if (left.empty() || right.empty())
            continue;
        ++both;
        prose += looksLikeProse(left) && looksLikeProse(right);
    }
    if (prose * 10 < both * 7)
        return std::string(pageText);

    // Emit blocks of column lines as left then right; a line crossing the gutter ends a block.
    std::string out;
    out.reserve(pageText.size());
    std::vector<std::string_view> right;
    auto flush = [&] {
        for (auto r : right) {
            out += r;
            out += '\n';
        }
        right.clear();
    };
    for (auto l : lines) {
        const bool columnLine = l.size() <= bestColumn || gapAt(l, bestColumn) || isBlank(l[bestColumn]);
        if (!columnLine) {
            flush();
            out += l;
            out += '\n';
            continue;
        }
        const std::string_view left = l.substr(0, std::min(l.size(), bestColumn));
        std::string_view leftTrim = left;
        while (!leftTrim.empty() && isBlank(leftTrim.back()))
            leftTrim.remove_suffix(1);
        out += leftTrim;
        out += '\n';
        if (l.size() > bestColumn) {
            auto r = trimmed(l.substr(bestColumn));
            if (!r.empty())
                right.push_back(r);
        }
    }
    flush();
    if (!out.empty())
        out.pop_back();
    return out;
}

} // namespace moescope

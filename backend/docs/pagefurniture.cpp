#include "docs/pagefurniture.h"

#include "docs/textutil.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace moescope {

namespace {

constexpr int kEdgeLines = 3; // lines from the top and bottom looked at

bool isBlank(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// "12", "- 12 -", "Page 12", "12 of 130", "F-3", "A-1"
bool isPageNumber(std::string_view norm)
{
    if (norm.empty() || norm.size() > 20)
        return false;
    int hashes = 0;
    for (char c : norm)
        hashes += c == '#';
    if (!hashes)
        return false;
    std::string rest;
    for (char c : norm)
        if (c != '#' && c != ' ' && c != '-' && c != '|')
            rest += c;
    return rest.empty() || rest == "page" || rest == "pageof" || rest == "of" || rest == "f" || rest == "a"
        || rest == "s";
}

} // namespace

std::vector<TextLine> pageLines(const Document& document, int page)
{
    std::vector<TextLine> lines;
    const std::string_view text = document.pageText(page);
    const std::size_t base = document.pageOffset(page);
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        lines.push_back({ text.substr(start, end - start), base + start });
        start = end + 1;
    }
    return lines;
}

std::string PageFurniture::normalize(std::string_view line)
{
    std::string out = toLowerAscii(collapseWhitespace(line));
    for (auto& c : out)
        if (std::isdigit(static_cast<unsigned char>(c)))
            c = '#';
    // "###" and "#" are the same page number.
    out.erase(std::unique(out.begin(), out.end(), [](char a, char b) { return a == '#' && b == '#'; }), out.end());
    return out;
}

PageFurniture::PageFurniture(const Document& document)
    : m_document(document)
{
    std::unordered_map<std::string, int> counts;
    const int pages = document.pageCount();
    for (int p = 0; p < pages; ++p) {
        std::vector<TextLine> lines = pageLines(document, p);
        std::erase_if(lines, [](const TextLine& l) { return isBlank(l.text); });
        std::unordered_set<std::string> seen;
        const int n = int(lines.size());
        for (int i = 0; i < n; ++i)
            if (i < kEdgeLines || i >= n - kEdgeLines)
                seen.insert(normalize(lines[std::size_t(i)].text));
        for (auto& s : seen)
            ++counts[s];
    }
    const int threshold = std::max(3, pages / 5);
    for (auto& [line, count] : counts)
        if (count >= threshold && line.size() < 160)
            m_repeated.insert(line);
}

bool PageFurniture::isFurniture(std::string_view line, bool atPageEdge) const
{
    if (!atPageEdge)
        return false;
    const std::string norm = normalize(line);
    return m_repeated.count(norm) || isPageNumber(norm);
}

std::vector<TextLine> PageFurniture::bodyLines(int page) const
{
    std::vector<TextLine> lines = pageLines(m_document, page);
    std::erase_if(lines, [](const TextLine& l) { return isBlank(l.text); });
    const int n = int(lines.size());
    std::vector<TextLine> body;
    body.reserve(lines.size());
    // Headers: strip from the top while lines are furniture; footers likewise from the bottom.
    int first = 0, last = n - 1;
    while (first < n && first < kEdgeLines && isFurniture(lines[std::size_t(first)].text, true))
        ++first;
    while (last >= first && last >= n - kEdgeLines && isFurniture(lines[std::size_t(last)].text, true))
        --last;
    for (int i = first; i <= last; ++i)
        body.push_back(lines[std::size_t(i)]);
    return body;
}

} // namespace moescope

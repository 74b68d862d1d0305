#include "docs/pagesplitter.h"

#include "docs/textutil.h"

#include <algorithm>

namespace moescope {

namespace {

// Best cut in (lo, hi]: after a blank line, else after a newline, else after a blank; else hi (UTF-8 safe).
std::size_t bestCut(std::string_view text, std::size_t lo, std::size_t hi)
{
    for (const std::string_view sep : { std::string_view("\n\n"), std::string_view("\n"), std::string_view(" ") }) {
        const std::size_t at = text.rfind(sep, hi - sep.size());
        if (at != std::string_view::npos && at + sep.size() > lo)
            return at + sep.size();
    }
    return std::max(lo + 1, utf8Floor(text, hi));
}

} // namespace

std::vector<std::string> splitIntoPseudoPages(std::string_view text, std::size_t targetChars)
{
    targetChars = std::max<std::size_t>(targetChars, 200);
    std::vector<std::string> pages;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.size();
        // Allow up to 30% more than the target before forcing a cut, to reach a paragraph end.
        if (text.size() - pos > targetChars + targetChars * 3 / 10)
            end = bestCut(text, pos + targetChars / 2, std::min(text.size(), pos + targetChars + targetChars * 3 / 10));
        std::string page(text.substr(pos, end - pos));
        while (!page.empty() && (page.back() == '\n' || page.back() == ' '))
            page.pop_back();
        pages.push_back(std::move(page));
        pos = end;
    }
    if (pages.empty())
        pages.emplace_back();
    return pages;
}

} // namespace moescope

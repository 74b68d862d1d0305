#include "docs/document.h"

#include "core/error.h"

#include <algorithm>

namespace moescope {

Document::Document(std::filesystem::path source, DocumentMetadata metadata, FileIdentity identity,
    const std::vector<std::string>& pageTexts, std::vector<PageSize> pageSizes)
    : m_source(std::move(source))
    , m_metadata(std::move(metadata))
    , m_identity(std::move(identity))
    , m_sizes(std::move(pageSizes))
{
    if (!m_sizes.empty() && m_sizes.size() != pageTexts.size())
        throw InvalidArgumentError("Document: " + std::to_string(m_sizes.size()) + " page sizes for "
            + std::to_string(pageTexts.size()) + " pages");
    std::size_t total = pageTexts.size();
    for (const auto& t : pageTexts)
        total += t.size();
    m_text.reserve(total);
    m_offsets.reserve(pageTexts.size());
    for (const auto& t : pageTexts) {
        if (!m_offsets.empty())
            m_text += kPageSeparator;
        m_offsets.push_back(m_text.size());
        // A separator inside a page would break the page mapping; readers split on it, so this is a safety net.
        const std::size_t at = m_text.size();
        m_text += t;
        std::replace(m_text.begin() + std::ptrdiff_t(at), m_text.end(), kPageSeparator, '\n');
    }
}

void Document::checkPage(int page) const
{
    if (page < 0 || page >= pageCount())
        throw InvalidArgumentError(
            "page " + std::to_string(page) + " out of range (document has " + std::to_string(pageCount()) + " pages)");
}

std::size_t Document::pageOffset(int page) const
{
    checkPage(page);
    return m_offsets[std::size_t(page)];
}

std::size_t Document::pageEnd(int page) const
{
    checkPage(page);
    return page + 1 < pageCount() ? m_offsets[std::size_t(page) + 1] - 1 : m_text.size();
}

std::string_view Document::pageText(int page) const
{
    const std::size_t begin = pageOffset(page);
    return std::string_view(m_text).substr(begin, pageEnd(page) - begin);
}

PageSize Document::pageSize(int page) const
{
    checkPage(page);
    return m_sizes.empty() ? PageSize {} : m_sizes[std::size_t(page)];
}

int Document::pageAt(std::size_t offset) const
{
    if (m_offsets.empty())
        return 0;
    auto it = std::upper_bound(m_offsets.begin(), m_offsets.end(), offset);
    return int(std::max<std::ptrdiff_t>(0, it - m_offsets.begin() - 1));
}

PageSpan Document::pagesOf(std::size_t begin, std::size_t end) const
{
    const int first = pageAt(begin);
    const int last = end > begin ? pageAt(end - 1) : first;
    return { first, std::max(first, last) };
}

} // namespace moescope

#include "workbenchtypes.h"

#include <algorithm>

namespace moescope {

std::string DocumentData::joinedText() const
{
    std::string text;
    for (std::size_t p = 0; p < pages.size(); ++p) {
        if (p > 0)
            text += '\f';
        text += pages[p].text;
    }
    return text;
}

int DocumentData::pageAt(std::size_t offset) const
{
    if (pageOffsets.empty())
        return 0;
    const auto it = std::upper_bound(pageOffsets.begin(), pageOffsets.end(), offset);
    return int(std::max<std::ptrdiff_t>(0, it - pageOffsets.begin() - 1));
}

int utf16Index(std::string_view text, std::size_t byteOffset)
{
    byteOffset = std::min(byteOffset, text.size());
    int units = 0;
    for (std::size_t i = 0; i < byteOffset; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) == 0x80)
            continue; // continuation byte
        units += c >= 0xF0 ? 2 : 1; // 4-byte sequences are surrogate pairs in UTF-16
    }
    return units;
}

} // namespace moescope

#include "docs/documentstructure.h"

namespace moescope {

const Section* DocumentStructure::sectionAt(std::size_t offset) const
{
    const Section* found = nullptr;
    for (const auto& s : sections) {
        if (s.offset > offset)
            break;
        found = &s;
    }
    return found;
}

const Section* DocumentStructure::findItem(const std::string& item) const
{
    for (const auto& s : sections)
        if (s.item == item)
            return &s;
    return nullptr;
}

} // namespace moescope

#pragma once
// Finds the Parts and Items of a Form 10-K: heading lines ("Item 1A. Risk Factors", "ITEM 7 | Management's ...",
// "Item 7. - ...") whose title matches the item's standard title, skipping the table of contents (pages listing many
// items with page numbers) and running headers/footers, then keeps the longest run of headings in item order (so a
// cross reference such as "Item 8 of this report" that slipped through cannot reorder the structure). An item's
// range ends on the page where the next item starts, or the page before when the next heading opens its page.

#include "docs/document.h"
#include "docs/documentstructure.h"

#include <string_view>

namespace moescope {

class SectionDetector {
public:
    DocumentStructure detect(const Document& document) const;

    // Canonical order of 10-K items ("1", "1A", ... "16"), and the part each belongs to.
    static const std::vector<std::string_view>& itemOrder();
    static std::string_view partOfItem(std::string_view item);
    static std::string_view standardTitle(std::string_view item);
};

} // namespace moescope

#pragma once
// Result of 10-K structure detection: Parts I-IV and Items with 0-based inclusive page ranges. Plain values.

#include <cstddef>
#include <string>
#include <vector>

namespace moescope {

struct Section {
    std::string item; // "1", "1A", ..., "16"
    std::string part; // "I".."IV"
    std::string title; // as printed in the document, e.g. "Risk Factors"
    int pageStart = 0;
    int pageEnd = 0; // inclusive
    std::size_t offset = 0; // byte offset of the heading in Document::text()
};

struct PartRange {
    std::string part; // "I".."IV"
    int pageStart = 0;
    int pageEnd = 0;
    std::size_t offset = 0;
};

struct DocumentStructure {
    std::vector<PartRange> parts;
    std::vector<Section> sections; // in document order

    bool isTenK() const { return sections.size() >= 5; }
    // The section whose text holds byte offset (the last heading at or before it), or nullptr before the first one.
    const Section* sectionAt(std::size_t offset) const;
    const Section* findItem(const std::string& item) const;
};

} // namespace moescope

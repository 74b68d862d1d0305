#pragma once
// Tables of text rather than figures (properties, officers, exhibits, glossaries): columns sized as fractions of the
// text width, a bold header row with each heading underlined, and rows of wrapped cells aligned like their column.

#include "docs/layoutblocks.h"

#include <string>
#include <vector>

namespace moescope {

struct TextColumn {
    double width = 0.5; // a fraction of the text width when at most 1, else points
    TextAlign align = TextAlign::Left;
    bool wrap = true;
};

class TextTable {
public:
    // An empty header hides the header row; headers may be fewer than columns (the rest stay blank).
    TextTable(double textWidth, const std::vector<TextColumn>& columns, const std::vector<std::string>& headers,
        double fontSize = 9.5, double rowHeight = 12);

    TextTable& row(const std::vector<std::string>& cells, double spaceBefore = 0, bool bold = false, double indent = 0);
    TableBlock& table() { return m_table; }
    TableBlock take() { return std::move(m_table); }

private:
    TableBlock m_table;
};

} // namespace moescope

#pragma once
// One line of a financial table as laid out by the readers ("Net sales  $  34,229  $  35,355"): a label and the
// numeric cells on its right. Parentheses are negatives, dashes are zero, "$" and "%" are dropped, and cells split
// over HTML table cells ("(1,234" + ")") are joined.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

struct TableRow {
    std::string label; // blanks collapsed, trailing ':' removed
    std::vector<double> values; // left to right
    std::vector<bool> dashes; // per value: the cell was a dash (no amount)
};

// Splits a line into label and trailing numeric cells. A line without numbers gives an empty values vector.
TableRow parseTableRow(std::string_view line);

// Parses one numeric cell ("34,229", "(3,547)", "($4,935)", "$0.705", "—"); nullopt when it is not a number.
std::optional<double> parseAmount(std::string_view token, bool* isDash = nullptr);

// The years of a column-header line ("(Millions)  2022  2021  2020" -> {2022, 2021, 2020}); empty when the line
// does not end with at least two years.
std::vector<int> parseYearHeader(std::string_view line);

// Lower case, blanks collapsed, curly quotes straightened, footnote markers and trailing ':' removed.
std::string normalizeLabel(std::string_view label);

} // namespace moescope

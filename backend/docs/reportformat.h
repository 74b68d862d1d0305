#pragma once
// How figures are written in the sample report, in tables and in prose, the way 10-K filings write them.

#include <cstdint>
#include <string>

namespace moescope {

// Table figures: "4,812", negatives in parentheses "(4,812)", zero as an em dash.
std::string formatAmount(std::int64_t value);
// Thousands separators only: "4,812", "-12".
std::string formatGrouped(std::int64_t value);
// Prose: "$4,812 million" (or "$4.8 billion" when billions is set and |value| >= 1,000).
std::string formatMillions(std::int64_t value, bool billions = false);
// A fraction as a percentage: 0.0704 -> "7.0%".
std::string formatPercent(double fraction, int decimals = 1);
// A change in a table: 0.098 -> "9.8%", -0.098 -> "(9.8)%".
std::string formatPercentChange(double fraction);
// Cents as dollars: 342 -> "$3.42"; in tables without the sign: "3.42".
std::string formatCents(int cents, bool dollarSign = true);
// Tenths of millions of shares: 843 -> "84.3".
std::string formatTenths(int tenths);
// Thousands of shares as a whole number of shares: 84312 -> "84,312,000".
std::string formatShareCount(std::int64_t thousands);
// A percentage change between two amounts, as a fraction ((cur - prev) / |prev|); 0 when prev is 0.
double changeFraction(std::int64_t current, std::int64_t previous);
// "increased" / "decreased" / "was unchanged".
std::string changeVerb(std::int64_t current, std::int64_t previous);
// "$312 million, or 7.0%," style phrase of the absolute change.
std::string changePhrase(std::int64_t current, std::int64_t previous);
// Upper-cases the first letter.
std::string capitalized(std::string text);

} // namespace moescope

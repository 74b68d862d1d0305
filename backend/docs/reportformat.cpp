#include "docs/reportformat.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace moescope {

std::string formatGrouped(std::int64_t value)
{
    const bool negative = value < 0;
    std::string digits = std::to_string(negative ? -value : value);
    std::string out;
    const int n = static_cast<int>(digits.size());
    for (int i = 0; i < n; ++i) {
        if (i > 0 && (n - i) % 3 == 0)
            out.push_back(',');
        out.push_back(digits[static_cast<std::size_t>(i)]);
    }
    return negative ? "-" + out : out;
}

std::string formatAmount(std::int64_t value)
{
    if (value == 0)
        return "\u2014";
    if (value < 0)
        return "(" + formatGrouped(-value) + ")";
    return formatGrouped(value);
}

std::string formatMillions(std::int64_t value, bool billions)
{
    const std::int64_t a = std::llabs(value);
    std::string sign = value < 0 ? "-" : "";
    if (billions && a >= 1000) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", a / 1000.0);
        return sign + "$" + buf + " billion";
    }
    return sign + "$" + formatGrouped(a) + " million";
}

std::string formatPercent(double fraction, int decimals)
{
    char buf[32];
    double v = fraction * 100;
    const double scale = std::pow(10.0, decimals);
    v = std::round(v * scale) / scale;
    if (v == 0)
        v = 0;
    std::snprintf(buf, sizeof buf, "%.*f%%", decimals, v);
    return buf;
}

std::string formatPercentChange(double fraction)
{
    const std::string p = formatPercent(std::fabs(fraction));
    if (fraction < 0 && p != "0.0%")
        return "(" + p.substr(0, p.size() - 1) + ")%";
    return p;
}

std::string formatCents(int cents, bool dollarSign)
{
    char buf[32];
    const int a = std::abs(cents);
    std::snprintf(buf, sizeof buf, "%s%s%d.%02d", cents < 0 ? "-" : "", dollarSign ? "$" : "", a / 100, a % 100);
    return buf;
}

std::string formatTenths(int tenths)
{
    return formatGrouped(tenths / 10) + "." + std::to_string(std::abs(tenths) % 10);
}

std::string formatShareCount(std::int64_t thousands)
{
    return formatGrouped(thousands) + ",000";
}

double changeFraction(std::int64_t current, std::int64_t previous)
{
    if (previous == 0)
        return 0;
    return static_cast<double>(current - previous) / std::fabs(static_cast<double>(previous));
}

std::string changeVerb(std::int64_t current, std::int64_t previous)
{
    if (current > previous)
        return "increased";
    if (current < previous)
        return "decreased";
    return "was unchanged";
}

std::string changePhrase(std::int64_t current, std::int64_t previous)
{
    return formatMillions(std::llabs(current - previous)) + ", or "
        + formatPercent(std::fabs(changeFraction(current, previous))) + ",";
}

std::string capitalized(std::string text)
{
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
        text[0] = static_cast<char>(text[0] - 'a' + 'A');
    return text;
}

} // namespace moescope

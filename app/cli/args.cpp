#include <cstdint>
#include "args.h"

#include "core/error.h"

#include <charconv>

namespace moescope::cli {

Args::Args(std::vector<std::string> tokens)
    : m_tokens(std::move(tokens))
    , m_used(m_tokens.size(), false)
{
}

std::optional<std::string> Args::option(const std::string& name)
{
    for (std::size_t i = 0; i < m_tokens.size(); ++i) {
        if (m_used[i])
            continue;
        const auto& t = m_tokens[i];
        if (t == name) {
            if (i + 1 >= m_tokens.size())
                throw InvalidArgumentError("option " + name + " needs a value");
            m_used[i] = m_used[i + 1] = true;
            return m_tokens[i + 1];
        }
        if (t.size() > name.size() && t.compare(0, name.size(), name) == 0 && t[name.size()] == '=') {
            m_used[i] = true;
            return t.substr(name.size() + 1);
        }
    }
    return std::nullopt;
}

std::string Args::required(const std::string& name)
{
    auto v = option(name);
    if (!v)
        throw InvalidArgumentError("missing required option " + name);
    return *v;
}

std::string Args::value(const std::string& name, const std::string& fallback) { return option(name).value_or(fallback); }

std::int64_t Args::intValue(const std::string& name, std::int64_t fallback)
{
    auto v = option(name);
    if (!v)
        return fallback;
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || p != v->data() + v->size())
        throw InvalidArgumentError("option " + name + " expects an integer, got '" + *v + "'");
    return out;
}

double Args::doubleValue(const std::string& name, double fallback)
{
    auto v = option(name);
    if (!v)
        return fallback;
    try {
        std::size_t pos = 0;
        double d = std::stod(*v, &pos);
        if (pos == v->size())
            return d;
    } catch (const std::exception&) {
    }
    throw InvalidArgumentError("option " + name + " expects a number, got '" + *v + "'");
}

bool Args::flag(const std::string& name)
{
    for (std::size_t i = 0; i < m_tokens.size(); ++i)
        if (!m_used[i] && m_tokens[i] == name) {
            m_used[i] = true;
            return true;
        }
    return false;
}

std::vector<std::string> Args::positionals()
{
    std::vector<std::string> out;
    for (std::size_t i = 0; i < m_tokens.size(); ++i)
        if (!m_used[i] && (m_tokens[i].empty() || m_tokens[i][0] != '-' || m_tokens[i] == "-")) {
            m_used[i] = true;
            out.push_back(m_tokens[i]);
        }
    return out;
}

void Args::finish()
{
    for (std::size_t i = 0; i < m_tokens.size(); ++i)
        if (!m_used[i])
            throw InvalidArgumentError("unknown or misplaced argument '" + m_tokens[i] + "'");
}

std::vector<std::int32_t> parseIdList(const std::string& text, const std::string& option)
{
    std::vector<std::int32_t> ids;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string::npos)
            end = text.size();
        std::string_view item(text.data() + start, end - start);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (item.empty() || ec != std::errc() || p != item.data() + item.size() || v < 0 || v > INT32_MAX)
            throw InvalidArgumentError(option + " expects comma-separated non-negative token ids, got '" + text + "'");
        ids.push_back(static_cast<std::int32_t>(v));
        start = end + 1;
    }
    return ids;
}

} // namespace moescope::cli

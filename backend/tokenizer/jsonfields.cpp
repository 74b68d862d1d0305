#include <cstdint>
#include "tokenizer/jsonfields.h"

#include "core/error.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode/unicode.h"

#include <fmt/format.h>

namespace moescope::tok {

const nlohmann::json& requireField(const nlohmann::json& j, std::string_view key, const std::string& where)
{
    if (!j.is_object())
        throw FormatError(fmt::format("{}: expected a JSON object", where));
    const auto it = j.find(key);
    if (it == j.end())
        throw FormatError(fmt::format("{}: missing field \"{}\"", where, key));
    return *it;
}

std::string stringField(const nlohmann::json& j, std::string_view key, const std::string& where)
{
    const auto& v = requireField(j, key, where);
    if (!v.is_string())
        throw FormatError(fmt::format("{}: field \"{}\" must be a string", where, key));
    return v.get<std::string>();
}

std::string stringField(
    const nlohmann::json& j, std::string_view key, const std::string& where, const std::string& fallback)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return fallback;
    if (!it->is_string())
        throw FormatError(fmt::format("{}: field \"{}\" must be a string", where, key));
    return it->get<std::string>();
}

bool boolField(const nlohmann::json& j, std::string_view key, const std::string& where, bool fallback)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return fallback;
    if (!it->is_boolean())
        throw FormatError(fmt::format("{}: field \"{}\" must be true or false", where, key));
    return it->get<bool>();
}

std::int64_t intField(const nlohmann::json& j, std::string_view key, const std::string& where, std::int64_t fallback)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return fallback;
    if (!it->is_number_integer())
        throw FormatError(fmt::format("{}: field \"{}\" must be an integer", where, key));
    return it->get<std::int64_t>();
}

const nlohmann::json& arrayField(const nlohmann::json& j, std::string_view key, const std::string& where)
{
    const auto& v = requireField(j, key, where);
    if (!v.is_array())
        throw FormatError(fmt::format("{}: \"{}\" must be an array", where, key));
    return v;
}

std::string componentType(const nlohmann::json& j, const std::string& where)
{
    return stringField(j, "type", where);
}

char32_t charField(const nlohmann::json& j, std::string_view key, const std::string& where, char32_t fallback)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return fallback;
    const std::string s = stringField(j, key, where);
    std::size_t pos = 0;
    if (s.empty() || findInvalidUtf8(s) != std::string::npos || (decodeUtf8(s, pos), pos != s.size()))
        throw FormatError(fmt::format("{}: field \"{}\" must be exactly one character", where, key));
    pos = 0;
    return decodeUtf8(s, pos);
}

std::unique_ptr<Regex> patternField(const nlohmann::json& j, std::string_view key, const std::string& where)
{
    const auto& p = requireField(j, key, where);
    if (p.is_object() && p.size() == 1) {
        if (p.contains("String") && p["String"].is_string())
            return std::make_unique<Regex>(p["String"].get<std::string>(), true);
        if (p.contains("Regex") && p["Regex"].is_string()) {
            try {
                return std::make_unique<Regex>(p["Regex"].get<std::string>(), false);
            } catch (const FormatError& e) {
                throw FormatError(fmt::format("{}: {}", where, e.what()));
            }
        }
    }
    throw FormatError(fmt::format("{}: field \"{}\" must be {{\"String\": ...}} or {{\"Regex\": ...}}", where, key));
}

} // namespace moescope::tok

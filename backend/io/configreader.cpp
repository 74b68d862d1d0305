#include <cstdint>
#include "io/configreader.h"

#include "core/error.h"
#include "io/jsonfile.h"

#include <cmath>

namespace moescope {

ConfigReader::ConfigReader(nlohmann::json json, std::string source)
    : m_json(std::move(json))
    , m_source(std::move(source))
{
    if (m_json.is_null())
        m_json = nlohmann::json::object();
    if (!m_json.is_object())
        throw FormatError(m_source + ": expected a JSON object");
}

ConfigReader ConfigReader::fromFile(const std::filesystem::path& path)
{
    return ConfigReader(readJsonFile(path, 16u << 20), path.string());
}

const nlohmann::json* ConfigReader::value(const std::string& key) const
{
    auto it = m_json.find(key);
    if (it == m_json.end() || it->is_null())
        return nullptr;
    return &*it;
}

void ConfigReader::typeError(const std::string& key, const char* expected) const
{
    throw FormatError(m_source + ": field '" + key + "' must be " + expected);
}

bool ConfigReader::has(const std::string& key) const { return value(key) != nullptr; }

std::optional<std::int64_t> ConfigReader::optInt(const std::string& key) const
{
    const auto* v = value(key);
    if (!v)
        return std::nullopt;
    if (v->is_number_integer())
        return v->get<std::int64_t>();
    // Some configs write integers as floats (e.g. 4096.0).
    if (v->is_number_float()) {
        const double d = v->get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15)
            return static_cast<std::int64_t>(d);
    }
    typeError(key, "an integer");
}

std::int64_t ConfigReader::getInt(const std::string& key) const
{
    auto v = optInt(key);
    if (!v)
        throw FormatError(m_source + ": required field '" + key + "' is missing");
    return *v;
}

std::int64_t ConfigReader::getInt(const std::string& key, std::int64_t fallback) const
{
    return optInt(key).value_or(fallback);
}

std::optional<double> ConfigReader::optDouble(const std::string& key) const
{
    const auto* v = value(key);
    if (!v)
        return std::nullopt;
    if (!v->is_number())
        typeError(key, "a number");
    return v->get<double>();
}

double ConfigReader::getDouble(const std::string& key, double fallback) const
{
    return optDouble(key).value_or(fallback);
}

bool ConfigReader::getBool(const std::string& key, bool fallback) const
{
    const auto* v = value(key);
    if (!v)
        return fallback;
    if (!v->is_boolean())
        typeError(key, "true or false");
    return v->get<bool>();
}

std::optional<std::string> ConfigReader::optString(const std::string& key) const
{
    const auto* v = value(key);
    if (!v)
        return std::nullopt;
    if (!v->is_string())
        typeError(key, "a string");
    return v->get<std::string>();
}

std::string ConfigReader::getString(const std::string& key, const std::string& fallback) const
{
    return optString(key).value_or(fallback);
}

std::vector<std::int64_t> ConfigReader::getIntList(const std::string& key) const
{
    const auto* v = value(key);
    if (!v)
        return {};
    if (v->is_number_integer())
        return { v->get<std::int64_t>() };
    if (!v->is_array())
        typeError(key, "an integer or a list of integers");
    std::vector<std::int64_t> out;
    for (const auto& e : *v) {
        if (!e.is_number_integer())
            typeError(key, "a list of integers");
        out.push_back(e.get<std::int64_t>());
    }
    return out;
}

ConfigReader ConfigReader::child(const std::string& key) const
{
    const auto* v = value(key);
    if (!v)
        return ConfigReader(nlohmann::json::object(), m_source + ":" + key);
    if (!v->is_object())
        typeError(key, "an object");
    return ConfigReader(*v, m_source + ":" + key);
}

} // namespace moescope

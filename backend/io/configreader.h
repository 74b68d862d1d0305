#pragma once
// Typed, error-reporting access to a JSON object such as config.json. A key that is absent or null falls back to the
// given default; a key of the wrong type is a FormatError naming the file and the key.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace moescope {

class ConfigReader {
public:
    ConfigReader(nlohmann::json json, std::string source);
    static ConfigReader fromFile(const std::filesystem::path& path);

    bool has(const std::string& key) const;
    std::int64_t getInt(const std::string& key) const; // required
    std::int64_t getInt(const std::string& key, std::int64_t fallback) const;
    std::optional<std::int64_t> optInt(const std::string& key) const;
    double getDouble(const std::string& key, double fallback) const;
    std::optional<double> optDouble(const std::string& key) const;
    bool getBool(const std::string& key, bool fallback) const;
    std::string getString(const std::string& key, const std::string& fallback) const;
    std::optional<std::string> optString(const std::string& key) const;
    // A list of integers; a single integer reads as a list of one (as eos_token_id may be either).
    std::vector<std::int64_t> getIntList(const std::string& key) const;
    // A nested object (empty reader when absent or null).
    ConfigReader child(const std::string& key) const;

    const nlohmann::json& json() const { return m_json; }
    const std::string& source() const { return m_source; }

private:
    const nlohmann::json* value(const std::string& key) const;
    [[noreturn]] void typeError(const std::string& key, const char* expected) const;

    nlohmann::json m_json;
    std::string m_source;
};

} // namespace moescope

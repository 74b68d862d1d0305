#pragma once
// Typed access to tokenizer.json fields; every failure is a FormatError naming the component and the field.

#include <cstdint>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace moescope::tok {

class Regex;

const nlohmann::json& requireField(const nlohmann::json& j, std::string_view key, const std::string& where);
std::string stringField(const nlohmann::json& j, std::string_view key, const std::string& where);
std::string stringField(
    const nlohmann::json& j, std::string_view key, const std::string& where, const std::string& fallback);
bool boolField(const nlohmann::json& j, std::string_view key, const std::string& where, bool fallback);
std::int64_t intField(const nlohmann::json& j, std::string_view key, const std::string& where, std::int64_t fallback);
// The "type" of a component object.
std::string componentType(const nlohmann::json& j, const std::string& where);
// An array field (the members of a Sequence component).
const nlohmann::json& arrayField(const nlohmann::json& j, std::string_view key, const std::string& where);

// The components of a Sequence: make(item) for each entry of j[key], skipping null results.
template <typename T, typename Make>
std::vector<std::unique_ptr<T>> componentList(
    const nlohmann::json& j, std::string_view key, const std::string& where, Make&& make)
{
    std::vector<std::unique_ptr<T>> items;
    for (const auto& item : arrayField(j, key, where))
        if (auto c = make(item))
            items.push_back(std::move(c));
    return items;
}

// A single character given as a JSON string (Metaspace replacement, Strip content).
char32_t charField(const nlohmann::json& j, std::string_view key, const std::string& where, char32_t fallback);
// A {"String": s} or {"Regex": r} pattern.
std::unique_ptr<Regex> patternField(const nlohmann::json& j, std::string_view key, const std::string& where);

} // namespace moescope::tok

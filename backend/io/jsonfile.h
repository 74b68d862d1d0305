#pragma once
// Strict JSON reading for files users bring (config.json, index files, tokenizer.json): size-limited, UTF-8 checked,
// every failure a FormatError or IoError that names the file.

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace moescope {

// Parses text as JSON; source names it in error messages.
nlohmann::json parseJson(std::string_view text, const std::string& source);

// Reads and parses a JSON file of at most maxBytes.
nlohmann::json readJsonFile(const std::filesystem::path& path, std::size_t maxBytes = 64u << 20);

// Reads a whole (small) file into a string; throws IoError naming the file.
std::string readTextFile(const std::filesystem::path& path, std::size_t maxBytes);

// Writes text to path atomically (temporary file + rename); throws IoError naming the file.
void writeTextFileAtomic(const std::filesystem::path& path, std::string_view text);

} // namespace moescope

#pragma once
// Writes a .safetensors file: header padded to 8 bytes, tensors ordered by element size (largest first) then name so
// every tensor starts naturally aligned, written to a temporary file and renamed, so a failed write (full disk,
// cancelled job) never leaves a half-written file under the final name.

#include "io/dtype.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace moescope {

class SafetensorsWriter {
public:
    // The bytes are referenced, not copied: they must stay valid until write() returns.
    void add(std::string name, DType dtype, std::vector<std::int64_t> shape, std::span<const std::byte> data);
    // The writer keeps the bytes.
    void addOwned(std::string name, DType dtype, std::vector<std::int64_t> shape, std::vector<std::byte> data);
    void setMetadata(std::string key, std::string value) { m_metadata[std::move(key)] = std::move(value); }

    // Throws IoError (with the path) on failure and removes the temporary file.
    void write(const std::filesystem::path& path) const;

    std::size_t size() const { return m_entries.size(); }

private:
    struct Entry {
        std::string name;
        DType dtype;
        std::vector<std::int64_t> shape;
        std::span<const std::byte> data;
        std::vector<std::byte> owned;
    };
    std::vector<Entry> m_entries;
    std::map<std::string, std::string> m_metadata;
};

} // namespace moescope

#pragma once
// All safetensors files of a model folder as one name -> tensor map: a sharded checkpoint through
// model.safetensors.index.json, a single model.safetensors, or else every *.safetensors file in the folder.
// Missing shards, tensors the index promises but a shard lacks, and a tensor in two files are FormatErrors.

#include <cstdint>
#include "io/safetensorsfile.h"

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace moescope {

struct TensorRef {
    const SafetensorsFile* file = nullptr;
    const TensorInfo* info = nullptr;

    std::span<const std::byte> data() const { return file->data(*info); }
};

class SafetensorsCheckpoint {
public:
    explicit SafetensorsCheckpoint(const std::filesystem::path& folder);

    const std::filesystem::path& folder() const { return m_folder; }
    bool contains(const std::string& name) const { return m_tensors.count(name) != 0; }
    // nullptr when absent
    const TensorRef* find(const std::string& name) const;
    // throws FormatError naming the folder when absent
    const TensorRef& get(const std::string& name) const;
    std::vector<std::string> names() const;
    const std::vector<std::unique_ptr<SafetensorsFile>>& files() const { return m_files; }
    std::uint64_t totalBytes() const;

    static bool looksLikeCheckpoint(const std::filesystem::path& folder);

private:
    void addFile(const std::filesystem::path& path);

    std::filesystem::path m_folder;
    std::vector<std::unique_ptr<SafetensorsFile>> m_files;
    std::unordered_map<std::string, TensorRef> m_tensors;
};

} // namespace moescope

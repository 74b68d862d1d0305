#pragma once
// One .safetensors file, memory-mapped and validated when opened: header length within bounds, JSON well formed,
// every tensor's dtype known, shape x element size equal to its byte range, ranges inside the data area and not
// overlapping. Every violation is a FormatError/UnsupportedError naming the file and the tensor.
// Immutable after construction; safe to read from several threads.

#include "io/dtype.h"
#include "io/mappedfile.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace moescope {

struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0; // byte offsets relative to the start of the data area
    std::uint64_t end = 0;

    std::int64_t numel() const;
    std::uint64_t byteSize() const { return end - begin; }
};

class SafetensorsFile {
public:
    static constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;

    explicit SafetensorsFile(const std::filesystem::path& path);

    const std::filesystem::path& path() const { return m_file.path(); }
    const std::vector<TensorInfo>& tensors() const { return m_tensors; }
    const TensorInfo* find(const std::string& name) const;
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }

    // The tensor's raw little-endian bytes inside the mapping (valid while this object lives).
    std::span<const std::byte> data(const TensorInfo& info) const;

private:
    MappedFile m_file;
    std::uint64_t m_dataStart = 0;
    std::vector<TensorInfo> m_tensors;
    std::unordered_map<std::string, std::size_t> m_index;
    std::map<std::string, std::string> m_metadata;
};

} // namespace moescope

#pragma once
// A read-only memory mapping of a whole file. Move-only; unmaps on destruction. Safe to read from any thread.

#include <cstddef>
#include <filesystem>
#include <span>

namespace moescope {

class MappedFile {
public:
    explicit MappedFile(const std::filesystem::path& path); // throws IoError
    ~MappedFile();
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const std::byte> bytes() const { return { m_data, m_size }; }
    std::size_t size() const { return m_size; }
    const std::filesystem::path& path() const { return m_path; }

private:
    void release() noexcept;

    std::filesystem::path m_path;
    const std::byte* m_data = nullptr;
    std::size_t m_size = 0;
};

} // namespace moescope

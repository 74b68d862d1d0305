#pragma once
// SHA-256 (FIPS 180-4) for content hashes of documents: a moved or edited report is recognised by its hash. Small and
// self-contained so backend_base needs no crypto library.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace moescope {

class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    // Finishes and returns the digest as 64 lower-case hex digits; the object must not be updated afterwards.
    std::string hexDigest();

    static std::string hexOf(std::string_view bytes);
    // Hashes a file in blocks; throws IoError naming the file.
    static std::string hexOfFile(const std::filesystem::path& path);

private:
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> m_state;
    std::array<std::uint8_t, 64> m_buffer {};
    std::size_t m_buffered = 0;
    std::uint64_t m_length = 0;
};

} // namespace moescope

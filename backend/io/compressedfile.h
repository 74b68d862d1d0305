#pragma once
// Whole-file reading that also understands gzip (.gz) and xz (.xz) content, recognised by its magic bytes, so users
// can point MoEScope at a compressed tokenizer.json or corpus. Limits apply to the decompressed size.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace moescope {

// Reads path (plain, gzip or xz); throws IoError (missing/unreadable) or FormatError (corrupt, or larger than
// maxBytes once decompressed), naming the file. With truncateAtLimit, a larger content is cut at maxBytes
// instead (to read a prefix of a big corpus).
std::string readMaybeCompressedFile(
    const std::filesystem::path& path, std::size_t maxBytes, bool truncateAtLimit = false);

// Decompresses gzip or xz data held in memory (source names it in errors).
std::string decompress(
    std::string_view data, const std::string& source, std::size_t maxBytes, bool truncateAtLimit = false);

} // namespace moescope

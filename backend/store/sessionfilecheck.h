#pragma once
// Checks a file before SQLite writes to it: that it is an SQLite database, carries MoEScope's application_id, has a
// schema version this build knows, and is not truncated. Reads the 100-byte SQLite header directly, so a foreign,
// corrupt or truncated file is rejected without being touched (SQLite itself may roll back a hot journal or rewrite
// the header on open). Throws FormatError / UnsupportedError / IoError with a message naming the file.

#include <cstdint>
#include <filesystem>

namespace moescope {

struct SessionFileHeader {
    std::uint32_t pageSize = 0;
    std::uint32_t pageCount = 0;
    std::int32_t applicationId = 0;
    std::int32_t userVersion = 0;
    bool walPending = false; // a non-empty -wal file exists: the header may not show the last commits yet
};

SessionFileHeader checkSessionFile(const std::filesystem::path& path);

} // namespace moescope

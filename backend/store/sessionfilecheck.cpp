#include <cstdint>
#include "store/sessionfilecheck.h"

#include "core/error.h"
#include "store/sessionschema.h"

#include <cstring>
#include <fstream>

namespace moescope {

namespace {

std::uint32_t be32(const unsigned char* p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

} // namespace

SessionFileHeader checkSessionFile(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw IoError(path.string() + ": no such session file");
    const auto fileSize = std::filesystem::file_size(path, ec);
    if (ec)
        throw IoError(path.string() + ": cannot read its size: " + ec.message());
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError(path.string() + ": cannot open for reading");
    unsigned char h[100] = {};
    in.read(reinterpret_cast<char*>(h), sizeof h);
    if (in.gcount() < 100 || std::memcmp(h, "SQLite format 3", 16) != 0)
        throw FormatError(path.string() + ": not a MoEScope session (not an SQLite database)");

    SessionFileHeader out;
    const std::uint32_t rawPageSize = (std::uint32_t(h[16]) << 8) | h[17];
    out.pageSize = rawPageSize == 1 ? 65536 : rawPageSize;
    out.pageCount = be32(h + 28);
    out.userVersion = std::int32_t(be32(h + 60));
    out.applicationId = std::int32_t(be32(h + 68));
    const std::uint32_t changeCounter = be32(h + 24), validFor = be32(h + 92);
    const auto walSize = std::filesystem::file_size(path.string() + "-wal", ec);
    out.walPending = !ec && walSize > 0;

    if (out.pageSize < 512 || out.pageSize > 65536 || (out.pageSize & (out.pageSize - 1)))
        throw FormatError(path.string() + ": the session file is damaged (invalid SQLite page size)");
    if (!out.walPending) {
        if (out.applicationId != kSessionApplicationId)
            throw FormatError(path.string()
                + ": not a MoEScope session (an SQLite database of another application, application_id "
                + std::to_string(out.applicationId) + ")");
        if (changeCounter == validFor && std::uint64_t(out.pageCount) * out.pageSize > fileSize)
            throw FormatError(path.string() + ": the session file is truncated (" + std::to_string(fileSize)
                + " bytes, its header says " + std::to_string(std::uint64_t(out.pageCount) * out.pageSize) + ")");
        if (fileSize % out.pageSize != 0)
            throw FormatError(
                path.string() + ": the session file is damaged (size is not a multiple of its page size)");
    } else if (out.applicationId != 0 && out.applicationId != kSessionApplicationId) {
        throw FormatError(path.string() + ": not a MoEScope session (an SQLite database of another application)");
    }
    if (out.userVersion > SessionSchema::latestVersion())
        throw UnsupportedError(path.string() + ": session schema version " + std::to_string(out.userVersion)
            + " is newer than this MoEScope supports (" + std::to_string(SessionSchema::latestVersion())
            + "); open it with a newer MoEScope");
    return out;
}

} // namespace moescope

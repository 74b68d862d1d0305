#include "docs/documentreader.h"

#include "core/error.h"
#include "core/sha256.h"

#include <chrono>
#include <fstream>

namespace moescope {

std::string readFileBytes(const std::filesystem::path& path, std::size_t maxBytes)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw IoError(path.string() + ": no such file (or not a regular file)");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        throw IoError(path.string() + ": cannot read its size: " + ec.message());
    if (size > maxBytes)
        throw IoError(path.string() + ": file is " + std::to_string(size) + " bytes, more than the limit of "
            + std::to_string(maxBytes));
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError(path.string() + ": cannot open for reading");
    std::string bytes(size, '\0');
    in.read(bytes.data(), std::streamsize(size));
    if (std::size_t(in.gcount()) != size)
        throw IoError(path.string() + ": short read (file changed while reading?)");
    return bytes;
}

FileIdentity identityOf(const std::filesystem::path& path, std::string_view bytes)
{
    FileIdentity id;
    id.sha256 = Sha256::hexOf(bytes);
    id.size = bytes.size();
    std::error_code ec;
    const auto t = std::filesystem::last_write_time(path, ec);
    if (!ec) {
        const auto sys = std::chrono::file_clock::to_sys(t);
        id.mtime = std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count();
    }
    return id;
}

} // namespace moescope

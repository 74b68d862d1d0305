#include "io/jsonfile.h"

#include "core/error.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace moescope {

nlohmann::json parseJson(std::string_view text, const std::string& source)
{
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is 1-based; the library's message already says what was expected.
        std::string what = e.what();
        if (auto pos = what.find("parse error"); pos != std::string::npos)
            what = what.substr(pos);
        throw FormatError(source + ": invalid JSON (" + what + ")");
    }
}

std::string readTextFile(const std::filesystem::path& path, std::size_t maxBytes)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw IoError("file not found: " + path.string());
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        throw IoError("cannot read " + path.string() + ": " + ec.message());
    if (size > maxBytes)
        throw FormatError(path.string() + ": file is " + std::to_string(size) + " bytes, more than the limit of "
            + std::to_string(maxBytes));
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError("cannot open " + path.string() + ": " + std::strerror(errno));
    std::string text(size, '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::size_t>(in.gcount()) != size)
        throw IoError("cannot read " + path.string() + ": short read");
    return text;
}

nlohmann::json readJsonFile(const std::filesystem::path& path, std::size_t maxBytes)
{
    return parseJson(readTextFile(path, maxBytes), path.string());
}

void writeTextFileAtomic(const std::filesystem::path& path, std::string_view text)
{
    const auto tmp = path.string() + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f)
        throw IoError("cannot write " + tmp + ": " + std::strerror(errno));
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    const int err = errno;
    const bool closed = std::fclose(f) == 0;
    if (!ok || !closed) {
        std::remove(tmp.c_str());
        throw IoError("cannot write " + path.string() + ": " + std::strerror(err ? err : EIO));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw IoError("cannot write " + path.string() + ": " + ec.message());
    }
}

} // namespace moescope

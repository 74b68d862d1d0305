#include <cstdint>
#include "io/compressedfile.h"

#include "core/error.h"
#include "io/jsonfile.h"

#include <lzma.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

namespace moescope {

namespace {

bool isGzip(std::string_view d)
{
    return d.size() >= 2 && d[0] == '\x1f' && d[1] == '\x8b';
}
bool isXz(std::string_view d)
{
    return d.size() >= 6
        && d.substr(0, 6)
        == std::string_view("\xFD"
                            "7zXZ\0",
            6);
}

std::string tooBig(const std::string& source, std::size_t maxBytes)
{
    return source + ": decompressed content is larger than the limit of " + std::to_string(maxBytes) + " bytes";
}

std::string gunzip(std::string_view data, const std::string& source, std::size_t maxBytes, bool truncate)
{
    z_stream zs {};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        throw Error(source + ": cannot initialise zlib");
    std::string out;
    out.resize(std::min<std::size_t>(maxBytes, std::max<std::size_t>(data.size() * 4, 1 << 16)));
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    std::size_t inLeft = data.size();
    std::size_t produced = 0;
    int rc = Z_OK;
    while (true) {
        if (produced == out.size()) {
            if (out.size() >= maxBytes) {
                inflateEnd(&zs);
                if (truncate)
                    return out;
                throw FormatError(tooBig(source, maxBytes));
            }
            out.resize(std::min(maxBytes, out.size() * 2));
        }
        const auto inChunk = static_cast<uInt>(std::min<std::size_t>(inLeft, std::numeric_limits<uInt>::max()));
        zs.avail_in = inChunk;
        zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
        zs.avail_out
            = static_cast<uInt>(std::min<std::size_t>(out.size() - produced, std::numeric_limits<uInt>::max()));
        const uInt outBefore = zs.avail_out;
        rc = inflate(&zs, Z_NO_FLUSH);
        inLeft -= inChunk - zs.avail_in;
        produced += outBefore - zs.avail_out;
        if (rc == Z_STREAM_END) {
            // Concatenated gzip members (as `cat a.gz b.gz`) continue.
            if (inLeft > 0 && isGzip(std::string_view(reinterpret_cast<const char*>(zs.next_in), inLeft))) {
                inflateReset(&zs);
                continue;
            }
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            inflateEnd(&zs);
            throw FormatError(source + ": corrupt gzip data (" + (zs.msg ? zs.msg : "zlib error") + ")");
        }
        if (rc == Z_BUF_ERROR && inLeft == 0 && zs.avail_out != 0) {
            inflateEnd(&zs);
            throw FormatError(source + ": truncated gzip data");
        }
    }
    inflateEnd(&zs);
    out.resize(produced);
    return out;
}

std::string unxz(std::string_view data, const std::string& source, std::size_t maxBytes, bool truncate)
{
    lzma_stream zs = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&zs, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
        throw Error(source + ": cannot initialise the xz decoder");
    std::string out;
    out.resize(std::min<std::size_t>(maxBytes, std::max<std::size_t>(data.size() * 8, 1 << 16)));
    zs.next_in = reinterpret_cast<const uint8_t*>(data.data());
    zs.avail_in = data.size();
    std::size_t produced = 0;
    while (true) {
        if (produced == out.size()) {
            if (out.size() >= maxBytes) {
                lzma_end(&zs);
                if (truncate)
                    return out;
                throw FormatError(tooBig(source, maxBytes));
            }
            out.resize(std::min(maxBytes, out.size() * 2));
        }
        zs.next_out = reinterpret_cast<uint8_t*>(out.data() + produced);
        zs.avail_out = out.size() - produced;
        const std::size_t before = zs.avail_out;
        const lzma_ret rc = lzma_code(&zs, zs.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
        produced += before - zs.avail_out;
        if (rc == LZMA_STREAM_END)
            break;
        if (rc != LZMA_OK) {
            lzma_end(&zs);
            throw FormatError(source + (rc == LZMA_BUF_ERROR ? ": truncated xz data" : ": corrupt xz data"));
        }
    }
    lzma_end(&zs);
    out.resize(produced);
    return out;
}

} // namespace

std::string decompress(std::string_view data, const std::string& source, std::size_t maxBytes, bool truncateAtLimit)
{
    if (isGzip(data))
        return gunzip(data, source, maxBytes, truncateAtLimit);
    if (isXz(data))
        return unxz(data, source, maxBytes, truncateAtLimit);
    throw FormatError(source + ": not gzip or xz data");
}

std::string readMaybeCompressedFile(const std::filesystem::path& path, std::size_t maxBytes, bool truncateAtLimit)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw IoError("file not found: " + path.string());
    char magic[6] = {};
    {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            throw IoError("cannot open " + path.string() + ": " + std::strerror(errno));
        in.read(magic, sizeof(magic));
    }
    const std::string_view head(magic, sizeof(magic));
    if (!isGzip(head) && !isXz(head)) {
        if (truncateAtLimit) {
            const auto size = std::filesystem::file_size(path, ec);
            if (!ec && size > maxBytes) {
                std::ifstream in(path, std::ios::binary);
                std::string text(maxBytes, '\0');
                in.read(text.data(), static_cast<std::streamsize>(maxBytes));
                text.resize(static_cast<std::size_t>(in.gcount()));
                return text;
            }
        }
        return readTextFile(path, maxBytes);
    }
    // A compressed file is smaller than its content, give or take headers; a prefix may come from a big file.
    const std::size_t rawLimit
        = truncateAtLimit ? (std::size_t(4) << 30) : std::max<std::size_t>(maxBytes, 1 << 20) + (1 << 20);
    const std::string raw = readTextFile(path, rawLimit);
    return decompress(raw, path.string(), maxBytes, truncateAtLimit);
}

} // namespace moescope

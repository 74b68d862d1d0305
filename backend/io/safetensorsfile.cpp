#include <cstdint>
#include "io/safetensorsfile.h"

#include "core/error.h"
#include "io/jsonfile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <limits>

namespace moescope {

std::int64_t TensorInfo::numel() const
{
    std::int64_t n = 1;
    for (auto d : shape)
        n *= d;
    return n;
}

namespace {
    std::uint64_t readLittleEndian64(const std::byte* p)
    {
        std::uint64_t v = 0;
        for (int i = 7; i >= 0; --i)
            v = (v << 8) | static_cast<std::uint64_t>(p[i]);
        return v;
    }

    TensorInfo parseTensorEntry(const std::string& file, const std::string& name, const nlohmann::json& entry,
        std::uint64_t dataSize)
    {
        const auto where = file + ": tensor '" + name + "'";
        if (!entry.is_object())
            throw FormatError(where + ": header entry is not an object");
        auto dtypeIt = entry.find("dtype");
        auto shapeIt = entry.find("shape");
        auto offsetsIt = entry.find("data_offsets");
        if (dtypeIt == entry.end() || !dtypeIt->is_string())
            throw FormatError(where + ": missing or non-string 'dtype'");
        if (shapeIt == entry.end() || !shapeIt->is_array())
            throw FormatError(where + ": missing or non-array 'shape'");
        if (offsetsIt == entry.end() || !offsetsIt->is_array() || offsetsIt->size() != 2)
            throw FormatError(where + ": 'data_offsets' must be an array of two integers");

        TensorInfo info;
        info.name = name;
        const auto dtypeName = dtypeIt->get<std::string>();
        auto dtype = parseDType(dtypeName);
        if (!dtype)
            throw UnsupportedError(where + ": unsupported dtype '" + dtypeName + "'");
        info.dtype = *dtype;

        // numel * element size, checked against the data area at each step so it cannot overflow 128 bits.
        unsigned __int128 bytes = dtypeSize(info.dtype);
        bool empty = false;
        for (const auto& dim : *shapeIt) {
            if (!dim.is_number_unsigned() && !(dim.is_number_integer() && dim.get<std::int64_t>() >= 0))
                throw FormatError(where + ": shape entries must be non-negative integers");
            const auto d = dim.get<std::uint64_t>();
            if (d > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                throw FormatError(where + ": shape dimension too large");
            info.shape.push_back(static_cast<std::int64_t>(d));
            empty = empty || d == 0;
            if (!empty) {
                bytes *= d;
                if (bytes > dataSize)
                    throw FormatError(where + ": shape needs more bytes than the file holds (file truncated?)");
            }
        }
        if (empty)
            bytes = 0;
        for (const auto& off : *offsetsIt)
            if (!off.is_number_unsigned() && !(off.is_number_integer() && off.get<std::int64_t>() >= 0))
                throw FormatError(where + ": data_offsets must be non-negative integers");
        info.begin = (*offsetsIt)[0].get<std::uint64_t>();
        info.end = (*offsetsIt)[1].get<std::uint64_t>();
        if (info.begin > info.end)
            throw FormatError(where + ": data_offsets begin " + std::to_string(info.begin) + " is after end "
                + std::to_string(info.end));
        if (info.end > dataSize)
            throw FormatError(where + ": data_offsets end " + std::to_string(info.end)
                + " is past the end of the data (" + std::to_string(dataSize) + " bytes; file truncated?)");
        if (static_cast<unsigned __int128>(info.end - info.begin) != bytes)
            throw FormatError(where + ": shape and dtype need " + std::to_string(static_cast<std::uint64_t>(bytes))
                + " bytes but data_offsets span " + std::to_string(info.end - info.begin));
        return info;
    }
} // namespace

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path)
    : m_file(path)
{
    const auto file = path.string();
    const auto bytes = m_file.bytes();
    if (bytes.size() < 8)
        throw FormatError(file + ": not a safetensors file (" + std::to_string(bytes.size())
            + " bytes, shorter than the 8-byte header length)");
    const std::uint64_t headerLen = readLittleEndian64(bytes.data());
    if (headerLen < 2 || headerLen > kMaxHeaderBytes)
        throw FormatError(file + ": header length " + std::to_string(headerLen) + " is out of bounds (2.."
            + std::to_string(kMaxHeaderBytes) + ")");
    if (headerLen > bytes.size() - 8)
        throw FormatError(file + ": header length " + std::to_string(headerLen) + " runs past the end of the file ("
            + std::to_string(bytes.size()) + " bytes; file truncated?)");
    m_dataStart = 8 + headerLen;
    const std::uint64_t dataSize = bytes.size() - m_dataStart;

    const std::string_view headerText(reinterpret_cast<const char*>(bytes.data() + 8), headerLen);
    const auto header = parseJson(headerText, file + " (safetensors header)");
    if (!header.is_object())
        throw FormatError(file + ": safetensors header is not a JSON object");

    for (const auto& [key, value] : header.items()) {
        if (key == "__metadata__") {
            if (!value.is_object())
                throw FormatError(file + ": __metadata__ is not an object");
            for (const auto& [mk, mv] : value.items()) {
                if (!mv.is_string())
                    throw FormatError(file + ": __metadata__ value '" + mk + "' is not a string");
                m_metadata[mk] = mv.get<std::string>();
            }
            continue;
        }
        m_tensors.push_back(parseTensorEntry(file, key, value, dataSize));
    }

    // Overlap check on the byte ranges, in offset order; empty tensors occupy no bytes.
    std::vector<const TensorInfo*> byOffset;
    for (const auto& t : m_tensors)
        if (t.end > t.begin)
            byOffset.push_back(&t);
    std::sort(byOffset.begin(), byOffset.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
    for (std::size_t i = 1; i < byOffset.size(); ++i)
        if (byOffset[i]->begin < byOffset[i - 1]->end)
            throw FormatError(file + ": tensor '" + byOffset[i]->name + "' overlaps tensor '" + byOffset[i - 1]->name
                + "' (bytes " + std::to_string(byOffset[i]->begin) + ".." + std::to_string(byOffset[i - 1]->end)
                + ")");

    for (std::size_t i = 0; i < m_tensors.size(); ++i)
        m_index.emplace(m_tensors[i].name, i);
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const
{
    auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

std::span<const std::byte> SafetensorsFile::data(const TensorInfo& info) const
{
    return m_file.bytes().subspan(m_dataStart + info.begin, info.byteSize());
}

} // namespace moescope

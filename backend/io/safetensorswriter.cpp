#include <cstdint>
#include "io/safetensorswriter.h"

#include "core/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

namespace moescope {

void SafetensorsWriter::add(std::string name, DType dtype, std::vector<std::int64_t> shape,
    std::span<const std::byte> data)
{
    std::int64_t numel = 1;
    for (auto d : shape) {
        if (d < 0)
            throw InvalidArgumentError("safetensors writer: tensor '" + name + "' has a negative dimension");
        numel *= d;
    }
    if (static_cast<std::uint64_t>(numel) * dtypeSize(dtype) != data.size())
        throw InvalidArgumentError("safetensors writer: tensor '" + name + "' has " + std::to_string(data.size())
            + " bytes, its shape and dtype need " + std::to_string(numel * dtypeSize(dtype)));
    for (const auto& e : m_entries)
        if (e.name == name)
            throw InvalidArgumentError("safetensors writer: tensor '" + name + "' added twice");
    m_entries.push_back(Entry { std::move(name), dtype, std::move(shape), data, {} });
}

void SafetensorsWriter::addOwned(std::string name, DType dtype, std::vector<std::int64_t> shape,
    std::vector<std::byte> data)
{
    add(std::move(name), dtype, std::move(shape), std::span<const std::byte>(data));
    m_entries.back().owned = std::move(data);
    m_entries.back().data = m_entries.back().owned;
}

void SafetensorsWriter::write(const std::filesystem::path& path) const
{
    std::vector<const Entry*> order;
    for (const auto& e : m_entries)
        order.push_back(&e);
    std::stable_sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
        if (dtypeSize(a->dtype) != dtypeSize(b->dtype))
            return dtypeSize(a->dtype) > dtypeSize(b->dtype);
        return a->name < b->name;
    });

    nlohmann::json header = nlohmann::json::object();
    if (!m_metadata.empty())
        header["__metadata__"] = m_metadata;
    std::uint64_t offset = 0;
    for (const auto* e : order) {
        header[e->name] = { { "dtype", std::string(dtypeName(e->dtype)) }, { "shape", e->shape },
            { "data_offsets", { offset, offset + e->data.size() } } };
        offset += e->data.size();
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');

    const auto tmp = path.string() + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f)
        throw IoError("cannot write " + tmp + ": " + std::strerror(errno));
    auto fail = [&](int err) {
        std::fclose(f);
        std::remove(tmp.c_str());
        throw IoError("cannot write " + path.string() + ": " + std::strerror(err ? err : EIO));
    };
    unsigned char len[8];
    std::uint64_t n = text.size();
    for (int i = 0; i < 8; ++i)
        len[i] = static_cast<unsigned char>(n >> (8 * i));
    if (std::fwrite(len, 1, 8, f) != 8 || std::fwrite(text.data(), 1, text.size(), f) != text.size())
        fail(errno);
    for (const auto* e : order)
        if (!e->data.empty() && std::fwrite(e->data.data(), 1, e->data.size(), f) != e->data.size())
            fail(errno);
    if (std::fflush(f) != 0)
        fail(errno);
    if (std::fclose(f) != 0) {
        std::remove(tmp.c_str());
        throw IoError("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw IoError("cannot write " + path.string() + ": " + ec.message());
    }
}

} // namespace moescope

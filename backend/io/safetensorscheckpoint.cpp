#include <cstdint>
#include "io/safetensorscheckpoint.h"

#include "core/error.h"
#include "io/jsonfile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace moescope {

namespace fs = std::filesystem;

namespace {
    constexpr const char* kIndexName = "model.safetensors.index.json";

    // Shard names come from a file users download: they must name a file inside the folder, nothing else.
    bool isPlainFileName(const std::string& name)
    {
        return !name.empty() && name.find('/') == std::string::npos && name.find('\\') == std::string::npos
            && name != "." && name != "..";
    }
} // namespace

bool SafetensorsCheckpoint::looksLikeCheckpoint(const fs::path& folder)
{
    std::error_code ec;
    if (fs::exists(folder / kIndexName, ec) || fs::exists(folder / "model.safetensors", ec))
        return true;
    for (const auto& entry : fs::directory_iterator(folder, ec))
        if (entry.path().extension() == ".safetensors")
            return true;
    return false;
}

SafetensorsCheckpoint::SafetensorsCheckpoint(const fs::path& folder)
    : m_folder(folder)
{
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw IoError("model folder not found: " + folder.string());

    if (fs::exists(folder / kIndexName, ec)) {
        const auto indexPath = folder / kIndexName;
        const auto index = readJsonFile(indexPath);
        if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
            throw FormatError(indexPath.string() + ": missing 'weight_map' object");
        std::map<std::string, std::vector<std::string>> byShard;
        for (const auto& [tensor, shard] : index["weight_map"].items()) {
            if (!shard.is_string() || !isPlainFileName(shard.get<std::string>()))
                throw FormatError(indexPath.string() + ": tensor '" + tensor + "' maps to an invalid shard name");
            byShard[shard.get<std::string>()].push_back(tensor);
        }
        for (const auto& [shard, tensors] : byShard) {
            const auto shardPath = folder / shard;
            if (!fs::exists(shardPath, ec))
                throw IoError(folder.string() + ": missing shard '" + shard + "' listed in " + kIndexName);
            addFile(shardPath);
            for (const auto& t : tensors) {
                auto it = m_tensors.find(t);
                if (it == m_tensors.end() || it->second.file != m_files.back().get())
                    throw FormatError(shardPath.string() + ": tensor '" + t + "' listed in " + kIndexName
                        + " is not in this shard");
            }
        }
        return;
    }
    if (fs::exists(folder / "model.safetensors", ec)) {
        addFile(folder / "model.safetensors");
        return;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder, ec))
        if (entry.path().extension() == ".safetensors")
            files.push_back(entry.path());
    if (files.empty())
        throw IoError(folder.string() + ": no .safetensors weights found (expected model.safetensors or "
            + std::string(kIndexName) + ")");
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
        addFile(f);
}

void SafetensorsCheckpoint::addFile(const fs::path& path)
{
    m_files.push_back(std::make_unique<SafetensorsFile>(path));
    const auto* file = m_files.back().get();
    for (const auto& info : file->tensors()) {
        auto [it, inserted] = m_tensors.emplace(info.name, TensorRef { file, &info });
        if (!inserted)
            throw FormatError(m_folder.string() + ": tensor '" + info.name + "' appears in both "
                + it->second.file->path().filename().string() + " and " + path.filename().string());
    }
}

const TensorRef* SafetensorsCheckpoint::find(const std::string& name) const
{
    auto it = m_tensors.find(name);
    return it == m_tensors.end() ? nullptr : &it->second;
}

const TensorRef& SafetensorsCheckpoint::get(const std::string& name) const
{
    if (const auto* ref = find(name))
        return *ref;
    throw FormatError(m_folder.string() + ": checkpoint has no tensor '" + name + "'");
}

std::vector<std::string> SafetensorsCheckpoint::names() const
{
    std::vector<std::string> out;
    out.reserve(m_tensors.size());
    for (const auto& [name, ref] : m_tensors)
        out.push_back(name);
    std::sort(out.begin(), out.end());
    return out;
}

std::uint64_t SafetensorsCheckpoint::totalBytes() const
{
    std::uint64_t total = 0;
    for (const auto& [name, ref] : m_tensors)
        total += ref.info->byteSize();
    return total;
}

} // namespace moescope

#include "models/registry.h"

#include "core/error.h"
#include "io/configreader.h"
#include "models/families.h"

#include <array>
#include <string_view>

namespace moescope {

namespace {
    struct Family {
        std::string_view modelType;
        ModelSpec (*spec)(const ConfigReader&);
    };
    constexpr std::array kFamilies = {
        Family { "deepseek_v2", models::deepseekV2Spec },
        Family { "deepseek_v3", models::deepseekV3Spec },
        Family { "qwen2_moe", models::qwen2MoeSpec },
        Family { "qwen3_moe", models::qwen3MoeSpec },
        Family { "mixtral", models::mixtralSpec },
        Family { "olmoe", models::olmoeSpec },
        Family { "llama", models::llamaSpec },
        Family { "qwen2", models::qwen2Spec },
    };
} // namespace

std::vector<std::string> supportedModelTypes()
{
    std::vector<std::string> out;
    for (const auto& f : kFamilies)
        out.emplace_back(f.modelType);
    return out;
}

ModelSpec modelSpecFromConfig(const ConfigReader& config)
{
    const auto type = config.getString("model_type", "");
    for (const auto& f : kFamilies)
        if (f.modelType == type)
            return f.spec(config);
    std::string supported;
    for (const auto& f : kFamilies)
        supported += (supported.empty() ? "" : ", ") + std::string(f.modelType);
    throw UnsupportedError(config.source() + ": unsupported architecture '" + (type.empty() ? "(no model_type)" : type)
        + "'; supported: " + supported);
}

ModelSpec readModelSpec(const std::filesystem::path& modelDir)
{
    const auto path = modelDir / "config.json";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw IoError("not a model folder: " + modelDir.string() + " has no config.json");
    return modelSpecFromConfig(ConfigReader::fromFile(path));
}

} // namespace moescope

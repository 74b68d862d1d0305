#pragma once
// The supported architectures, keyed by config.json "model_type".

#include "nn/modelspec.h"

#include <filesystem>
#include <string>
#include <vector>

namespace moescope {

class ConfigReader;

// Reads <dir>/config.json. Throws UnsupportedError "unsupported architecture X; supported: ..." for an unknown
// model_type, FormatError for malformed or inconsistent fields, IoError when the file is missing.
ModelSpec readModelSpec(const std::filesystem::path& modelDir);
ModelSpec modelSpecFromConfig(const ConfigReader& config);
std::vector<std::string> supportedModelTypes();

} // namespace moescope

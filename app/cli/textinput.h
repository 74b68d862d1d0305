#pragma once
// Token ids for commands that run a model over text: --text-file F (tokenized with the model's tokenizer, or
// --tokenizer PATH) or --ids-file F (whitespace/comma separated ids, or a JSON list, for models without a
// tokenizer).

#include "args.h"

#include <cstdint>
#include <string>
#include <vector>

namespace moescope::cli {

// Reads the option pair named textOption / idsOption ("--text-file" / "--ids-file"); nullopt when neither is given.
std::optional<std::vector<std::int32_t>> readTokenInput(Args& args, const std::string& modelDir,
    const std::string& textOption, const std::string& idsOption, const std::string& tokenizerOption = "--tokenizer");

} // namespace moescope::cli

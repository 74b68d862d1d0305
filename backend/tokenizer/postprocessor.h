#pragma once
// tokenizer.json "post_processor" components: TemplateProcessing (BOS/EOS around one sequence), ByteLevel (offset
// trimming), Sequence. Immutable; thread-safe.

#include "tokenizer/tokenencoding.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moescope::tok {

using TokenTextLookup = std::function<std::string_view(std::int32_t)>;

class PostProcessor {
public:
    virtual ~PostProcessor() = default;
    // offsets is null when the caller does not track them. addSpecial: transformers' add_special_tokens.
    virtual void process(std::vector<std::int32_t>& ids, std::vector<TextSpan>* offsets, bool addSpecial,
        const TokenTextLookup& tokenText) const = 0;
    // Ids a template puts before / after the sequence (for bos/eos defaults).
    virtual std::vector<std::int32_t> prefixIds() const { return {}; }
    virtual std::vector<std::int32_t> suffixIds() const { return {}; }
};

std::unique_ptr<PostProcessor> makePostProcessor(const nlohmann::json& j);
// transformers' update_post_processor(): "[bos] $A [eos]" as add_bos_token/add_eos_token say.
std::unique_ptr<PostProcessor> makeBosEosTemplate(std::optional<std::int32_t> bos, std::optional<std::int32_t> eos);

} // namespace moescope::tok

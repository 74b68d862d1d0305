#include "eval/scoringtext.h"

#include "core/error.h"
#include "tokenizer/tokenizer.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace moescope {

TokenEncoding encodeDocumentText(const Tokenizer& tokenizer, std::string_view text)
{
    if (text.size() >= std::numeric_limits<std::uint32_t>::max())
        throw InvalidArgumentError("document text of " + std::to_string(text.size()) + " bytes is too large to score");
    std::string collapsed;
    collapsed.reserve(text.size());
    std::vector<std::uint32_t> origin; // byte of `text` each byte of `collapsed` comes from
    origin.reserve(text.size() + 1);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool blank = c == ' ' || c == '\t';
        if (blank && !collapsed.empty() && collapsed.back() == ' ' && i > 0
            && (text[i - 1] == ' ' || text[i - 1] == '\t'))
            continue; // inside a run: the run's first byte stands for it
        collapsed.push_back(blank ? ' ' : c);
        origin.push_back(static_cast<std::uint32_t>(i));
    }
    origin.push_back(static_cast<std::uint32_t>(text.size()));

    TokenEncoding e = tokenizer.encodeWithOffsets(collapsed, false);
    for (auto& span : e.offsets) {
        const auto end = span.end > span.begin ? origin[span.end - 1] + 1 : origin[span.begin];
        span.begin = origin[span.begin];
        span.end = end;
    }
    return e;
}

} // namespace moescope

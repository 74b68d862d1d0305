#pragma once
// tokenizer.json "decoder" components: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, Sequence. They turn
// the vocabulary strings of a token sequence back into text. Immutable; thread-safe.

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <vector>

namespace moescope::tok {

class TokenDecoder {
public:
    virtual ~TokenDecoder() = default;
    // Rewrites the token strings; the decoded text is their concatenation.
    virtual void decodeChain(std::vector<std::string>& tokens) const = 0;
};

std::unique_ptr<TokenDecoder> makeTokenDecoder(const nlohmann::json& j);

} // namespace moescope::tok

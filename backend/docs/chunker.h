#pragma once
// Cuts a document into chunks for retrieval and for model context windows. Chunks never cross a section boundary
// (when sections are given), end at paragraph, line or page boundaries where possible, and skip nothing: apart from
// the overlap, the chunks tile the text. Sizes are in characters (bytes of UTF-8) or, when countTokens is set, in
// tokens counted by the caller's tokenizer (the tokenizer lives elsewhere). Token sizes are the sum of the counts of
// the pieces a chunk is made of, which for BPE tokenizers differs from counting the whole chunk by a token or so at
// each piece boundary; callers that must stay under a hard context limit leave that margin.

#include "docs/document.h"
#include "docs/documentstructure.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace moescope {

struct ChunkOptions {
    std::size_t budget = 2000; // maximum chunk size (characters, or tokens with countTokens)
    std::size_t overlap = 0; // how much of the previous chunk's end a chunk repeats (same unit), < budget
    std::function<std::size_t(std::string_view)> countTokens {}; // optional
    bool respectSections = true;
};

struct Chunk {
    std::size_t begin = 0; // byte range in Document::text()
    std::size_t end = 0;
    int pageStart = 0;
    int pageEnd = 0;
    std::string section; // item ("7", "1A") or "" before the first item
    std::size_t size = 0; // in the budget's unit
};

class Chunker {
public:
    explicit Chunker(ChunkOptions options);
    // Throws InvalidArgumentError for a zero budget or an overlap not below the budget.
    std::vector<Chunk> chunk(const Document& document, const DocumentStructure& structure = {}) const;

private:
    ChunkOptions m_options;
};

} // namespace moescope

#pragma once
// The token sequence a model scores for a document. PDF text extraction keeps layout padding: table columns and
// indented lines become runs of dozens of spaces, which a model trained on running text finds very surprising and
// which can double the token count of a report. Runs of spaces and tabs are therefore collapsed to one space before
// tokenizing, and every token's span is mapped back to byte offsets of the original text, so pages, sections and the
// surprisal overlay still point at the document as stored.

#include "tokenizer/tokenencoding.h"

#include <string_view>

namespace moescope {

class Tokenizer;

TokenEncoding encodeDocumentText(const Tokenizer& tokenizer, std::string_view text);

} // namespace moescope

#pragma once
// Splits a Jinja template into text, {{ output }} and {% statement %} chunks, applying the whitespace rules
// transformers renders chat templates with (trim_blocks, lstrip_blocks, and the "-"/"+" markers), and tokenizes the
// expressions inside the tags. Comments disappear here; {% raw %} blocks become text.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moescope::tok::jinja {

struct SourcePos {
    int line = 1;
    int column = 1;
};

struct Token {
    enum class Type { Name, String, Integer, Float, Operator, End };
    Type type = Type::End;
    std::string text; // name, operator, or the decoded string literal
    std::int64_t integer = 0;
    double number = 0.0;
    SourcePos pos;
};

struct Chunk {
    enum class Type { Text, Output, Statement };
    Type type = Type::Text;
    std::string text; // Text chunks
    std::vector<Token> tokens; // Output/Statement chunks, ending with an End token
    SourcePos pos;
};

// Throws FormatError naming the position of an unterminated tag, string or comment.
std::vector<Chunk> lexTemplate(std::string_view source);

// "line L, column C" for messages.
std::string describe(const SourcePos& pos);

} // namespace moescope::tok::jinja

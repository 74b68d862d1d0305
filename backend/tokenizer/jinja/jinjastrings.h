#pragma once
// Python str semantics the interpreter and its builtins share (code-point indexing, whitespace, strip/split/replace,
// case mapping), and the argument helpers of builtin functions. Internal to the Jinja interpreter.

#include "tokenizer/jinja/jinjavalue.h"

#include <optional>
#include <string>
#include <vector>

namespace moescope::tok::jinja {

std::vector<char32_t> codePoints(const std::string& s);
std::string fromCodePoints(const std::vector<char32_t>& cps, std::size_t begin, std::size_t end);
bool pySpace(char32_t c); // Python's str.isspace()
// str.strip/lstrip/rstrip (chars: None or a string of characters to remove).
std::string strip(const std::string& s, const std::optional<Value>& chars, bool left, bool right);
ValueList split(const std::string& s, const std::optional<Value>& sep, std::int64_t maxSplit);
std::string replaceAll(const std::string& s, const std::string& from, const std::string& to, std::int64_t count);
std::string changeCase(const std::string& s, bool upper);
std::string capitalize(const std::string& s);
std::string title(const std::string& s);
bool startsOrEnds(const std::string& s, const Value& what, bool starts);

// Builtin-call arguments by position or name; errors are InvalidArgumentErrors naming the function.
[[noreturn]] void badArgs(const std::string& what);
const Value& arg(const CallArgs& a, std::size_t index, const char* name, const char* function);
std::optional<Value> optArg(const CallArgs& a, std::size_t index, const char* name);
const std::string& stringArg(const CallArgs& a, std::size_t index, const char* name, const char* function);

} // namespace moescope::tok::jinja

#pragma once
// The filters, tests, value methods (str.split, dict.items, ...) and global functions chat templates call, with
// Python/Jinja semantics. Unknown names are UnsupportedErrors naming them; bad arguments are InvalidArgumentErrors.
// Positions in messages are added by the interpreter.

#include <cstdint>
#include "tokenizer/jinja/jinjavalue.h"

#include <optional>
#include <string>

namespace moescope::tok::jinja {

Value applyFilter(const std::string& name, const Value& subject, const CallArgs& args);
bool applyTest(const std::string& name, const Value& subject, const CallArgs& args);
// The bound method `subject.name`, if the type has one.
std::optional<Value> boundMethod(const Value& subject, const std::string& name);
// range, namespace, dict, raise_exception, strftime_now.
std::vector<std::pair<std::string, Value>> globalFunctions();

// Python str helpers shared with the interpreter.
std::size_t codePointLength(const std::string& s);
// Python-style slicing/indexing of a string by code points.
std::string stringSlice(
    const std::string& s, std::optional<std::int64_t> start, std::optional<std::int64_t> stop, std::int64_t step);
std::optional<std::string> stringIndex(const std::string& s, std::int64_t index);
ValueList listSlice(
    const ValueList& list, std::optional<std::int64_t> start, std::optional<std::int64_t> stop, std::int64_t step);
// Items a for loop / filter iterates over (list items, dict keys, string characters); throws for other types.
ValueList iterate(const Value& v);
bool contains(const Value& container, const Value& item);

// Thrown by raise_exception(); the interpreter reports it as the template's own message.
struct TemplateRaised {
    std::string message;
};

} // namespace moescope::tok::jinja

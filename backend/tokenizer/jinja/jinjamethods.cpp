// Bound methods of template values: str.split/strip/startswith/..., dict.items/get/..., list.index/count.

#include "tokenizer/jinja/jinjabuiltins.h"
#include "tokenizer/jinja/jinjastrings.h"

#include "core/error.h"
#include "tokenizer/unicode/unicode.h"

#include <fmt/format.h>

namespace moescope::tok::jinja {

std::optional<Value> boundMethod(const Value& self, const std::string& name)
{
    using A = const CallArgs&;
    if (self.isString()) {
        const std::string s = self.asString();
        if (name == "startswith" || name == "endswith")
            return Value(Function([s, name](A a) {
                return Value(startsOrEnds(s, arg(a, 0, "prefix", name.c_str()), name == "startswith"));
            }));
        if (name == "strip" || name == "lstrip" || name == "rstrip")
            return Value(Function(
                [s, name](A a) { return Value(strip(s, optArg(a, 0, "chars"), name != "rstrip", name != "lstrip")); }));
        if (name == "split")
            return Value(Function([s](A a) {
                const auto maxSplit = optArg(a, 1, "maxsplit");
                return Value(split(s, optArg(a, 0, "sep"), maxSplit ? maxSplit->asInt() : -1));
            }));
        if (name == "upper" || name == "lower")
            return Value(Function([s, name](A) { return Value(changeCase(s, name == "upper")); }));
        if (name == "capitalize")
            return Value(Function([s](A) { return Value(capitalize(s)); }));
        if (name == "title")
            return Value(Function([s](A) { return Value(title(s)); }));
        if (name == "replace")
            return Value(Function([s](A a) {
                const auto count = optArg(a, 2, "count");
                return Value(replaceAll(s, stringArg(a, 0, "old", "replace"), stringArg(a, 1, "new", "replace"),
                    count ? count->asInt() : -1));
            }));
        if (name == "find" || name == "count" || name == "index" || name == "rfind")
            return Value(Function([s, name](A a) -> Value {
                const std::string& sub = stringArg(a, 0, "sub", name.c_str());
                if (name == "count") {
                    if (sub.empty())
                        return Value(static_cast<std::int64_t>(codePointLength(s) + 1));
                    std::int64_t n = 0;
                    for (std::size_t p = s.find(sub); p != std::string::npos; p = s.find(sub, p + sub.size()))
                        ++n;
                    return Value(n);
                }
                const std::size_t p = name == "rfind" ? s.rfind(sub) : s.find(sub);
                if (p == std::string::npos) {
                    if (name == "index")
                        badArgs("substring not found");
                    return Value(std::int64_t(-1));
                }
                return Value(static_cast<std::int64_t>(codePointLength(s.substr(0, p))));
            }));
        if (name == "join")
            return Value(Function([s](A a) {
                std::string out;
                bool first = true;
                for (const auto& item : iterate(arg(a, 0, "iterable", "join"))) {
                    if (!item.isString())
                        badArgs("join: sequence item must be str");
                    if (!first)
                        out += s;
                    first = false;
                    out += item.asString();
                }
                return Value(out);
            }));
        if (name == "isdigit" || name == "isalpha" || name == "isspace" || name == "isalnum" || name == "islower"
            || name == "isupper")
            return Value(Function([s, name](A) {
                const auto cps = codePoints(s);
                if (cps.empty())
                    return Value(false);
                for (const char32_t c : cps) {
                    bool ok;
                    if (name == "isspace")
                        ok = pySpace(c);
                    else if (name == "isdigit")
                        ok = c < 0x80 ? std::isdigit(static_cast<int>(c)) != 0 : isNumeric(c);
                    else if (name == "isalpha")
                        ok = c < 0x80 ? std::isalpha(static_cast<int>(c)) != 0 : isWordChar(c) && !isNumeric(c);
                    else if (name == "isalnum")
                        ok = c < 0x80 ? std::isalnum(static_cast<int>(c)) != 0 : isWordChar(c);
                    else if (name == "islower")
                        ok = !(c < 0x80 && std::isupper(static_cast<int>(c)));
                    else
                        ok = !(c < 0x80 && std::islower(static_cast<int>(c)));
                    if (!ok)
                        return Value(false);
                }
                return Value(true);
            }));
        if (name == "format" || name == "format_map")
            throw UnsupportedError("unsupported chat template construct: str.format");
        return std::nullopt;
    }
    if (self.isDict() && !self.asDict().isNamespace) {
        const auto dict = self.dictPtr();
        if (name == "items")
            return Value(Function([dict](A) {
                ValueList out;
                for (const auto& [k, v] : dict->items)
                    out.push_back(Value::tuple(ValueList { Value(k), v }));
                return Value(std::move(out));
            }));
        if (name == "keys")
            return Value(Function([dict](A) {
                ValueList out;
                for (const auto& [k, _] : dict->items)
                    out.emplace_back(k);
                return Value(std::move(out));
            }));
        if (name == "values")
            return Value(Function([dict](A) {
                ValueList out;
                for (const auto& [_, v] : dict->items)
                    out.push_back(v);
                return Value(std::move(out));
            }));
        if (name == "get")
            return Value(Function([dict](A a) {
                const Value& key = arg(a, 0, "key", "get");
                const Value* v = key.isString() ? dict->find(key.asString()) : nullptr;
                if (v)
                    return *v;
                const auto def = optArg(a, 1, "default");
                return def ? *def : Value::none();
            }));
        if (name == "copy")
            return Value(Function([dict](A) { return Value(std::make_shared<Dict>(*dict)); }));
        if (name == "update" || name == "pop" || name == "setdefault" || name == "clear")
            throw UnsupportedError(
                fmt::format("unsafe chat template operation: dict.{} (templates are immutable)", name));
        return std::nullopt;
    }
    if (self.isList()) {
        const auto list = self.listPtr();
        if (name == "index")
            return Value(Function([list](A a) {
                const Value& x = arg(a, 0, "value", "index");
                for (std::size_t i = 0; i < list->size(); ++i)
                    if (valuesEqual((*list)[i], x))
                        return Value(static_cast<std::int64_t>(i));
                badArgs("list.index(x): x not in list");
            }));
        if (name == "count")
            return Value(Function([list](A a) {
                const Value& x = arg(a, 0, "value", "count");
                std::int64_t n = 0;
                for (const auto& v : *list)
                    n += valuesEqual(v, x);
                return Value(n);
            }));
        if (name == "append" || name == "extend" || name == "pop" || name == "insert" || name == "remove"
            || name == "sort" || name == "reverse")
            throw UnsupportedError(
                fmt::format("unsafe chat template operation: list.{} (templates are immutable)", name));
    }
    return std::nullopt;
}

} // namespace moescope::tok::jinja

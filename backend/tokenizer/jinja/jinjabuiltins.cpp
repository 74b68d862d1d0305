#include <cstdint>
#include "tokenizer/jinja/jinjabuiltins.h"

#include "tokenizer/jinja/jinjastrings.h"

#include "core/error.h"
#include "tokenizer/unicode/unicode.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace moescope::tok::jinja {

namespace {
constexpr std::int64_t kMaxRange = 1'000'000;
} // namespace

std::size_t codePointLength(const std::string& s)
{
    std::size_t n = 0;
    for (const char c : s)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

namespace {
// Python slice indices for a sequence of length n.
std::vector<std::size_t> sliceIndices(
    std::size_t n, std::optional<std::int64_t> start, std::optional<std::int64_t> stop, std::int64_t step)
{
    if (step == 0)
        badArgs("slice step cannot be zero");
    const auto len = static_cast<std::int64_t>(n);
    auto clamp = [&](std::optional<std::int64_t> v, std::int64_t def, std::int64_t lo, std::int64_t hi) {
        if (!v)
            return def;
        std::int64_t x = *v < 0 ? *v + len : *v;
        return std::clamp(x, lo, hi);
    };
    std::vector<std::size_t> out;
    if (step > 0) {
        const std::int64_t b = clamp(start, 0, 0, len);
        const std::int64_t e = clamp(stop, len, 0, len);
        for (std::int64_t i = b; i < e; i += step)
            out.push_back(static_cast<std::size_t>(i));
    } else {
        const std::int64_t b = clamp(start, len - 1, -1, len - 1);
        const std::int64_t e = clamp(stop, -1, -1, len - 1);
        for (std::int64_t i = b; i > e; i += step)
            out.push_back(static_cast<std::size_t>(i));
    }
    return out;
}
} // namespace

std::string stringSlice(
    const std::string& s, std::optional<std::int64_t> start, std::optional<std::int64_t> stop, std::int64_t step)
{
    const auto cps = codePoints(s);
    std::string out;
    for (const auto i : sliceIndices(cps.size(), start, stop, step))
        appendUtf8(out, cps[i]);
    return out;
}

std::optional<std::string> stringIndex(const std::string& s, std::int64_t index)
{
    const auto cps = codePoints(s);
    const auto n = static_cast<std::int64_t>(cps.size());
    if (index < 0)
        index += n;
    if (index < 0 || index >= n)
        return std::nullopt;
    return toUtf8(cps[static_cast<std::size_t>(index)]);
}

ValueList listSlice(
    const ValueList& list, std::optional<std::int64_t> start, std::optional<std::int64_t> stop, std::int64_t step)
{
    ValueList out;
    for (const auto i : sliceIndices(list.size(), start, stop, step))
        out.push_back(list[i]);
    return out;
}

ValueList iterate(const Value& v)
{
    switch (v.kind()) {
    case Value::Kind::Undefined:
        return {};
    case Value::Kind::List:
        return v.asList();
    case Value::Kind::Dict: {
        ValueList keys;
        for (const auto& [k, _] : v.asDict().items)
            keys.emplace_back(k);
        return keys;
    }
    case Value::Kind::String: {
        ValueList chars;
        for (const char32_t c : codePoints(v.asString()))
            chars.emplace_back(toUtf8(c));
        return chars;
    }
    default:
        badArgs(fmt::format("'{}' object is not iterable", v.typeName()));
    }
}

bool contains(const Value& container, const Value& item)
{
    switch (container.kind()) {
    case Value::Kind::String:
        if (!item.isString())
            badArgs(fmt::format("'in <string>' requires string as left operand, not {}", item.typeName()));
        return container.asString().find(item.asString()) != std::string::npos;
    case Value::Kind::List:
        for (const auto& v : container.asList())
            if (valuesEqual(v, item))
                return true;
        return false;
    case Value::Kind::Dict:
        return item.isString() && container.asDict().find(item.asString()) != nullptr;
    case Value::Kind::Undefined:
        return false;
    default:
        badArgs(fmt::format("argument of type '{}' is not iterable", container.typeName()));
    }
}

bool applyTest(const std::string& name, const Value& v, const CallArgs& a)
{
    using K = Value::Kind;
    if (name == "defined")
        return !v.isUndefined();
    if (name == "undefined")
        return v.isUndefined();
    if (name == "none")
        return v.isNone();
    if (name == "true")
        return v.kind() == K::Bool && v.asBool();
    if (name == "false")
        return v.kind() == K::Bool && !v.asBool();
    if (name == "boolean")
        return v.kind() == K::Bool;
    if (name == "string")
        return v.isString();
    if (name == "number")
        return v.kind() == K::Int || v.kind() == K::Float || v.kind() == K::Bool;
    if (name == "integer")
        return v.kind() == K::Int;
    if (name == "float")
        return v.kind() == K::Float;
    if (name == "mapping")
        return v.isDict();
    if (name == "iterable")
        return v.isList() || v.isDict() || v.isString() || v.isUndefined();
    if (name == "sequence")
        return v.isList() || v.isDict() || v.isString();
    if (name == "callable")
        return v.kind() == K::Function;
    if (name == "even" || name == "odd") {
        if (!v.isNumber())
            badArgs(fmt::format("'{}' test needs a number", name));
        return (v.asInt() % 2 == 0) == (name == "even");
    }
    if (name == "divisibleby") {
        const std::int64_t d = arg(a, 0, "num", "divisibleby").asInt();
        return d != 0 && v.asInt() % d == 0;
    }
    if (name == "lower" || name == "upper") {
        if (!v.isString())
            return false;
        return changeCase(v.asString(), name == "upper") == v.asString();
    }
    auto other = [&]() -> const Value& { return arg(a, 0, "other", name.c_str()); };
    try {
        if (name == "eq" || name == "equalto" || name == "==")
            return valuesEqual(v, other());
        if (name == "ne" || name == "!=")
            return !valuesEqual(v, other());
        if (name == "lt" || name == "lessthan" || name == "<")
            return valueLess(v, other());
        if (name == "gt" || name == "greaterthan" || name == ">")
            return valueLess(other(), v);
        if (name == "le" || name == "<=")
            return !valueLess(other(), v);
        if (name == "ge" || name == ">=")
            return !valueLess(v, other());
    } catch (const std::invalid_argument& e) {
        badArgs(e.what());
    }
    if (name == "in")
        return contains(arg(a, 0, "seq", "in"), v);
    if (name == "sameas") {
        const Value& o = other();
        if (v.kind() != o.kind())
            return false;
        if (v.isList())
            return v.listPtr() == o.listPtr();
        if (v.isDict())
            return v.dictPtr() == o.dictPtr();
        return valuesEqual(v, o);
    }
    throw UnsupportedError(fmt::format("unsupported chat template construct: test '{}'", name));
}

std::vector<std::pair<std::string, Value>> globalFunctions()
{
    using A = const CallArgs&;
    std::vector<std::pair<std::string, Value>> g;
    g.emplace_back("range", Value(Function([](A a) {
        std::int64_t start = 0, stop, step = 1;
        if (a.positional.size() == 1) {
            stop = a.positional[0].asInt();
        } else if (a.positional.size() >= 2) {
            start = a.positional[0].asInt();
            stop = a.positional[1].asInt();
            if (a.positional.size() >= 3)
                step = a.positional[2].asInt();
        } else {
            badArgs("range expected at least 1 argument");
        }
        if (step == 0)
            badArgs("range() arg 3 must not be zero");
        ValueList out;
        for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (static_cast<std::int64_t>(out.size()) >= kMaxRange)
                badArgs("range() too large for a chat template");
            out.emplace_back(i);
        }
        return Value(std::move(out));
    })));
    auto makeDict = [](A a, bool ns) {
        auto d = std::make_shared<Dict>();
        d->isNamespace = ns;
        for (const auto& p : a.positional) {
            if (!p.isDict())
                badArgs("namespace()/dict() positional argument must be a mapping");
            for (const auto& [k, v] : p.asDict().items)
                d->set(k, v);
        }
        for (const auto& [k, v] : a.named)
            d->set(k, v);
        return Value(std::move(d));
    };
    g.emplace_back("namespace", Value(Function([makeDict](A a) { return makeDict(a, true); })));
    g.emplace_back("dict", Value(Function([makeDict](A a) { return makeDict(a, false); })));
    g.emplace_back("raise_exception", Value(Function([](A a) -> Value {
        throw TemplateRaised { a.positional.empty() ? std::string() : a.positional[0].str() };
    })));
    g.emplace_back("strftime_now", Value(Function([](A a) {
        const std::string format = a.positional.empty() ? std::string("%Y-%m-%d") : a.positional[0].str();
        const std::time_t now = std::time(nullptr);
        std::tm tm {};
        localtime_r(&now, &tm);
        char buf[256];
        const std::size_t n = std::strftime(buf, sizeof(buf), format.c_str(), &tm);
        return Value(std::string(buf, n));
    })));
    return g;
}

} // namespace moescope::tok::jinja

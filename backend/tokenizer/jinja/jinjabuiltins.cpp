#include <cstdint>
#include "tokenizer/jinja/jinjabuiltins.h"

#include "core/error.h"
#include "tokenizer/unicode/unicode.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace moescope::tok::jinja {

namespace {

constexpr std::int64_t kMaxRange = 1'000'000;

std::vector<char32_t> codePoints(const std::string& s)
{
    std::vector<char32_t> cps;
    cps.reserve(s.size());
    for (std::size_t pos = 0; pos < s.size();)
        cps.push_back(decodeUtf8(s, pos));
    return cps;
}

std::string fromCodePoints(const std::vector<char32_t>& cps, std::size_t begin, std::size_t end)
{
    std::string out;
    for (std::size_t i = begin; i < end; ++i)
        appendUtf8(out, cps[i]);
    return out;
}

// Python's str.isspace().
bool pySpace(char32_t c)
{
    return isWhiteSpace(c) || (c >= 0x1C && c <= 0x1F);
}

[[noreturn]] void badArgs(const std::string& what)
{
    throw InvalidArgumentError(what);
}

const Value& arg(const CallArgs& a, std::size_t index, const char* name, const char* function)
{
    if (index < a.positional.size())
        return a.positional[index];
    if (const Value* v = a.namedArg(name))
        return *v;
    badArgs(fmt::format("{}() missing argument '{}'", function, name));
}

std::optional<Value> optArg(const CallArgs& a, std::size_t index, const char* name)
{
    if (index < a.positional.size())
        return a.positional[index];
    if (const Value* v = a.namedArg(name))
        return *v;
    return std::nullopt;
}

const std::string& stringArg(const CallArgs& a, std::size_t index, const char* name, const char* function)
{
    const Value& v = arg(a, index, name, function);
    if (!v.isString())
        badArgs(fmt::format("{}() argument '{}' must be a string, not {}", function, name, v.typeName()));
    return v.asString();
}

std::string strip(const std::string& s, const std::optional<Value>& chars, bool left, bool right)
{
    const auto cps = codePoints(s);
    std::vector<char32_t> set;
    const bool custom = chars && !chars->isNone() && !chars->isUndefined();
    if (custom) {
        if (!chars->isString())
            badArgs("strip arg must be None or str");
        set = codePoints(chars->asString());
    }
    auto strippable
        = [&](char32_t c) { return custom ? std::find(set.begin(), set.end(), c) != set.end() : pySpace(c); };
    std::size_t b = 0, e = cps.size();
    if (left)
        while (b < e && strippable(cps[b]))
            ++b;
    if (right)
        while (e > b && strippable(cps[e - 1]))
            --e;
    return fromCodePoints(cps, b, e);
}

ValueList split(const std::string& s, const std::optional<Value>& sepArg, std::int64_t maxSplit)
{
    ValueList out;
    if (!sepArg || sepArg->isNone()) {
        const auto cps = codePoints(s);
        std::size_t i = 0;
        while (i < cps.size()) {
            while (i < cps.size() && pySpace(cps[i]))
                ++i;
            if (i >= cps.size())
                break;
            if (maxSplit >= 0 && static_cast<std::int64_t>(out.size()) == maxSplit) {
                std::size_t e = cps.size();
                while (e > i && pySpace(cps[e - 1]))
                    --e;
                out.emplace_back(fromCodePoints(cps, i, e));
                return out;
            }
            std::size_t j = i;
            while (j < cps.size() && !pySpace(cps[j]))
                ++j;
            out.emplace_back(fromCodePoints(cps, i, j));
            i = j;
        }
        return out;
    }
    if (!sepArg->isString())
        badArgs("split() separator must be a string");
    const std::string& sep = sepArg->asString();
    if (sep.empty())
        badArgs("split(): empty separator");
    std::size_t start = 0;
    while (true) {
        if (maxSplit >= 0 && static_cast<std::int64_t>(out.size()) == maxSplit)
            break;
        const std::size_t p = s.find(sep, start);
        if (p == std::string::npos)
            break;
        out.emplace_back(s.substr(start, p - start));
        start = p + sep.size();
    }
    out.emplace_back(s.substr(start));
    return out;
}

std::string replaceAll(const std::string& s, const std::string& from, const std::string& to, std::int64_t count)
{
    if (from.empty()) { // Python inserts between characters
        const auto cps = codePoints(s);
        std::string out;
        std::int64_t done = 0;
        for (std::size_t i = 0; i <= cps.size(); ++i) {
            if (count < 0 || done < count) {
                out += to;
                ++done;
            }
            if (i < cps.size())
                appendUtf8(out, cps[i]);
        }
        return out;
    }
    std::string out;
    std::size_t start = 0;
    std::int64_t done = 0;
    while (count < 0 || done < count) {
        const std::size_t p = s.find(from, start);
        if (p == std::string::npos)
            break;
        out.append(s, start, p - start);
        out += to;
        start = p + from.size();
        ++done;
    }
    out.append(s, start);
    return out;
}

std::string changeCase(const std::string& s, bool upper)
{
    std::string out;
    for (const char32_t c : codePoints(s)) {
        if (upper)
            appendUppercase(out, c);
        else
            appendLowercase(out, c);
    }
    return out;
}

std::string capitalize(const std::string& s)
{
    const std::string lower = changeCase(s, false);
    if (lower.empty())
        return lower;
    std::string out = lower;
    if (static_cast<unsigned char>(out[0]) < 0x80)
        out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

std::string title(const std::string& s)
{
    std::string out;
    bool previousCased = false;
    for (const char32_t c : codePoints(s)) {
        const bool letter = c < 0x80 ? std::isalpha(static_cast<int>(c)) != 0 : isWordChar(c);
        if (c < 0x80 && letter)
            out.push_back(static_cast<char>(
                previousCased ? std::tolower(static_cast<int>(c)) : std::toupper(static_cast<int>(c))));
        else
            appendUtf8(out, c);
        previousCased = letter;
    }
    return out;
}

bool startsOrEnds(const std::string& s, const Value& what, bool starts)
{
    auto one = [&](const Value& p) {
        if (!p.isString())
            badArgs("startswith/endswith first arg must be str or a tuple of str");
        return starts ? s.starts_with(p.asString()) : s.ends_with(p.asString());
    };
    if (what.isList()) {
        for (const auto& p : what.asList())
            if (one(p))
                return true;
        return false;
    }
    return one(what);
}

Value attributeOf(const Value& v, const std::string& path)
{
    // "a.b" walks dicts; a missing key gives undefined.
    Value cur = v;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = path.find('.', start);
        const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (cur.isDict()) {
            const Value* next = cur.asDict().find(key);
            cur = next ? *next : Value();
        } else if (cur.isList() && !key.empty() && std::all_of(key.begin(), key.end(), ::isdigit)) {
            const auto idx = static_cast<std::size_t>(std::stoll(key));
            cur = idx < cur.asList().size() ? cur.asList()[idx] : Value();
        } else {
            return Value();
        }
        if (dot == std::string::npos)
            return cur;
        start = dot + 1;
    }
}

// Arguments after the first `skip` positional ones, for select/selectattr passing them on to a test.
CallArgs restArgs(const CallArgs& a, std::size_t skip)
{
    CallArgs r;
    for (std::size_t i = skip; i < a.positional.size(); ++i)
        r.positional.push_back(a.positional[i]);
    r.named = a.named;
    return r;
}

Value selectFilter(const Value& subject, const CallArgs& a, bool byAttribute, bool keep)
{
    ValueList out;
    std::string attribute;
    std::size_t next = 0;
    if (byAttribute)
        attribute = stringArg(a, next++, "attribute", "selectattr");
    std::string test;
    if (next < a.positional.size()) {
        if (!a.positional[next].isString())
            badArgs("select: test name must be a string");
        test = a.positional[next++].asString();
    }
    const CallArgs testArgs = restArgs(a, next);
    for (const auto& item : iterate(subject)) {
        const Value probe = byAttribute ? attributeOf(item, attribute) : item;
        const bool pass = test.empty() ? probe.truthy() : applyTest(test, probe, testArgs);
        if (pass == keep)
            out.push_back(item);
    }
    return Value(std::move(out));
}

Value mapFilter(const Value& subject, const CallArgs& a)
{
    ValueList out;
    if (const Value* attr = a.namedArg("attribute")) {
        if (!attr->isString())
            badArgs("map: attribute must be a string");
        const Value* def = a.namedArg("default");
        for (const auto& item : iterate(subject)) {
            Value v = attributeOf(item, attr->asString());
            out.push_back(v.isUndefined() && def ? *def : v);
        }
        return Value(std::move(out));
    }
    if (a.positional.empty() || !a.positional[0].isString())
        badArgs("map needs a filter name or attribute=");
    const CallArgs filterArgs = restArgs(a, 1);
    for (const auto& item : iterate(subject))
        out.push_back(applyFilter(a.positional[0].asString(), item, filterArgs));
    return Value(std::move(out));
}

std::string htmlEscape(const std::string& s)
{
    std::string out;
    for (const char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&#34;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

Value toInt(const Value& v, std::int64_t fallback)
{
    switch (v.kind()) {
    case Value::Kind::Bool:
    case Value::Kind::Int:
        return Value(v.asInt());
    case Value::Kind::Float:
        return Value(static_cast<std::int64_t>(v.asDouble()));
    case Value::Kind::String:
        try {
            std::size_t pos = 0;
            const std::string t = strip(v.asString(), std::nullopt, true, true);
            const std::int64_t i = std::stoll(t, &pos);
            if (pos == t.size())
                return Value(i);
            const double d = std::stod(t, &pos);
            if (pos == t.size())
                return Value(static_cast<std::int64_t>(d));
        } catch (const std::exception&) {
        }
        return Value(fallback);
    default:
        return Value(fallback);
    }
}

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

Value applyFilter(const std::string& name, const Value& v, const CallArgs& a)
{
    if (name == "length" || name == "count") {
        if (v.isString())
            return Value(static_cast<std::int64_t>(codePointLength(v.asString())));
        if (v.isList())
            return Value(static_cast<std::int64_t>(v.asList().size()));
        if (v.isDict())
            return Value(static_cast<std::int64_t>(v.asDict().items.size()));
        if (v.isUndefined())
            return Value(std::int64_t(0));
        badArgs(fmt::format("object of type '{}' has no len()", v.typeName()));
    }
    if (name == "tojson") {
        const auto indent = optArg(a, 0, "indent");
        const auto sortKeys = optArg(a, 1, "sort_keys");
        try {
            return Value(pythonJsonDumps(v, indent && !indent->isNone() ? static_cast<int>(indent->asInt()) : -1,
                sortKeys && sortKeys->truthy()));
        } catch (const std::invalid_argument& e) {
            badArgs(e.what());
        }
    }
    if (name == "string")
        return Value(v.str());
    if (name == "safe")
        return v;
    if (name == "e" || name == "escape" || name == "forceescape")
        return Value(htmlEscape(v.str()));
    if (name == "trim") {
        const auto chars = optArg(a, 0, "chars");
        return Value(strip(v.str(), chars, true, true));
    }
    if (name == "upper" || name == "lower")
        return Value(changeCase(v.str(), name == "upper"));
    if (name == "capitalize")
        return Value(capitalize(v.str()));
    if (name == "title")
        return Value(title(v.str()));
    if (name == "replace") {
        const auto count = optArg(a, 2, "count");
        return Value(replaceAll(v.str(), arg(a, 0, "old", "replace").str(), arg(a, 1, "new", "replace").str(),
            count ? count->asInt() : -1));
    }
    if (name == "int") {
        const auto def = optArg(a, 0, "default");
        return toInt(v, def ? def->asInt() : 0);
    }
    if (name == "float") {
        if (v.isNumber())
            return Value(v.asDouble());
        try {
            return Value(std::stod(v.str()));
        } catch (const std::exception&) {
            const auto def = optArg(a, 0, "default");
            return Value(def ? def->asDouble() : 0.0);
        }
    }
    if (name == "abs") {
        if (v.kind() == Value::Kind::Float)
            return Value(std::fabs(v.asDouble()));
        if (v.isNumber())
            return Value(static_cast<std::int64_t>(std::llabs(v.asInt())));
        badArgs("abs of a non-number");
    }
    if (name == "default" || name == "d") {
        const auto def = optArg(a, 0, "default_value");
        const auto boolean = optArg(a, 1, "boolean");
        const bool useDefault = boolean && boolean->truthy() ? !v.truthy() : v.isUndefined();
        return useDefault ? (def ? *def : Value(std::string())) : v;
    }
    if (name == "first" || name == "last") {
        const ValueList items = iterate(v);
        if (items.empty())
            return Value();
        return name == "first" ? items.front() : items.back();
    }
    if (name == "list")
        return Value(iterate(v));
    if (name == "reverse") {
        if (v.isString())
            return Value(stringSlice(v.asString(), std::nullopt, std::nullopt, -1));
        ValueList items = iterate(v);
        std::reverse(items.begin(), items.end());
        return Value(std::move(items));
    }
    if (name == "items") {
        if (v.isUndefined())
            return Value(ValueList {});
        if (!v.isDict())
            badArgs("items filter needs a mapping");
        return boundMethod(v, "items")->asFunction()(CallArgs {});
    }
    if (name == "join") {
        const auto sep = optArg(a, 0, "d");
        const Value* attribute = a.namedArg("attribute");
        std::string out;
        bool first = true;
        for (const auto& item : iterate(v)) {
            if (!first)
                out += sep ? sep->str() : "";
            first = false;
            out += (attribute ? attributeOf(item, attribute->str()) : item).str();
        }
        return Value(out);
    }
    if (name == "select" || name == "reject")
        return selectFilter(v, a, false, name == "select");
    if (name == "selectattr" || name == "rejectattr")
        return selectFilter(v, a, true, name == "selectattr");
    if (name == "map")
        return mapFilter(v, a);
    if (name == "unique") {
        ValueList out;
        for (const auto& item : iterate(v))
            if (!contains(Value(out), item))
                out.push_back(item);
        return Value(std::move(out));
    }
    if (name == "sort") {
        ValueList items = iterate(v);
        const auto reverse = optArg(a, 0, "reverse");
        const Value* attribute = a.namedArg("attribute");
        std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
            const Value kx = attribute ? attributeOf(x, attribute->str()) : x;
            const Value ky = attribute ? attributeOf(y, attribute->str()) : y;
            try {
                return valueLess(kx, ky);
            } catch (const std::invalid_argument& e) {
                badArgs(e.what());
            }
        });
        if (reverse && reverse->truthy())
            std::reverse(items.begin(), items.end());
        return Value(std::move(items));
    }
    if (name == "indent") {
        const auto width = optArg(a, 0, "width");
        const auto first = optArg(a, 1, "first");
        const auto blank = optArg(a, 2, "blank");
        const std::string pad
            = width && width->isString() ? width->asString() : std::string(width ? width->asInt() : 4, ' ');
        const std::string s = v.str();
        std::string out;
        std::size_t start = 0;
        bool firstLine = true;
        while (start <= s.size()) {
            const std::size_t nl = s.find('\n', start);
            const std::string line = s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
            const bool doIndent
                = (!firstLine || (first && first->truthy())) && (!line.empty() || (blank && blank->truthy()));
            out += (doIndent ? pad : "") + line;
            if (nl == std::string::npos)
                break;
            out += '\n';
            start = nl + 1;
            firstLine = false;
        }
        return Value(out);
    }
    if (name == "wordcount")
        return Value(static_cast<std::int64_t>(split(v.str(), std::nullopt, -1).size()));
    throw UnsupportedError(fmt::format("unsupported chat template construct: filter '{}'", name));
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

// Jinja's filters (length, tojson, join, map, selectattr, default, ...) with Jinja/transformers semantics.

#include "tokenizer/jinja/jinjabuiltins.h"
#include "tokenizer/jinja/jinjastrings.h"

#include "core/error.h"
#include "tokenizer/unicode/unicode.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace moescope::tok::jinja {

namespace {

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

} // namespace moescope::tok::jinja

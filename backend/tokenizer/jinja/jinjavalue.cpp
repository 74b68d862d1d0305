#include <cstdint>
#include "tokenizer/jinja/jinjavalue.h"

#include "tokenizer/unicode/unicode.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace moescope::tok::jinja {

const Value* Dict::find(std::string_view key) const
{
    for (const auto& [k, v] : items)
        if (k == key)
            return &v;
    return nullptr;
}

void Dict::set(const std::string& key, Value value)
{
    for (auto& [k, v] : items)
        if (k == key) {
            v = std::move(value);
            return;
        }
    items.emplace_back(key, std::move(value));
}

const Value* CallArgs::namedArg(std::string_view name) const
{
    for (const auto& [k, v] : named)
        if (k == name)
            return &v;
    return nullptr;
}

Value Value::none()
{
    Value v;
    v.m_v = NoneTag {};
    return v;
}

Value::Value(bool b)
    : m_v(b)
{
}
Value::Value(std::int64_t i)
    : m_v(i)
{
}
Value::Value(int i)
    : m_v(static_cast<std::int64_t>(i))
{
}
Value::Value(double d)
    : m_v(d)
{
}
Value::Value(std::string s)
    : m_v(std::move(s))
{
}
Value::Value(const char* s)
    : m_v(std::string(s))
{
}
Value::Value(ValueList list)
    : m_v(std::make_shared<ValueList>(std::move(list)))
{
}
Value Value::tuple(ValueList items)
{
    Value v(std::move(items));
    v.m_tuple = true;
    return v;
}

Value::Value(std::shared_ptr<Dict> dict)
    : m_v(std::move(dict))
{
}
Value::Value(Function f)
    : m_v(std::move(f))
{
}

Value::Kind Value::kind() const
{
    return static_cast<Kind>(m_v.index());
}

std::int64_t Value::asInt() const
{
    if (kind() == Kind::Bool)
        return asBool() ? 1 : 0;
    return std::get<std::int64_t>(m_v);
}

double Value::asDouble() const
{
    if (kind() == Kind::Float)
        return std::get<double>(m_v);
    return static_cast<double>(asInt());
}

Value Value::fromJson(const nlohmann::ordered_json& j)
{
    switch (j.type()) {
    case nlohmann::ordered_json::value_t::null:
        return none();
    case nlohmann::ordered_json::value_t::boolean:
        return Value(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
        return Value(j.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
        return Value(static_cast<std::int64_t>(j.get<std::uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float:
        return Value(j.get<double>());
    case nlohmann::ordered_json::value_t::string:
        return Value(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
        ValueList list;
        list.reserve(j.size());
        for (const auto& e : j)
            list.push_back(fromJson(e));
        return Value(std::move(list));
    }
    case nlohmann::ordered_json::value_t::object: {
        auto d = std::make_shared<Dict>();
        for (const auto& [k, v] : j.items())
            d->items.emplace_back(k, fromJson(v));
        return Value(std::move(d));
    }
    default:
        return none();
    }
}

bool Value::truthy() const
{
    switch (kind()) {
    case Kind::Undefined:
    case Kind::None:
        return false;
    case Kind::Bool:
        return asBool();
    case Kind::Int:
        return asInt() != 0;
    case Kind::Float:
        return asDouble() != 0.0;
    case Kind::String:
        return !asString().empty();
    case Kind::List:
        return !asList().empty();
    case Kind::Dict:
        return !asDict().items.empty() || asDict().isNamespace;
    case Kind::Function:
        return true;
    }
    return false;
}

std::string pythonFloat(double d)
{
    if (std::isnan(d))
        return "nan";
    if (std::isinf(d))
        return d > 0 ? "inf" : "-inf";
    if (d == 0.0)
        return std::signbit(d) ? "-0.0" : "0.0";
    // Shortest round-trip digits, then Python's layout: positional for 1e-4 <= |d| < 1e16, else exponent.
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    const auto e = sci.find('e');
    std::string mantissa = sci.substr(0, e);
    const int exponent = std::stoi(sci.substr(e + 1));
    const bool negative = mantissa[0] == '-';
    if (negative)
        mantissa.erase(0, 1);
    std::string digits;
    for (const char c : mantissa)
        if (c != '.')
            digits += c;
    std::string out;
    if (exponent >= -5 && exponent < 16) {
        if (exponent < 0) {
            out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
        } else if (static_cast<int>(digits.size()) <= exponent + 1) {
            out = digits + std::string(static_cast<std::size_t>(exponent + 1 - static_cast<int>(digits.size())), '0')
                + ".0";
        } else {
            out = digits.substr(0, static_cast<std::size_t>(exponent + 1)) + "."
                + digits.substr(static_cast<std::size_t>(exponent + 1));
        }
        // Python switches to exponent notation below 1e-4.
        if (exponent < -4) {
            out = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "") + "e-"
                + (std::abs(exponent) < 10 ? "0" : "") + std::to_string(-exponent);
        }
    } else {
        out = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "") + "e" + (exponent < 0 ? "-" : "+")
            + (std::abs(exponent) < 10 ? "0" : "") + std::to_string(std::abs(exponent));
    }
    return negative ? "-" + out : out;
}

namespace {

std::string pythonStringRepr(const std::string& s)
{
    const bool hasSingle = s.find('\'') != std::string::npos;
    const bool hasDouble = s.find('"') != std::string::npos;
    const char quote = hasSingle && !hasDouble ? '"' : '\'';
    std::string out(1, quote);
    std::size_t pos = 0;
    while (pos < s.size()) {
        const char32_t c = decodeUtf8(s, pos);
        char buf[16];
        if (c == static_cast<char32_t>(quote) || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
            std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned>(c));
            out += buf;
        } else {
            appendUtf8(out, c);
        }
    }
    out += quote;
    return out;
}

void jsonString(const std::string& s, std::string& out)
{
    out += '"';
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof(buf), "\\u%04x", c);
                out += buf;
            } else {
                out += ch;
            }
        }
    }
    out += '"';
}

void jsonDump(const Value& v, int indent, bool sortKeys, int depth, std::string& out)
{
    if (depth > 512)
        throw std::invalid_argument("tojson: structure nested too deeply");
    auto newline = [&](int level) {
        if (indent < 0)
            return;
        out += '\n';
        out.append(static_cast<std::size_t>(indent * level), ' ');
    };
    const std::string itemSep = indent < 0 ? ", " : ",";
    switch (v.kind()) {
    case Value::Kind::None:
        out += "null";
        return;
    case Value::Kind::Bool:
        out += v.asBool() ? "true" : "false";
        return;
    case Value::Kind::Int:
        out += std::to_string(v.asInt());
        return;
    case Value::Kind::Float: {
        const double d = v.asDouble();
        out += std::isnan(d) ? "NaN" : std::isinf(d) ? (d > 0 ? "Infinity" : "-Infinity") : pythonFloat(d);
        return;
    }
    case Value::Kind::String:
        jsonString(v.asString(), out);
        return;
    case Value::Kind::List: {
        const auto& list = v.asList();
        if (list.empty()) {
            out += "[]";
            return;
        }
        out += '[';
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (i)
                out += itemSep;
            newline(depth + 1);
            jsonDump(list[i], indent, sortKeys, depth + 1, out);
        }
        newline(depth);
        out += ']';
        return;
    }
    case Value::Kind::Dict: {
        auto items = v.asDict().items;
        if (items.empty()) {
            out += "{}";
            return;
        }
        if (sortKeys)
            std::stable_sort(
                items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        out += '{';
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i)
                out += itemSep;
            newline(depth + 1);
            jsonString(items[i].first, out);
            out += ": ";
            jsonDump(items[i].second, indent, sortKeys, depth + 1, out);
        }
        newline(depth);
        out += '}';
        return;
    }
    default:
        throw std::invalid_argument("Object of type " + v.typeName() + " is not JSON serializable");
    }
}

} // namespace

std::string pythonJsonDumps(const Value& v, int indent, bool sortKeys)
{
    std::string out;
    jsonDump(v, indent, sortKeys, 0, out);
    return out;
}

std::string Value::str() const
{
    switch (kind()) {
    case Kind::Undefined:
        return {};
    case Kind::String:
        return asString();
    default:
        return repr();
    }
}

std::string Value::repr() const
{
    switch (kind()) {
    case Kind::Undefined:
        return {};
    case Kind::None:
        return "None";
    case Kind::Bool:
        return asBool() ? "True" : "False";
    case Kind::Int:
        return std::to_string(asInt());
    case Kind::Float:
        return pythonFloat(asDouble());
    case Kind::String:
        return pythonStringRepr(asString());
    case Kind::List: {
        std::string out = m_tuple ? "(" : "[";
        const auto& list = asList();
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (i)
                out += ", ";
            out += list[i].repr();
        }
        if (m_tuple)
            return out + (list.size() == 1 ? ",)" : ")");
        return out + "]";
    }
    case Kind::Dict: {
        if (asDict().isNamespace)
            return "<Namespace>";
        std::string out = "{";
        bool first = true;
        for (const auto& [k, v] : asDict().items) {
            if (!first)
                out += ", ";
            first = false;
            out += pythonStringRepr(k) + ": " + v.repr();
        }
        return out + "}";
    }
    case Kind::Function:
        return "<function>";
    }
    return {};
}

std::string Value::typeName() const
{
    switch (kind()) {
    case Kind::Undefined:
        return "Undefined";
    case Kind::None:
        return "NoneType";
    case Kind::Bool:
        return "bool";
    case Kind::Int:
        return "int";
    case Kind::Float:
        return "float";
    case Kind::String:
        return "str";
    case Kind::List:
        return "list";
    case Kind::Dict:
        return asDict().isNamespace ? "Namespace" : "dict";
    case Kind::Function:
        return "function";
    }
    return "object";
}

bool valuesEqual(const Value& a, const Value& b)
{
    if (a.isNumber() && b.isNumber()) {
        if (a.kind() == Value::Kind::Float || b.kind() == Value::Kind::Float)
            return a.asDouble() == b.asDouble();
        return a.asInt() == b.asInt();
    }
    if (a.kind() != b.kind())
        return false;
    switch (a.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::None:
        return true;
    case Value::Kind::String:
        return a.asString() == b.asString();
    case Value::Kind::List: {
        const auto& x = a.asList();
        const auto& y = b.asList();
        if (x.size() != y.size())
            return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!valuesEqual(x[i], y[i]))
                return false;
        return true;
    }
    case Value::Kind::Dict: {
        const auto& x = a.asDict();
        const auto& y = b.asDict();
        if (x.isNamespace || y.isNamespace)
            return a.dictPtr() == b.dictPtr();
        if (x.items.size() != y.items.size())
            return false;
        for (const auto& [k, v] : x.items) {
            const Value* o = y.find(k);
            if (!o || !valuesEqual(v, *o))
                return false;
        }
        return true;
    }
    default:
        return false;
    }
}

bool valueLess(const Value& a, const Value& b)
{
    if (a.isNumber() && b.isNumber()) {
        if (a.kind() == Value::Kind::Float || b.kind() == Value::Kind::Float)
            return a.asDouble() < b.asDouble();
        return a.asInt() < b.asInt();
    }
    if (a.isString() && b.isString())
        return a.asString() < b.asString(); // UTF-8 byte order is code point order
    if (a.isList() && b.isList()) {
        const auto& x = a.asList();
        const auto& y = b.asList();
        for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (valueLess(x[i], y[i]))
                return true;
            if (valueLess(y[i], x[i]))
                return false;
        }
        return x.size() < y.size();
    }
    throw std::invalid_argument(
        "'<' not supported between instances of '" + a.typeName() + "' and '" + b.typeName() + "'");
}

} // namespace moescope::tok::jinja

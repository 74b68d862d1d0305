#pragma once
// Values of the Jinja-subset interpreter, with Python's semantics where templates observe them (truthiness, str(),
// ==, ordering, len of strings in code points). Lists, dicts and namespaces are shared references, as in Python.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace moescope::tok::jinja {

class Value;
using ValueList = std::vector<Value>;

// Insertion-ordered string-keyed map (Python dict). A namespace() object is a Dict with isNamespace set: the only
// kind of object templates may assign attributes to.
struct Dict {
    std::vector<std::pair<std::string, Value>> items;
    bool isNamespace = false;
    const Value* find(std::string_view key) const;
    void set(const std::string& key, Value value);
};

struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> named;
    const Value* namedArg(std::string_view name) const;
};

using Function = std::function<Value(const CallArgs&)>;

class Value {
public:
    enum class Kind { Undefined, None, Bool, Int, Float, String, List, Dict, Function };

    Value() = default; // undefined
    static Value none();
    Value(bool b);
    Value(std::int64_t i);
    Value(int i);
    Value(double d);
    Value(std::string s);
    Value(const char* s);
    Value(ValueList list);
    // A Python tuple: a list that prints with parentheses.
    static Value tuple(ValueList items);
    Value(std::shared_ptr<Dict> dict);
    Value(Function f);

    static Value fromJson(const nlohmann::ordered_json& j);

    Kind kind() const;
    bool isUndefined() const { return kind() == Kind::Undefined; }
    bool isNone() const { return kind() == Kind::None; }
    bool isString() const { return kind() == Kind::String; }
    bool isNumber() const { return kind() == Kind::Int || kind() == Kind::Float || kind() == Kind::Bool; }
    bool isList() const { return kind() == Kind::List; }
    bool isDict() const { return kind() == Kind::Dict; }
    bool isTuple() const { return m_tuple; }

    bool asBool() const { return std::get<bool>(m_v); }
    std::int64_t asInt() const; // bool and int
    double asDouble() const; // bool, int and float
    const std::string& asString() const { return std::get<std::string>(m_v); }
    const ValueList& asList() const { return *std::get<std::shared_ptr<ValueList>>(m_v); }
    const std::shared_ptr<ValueList>& listPtr() const { return std::get<std::shared_ptr<ValueList>>(m_v); }
    const Dict& asDict() const { return *std::get<std::shared_ptr<Dict>>(m_v); }
    const std::shared_ptr<Dict>& dictPtr() const { return std::get<std::shared_ptr<Dict>>(m_v); }
    const Function& asFunction() const { return std::get<Function>(m_v); }

    bool truthy() const;
    std::string str() const; // Python str()
    std::string repr() const; // Python repr()
    std::string typeName() const; // Python type name, for error messages

private:
    struct NoneTag { };
    std::variant<std::monostate, NoneTag, bool, std::int64_t, double, std::string, std::shared_ptr<ValueList>,
        std::shared_ptr<Dict>, Function>
        m_v;
    bool m_tuple = false;
};

bool valuesEqual(const Value& a, const Value& b);
// Python ordering (<); throws std::invalid_argument for unorderable types.
bool valueLess(const Value& a, const Value& b);
// Python's repr of a float ("1.0", "0.1", "1e+16").
std::string pythonFloat(double d);
// json.dumps(v, ensure_ascii=False, indent=indent, sort_keys=sortKeys) with Python's separators.
std::string pythonJsonDumps(const Value& v, int indent, bool sortKeys);

} // namespace moescope::tok::jinja

#include <cstdint>
#include "tokenizer/jinja/jinjainterpreter.h"

#include "core/error.h"
#include "tokenizer/jinja/jinjabuiltins.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <cmath>

namespace moescope::tok::jinja {

namespace {
constexpr std::size_t kMaxOutputBytes = std::size_t(64) << 20;
constexpr std::size_t kMaxSteps = 20'000'000;
constexpr int kMaxDepth = 256;
} // namespace

Interpreter::Interpreter(const Template& tmpl)
    : m_template(tmpl)
{
    for (auto& [name, fn] : globalFunctions())
        m_root.vars[name] = std::move(fn);
}

void Interpreter::fail(const SourcePos& pos, const std::string& what) const
{
    throw InvalidArgumentError(fmt::format("chat template error at {}: {}", describe(pos), what));
}

void Interpreter::countStep(const SourcePos& pos)
{
    if (++m_steps > kMaxSteps)
        fail(pos, "the template runs too long (loop limit reached)");
}

std::string Interpreter::render(const nlohmann::ordered_json& context)
{
    if (context.is_object())
        for (const auto& [k, v] : context.items())
            m_root.vars[k] = Value::fromJson(v);
    std::string out;
    m_top.parent = &m_root;
    try {
        renderBody(m_template.body, m_top, out);
    } catch (const TemplateRaised& r) {
        throw InvalidArgumentError("chat template raised an exception: " + r.message);
    }
    return out;
}

Value Interpreter::lookup(const std::string& name, Frame& frame) const
{
    for (const Frame* f = &frame; f; f = f->parent) {
        const auto it = f->vars.find(name);
        if (it != f->vars.end())
            return it->second;
    }
    return Value();
}

Interpreter::Flow Interpreter::renderBody(const Body& body, Frame& frame, std::string& out)
{
    for (const auto& node : body) {
        const Flow f = renderNode(*node, frame, out);
        if (f != Flow::Normal)
            return f;
        if (out.size() > kMaxOutputBytes)
            fail(node->pos, "the rendered text exceeds 64 MiB");
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::renderNode(const Node& node, Frame& frame, std::string& out)
{
    countStep(node.pos);
    switch (node.kind) {
    case Node::Kind::Text:
        out += node.text;
        return Flow::Normal;
    case Node::Kind::Output:
        out += eval(*node.expr, frame).str();
        return Flow::Normal;
    case Node::Kind::If:
        for (const auto& [cond, body] : node.branches)
            if (eval(*cond, frame).truthy())
                return renderBody(body, frame, out);
        return renderBody(node.elseBody, frame, out);
    case Node::Kind::For:
        renderFor(node, frame, out);
        return Flow::Normal;
    case Node::Kind::Set:
        renderSet(node, frame, eval(*node.expr, frame));
        return Flow::Normal;
    case Node::Kind::SetBlock: {
        std::string captured;
        renderBody(node.body, frame, captured);
        renderSet(node, frame, Value(std::move(captured)));
        return Flow::Normal;
    }
    case Node::Kind::Macro:
        frame.vars[node.text] = defineMacro(node);
        return Flow::Normal;
    case Node::Kind::Break:
        return Flow::Break;
    case Node::Kind::Continue:
        return Flow::Continue;
    case Node::Kind::Scope:
        return renderBody(node.body, frame, out);
    }
    return Flow::Normal;
}

void Interpreter::renderSet(const Node& node, Frame& frame, const Value& value)
{
    if (!node.targetObject.empty()) {
        const Value target = lookup(node.targetObject, frame);
        if (!target.isDict() || !target.asDict().isNamespace)
            fail(node.pos, fmt::format("cannot assign attribute on non-namespace object '{}'", node.targetObject));
        target.dictPtr()->set(node.targets[0], value);
        return;
    }
    if (node.targets.size() == 1) {
        frame.vars[node.targets[0]] = value;
        return;
    }
    if (!value.isList() || value.asList().size() != node.targets.size())
        fail(node.pos, fmt::format("cannot unpack {} into {} names", value.typeName(), node.targets.size()));
    for (std::size_t i = 0; i < node.targets.size(); ++i)
        frame.vars[node.targets[i]] = value.asList()[i];
}

void Interpreter::renderFor(const Node& node, Frame& frame, std::string& out)
{
    const Value iterable = eval(*node.expr, frame);
    ValueList items;
    try {
        items = iterate(iterable);
    } catch (const InvalidArgumentError& e) {
        fail(node.pos, e.what());
    }
    Frame loopFrame;
    loopFrame.parent = &frame;
    auto bind = [&](const Value& item) {
        if (node.targets.size() == 1) {
            loopFrame.vars[node.targets[0]] = item;
            return;
        }
        if (!item.isList() || item.asList().size() != node.targets.size())
            fail(
                node.pos, fmt::format("cannot unpack {} into {} loop variables", item.typeName(), node.targets.size()));
        for (std::size_t i = 0; i < node.targets.size(); ++i)
            loopFrame.vars[node.targets[i]] = item.asList()[i];
    };
    if (node.filter) {
        ValueList kept;
        for (const auto& item : items) {
            countStep(node.pos);
            bind(item);
            if (eval(*node.filter, loopFrame).truthy())
                kept.push_back(item);
        }
        items.swap(kept);
    }
    if (items.empty()) {
        renderBody(node.elseBody, frame, out);
        return;
    }
    const auto n = static_cast<std::int64_t>(items.size());
    for (std::int64_t i = 0; i < n; ++i) {
        countStep(node.pos);
        loopFrame.vars.clear(); // assignments in the body do not carry over to the next iteration (Jinja scoping)
        bind(items[static_cast<std::size_t>(i)]);
        auto loop = std::make_shared<Dict>();
        loop->set("index", Value(i + 1));
        loop->set("index0", Value(i));
        loop->set("revindex", Value(n - i));
        loop->set("revindex0", Value(n - i - 1));
        loop->set("first", Value(i == 0));
        loop->set("last", Value(i == n - 1));
        loop->set("length", Value(n));
        loop->set("depth", Value(1));
        loop->set("depth0", Value(0));
        loop->set("previtem", i > 0 ? items[static_cast<std::size_t>(i - 1)] : Value());
        loop->set("nextitem", i + 1 < n ? items[static_cast<std::size_t>(i + 1)] : Value());
        loop->set("cycle", Value(Function([i](const CallArgs& a) {
            if (a.positional.empty())
                throw InvalidArgumentError("loop.cycle() needs arguments");
            return a.positional[static_cast<std::size_t>(i) % a.positional.size()];
        })));
        loopFrame.vars["loop"] = Value(std::move(loop));
        if (renderBody(node.body, loopFrame, out) == Flow::Break)
            break;
    }
}

Value Interpreter::defineMacro(const Node& node)
{
    const Node* macro = &node;
    return Value(Function([this, macro](const CallArgs& args) {
        if (++m_depth > kMaxDepth)
            fail(macro->pos, "macro calls nested too deeply");
        Frame f;
        f.parent = &m_top; // template-level names, including the macro itself (recursion)
        for (std::size_t i = 0; i < macro->params.size(); ++i) {
            const auto& [name, def] = macro->params[i];
            if (i < args.positional.size())
                f.vars[name] = args.positional[i];
            else if (const Value* v = args.namedArg(name))
                f.vars[name] = *v;
            else if (def)
                f.vars[name] = eval(*def, f);
            else
                f.vars[name] = Value();
        }
        std::string out;
        renderBody(macro->body, f, out);
        --m_depth;
        return Value(std::move(out));
    }));
}

CallArgs Interpreter::evalArgs(const Expr& e, Frame& frame, std::size_t first)
{
    CallArgs args;
    for (std::size_t i = first; i < e.children.size(); ++i) {
        const std::string& name = e.argNames[i - first];
        Value v = eval(*e.children[i], frame);
        if (name.empty())
            args.positional.push_back(std::move(v));
        else
            args.named.emplace_back(name, std::move(v));
    }
    return args;
}

Value Interpreter::getAttr(const Expr& e, const Value& obj, const std::string& name)
{
    if (obj.isUndefined())
        fail(e.pos,
            fmt::format("'{}' is undefined (reading attribute '{}')",
                e.children[0]->kind == Expr::Kind::Name ? e.children[0]->name : std::string("value"), name));
    // Jinja's getattr: the Python attribute (methods) first, then the item.
    try {
        if (auto m = boundMethod(obj, name))
            return *m;
    } catch (const UnsupportedError& err) {
        throw UnsupportedError(fmt::format("{} at {}", err.what(), describe(e.pos)));
    }
    if (obj.isDict()) {
        const Value* v = obj.asDict().find(name);
        return v ? *v : Value();
    }
    return Value();
}

Value Interpreter::getItem(const Expr& e, const Value& obj, const Value& key)
{
    if (obj.isUndefined())
        fail(e.pos, "cannot subscript an undefined value");
    // Jinja's getitem: the item first, then the attribute.
    if (obj.isDict() && key.isString()) {
        if (const Value* v = obj.asDict().find(key.asString()))
            return *v;
    } else if (obj.isList() && key.isNumber() && key.kind() != Value::Kind::Float) {
        const auto& list = obj.asList();
        std::int64_t i = key.asInt();
        if (i < 0)
            i += static_cast<std::int64_t>(list.size());
        if (i >= 0 && i < static_cast<std::int64_t>(list.size()))
            return list[static_cast<std::size_t>(i)];
        return Value();
    } else if (obj.isString() && key.isNumber() && key.kind() != Value::Kind::Float) {
        if (auto c = stringIndex(obj.asString(), key.asInt()))
            return Value(*c);
        return Value();
    }
    if (key.isString())
        if (auto m = boundMethod(obj, key.asString()))
            return *m;
    return Value();
}

Value Interpreter::evalBinary(const Expr& e, const Value& a, const Value& b)
{
    const std::string& op = e.name;
    if (op == "~")
        return Value(a.str() + b.str());
    const bool numbers = a.isNumber() && b.isNumber();
    const bool anyFloat = a.kind() == Value::Kind::Float || b.kind() == Value::Kind::Float;
    if (op == "+") {
        if (numbers)
            return anyFloat ? Value(a.asDouble() + b.asDouble()) : Value(a.asInt() + b.asInt());
        if (a.isString() && b.isString())
            return Value(a.asString() + b.asString());
        if (a.isList() && b.isList()) {
            ValueList out = a.asList();
            out.insert(out.end(), b.asList().begin(), b.asList().end());
            return Value(std::move(out));
        }
    } else if (op == "-") {
        if (numbers)
            return anyFloat ? Value(a.asDouble() - b.asDouble()) : Value(a.asInt() - b.asInt());
    } else if (op == "*") {
        if (numbers)
            return anyFloat ? Value(a.asDouble() * b.asDouble()) : Value(a.asInt() * b.asInt());
        const Value* seq = a.isString() || a.isList() ? &a : b.isString() || b.isList() ? &b : nullptr;
        const Value* count = seq == &a ? &b : &a;
        if (seq && count->isNumber() && count->kind() != Value::Kind::Float) {
            const std::int64_t n = std::max<std::int64_t>(0, count->asInt());
            if (seq->isString()) {
                if (seq->asString().size() * static_cast<std::size_t>(n) > (std::size_t(16) << 20))
                    fail(e.pos, "string repetition too large");
                std::string out;
                for (std::int64_t i = 0; i < n; ++i)
                    out += seq->asString();
                return Value(std::move(out));
            }
            if (seq->asList().size() * static_cast<std::size_t>(n) > 1'000'000)
                fail(e.pos, "list repetition too large");
            ValueList out;
            for (std::int64_t i = 0; i < n; ++i)
                out.insert(out.end(), seq->asList().begin(), seq->asList().end());
            return Value(std::move(out));
        }
    } else if (op == "/") {
        if (numbers) {
            if (b.asDouble() == 0.0)
                fail(e.pos, "division by zero");
            return Value(a.asDouble() / b.asDouble());
        }
    } else if (op == "//" || op == "%") {
        if (numbers) {
            if (b.asDouble() == 0.0)
                fail(e.pos, op == "//" ? "integer division by zero" : "modulo by zero");
            if (anyFloat) {
                const double q = std::floor(a.asDouble() / b.asDouble());
                return op == "//" ? Value(q) : Value(a.asDouble() - q * b.asDouble());
            }
            const std::int64_t x = a.asInt(), y = b.asInt();
            std::int64_t q = x / y;
            if ((x % y != 0) && ((x < 0) != (y < 0)))
                --q;
            return op == "//" ? Value(q) : Value(x - q * y);
        }
        if (op == "%" && a.isString())
            throw UnsupportedError(
                fmt::format("unsupported chat template construct: string % formatting at {}", describe(e.pos)));
    } else if (op == "**") {
        if (numbers) {
            if (!anyFloat && b.asInt() >= 0 && b.asInt() < 64) {
                std::int64_t r = 1;
                for (std::int64_t i = 0; i < b.asInt(); ++i)
                    r *= a.asInt();
                return Value(r);
            }
            return Value(std::pow(a.asDouble(), b.asDouble()));
        }
    }
    fail(e.pos, fmt::format("unsupported operand types for {}: '{}' and '{}'", op, a.typeName(), b.typeName()));
}

Value Interpreter::evalCompare(const Expr& e, Frame& frame)
{
    Value left = eval(*e.children[0], frame);
    for (std::size_t i = 0; i < e.ops.size(); ++i) {
        Value right = eval(*e.children[i + 1], frame);
        const std::string& op = e.ops[i];
        bool result;
        try {
            if (op == "==")
                result = valuesEqual(left, right);
            else if (op == "!=")
                result = !valuesEqual(left, right);
            else if (op == "<")
                result = valueLess(left, right);
            else if (op == ">")
                result = valueLess(right, left);
            else if (op == "<=")
                result = !valueLess(right, left);
            else if (op == ">=")
                result = !valueLess(left, right);
            else if (op == "in")
                result = contains(right, left);
            else
                result = !contains(right, left);
        } catch (const std::invalid_argument& err) {
            fail(e.pos, err.what());
        } catch (const InvalidArgumentError& err) {
            fail(e.pos, err.what());
        }
        if (!result)
            return Value(false);
        left = std::move(right);
    }
    return Value(true);
}

Value Interpreter::eval(const Expr& e, Frame& frame)
{
    switch (e.kind) {
    case Expr::Kind::Literal:
        return e.literal;
    case Expr::Kind::Name:
        return lookup(e.name, frame);
    case Expr::Kind::Attr:
        return getAttr(e, eval(*e.children[0], frame), e.name);
    case Expr::Kind::Item:
        return getItem(e, eval(*e.children[0], frame), eval(*e.children[1], frame));
    case Expr::Kind::Slice: {
        const Value obj = eval(*e.children[0], frame);
        auto bound = [&](std::size_t k) -> std::optional<std::int64_t> {
            if (!e.children[k])
                return std::nullopt;
            const Value v = eval(*e.children[k], frame);
            if (v.isNone())
                return std::nullopt;
            if (!v.isNumber() || v.kind() == Value::Kind::Float)
                fail(e.pos, "slice indices must be integers");
            return v.asInt();
        };
        const auto start = bound(1), stop = bound(2), step = bound(3);
        try {
            if (obj.isList())
                return Value(listSlice(obj.asList(), start, stop, step.value_or(1)));
            if (obj.isString())
                return Value(stringSlice(obj.asString(), start, stop, step.value_or(1)));
        } catch (const InvalidArgumentError& err) {
            fail(e.pos, err.what());
        }
        if (obj.isUndefined())
            return Value();
        fail(e.pos, fmt::format("'{}' object is not subscriptable", obj.typeName()));
    }
    case Expr::Kind::Call: {
        const Value callee = eval(*e.children[0], frame);
        if (callee.kind() != Value::Kind::Function) {
            const std::string what = e.children[0]->kind == Expr::Kind::Name ? e.children[0]->name
                : e.children[0]->kind == Expr::Kind::Attr                    ? e.children[0]->name
                                                                             : std::string("value");
            if (callee.isUndefined())
                fail(e.pos, fmt::format("'{}' is undefined", what));
            fail(e.pos, fmt::format("'{}' ({}) is not callable", what, callee.typeName()));
        }
        const CallArgs args = evalArgs(e, frame, 1);
        try {
            return callee.asFunction()(args);
        } catch (const TemplateRaised&) {
            throw;
        } catch (const UnsupportedError& err) {
            throw UnsupportedError(fmt::format("{} at {}", err.what(), describe(e.pos)));
        } catch (const InvalidArgumentError& err) {
            if (std::string_view(err.what()).starts_with("chat template"))
                throw;
            fail(e.pos, err.what());
        }
    }
    case Expr::Kind::Filter:
    case Expr::Kind::Test: {
        const Value subject = eval(*e.children[0], frame);
        const CallArgs args = evalArgs(e, frame, 1);
        try {
            if (e.kind == Expr::Kind::Filter)
                return applyFilter(e.name, subject, args);
            return Value(applyTest(e.name, subject, args) != e.negated);
        } catch (const UnsupportedError& err) {
            throw UnsupportedError(fmt::format("{} at {}", err.what(), describe(e.pos)));
        } catch (const InvalidArgumentError& err) {
            fail(e.pos, err.what());
        }
    }
    case Expr::Kind::Negate:
    case Expr::Kind::Plus: {
        const Value v = eval(*e.children[0], frame);
        if (!v.isNumber())
            fail(e.pos,
                fmt::format(
                    "bad operand type for unary {}: '{}'", e.kind == Expr::Kind::Negate ? '-' : '+', v.typeName()));
        if (e.kind == Expr::Kind::Plus)
            return v;
        return v.kind() == Value::Kind::Float ? Value(-v.asDouble()) : Value(-v.asInt());
    }
    case Expr::Kind::Not:
        return Value(!eval(*e.children[0], frame).truthy());
    case Expr::Kind::Binary: {
        const Value a = eval(*e.children[0], frame);
        const Value b = eval(*e.children[1], frame);
        return evalBinary(e, a, b);
    }
    case Expr::Kind::Compare:
        return evalCompare(e, frame);
    case Expr::Kind::And: {
        Value a = eval(*e.children[0], frame);
        return a.truthy() ? eval(*e.children[1], frame) : a;
    }
    case Expr::Kind::Or: {
        Value a = eval(*e.children[0], frame);
        return a.truthy() ? a : eval(*e.children[1], frame);
    }
    case Expr::Kind::Conditional:
        if (eval(*e.children[1], frame).truthy())
            return eval(*e.children[0], frame);
        return e.children[2] ? eval(*e.children[2], frame) : Value();
    case Expr::Kind::List:
    case Expr::Kind::Tuple: {
        ValueList items;
        for (const auto& c : e.children)
            items.push_back(eval(*c, frame));
        return e.kind == Expr::Kind::Tuple ? Value::tuple(std::move(items)) : Value(std::move(items));
    }
    case Expr::Kind::Dict: {
        auto d = std::make_shared<Dict>();
        for (std::size_t i = 0; i + 1 < e.children.size(); i += 2) {
            const Value key = eval(*e.children[i], frame);
            if (!key.isString())
                throw UnsupportedError(fmt::format(
                    "unsupported chat template construct: dict key of type {} at {}", key.typeName(), describe(e.pos)));
            d->set(key.asString(), eval(*e.children[i + 1], frame));
        }
        return Value(std::move(d));
    }
    }
    return Value();
}

} // namespace moescope::tok::jinja

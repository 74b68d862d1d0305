#pragma once
// Expression parsing for the Jinja subset, with Jinja's precedence: conditional < or < and < not < comparisons and
// in < ~ < + - < * / // % < ** < unary < filters, tests, calls, attributes, subscripts and slices. Works on the
// tokens of one tag. Internal to jinjaparser.cpp (header-only so the statement parser can drive it token by token).

#include "core/error.h"
#include "tokenizer/jinja/jinjaast.h"

#include <fmt/format.h>

#include <algorithm>

namespace moescope::tok::jinja {

inline constexpr int kMaxNesting = 200;

class ExprParser {
public:
    ExprParser(const std::vector<Token>& tokens, std::size_t start = 0)
        : m_tokens(tokens)
        , m_i(start)
    {
    }

    ExprPtr expression() { return conditional(); }
    // Without "a if b else c" (a for loop's iterable, where "if" starts the loop filter).
    ExprPtr expressionWithoutConditional() { return orExpr(); }
    // An expression or an implicit tuple "a, b".
    ExprPtr tupleOrExpression()
    {
        ExprPtr first = expression();
        if (!isOp(","))
            return first;
        auto tuple = make(Expr::Kind::Tuple, first->pos);
        tuple->children.push_back(std::move(first));
        while (acceptOp(",")) {
            if (atEnd())
                break;
            tuple->children.push_back(expression());
        }
        return tuple;
    }

    const Token& peek(std::size_t ahead = 0) const
    {
        const std::size_t k = std::min(m_i + ahead, m_tokens.size() - 1);
        return m_tokens[k];
    }
    bool atEnd() const { return peek().type == Token::Type::End; }
    bool isOp(std::string_view op, std::size_t ahead = 0) const
    {
        return peek(ahead).type == Token::Type::Operator && peek(ahead).text == op;
    }
    bool isName(std::string_view name, std::size_t ahead = 0) const
    {
        return peek(ahead).type == Token::Type::Name && peek(ahead).text == name;
    }
    bool acceptOp(std::string_view op)
    {
        if (!isOp(op))
            return false;
        ++m_i;
        return true;
    }
    bool acceptName(std::string_view name)
    {
        if (!isName(name))
            return false;
        ++m_i;
        return true;
    }
    void expectOp(std::string_view op)
    {
        if (!acceptOp(op))
            fail(fmt::format("expected '{}'", op));
    }
    std::string expectIdentifier()
    {
        if (peek().type != Token::Type::Name)
            fail("expected a name");
        return m_tokens[m_i++].text;
    }
    void expectEnd()
    {
        if (!atEnd())
            fail(fmt::format("unexpected '{}'", peek().text));
    }
    [[noreturn]] void fail(const std::string& what) const
    {
        throw FormatError(fmt::format("chat template syntax error at {}: {}", describe(peek().pos), what));
    }
    std::size_t position() const { return m_i; }

private:
    static ExprPtr make(Expr::Kind kind, SourcePos pos)
    {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->pos = pos;
        return e;
    }

    void enter()
    {
        if (++m_depth > kMaxNesting)
            fail("expression nested too deeply");
    }

    ExprPtr conditional()
    {
        enter();
        ExprPtr value = orExpr();
        while (isName("if")) {
            const SourcePos pos = peek().pos;
            ++m_i;
            auto cond = make(Expr::Kind::Conditional, pos);
            ExprPtr test = orExpr();
            ExprPtr otherwise;
            if (acceptName("else"))
                otherwise = conditional();
            cond->children.push_back(std::move(value));
            cond->children.push_back(std::move(test));
            cond->children.push_back(std::move(otherwise));
            value = std::move(cond);
        }
        --m_depth;
        return value;
    }

    ExprPtr orExpr()
    {
        ExprPtr left = andExpr();
        while (isName("or")) {
            auto e = make(Expr::Kind::Or, peek().pos);
            ++m_i;
            e->children.push_back(std::move(left));
            e->children.push_back(andExpr());
            left = std::move(e);
        }
        return left;
    }

    ExprPtr andExpr()
    {
        ExprPtr left = notExpr();
        while (isName("and")) {
            auto e = make(Expr::Kind::And, peek().pos);
            ++m_i;
            e->children.push_back(std::move(left));
            e->children.push_back(notExpr());
            left = std::move(e);
        }
        return left;
    }

    ExprPtr notExpr()
    {
        if (isName("not")) {
            auto e = make(Expr::Kind::Not, peek().pos);
            ++m_i;
            enter();
            e->children.push_back(notExpr());
            --m_depth;
            return e;
        }
        return compare();
    }

    ExprPtr compare()
    {
        ExprPtr first = concat();
        ExprPtr cmp;
        while (true) {
            std::string op;
            if (peek().type == Token::Type::Operator
                && (peek().text == "==" || peek().text == "!=" || peek().text == "<" || peek().text == "<="
                    || peek().text == ">" || peek().text == ">=")) {
                op = peek().text;
                ++m_i;
            } else if (isName("in")) {
                op = "in";
                ++m_i;
            } else if (isName("not") && isName("in", 1)) {
                op = "notin";
                m_i += 2;
            } else {
                break;
            }
            if (!cmp) {
                cmp = make(Expr::Kind::Compare, first->pos);
                cmp->children.push_back(std::move(first));
            }
            cmp->ops.push_back(op);
            cmp->children.push_back(concat());
        }
        return cmp ? std::move(cmp) : std::move(first);
    }

    ExprPtr binaryChain(ExprPtr (ExprParser::*next)(), std::initializer_list<std::string_view> ops)
    {
        ExprPtr left = (this->*next)();
        while (true) {
            bool matched = false;
            for (const auto op : ops) {
                if (isOp(op)) {
                    auto e = make(Expr::Kind::Binary, peek().pos);
                    e->name = std::string(op);
                    ++m_i;
                    e->children.push_back(std::move(left));
                    e->children.push_back((this->*next)());
                    left = std::move(e);
                    matched = true;
                    break;
                }
            }
            if (!matched)
                return left;
        }
    }

    ExprPtr concat() { return binaryChain(&ExprParser::math1, { "~" }); }
    ExprPtr math1() { return binaryChain(&ExprParser::math2, { "+", "-" }); }
    ExprPtr math2() { return binaryChain(&ExprParser::power, { "*", "//", "/", "%" }); }
    ExprPtr power() { return binaryChain(&ExprParser::unaryWithFilters, { "**" }); }

    ExprPtr unaryWithFilters() { return unary(true); }

    ExprPtr unary(bool withFilter)
    {
        ExprPtr node;
        if (isOp("-") || isOp("+")) {
            node = make(isOp("-") ? Expr::Kind::Negate : Expr::Kind::Plus, peek().pos);
            ++m_i;
            enter();
            node->children.push_back(unary(false));
            --m_depth;
        } else {
            node = primary();
        }
        node = postfix(std::move(node));
        if (withFilter)
            node = filterChain(std::move(node));
        return node;
    }

    ExprPtr primary()
    {
        const Token& t = peek();
        switch (t.type) {
        case Token::Type::Name: {
            ++m_i;
            auto e = make(Expr::Kind::Literal, t.pos);
            if (t.text == "true" || t.text == "True")
                e->literal = Value(true);
            else if (t.text == "false" || t.text == "False")
                e->literal = Value(false);
            else if (t.text == "none" || t.text == "None")
                e->literal = Value::none();
            else {
                e->kind = Expr::Kind::Name;
                e->name = t.text;
            }
            return e;
        }
        case Token::Type::String: {
            auto e = make(Expr::Kind::Literal, t.pos);
            std::string s;
            while (peek().type == Token::Type::String) // adjacent literals concatenate
                s += m_tokens[m_i++].text;
            e->literal = Value(std::move(s));
            return e;
        }
        case Token::Type::Integer: {
            ++m_i;
            auto e = make(Expr::Kind::Literal, t.pos);
            e->literal = Value(t.integer);
            return e;
        }
        case Token::Type::Float: {
            ++m_i;
            auto e = make(Expr::Kind::Literal, t.pos);
            e->literal = Value(t.number);
            return e;
        }
        case Token::Type::Operator:
            if (t.text == "(") {
                ++m_i;
                enter();
                if (acceptOp(")")) {
                    --m_depth;
                    return make(Expr::Kind::Tuple, t.pos);
                }
                ExprPtr inner = expression();
                if (isOp(",")) {
                    auto tuple = make(Expr::Kind::Tuple, t.pos);
                    tuple->children.push_back(std::move(inner));
                    while (acceptOp(",") && !isOp(")"))
                        tuple->children.push_back(expression());
                    inner = std::move(tuple);
                }
                expectOp(")");
                --m_depth;
                return inner;
            }
            if (t.text == "[") {
                ++m_i;
                enter();
                auto list = make(Expr::Kind::List, t.pos);
                while (!isOp("]")) {
                    list->children.push_back(expression());
                    if (!acceptOp(","))
                        break;
                }
                expectOp("]");
                --m_depth;
                return list;
            }
            if (t.text == "{") {
                ++m_i;
                enter();
                auto dict = make(Expr::Kind::Dict, t.pos);
                while (!isOp("}")) {
                    dict->children.push_back(expression());
                    expectOp(":");
                    dict->children.push_back(expression());
                    if (!acceptOp(","))
                        break;
                }
                expectOp("}");
                --m_depth;
                return dict;
            }
            break;
        case Token::Type::End:
            fail("unexpected end of expression");
        }
        fail(fmt::format("unexpected '{}'", t.text));
    }

    void callArguments(Expr& e)
    {
        // After '(' : positional and keyword arguments up to ')'.
        while (!isOp(")")) {
            if (isOp("*") || isOp("**"))
                throw UnsupportedError(fmt::format(
                    "unsupported chat template construct: *args/**kwargs in a call at {}", describe(peek().pos)));
            if (peek().type == Token::Type::Name && isOp("=", 1)) {
                e.argNames.push_back(peek().text);
                m_i += 2;
            } else {
                e.argNames.emplace_back();
            }
            e.children.push_back(expression());
            if (!acceptOp(","))
                break;
        }
        expectOp(")");
    }

    ExprPtr postfix(ExprPtr node)
    {
        while (true) {
            if (isOp(".")) {
                const SourcePos pos = peek().pos;
                ++m_i;
                auto e = make(Expr::Kind::Attr, pos);
                if (peek().type == Token::Type::Integer) { // foo.0 is foo[0] in Jinja
                    auto idx = make(Expr::Kind::Literal, pos);
                    idx->literal = Value(peek().integer);
                    ++m_i;
                    e->kind = Expr::Kind::Item;
                    e->children.push_back(std::move(node));
                    e->children.push_back(std::move(idx));
                } else {
                    e->name = expectIdentifier();
                    e->children.push_back(std::move(node));
                }
                node = std::move(e);
            } else if (isOp("[")) {
                const SourcePos pos = peek().pos;
                ++m_i;
                enter();
                ExprPtr parts[3];
                bool slice = false;
                for (int k = 0; k < 3; ++k) {
                    if (!isOp(":") && !isOp("]"))
                        parts[k] = expression();
                    if (k < 2 && acceptOp(":"))
                        slice = true;
                    else
                        break;
                }
                expectOp("]");
                --m_depth;
                auto e = make(slice ? Expr::Kind::Slice : Expr::Kind::Item, pos);
                e->children.push_back(std::move(node));
                if (!slice && !parts[0])
                    fail("empty subscript");
                e->children.push_back(std::move(parts[0]));
                if (slice) {
                    e->children.push_back(std::move(parts[1]));
                    e->children.push_back(std::move(parts[2]));
                }
                node = std::move(e);
            } else if (isOp("(")) {
                node = call(std::move(node));
            } else {
                return node;
            }
        }
    }

    ExprPtr call(ExprPtr callee)
    {
        auto e = make(Expr::Kind::Call, peek().pos);
        ++m_i;
        enter();
        e->children.push_back(std::move(callee));
        callArguments(*e);
        --m_depth;
        return e;
    }

    ExprPtr filterChain(ExprPtr node)
    {
        while (true) {
            if (isOp("|")) {
                const SourcePos pos = peek().pos;
                ++m_i;
                auto e = make(Expr::Kind::Filter, pos);
                e->name = expectIdentifier();
                while (acceptOp(".")) { // dotted filter names
                    e->name += '.';
                    e->name += expectIdentifier();
                }
                e->children.push_back(std::move(node));
                if (acceptOp("("))
                    callArguments(*e);
                node = std::move(e);
            } else if (isName("is")) {
                const SourcePos pos = peek().pos;
                ++m_i;
                auto e = make(Expr::Kind::Test, pos);
                e->negated = acceptName("not");
                e->name = expectIdentifier();
                e->children.push_back(std::move(node));
                if (acceptOp("(")) {
                    callArguments(*e);
                } else {
                    const Token& t = peek();
                    const bool argStarts = t.type == Token::Type::String || t.type == Token::Type::Integer
                        || t.type == Token::Type::Float
                        || (t.type == Token::Type::Name && t.text != "else" && t.text != "or" && t.text != "and"
                            && t.text != "is" && t.text != "if")
                        || (t.type == Token::Type::Operator && (t.text == "[" || t.text == "{"));
                    if (argStarts) {
                        e->children.push_back(postfix(primary()));
                        e->argNames.emplace_back();
                    }
                }
                node = std::move(e);
            } else if (isOp("(")) {
                node = call(std::move(node));
            } else {
                return node;
            }
        }
    }

    const std::vector<Token>& m_tokens;
    std::size_t m_i;
    int m_depth = 0;
};

} // namespace moescope::tok::jinja

#include "tokenizer/jinja/jinjaparser.h"

#include "tokenizer/jinja/jinjaexpressionparser.h"

#include "core/error.h"

#include <fmt/format.h>

#include <set>

namespace moescope::tok::jinja {

namespace {

class TemplateParser {
public:
    explicit TemplateParser(std::vector<Chunk> chunks)
        : m_chunks(std::move(chunks))
    {
    }

    std::unique_ptr<Template> run()
    {
        auto t = std::make_unique<Template>();
        std::string endWord;
        parseBody(t->body, {}, endWord);
        return t;
    }

private:
    [[noreturn]] static void unsupported(const std::string& what, const SourcePos& pos)
    {
        throw UnsupportedError(fmt::format("unsupported chat template construct: {} at {}", what, describe(pos)));
    }

    // Parses nodes until a statement whose keyword is in ends (returned in endWord, its chunk consumed).
    void parseBody(Body& body, const std::set<std::string>& ends, std::string& endWord)
    {
        if (++m_depth > kMaxNesting)
            throw FormatError("chat template blocks nested too deeply");
        while (m_i < m_chunks.size()) {
            Chunk& c = m_chunks[m_i];
            if (c.type == Chunk::Type::Text) {
                auto n = std::make_unique<Node>();
                n->kind = Node::Kind::Text;
                n->pos = c.pos;
                n->text = std::move(c.text);
                body.push_back(std::move(n));
                ++m_i;
                continue;
            }
            if (c.type == Chunk::Type::Output) {
                ExprParser p(c.tokens);
                auto n = std::make_unique<Node>();
                n->kind = Node::Kind::Output;
                n->pos = c.pos;
                n->expr = p.tupleOrExpression();
                p.expectEnd();
                body.push_back(std::move(n));
                ++m_i;
                continue;
            }
            if (c.tokens.empty() || c.tokens[0].type != Token::Type::Name)
                throw FormatError(
                    fmt::format("chat template syntax error at {}: expected a statement", describe(c.pos)));
            const std::string keyword = c.tokens[0].text;
            if (ends.count(keyword)) {
                endWord = keyword;
                --m_depth;
                return;
            }
            ++m_i;
            body.push_back(statement(c, keyword));
        }
        if (!ends.empty()) {
            std::string closing = *ends.begin();
            for (const auto& e : ends)
                if (e.starts_with("end"))
                    closing = e;
            throw FormatError(
                fmt::format("chat template syntax error: missing {{% {} %}} at the end of the template", closing));
        }
        --m_depth;
    }

    NodePtr statement(const Chunk& c, const std::string& keyword)
    {
        ExprParser p(c.tokens, 1);
        auto n = std::make_unique<Node>();
        n->pos = c.pos;
        if (keyword == "if") {
            n->kind = Node::Kind::If;
            ExprPtr cond = p.expression();
            p.expectEnd();
            while (true) {
                Body branch;
                std::string end;
                parseBody(branch, { "elif", "else", "endif" }, end);
                n->branches.emplace_back(std::move(cond), std::move(branch));
                const Chunk& ec = m_chunks[m_i++];
                ExprParser ep(ec.tokens, 1);
                if (end == "elif") {
                    cond = ep.expression();
                    ep.expectEnd();
                    continue;
                }
                ep.expectEnd();
                if (end == "else") {
                    std::string endif;
                    parseBody(n->elseBody, { "endif" }, endif);
                    ExprParser(m_chunks[m_i++].tokens, 1).expectEnd();
                }
                break;
            }
            return n;
        }
        if (keyword == "for") {
            n->kind = Node::Kind::For;
            do
                n->targets.push_back(p.expectIdentifier());
            while (p.acceptOp(","));
            if (!p.acceptName("in"))
                p.fail("expected 'in'");
            n->expr = p.expressionWithoutConditional();
            if (p.acceptName("if"))
                n->filter = p.expression();
            if (p.isName("recursive"))
                unsupported("recursive for loop", c.pos);
            p.expectEnd();
            std::string end;
            parseBody(n->body, { "else", "endfor" }, end);
            ExprParser(m_chunks[m_i++].tokens, 1).expectEnd();
            if (end == "else") {
                parseBody(n->elseBody, { "endfor" }, end);
                ExprParser(m_chunks[m_i++].tokens, 1).expectEnd();
            }
            return n;
        }
        if (keyword == "set") {
            std::string first = p.expectIdentifier();
            if (p.acceptOp(".")) {
                n->kind = Node::Kind::Set;
                n->targetObject = first;
                n->targets.push_back(p.expectIdentifier());
            } else {
                n->targets.push_back(first);
                while (p.acceptOp(","))
                    n->targets.push_back(p.expectIdentifier());
            }
            if (p.acceptOp("=")) {
                n->kind = Node::Kind::Set;
                n->expr = p.tupleOrExpression();
                p.expectEnd();
                return n;
            }
            if (!p.atEnd())
                unsupported("filtered {% set %} block", c.pos);
            if (!n->targetObject.empty() || n->targets.size() != 1)
                p.fail("a {% set %} block assigns one name");
            n->kind = Node::Kind::SetBlock;
            std::string end;
            parseBody(n->body, { "endset" }, end);
            ExprParser(m_chunks[m_i++].tokens, 1).expectEnd();
            return n;
        }
        if (keyword == "macro") {
            n->kind = Node::Kind::Macro;
            n->text = p.expectIdentifier();
            p.expectOp("(");
            while (!p.isOp(")")) {
                std::string param = p.expectIdentifier();
                ExprPtr def;
                if (p.acceptOp("="))
                    def = p.expression();
                n->params.emplace_back(std::move(param), std::move(def));
                if (!p.acceptOp(","))
                    break;
            }
            p.expectOp(")");
            p.expectEnd();
            std::string end;
            parseBody(n->body, { "endmacro" }, end);
            ExprParser(m_chunks[m_i++].tokens, 1).expectEnd();
            return n;
        }
        if (keyword == "break" || keyword == "continue") {
            p.expectEnd();
            n->kind = keyword == "break" ? Node::Kind::Break : Node::Kind::Continue;
            return n;
        }
        if (keyword == "generation") { // transformers' assistant-mask marker: renders its body
            p.expectEnd();
            n->kind = Node::Kind::Scope;
            std::string end;
            parseBody(n->body, { "endgeneration" }, end);
            ExprParser(m_chunks[m_i++].tokens, 1).expectEnd();
            return n;
        }
        static const std::set<std::string> kKnownUnsupported = { "call", "filter", "include", "import", "from",
            "extends", "block", "with", "do", "autoescape", "trans", "pluralize" };
        if (kKnownUnsupported.count(keyword))
            unsupported(fmt::format("{{% {} %}}", keyword), c.pos);
        if (keyword == "elif" || keyword == "else" || keyword.starts_with("end"))
            throw FormatError(
                fmt::format("chat template syntax error at {}: unexpected {{% {} %}}", describe(c.pos), keyword));
        unsupported(fmt::format("{{% {} %}}", keyword), c.pos);
    }

    std::vector<Chunk> m_chunks;
    std::size_t m_i = 0;
    int m_depth = 0;
};

} // namespace

std::unique_ptr<Template> parseTemplate(std::string_view source)
{
    return TemplateParser(lexTemplate(source)).run();
}

} // namespace moescope::tok::jinja

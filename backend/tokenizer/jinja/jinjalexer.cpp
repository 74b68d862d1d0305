#include "tokenizer/jinja/jinjalexer.h"

#include "core/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace moescope::tok::jinja {

namespace {

bool isSpaceOrTab(char c)
{
    return c == ' ' || c == '\t';
}
bool isWhitespace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

class Lexer {
public:
    explicit Lexer(std::string_view src)
        : m_src(src)
    {
        m_lineStarts.push_back(0);
        for (std::size_t i = 0; i < src.size(); ++i)
            if (src[i] == '\n')
                m_lineStarts.push_back(i + 1);
    }

    std::vector<Chunk> run();

private:
    SourcePos posAt(std::size_t offset) const;
    // Tokenizes the expression between begin and the closing delimiter; returns the offset just past the delimiter
    // and whether it carried a '-' (strip what follows) or '+'.
    std::size_t lexTag(std::size_t begin, std::string_view close, std::vector<Token>& tokens, char& marker);
    void rawBlock(std::size_t& pos, std::vector<Chunk>& chunks);

    std::string_view m_src;
    std::vector<std::size_t> m_lineStarts;
};

SourcePos Lexer::posAt(std::size_t offset) const
{
    const auto it = std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), offset);
    SourcePos p;
    p.line = static_cast<int>(it - m_lineStarts.begin());
    p.column = static_cast<int>(offset - *(it - 1)) + 1;
    return p;
}

std::size_t Lexer::lexTag(std::size_t begin, std::string_view close, std::vector<Token>& tokens, char& marker)
{
    std::size_t i = begin;
    const std::size_t n = m_src.size();
    marker = 0;
    while (true) {
        while (i < n && isWhitespace(m_src[i]))
            ++i;
        if (i >= n)
            throw FormatError(fmt::format("unterminated tag starting at {}", describe(posAt(begin))));
        // Closing delimiter, possibly with a whitespace-control marker.
        if ((m_src[i] == '-' || m_src[i] == '+') && m_src.substr(i + 1, close.size()) == close) {
            marker = m_src[i];
            i += 1 + close.size();
            break;
        }
        if (m_src.substr(i, close.size()) == close) {
            i += close.size();
            break;
        }
        Token t;
        t.pos = posAt(i);
        const char c = m_src[i];
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            std::size_t j = i;
            while (j < n && (std::isalnum(static_cast<unsigned char>(m_src[j])) || m_src[j] == '_'))
                ++j;
            t.type = Token::Type::Name;
            t.text = std::string(m_src.substr(i, j - i));
            i = j;
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            std::size_t j = i;
            bool isFloat = false;
            while (j < n && (std::isdigit(static_cast<unsigned char>(m_src[j])) || m_src[j] == '_'))
                ++j;
            if (j + 1 < n && m_src[j] == '.' && std::isdigit(static_cast<unsigned char>(m_src[j + 1]))) {
                isFloat = true;
                ++j;
                while (j < n && std::isdigit(static_cast<unsigned char>(m_src[j])))
                    ++j;
            }
            if (j < n && (m_src[j] == 'e' || m_src[j] == 'E')) {
                std::size_t k = j + 1;
                if (k < n && (m_src[k] == '+' || m_src[k] == '-'))
                    ++k;
                if (k < n && std::isdigit(static_cast<unsigned char>(m_src[k]))) {
                    isFloat = true;
                    j = k;
                    while (j < n && std::isdigit(static_cast<unsigned char>(m_src[j])))
                        ++j;
                }
            }
            std::string digits;
            for (std::size_t k = i; k < j; ++k)
                if (m_src[k] != '_')
                    digits += m_src[k];
            try {
                if (isFloat) {
                    t.type = Token::Type::Float;
                    t.number = std::stod(digits);
                } else {
                    t.type = Token::Type::Integer;
                    t.integer = std::stoll(digits);
                }
            } catch (const std::exception&) {
                throw FormatError(fmt::format("bad number '{}' at {}", digits, describe(t.pos)));
            }
            t.text = digits;
            i = j;
        } else if (c == '\'' || c == '"') {
            std::size_t j = i + 1;
            std::string value;
            while (true) {
                if (j >= n)
                    throw FormatError(fmt::format("unterminated string starting at {}", describe(t.pos)));
                const char d = m_src[j];
                if (d == c) {
                    ++j;
                    break;
                }
                if (d == '\\' && j + 1 < n) {
                    const char e = m_src[j + 1];
                    j += 2;
                    switch (e) {
                    case 'n':
                        value += '\n';
                        break;
                    case 't':
                        value += '\t';
                        break;
                    case 'r':
                        value += '\r';
                        break;
                    case '\\':
                        value += '\\';
                        break;
                    case '\'':
                        value += '\'';
                        break;
                    case '"':
                        value += '"';
                        break;
                    case '0':
                        value += '\0';
                        break;
                    case '\n':
                        break; // line continuation
                    default:
                        // Python keeps unknown escapes as they are.
                        value += '\\';
                        value += e;
                    }
                    continue;
                }
                value += d;
                ++j;
            }
            t.type = Token::Type::String;
            t.text = std::move(value);
            i = j;
        } else {
            static constexpr std::string_view kOps[] = { "**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%",
                "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|" };
            bool matched = false;
            for (const auto op : kOps) {
                if (m_src.substr(i, op.size()) == op) {
                    t.type = Token::Type::Operator;
                    t.text = std::string(op);
                    i += op.size();
                    matched = true;
                    break;
                }
            }
            if (!matched)
                throw FormatError(fmt::format("unexpected character '{}' at {}", c, describe(t.pos)));
        }
        tokens.push_back(std::move(t));
    }
    Token end;
    end.type = Token::Type::End;
    end.pos = posAt(i);
    tokens.push_back(end);
    return i;
}

std::vector<Chunk> Lexer::run()
{
    std::vector<Chunk> chunks;
    std::size_t pos = 0;
    bool lineStarting = true;
    const std::size_t n = m_src.size();
    while (pos < n) {
        // Next tag start.
        std::size_t start = pos;
        while (true) {
            start = m_src.find('{', start);
            if (start == std::string_view::npos || start + 1 >= n)
                break;
            const char k = m_src[start + 1];
            if (k == '{' || k == '%' || k == '#')
                break;
            ++start;
        }
        std::string text(m_src.substr(pos, (start == std::string_view::npos || start + 1 >= n ? n : start) - pos));
        if (start == std::string_view::npos || start + 1 >= n) {
            if (!text.empty())
                chunks.push_back({ Chunk::Type::Text, std::move(text), {}, posAt(pos) });
            break;
        }
        const char kind = m_src[start + 1];
        std::size_t inner = start + 2;
        char openMarker = 0;
        if (inner < n && (m_src[inner] == '-' || m_src[inner] == '+')) {
            openMarker = m_src[inner];
            ++inner;
        }
        // Whitespace before the tag: '-' strips it all; lstrip_blocks strips the indentation of a block or comment
        // tag that starts a line.
        if (openMarker == '-') {
            while (!text.empty() && isWhitespace(text.back()))
                text.pop_back();
        } else if (openMarker != '+' && kind != '{') {
            const std::size_t lineBegin = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
            if (lineBegin > 0 || lineStarting) {
                bool blank = true;
                for (std::size_t i = lineBegin; i < text.size(); ++i)
                    blank = blank && isSpaceOrTab(text[i]);
                if (blank)
                    text.resize(lineBegin);
            }
        }
        if (!text.empty())
            chunks.push_back({ Chunk::Type::Text, std::move(text), {}, posAt(pos) });

        std::size_t after;
        char closeMarker = 0;
        if (kind == '#') {
            const std::size_t close = m_src.find("#}", inner);
            if (close == std::string_view::npos)
                throw FormatError(fmt::format("unterminated comment starting at {}", describe(posAt(start))));
            closeMarker = close > inner && m_src[close - 1] == '-' ? '-'
                : close > inner && m_src[close - 1] == '+'         ? '+'
                                                                   : 0;
            after = close + 2;
        } else {
            Chunk tag;
            tag.type = kind == '{' ? Chunk::Type::Output : Chunk::Type::Statement;
            tag.pos = posAt(start);
            after = lexTag(inner, kind == '{' ? "}}" : "%}", tag.tokens, closeMarker);
            const bool raw = tag.type == Chunk::Type::Statement && tag.tokens.size() == 2
                && tag.tokens[0].type == Token::Type::Name && tag.tokens[0].text == "raw";
            if (!raw) {
                chunks.push_back(std::move(tag));
            } else {
                pos = after;
                rawBlock(pos, chunks);
                lineStarting = false;
                continue;
            }
        }
        // Whitespace after the tag: '-' strips it all; trim_blocks removes one newline after a block or comment.
        std::size_t consumedFrom = after;
        if (closeMarker == '-') {
            while (after < n && isWhitespace(m_src[after]))
                ++after;
        } else if (closeMarker != '+' && kind != '{' && after < n && m_src[after] == '\n') {
            ++after;
        }
        lineStarting = after > consumedFrom && m_src[after - 1] == '\n';
        pos = after;
    }
    return chunks;
}

void Lexer::rawBlock(std::size_t& pos, std::vector<Chunk>& chunks)
{
    // Everything up to {% endraw %} is text.
    std::size_t search = pos;
    while (true) {
        const std::size_t open = m_src.find("{%", search);
        if (open == std::string_view::npos)
            throw FormatError(fmt::format("{{% raw %}} without {{% endraw %}} at {}", describe(posAt(pos))));
        std::size_t i = open + 2;
        const bool stripBefore = i < m_src.size() && m_src[i] == '-';
        if (i < m_src.size() && (m_src[i] == '-' || m_src[i] == '+'))
            ++i;
        while (i < m_src.size() && isWhitespace(m_src[i]))
            ++i;
        if (m_src.substr(i, 6) == "endraw") {
            std::vector<Token> tokens;
            char marker = 0;
            const std::size_t after = lexTag(i + 6, "%}", tokens, marker);
            std::string text(m_src.substr(pos, open - pos));
            if (stripBefore)
                while (!text.empty() && isWhitespace(text.back()))
                    text.pop_back();
            if (!text.empty())
                chunks.push_back({ Chunk::Type::Text, std::move(text), {}, posAt(pos) });
            pos = after;
            if (marker == '-')
                while (pos < m_src.size() && isWhitespace(m_src[pos]))
                    ++pos;
            else if (pos < m_src.size() && m_src[pos] == '\n')
                ++pos;
            return;
        }
        search = open + 2;
    }
}

} // namespace

std::string describe(const SourcePos& pos)
{
    return fmt::format("line {}, column {}", pos.line, pos.column);
}

std::vector<Chunk> lexTemplate(std::string_view source)
{
    // Jinja drops one trailing newline of the template (keep_trailing_newline is off).
    if (source.ends_with("\r\n"))
        source.remove_suffix(2);
    else if (source.ends_with('\n'))
        source.remove_suffix(1);
    return Lexer(source).run();
}

} // namespace moescope::tok::jinja

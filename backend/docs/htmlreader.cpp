#include "docs/htmlreader.h"

#include "core/error.h"
#include "docs/htmlentities.h"
#include "docs/pagesplitter.h"
#include "docs/textutil.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace moescope {

namespace {

constexpr std::size_t kMaxDepth = 4096; // deeper nesting is flattened (hostile input)

bool isAny(std::string_view name, std::initializer_list<std::string_view> names)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool isVoid(std::string_view n)
{
    return isAny(n, { "br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "param", "source" });
}

bool isBlock(std::string_view n)
{
    return isAny(n,
        { "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "center", "blockquote",
            "pre", "hr", "title", "section", "article", "header", "footer", "dt", "dd", "caption", "thead", "tbody",
            "body", "html", "form", "address" });
}

struct Tag {
    std::string name; // lower case, without the leading '/'
    bool closing = false;
    bool selfClosing = false;
    std::string style; // lower case, blanks removed
};

// Parses the tag starting at text[0] == '<'; returns the bytes used (0 when it is not a tag).
std::size_t parseTag(std::string_view text, Tag& tag)
{
    std::size_t i = 1;
    if (i < text.size() && text[i] == '/') {
        tag.closing = true;
        ++i;
    }
    const std::size_t nameStart = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == ':' || text[i] == '-'))
        ++i;
    if (i == nameStart)
        return 0;
    tag.name = toLowerAscii(text.substr(nameStart, i - nameStart));
    // Attributes: find the closing '>' outside quotes, and pick up style="...".
    char quote = 0;
    std::size_t attrStart = i;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            break;
        }
    }
    if (i >= text.size())
        return 0;
    const std::string attrs = toLowerAscii(text.substr(attrStart, i - attrStart));
    tag.selfClosing = !attrs.empty() && attrs.back() == '/';
    const auto s = attrs.find("style");
    if (s != std::string::npos) {
        auto q = attrs.find_first_of("\"'", s);
        if (q != std::string::npos) {
            auto e = attrs.find(attrs[q], q + 1);
            for (char c : std::string_view(attrs).substr(q + 1, (e == std::string::npos ? attrs.size() : e) - q - 1))
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                    tag.style += c;
        }
    }
    return i + 1;
}

bool breakBefore(const std::string& style)
{
    return style.find("page-break-before:always") != std::string::npos
        || style.find("break-before:page") != std::string::npos;
}

bool breakAfter(const std::string& style)
{
    return style.find("page-break-after:always") != std::string::npos
        || style.find("break-after:page") != std::string::npos;
}

class HtmlText {
public:
    void text(std::string_view s)
    {
        for (char c : s) {
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
                m_pendingSpace = true;
                continue;
            }
            if (m_pendingSpace && !lineEmpty() && m_out.back() != '\t')
                m_out += ' ';
            m_pendingSpace = false;
            m_out += c;
        }
    }
    void newline()
    {
        m_pendingSpace = false;
        if (!lineEmpty())
            m_out += '\n';
    }
    void cell()
    {
        m_pendingSpace = false;
        if (!lineEmpty() && m_out.back() != '\t')
            m_out += '\t';
    }
    void styleBreak()
    {
        newline();
        m_styleBreaks.push_back(m_out.size());
    }
    void hrBreak()
    {
        newline();
        m_hrBreaks.push_back(m_out.size());
    }
    std::string& out() { return m_out; }
    const std::vector<std::size_t>& styleBreaks() const { return m_styleBreaks; }
    const std::vector<std::size_t>& hrBreaks() const { return m_hrBreaks; }

private:
    bool lineEmpty() const { return m_out.empty() || m_out.back() == '\n'; }

    std::string m_out;
    bool m_pendingSpace = false;
    std::vector<std::size_t> m_styleBreaks;
    std::vector<std::size_t> m_hrBreaks;
};

struct Open {
    std::string name;
    bool hidden = false;
    bool breakAfter = false;
};

} // namespace

bool HtmlReader::canRead(const std::filesystem::path& path, std::string_view head) const
{
    const std::string ext = toLowerAscii(path.extension().string());
    if (ext == ".htm" || ext == ".html" || ext == ".xhtml")
        return true;
    const std::string h = toLowerAscii(head);
    return h.find("<html") != std::string::npos || h.find("<!doctype html") != std::string::npos;
}

Document HtmlReader::fromHtml(std::string_view bytes, const std::filesystem::path& source, FileIdentity identity,
    const ReadOptions& options, std::stop_token stop)
{
    const std::string html = sanitizeUtf8(bytes);
    const std::string_view in(html);
    HtmlText out;
    std::vector<Open> stack;
    int hiddenDepth = 0;
    std::string title;
    std::string entity;
    for (std::size_t i = 0; i < in.size();) {
        if ((i & 0xFFFF) == 0)
            throwIfStopRequested(stop);
        const char c = in[i];
        if (c == '<') {
            if (in.compare(i, 4, "<!--") == 0) {
                const auto e = in.find("-->", i + 4);
                i = e == std::string_view::npos ? in.size() : e + 3;
                continue;
            }
            if (i + 1 < in.size() && (in[i + 1] == '!' || in[i + 1] == '?')) {
                const auto e = in.find('>', i);
                i = e == std::string_view::npos ? in.size() : e + 1;
                continue;
            }
            Tag tag;
            const std::size_t used = parseTag(in.substr(i), tag);
            if (!used) {
                if (!hiddenDepth)
                    out.text("<");
                ++i;
                continue;
            }
            i += used;
            if (!tag.closing && (tag.name == "script" || tag.name == "style" || tag.name == "title")) {
                const std::string closeTag = "</" + tag.name;
                std::size_t e = i;
                while (e != std::string_view::npos) {
                    e = in.find("</", e);
                    if (e == std::string_view::npos || toLowerAscii(in.substr(e, closeTag.size())) == closeTag)
                        break;
                    e += 2;
                }
                const std::size_t end = e == std::string_view::npos ? in.size() : e;
                if (tag.name == "title" && title.empty()) {
                    std::string decoded;
                    for (std::size_t k = i; k < end; ++k) {
                        const std::size_t n = in[k] == '&' ? decodeHtmlEntity(in.substr(k), decoded) : 0;
                        if (n)
                            k += n - 1;
                        else
                            decoded += in[k];
                    }
                    title = collapseWhitespace(decoded);
                }
                const auto gt = in.find('>', end);
                i = gt == std::string_view::npos ? in.size() : gt + 1;
                continue;
            }
            if (tag.closing) {
                // Pop up to the matching element; a stray closing tag is ignored.
                auto it = std::find_if(stack.rbegin(), stack.rend(), [&](const Open& o) { return o.name == tag.name; });
                if (it != stack.rend()) {
                    bool brk = false;
                    while (!stack.empty()) {
                        Open o = std::move(stack.back());
                        stack.pop_back();
                        hiddenDepth -= o.hidden;
                        brk = brk || o.breakAfter;
                        if (o.name == tag.name)
                            break;
                    }
                    if (!hiddenDepth && brk)
                        out.styleBreak();
                }
                if (!hiddenDepth && (tag.name == "td" || tag.name == "th"))
                    out.cell();
                else if (!hiddenDepth && isBlock(tag.name))
                    out.newline();
                continue;
            }
            const bool hidden = tag.style.find("display:none") != std::string::npos;
            if (!hiddenDepth) {
                if (breakBefore(tag.style))
                    out.styleBreak();
                if (tag.name == "hr") {
                    if (breakAfter(tag.style))
                        out.styleBreak();
                    else
                        out.hrBreak();
                } else if (tag.name == "td" || tag.name == "th") {
                    out.cell();
                } else if (isBlock(tag.name)) {
                    out.newline();
                }
            }
            if (!isVoid(tag.name) && !tag.selfClosing) {
                if (stack.size() < kMaxDepth) {
                    stack.push_back({ tag.name, hidden, breakAfter(tag.style) });
                    hiddenDepth += hidden;
                }
            } else if (!hiddenDepth && tag.name != "hr" && breakAfter(tag.style)) {
                out.styleBreak();
            }
            continue;
        }
        if (hiddenDepth) {
            ++i;
            continue;
        }
        if (c == '&') {
            entity.clear();
            const std::size_t n = decodeHtmlEntity(in.substr(i), entity);
            if (n) {
                out.text(entity == "\xC2\xA0" ? std::string_view(" ") : std::string_view(entity));
                i += n;
                continue;
            }
        }
        const std::size_t next = std::min(in.find_first_of("<&", i + 1), in.size());
        out.text(in.substr(i, next - i));
        i = next;
    }

    std::string& text = out.out();
    std::vector<std::size_t> breaks = !out.styleBreaks().empty() ? out.styleBreaks()
        : out.hrBreaks().size() >= 3                             ? out.hrBreaks()
                                                                 : std::vector<std::size_t> {};
    DocumentMetadata meta;
    meta.format = "html";
    meta.title = title;
    std::vector<std::string> pages;
    if (breaks.empty()) {
        pages = splitIntoPseudoPages(tidyLines(text), options.pseudoPageChars);
    } else {
        meta.physicalPages = true;
        breaks.push_back(text.size());
        std::size_t start = 0;
        for (std::size_t b : breaks) {
            std::string page = tidyLines(std::string_view(text).substr(start, b - start));
            start = b;
            // Consecutive breaks (a break after and a break before) would make empty pages.
            if (page.empty() && b != text.size())
                continue;
            pages.push_back(std::move(page));
        }
        if (pages.size() > 1 && pages.back().empty())
            pages.pop_back();
    }
    if (int(pages.size()) > options.maxPages)
        throw FormatError(source.string() + ": " + std::to_string(pages.size()) + " pages, more than the limit of "
            + std::to_string(options.maxPages));
    return Document(source, std::move(meta), std::move(identity), pages);
}

Document HtmlReader::read(const std::filesystem::path& path, const ReadOptions& options, std::stop_token stop,
    const ProgressCallback& progress) const
{
    const std::string bytes = readFileBytes(path, options.maxFileBytes);
    Document doc = fromHtml(bytes, path, identityOf(path, bytes), options, stop);
    if (progress)
        progress(doc.pageCount(), doc.pageCount());
    return doc;
}

} // namespace moescope
